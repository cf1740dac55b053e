using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Domain.Identity.Linkage.Clustering;

/// <summary>
/// Turns linked pairs into people: connected components over the pairs at or above a band, joined strongest pair
/// first. Guard against chaining: before joining two groups every cross pair is scored, and the join is refused if
/// any cross pair must not be (<see cref="ClusterConstraint"/>: at auto-link, the twin guard; always, conflicting
/// verified NHS numbers or a weight below the configured floor). So twin A and twin B stay apart even when a record
/// without a given name links to both.
/// </summary>
public sealed class LinkClusterer(PairScorer scorer)
{
    /// <summary>Cross-pair checks per join above which the join is refused outright (a runaway component).</summary>
    public int MaxCrossPairChecks { get; init; } = 250_000;

    /// <summary>
    /// Average linkage on top of the pairwise links: two groups join only if the mean match probability over all
    /// their cross pairs reaches this. Fragments of one child agree with each other on average; two children joined by
    /// one coincidental pair (same date of birth, names missing) do not.
    /// </summary>
    public double MinimumMeanCrossProbability { get; init; }

    public ClusterLinkage Linkage { get; init; } = ClusterLinkage.BestPartner;

    public ClusterResult Cluster(IReadOnlyList<PreparedRecord> records, int[] left, int[] right, double[] weights,
        MatchBand[] bands, MatchBand minimumBand)
    {
        var eligible = new List<int>();
        for (var k = 0; k < left.Length; k++)
        {
            if (bands[k] >= minimumBand)
            {
                eligible.Add(k);
            }
        }
        // Strongest first: when a guard refuses, the better-supported grouping has already formed.
        eligible.Sort((x, y) => weights[y].CompareTo(weights[x]));

        var sets = new UnionFind(records.Count);
        int refused = 0, joins = 0;
        foreach (var k in eligible)
        {
            var a = sets.Find(left[k]);
            var b = sets.Find(right[k]);
            if (a == b)
            {
                continue;
            }
            if (!CanJoin(records, sets, a, b, left[k], right[k], minimumBand))
            {
                refused++;
                continue;
            }
            sets.Union(a, b);
            joins++;
        }
        var labels = sets.Labels();
        var sizes = new Dictionary<int, int>();
        foreach (var label in labels)
        {
            sizes[label] = sizes.GetValueOrDefault(label) + 1;
        }
        var largest = 0;
        var multi = 0;
        foreach (var size in sizes.Values)
        {
            largest = Math.Max(largest, size);
            if (size > 1)
            {
                multi++;
            }
        }
        return new ClusterResult(labels, sizes.Count, multi, largest, joins, refused);
    }

    private bool CanJoin(IReadOnlyList<PreparedRecord> records, UnionFind sets, int rootA, int rootB, int pairLeft, int pairRight, MatchBand band)
    {
        var membersA = sets.Members(rootA);
        var membersB = sets.Members(rootB);
        if ((long)membersA.Count * membersB.Count > MaxCrossPairChecks)
        {
            return false;
        }
        // Per record, its best cross-pair probability into the other group ("does it have a likely partner there?").
        Span<double> bestA = membersA.Count <= 64 ? stackalloc double[membersA.Count] : new double[membersA.Count];
        Span<double> bestB = membersB.Count <= 64 ? stackalloc double[membersB.Count] : new double[membersB.Count];
        bestA.Clear();
        bestB.Clear();
        var probabilitySum = 0.0;
        var count = 0;
        for (var ia = 0; ia < membersA.Count; ia++)
        {
            var x = membersA[ia];
            for (var ib = 0; ib < membersB.Count; ib++)
            {
                var y = membersB[ib];
                count++;
                double p;
                if ((x == pairLeft && y == pairRight) || (x == pairRight && y == pairLeft))
                {
                    p = 1; // the joining pair itself is eligible by construction
                }
                else
                {
                    scorer.Score(records[x], records[y], out var weight, out var constraint);
                    if (constraint == ClusterConstraint.Never || (band == MatchBand.AutoLink && constraint == ClusterConstraint.NotAutomatic))
                    {
                        return false;
                    }
                    p = LinkageModel.Probability(weight);
                }
                probabilitySum += p;
                bestA[ia] = Math.Max(bestA[ia], p);
                bestB[ib] = Math.Max(bestB[ib], p);
            }
        }
        if (Linkage == ClusterLinkage.BestPartner)
        {
            var sum = 0.0;
            foreach (var p in bestA)
            {
                sum += p;
            }
            foreach (var p in bestB)
            {
                sum += p;
            }
            return sum / (bestA.Length + bestB.Length) >= MinimumMeanCrossProbability;
        }
        return count == 1 || probabilitySum / count >= MinimumMeanCrossProbability;
    }
}

/// <summary>
/// Cluster label per record (the smallest record index in its cluster), counts, and how many joins the guard refused
/// (each refusal is a group of records a person may want to look at).
/// </summary>
public sealed record ClusterResult(int[] Labels, int Clusters, int MultiRecordClusters, int LargestCluster, int Joins, int RefusedJoins);

/// <summary>How two groups' cross pairs are summarised before comparing with the minimum mean probability.</summary>
public enum ClusterLinkage
{
    /// <summary>Mean over all cross pairs (classic average linkage).</summary>
    Average,

    /// <summary>Mean over records of each record's best cross-pair probability: every record should have a likely partner.</summary>
    BestPartner,
}
