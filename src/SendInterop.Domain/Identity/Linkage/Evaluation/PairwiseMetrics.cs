namespace SendInterop.Domain.Identity.Linkage.Evaluation;

/// <summary>
/// Pairwise precision, recall and F1 against true identities: a predicted pair is a pair of records placed together;
/// it is right when the two share a true cluster. Counted from cluster-size contingencies, never by listing pairs.
/// </summary>
public sealed record PairwiseMetrics(long TruePositives, long PredictedPairs, long TruePairs)
{
    public double Precision => PredictedPairs == 0 ? 1.0 : TruePositives / (double)PredictedPairs;

    public double Recall => TruePairs == 0 ? 1.0 : TruePositives / (double)TruePairs;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    /// <summary>Metrics of a clustering (label per record) against the truth (label per record).</summary>
    public static PairwiseMetrics FromClusters(IReadOnlyList<int> predicted, IReadOnlyList<int> truth)
    {
        if (predicted.Count != truth.Count)
        {
            throw new ArgumentException("One predicted and one true label per record.");
        }
        var both = new Dictionary<(int, int), long>();
        var pred = new Dictionary<int, long>();
        var real = new Dictionary<int, long>();
        for (var i = 0; i < predicted.Count; i++)
        {
            both[(predicted[i], truth[i])] = both.GetValueOrDefault((predicted[i], truth[i])) + 1;
            pred[predicted[i]] = pred.GetValueOrDefault(predicted[i]) + 1;
            real[truth[i]] = real.GetValueOrDefault(truth[i]) + 1;
        }
        return new PairwiseMetrics(SumPairs(both.Values), SumPairs(pred.Values), SumPairs(real.Values));
    }

    /// <summary>Metrics of individual pairs (no transitive closure) against the truth.</summary>
    public static PairwiseMetrics FromPairs(IReadOnlyList<(int Left, int Right)> pairs, IReadOnlyList<int> truth)
    {
        long tp = 0;
        foreach (var (l, r) in pairs)
        {
            if (truth[l] == truth[r])
            {
                tp++;
            }
        }
        var real = new Dictionary<int, long>();
        foreach (var t in truth)
        {
            real[t] = real.GetValueOrDefault(t) + 1;
        }
        return new PairwiseMetrics(tp, pairs.Count, SumPairs(real.Values));
    }

    private static long SumPairs(IEnumerable<long> sizes)
    {
        long total = 0;
        foreach (var n in sizes)
        {
            total += n * (n - 1) / 2;
        }
        return total;
    }

    public override string ToString() => $"precision {Precision:0.0000}, recall {Recall:0.0000}, F1 {F1:0.0000}";
}
