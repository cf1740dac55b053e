using SendInterop.Domain.Identity.Linkage.Blocking;
using SendInterop.Domain.Identity.Linkage.Clustering;
using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Domain.Identity.Linkage;

/// <summary>
/// Everything a deduplication run produced: the candidate pairs with their levels, weights and bands, the clusters at
/// auto-link and at auto-link + review, and how long each stage took. Any pair can be explained from the stored levels.
/// </summary>
public sealed class LinkageResult
{
    internal LinkageResult(LinkageModel model, PairScorer scorer, IReadOnlyList<PreparedRecord> records, CandidatePairs pairs,
        byte[] pairLevels, double[] weights, MatchBand[] bands, IReadOnlySet<int> ambiguousRecords, ClusterResult autoLinkClusters,
        ClusterResult reviewClusters, LinkageTimings timings)
    {
        AmbiguousRecords = ambiguousRecords;
        Model = model;
        Scorer = scorer;
        Records = records;
        Pairs = pairs;
        PairLevels = pairLevels;
        Weights = weights;
        Bands = bands;
        AutoLinkClusters = autoLinkClusters;
        ReviewClusters = reviewClusters;
        Timings = timings;
    }

    public LinkageModel Model { get; }

    public PairScorer Scorer { get; }

    public IReadOnlyList<PreparedRecord> Records { get; }

    /// <summary>The blocked pairs and what each blocking rule contributed.</summary>
    public CandidatePairs Pairs { get; }

    /// <summary>Levels per pair: pair k, comparison c at k * comparisons + c.</summary>
    public byte[] PairLevels { get; }

    /// <summary>Match weight per pair.</summary>
    public double[] Weights { get; }

    public MatchBand[] Bands { get; }

    /// <summary>Records whose auto-links were demoted to review because they link to two records that must stay apart.</summary>
    public IReadOnlySet<int> AmbiguousRecords { get; }

    /// <summary>Clusters of auto-linked pairs (what the index joins without a person).</summary>
    public ClusterResult AutoLinkClusters { get; }

    /// <summary>Clusters if every review pair were accepted as well.</summary>
    public ClusterResult ReviewClusters { get; }

    public LinkageTimings Timings { get; }

    public int CountInBand(MatchBand band)
    {
        var count = 0;
        foreach (var b in Bands)
        {
            if (b == band)
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Why pair <paramref name="pair"/> scored as it did: every comparison's level and weight.</summary>
    public PairScore Explain(int pair, bool includeValues = false)
    {
        var c = Model.Comparisons.Count;
        var score = Scorer.Explain(Records[Pairs.Left[pair]], Records[Pairs.Right[pair]], PairLevels.AsSpan(pair * c, c), includeValues);
        return score.Band == Bands[pair] ? score : score with { Band = Bands[pair], Rules = [.. score.Rules, AmbiguityGuard.Rule] };
    }
}

/// <summary>Wall time of each stage of a run. Training is zero when a trained model was supplied.</summary>
public sealed record LinkageTimings(TimeSpan Prepare, TimeSpan Blocking, TimeSpan Comparing, TimeSpan Training, TimeSpan Scoring, TimeSpan Clustering)
{
    public TimeSpan Total => Prepare + Blocking + Comparing + Training + Scoring + Clustering;

    /// <summary>Everything except training: what linking a set with an already trained model costs.</summary>
    public TimeSpan Linking => Total - Training;
}
