using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Evaluation;
using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Linkage.Bench;

/// <summary>Quality and cost of one run. Cluster metrics are the headline: they are what the index would hold.</summary>
internal sealed record Report(
    string Set,
    int Records,
    long TruePairs,
    long BlockedPairs,
    double BlockingRecall,
    PairwiseMetrics AutoClusters,
    PairwiseMetrics ReviewClusters,
    PairwiseMetrics AutoPairs,
    PairwiseMetrics ReviewPairs,
    int TwinPairsAutoLinked,
    int TwinPairsInReviewClusters,
    int TwinPairs,
    TimeSpan Training,
    TimeSpan Linking,
    TimeSpan Wall,
    long AllocatedBytes,
    long PeakWorkingSet)
{
    public const string Header =
        "| data set | records | true pairs | blocked pairs | blocking recall | auto-link P | auto-link R | auto-link F1 | auto+review P | auto+review R | auto+review F1 | twins auto-linked | train s | link s | total s | records/s | peak MB | allocated MB |\n" +
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    public static Report Build(string set, int records, IReadOnlyList<int> truth, IReadOnlyList<(int, int)> twins, LinkageResult result,
        TimeSpan wall, long allocated, long peak)
    {
        var autoPairs = new List<(int, int)>();
        var reviewPairs = new List<(int, int)>();
        long blockedTrue = 0;
        for (var k = 0; k < result.Pairs.Count; k++)
        {
            var pair = (result.Pairs.Left[k], result.Pairs.Right[k]);
            if (truth[pair.Item1] == truth[pair.Item2])
            {
                blockedTrue++;
            }
            if (result.Bands[k] >= MatchBand.Review)
            {
                reviewPairs.Add(pair);
            }
            if (result.Bands[k] == MatchBand.AutoLink)
            {
                autoPairs.Add(pair);
            }
        }
        var auto = PairwiseMetrics.FromClusters(result.AutoLinkClusters.Labels, truth);
        var twinAuto = 0;
        var twinReview = 0;
        var twinPairs = 0;
        if (twins.Count > 0)
        {
            var recordsOf = new Dictionary<int, List<int>>();
            for (var i = 0; i < truth.Count; i++)
            {
                if (!recordsOf.TryGetValue(truth[i], out var list))
                {
                    recordsOf[truth[i]] = list = [];
                }
                list.Add(i);
            }
            foreach (var (a, b) in twins)
            {
                foreach (var x in recordsOf.GetValueOrDefault(a, []))
                {
                    foreach (var y in recordsOf.GetValueOrDefault(b, []))
                    {
                        twinPairs++;
                        twinAuto += result.AutoLinkClusters.Labels[x] == result.AutoLinkClusters.Labels[y] ? 1 : 0;
                        twinReview += result.ReviewClusters.Labels[x] == result.ReviewClusters.Labels[y] ? 1 : 0;
                    }
                }
            }
        }
        return new Report(set, records, auto.TruePairs, result.Pairs.Count, auto.TruePairs == 0 ? 1 : blockedTrue / (double)auto.TruePairs,
            auto, PairwiseMetrics.FromClusters(result.ReviewClusters.Labels, truth),
            PairwiseMetrics.FromPairs(autoPairs, truth), PairwiseMetrics.FromPairs(reviewPairs, truth),
            twinAuto, twinReview, twinPairs, result.Timings.Training, result.Timings.Linking, wall, allocated, peak);
    }

    public string Row() =>
        $"| {Set} | {Records:N0} | {TruePairs:N0} | {BlockedPairs:N0} | {BlockingRecall:0.000} | {AutoClusters.Precision:0.0000} | {AutoClusters.Recall:0.0000} | {AutoClusters.F1:0.0000} | " +
        $"{ReviewClusters.Precision:0.0000} | {ReviewClusters.Recall:0.0000} | {ReviewClusters.F1:0.0000} | {(TwinPairs == 0 ? "-" : $"{TwinPairsAutoLinked}/{TwinPairs}")} | " +
        $"{Training.TotalSeconds:0.00} | {Linking.TotalSeconds:0.00} | {Wall.TotalSeconds:0.00} | {Records / Wall.TotalSeconds:N0} | {PeakWorkingSet / 1048576.0:0} | {AllocatedBytes / 1048576.0:0} |";

    public void PrintLong(LinkageResult result)
    {
        var model = result.Model;
        var training = model.Training!;
        Console.WriteLine($"{Set}: {Records:N0} records, {TruePairs:N0} true pairs");
        Console.WriteLine($"  blocking: {BlockedPairs:N0} candidate pairs, recall of true pairs {BlockingRecall:0.0000}");
        foreach (var rule in result.Pairs.Rules)
        {
            Console.WriteLine($"    {rule.Name,-36} {rule.NewPairs,9:N0} new pairs, {rule.Blocks,7:N0} blocks, largest {rule.LargestBlock,5}, skipped {rule.SkippedBlocks}");
        }
        Console.WriteLine($"  training: {training.SampledPairs:N0} sampled pairs ({training.SamplePatterns:N0} patterns), {training.BlockedPairs:N0} blocked pairs " +
            $"({training.BlockedPatterns:N0} patterns), EM {training.Iterations} iterations, converged {training.Converged}, " +
            $"λ {model.ProbabilityTwoRandomRecordsMatch:0.000e0} (prior weight {model.PriorWeight:+0.00;-0.00}), expected matching pairs {training.ExpectedMatchingPairs:N0}");
        Console.WriteLine($"  bands: auto-link {result.CountInBand(MatchBand.AutoLink):N0}, review {result.CountInBand(MatchBand.Review):N0}, no link {result.CountInBand(MatchBand.NoLink):N0}");
        Console.WriteLine($"  clusters at auto-link:   {AutoClusters} ({result.AutoLinkClusters.MultiRecordClusters:N0} multi-record, largest {result.AutoLinkClusters.LargestCluster}, {result.AutoLinkClusters.RefusedJoins} joins refused)");
        Console.WriteLine($"  clusters at auto+review: {ReviewClusters} ({result.ReviewClusters.MultiRecordClusters:N0} multi-record, largest {result.ReviewClusters.LargestCluster}, {result.ReviewClusters.RefusedJoins} joins refused)");
        Console.WriteLine($"  pairs at auto-link:      {AutoPairs}");
        Console.WriteLine($"  pairs at auto+review:    {ReviewPairs}");
        if (TwinPairs > 0)
        {
            Console.WriteLine($"  twins: {TwinPairsAutoLinked} of {TwinPairs} twin record pairs auto-linked, {TwinPairsInReviewClusters} in one auto+review cluster");
        }
        Console.WriteLine($"  time: training {Training.TotalSeconds:0.00} s (sampling {training.SamplingTime.TotalSeconds:0.00}, EM {training.EmTime.TotalSeconds:0.00}), linking {Linking.TotalSeconds:0.00} s, total {Wall.TotalSeconds:0.00} s, {Records / Wall.TotalSeconds:N0} records/s");
        Console.WriteLine($"  stages: {result.Timings}");
        Console.WriteLine($"  memory: peak working set {PeakWorkingSet / 1048576.0:0} MB, allocated {AllocatedBytes / 1048576.0:0} MB");
        Console.WriteLine("  model (m / u, weight):");
        foreach (var comparison in model.ToParameters().Comparisons)
        {
            Console.WriteLine($"    {comparison.Name}: " + string.Join(" ", comparison.Levels.Select(l => $"{l.Label} {l.M:0.000}/{l.U:0.0e0} ({l.Weight:+0.0;-0.0})")));
        }
    }
}
