using System.Diagnostics;
using SendInterop.Domain.Identity.Linkage.Blocking;
using SendInterop.Domain.Identity.Linkage.Clustering;
using SendInterop.Domain.Identity.Linkage.Comparisons;
using SendInterop.Domain.Identity.Linkage.Scoring;
using SendInterop.Domain.Identity.Linkage.Training;

namespace SendInterop.Domain.Identity.Linkage;

/// <summary>
/// The record-linkage engine (Fellegi-Sunter, trained like Splink, in memory): train a model from unlabelled records,
/// deduplicate a whole set, or build an index to match new records one at a time. The comparisons and blocking rules
/// default to <see cref="DefaultComparisons"/> and <see cref="DefaultBlockingRules"/>.
/// </summary>
public sealed class LinkageEngine
{
    public LinkageEngine(LinkageOptions? options = null, IReadOnlyList<Comparison>? comparisons = null, IReadOnlyList<BlockingRule>? blockingRules = null)
    {
        Options = options ?? new LinkageOptions();
        Options.Validate();
        Comparisons = comparisons ?? DefaultComparisons.Create();
        BlockingRules = blockingRules ?? DefaultBlockingRules.Create();
        if (Comparisons.Count is 0 or > 16)
        {
            throw new ArgumentException("Between 1 and 16 comparisons.", nameof(comparisons));
        }
    }

    public LinkageOptions Options { get; }

    public IReadOnlyList<Comparison> Comparisons { get; }

    public IReadOnlyList<BlockingRule> BlockingRules { get; }

    /// <summary>Normalises every record once; refuses duplicate ids (pairs and clusters are reported by id).</summary>
    public static PreparedRecord[] Prepare(IReadOnlyList<LinkageRecord> records)
    {
        var prepared = new PreparedRecord[records.Count];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            if (!ids.Add(records[i].Id))
            {
                throw new ArgumentException($"Duplicate record id '{records[i].Id}'.", nameof(records));
            }
            prepared[i] = PreparedRecord.From(records[i], i);
        }
        return prepared;
    }

    /// <summary>Trains a model on these records (no labels needed).</summary>
    public LinkageModel Train(IReadOnlyList<LinkageRecord> records)
    {
        var prepared = Prepare(records);
        var pairs = new PairBlocker(BlockingRules, Options.MaxBlockSize).Generate(prepared);
        var levels = PairLevels.Compute(Comparisons, prepared, pairs.Left, pairs.Right, Options.Parallelism);
        return new ModelTrainer(Comparisons, Options).Train(prepared, levels);
    }

    /// <summary>
    /// Finds the records of the same child within one set: block, compare, train (unless <paramref name="model"/> is
    /// given), score, cluster at auto-link and at review.
    /// </summary>
    public LinkageResult Deduplicate(IReadOnlyList<LinkageRecord> records, LinkageModel? model = null)
    {
        var watch = Stopwatch.StartNew();
        var prepared = Prepare(records);
        var prepareTime = watch.Elapsed;

        watch.Restart();
        var pairs = new PairBlocker(BlockingRules, Options.MaxBlockSize).Generate(prepared);
        var blockingTime = watch.Elapsed;

        watch.Restart();
        var levels = PairLevels.Compute(Comparisons, prepared, pairs.Left, pairs.Right, Options.Parallelism);
        var comparingTime = watch.Elapsed;

        watch.Restart();
        model = model is null
            ? new ModelTrainer(Comparisons, Options).Train(prepared, levels)
            : model.ForRecordCount(prepared.Length);
        var trainingTime = model.Training is null ? TimeSpan.Zero : watch.Elapsed;

        watch.Restart();
        var tf = TermFrequencyTable.Build(Comparisons, prepared);
        var scorer = new PairScorer(model, tf, Options);
        var weights = new double[pairs.Count];
        var bands = new MatchBand[pairs.Count];
        var c = Comparisons.Count;
        Parallel.For(0, (pairs.Count + 8191) / 8192, new ParallelOptions { MaxDegreeOfParallelism = Options.Parallelism }, chunk =>
        {
            var end = Math.Min(pairs.Count, (chunk + 1) * 8192);
            for (var k = chunk * 8192; k < end; k++)
            {
                var a = prepared[pairs.Left[k]];
                var b = prepared[pairs.Right[k]];
                var pairLevels = levels.AsSpan(k * c, c);
                weights[k] = scorer.Weight(a, b, pairLevels);
                bands[k] = scorer.Band(a, b, pairLevels, weights[k], out _);
            }
        });
        var scoringTime = watch.Elapsed;

        watch.Restart();
        var ambiguous = AmbiguityGuard.Apply(prepared, pairs.Left, pairs.Right, bands, scorer);
        var clusterer = new LinkClusterer(scorer) { MinimumMeanCrossProbability = Options.ClusterMinimumMeanProbability, Linkage = Options.ClusterLinkage };
        var autoLink = clusterer.Cluster(prepared, pairs.Left, pairs.Right, weights, bands, MatchBand.AutoLink);
        var review = clusterer.Cluster(prepared, pairs.Left, pairs.Right, weights, bands, MatchBand.Review);
        var clusteringTime = watch.Elapsed;

        return new LinkageResult(model, scorer, prepared, pairs, levels, weights, bands, ambiguous, autoLink, review,
            new LinkageTimings(prepareTime, blockingTime, comparingTime, trainingTime, scoringTime, clusteringTime));
    }

    /// <summary>An index over existing records for matching new ones (the gateway's path for an incoming Patient).</summary>
    public LinkageIndex CreateIndex(LinkageModel model, IEnumerable<LinkageRecord>? records = null)
    {
        var index = new LinkageIndex(model, Options, BlockingRules);
        if (records is not null)
        {
            foreach (var record in records)
            {
                index.Add(record);
            }
        }
        return index;
    }
}
