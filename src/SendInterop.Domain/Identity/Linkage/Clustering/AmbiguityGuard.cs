using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Domain.Identity.Linkage.Clustering;

/// <summary>
/// A record without a given name that auto-links to two records which must not be joined (twin A and twin B, or two
/// different verified NHS numbers) cannot tell us which of them it belongs to: it lacks the one field that separates
/// twins. Its auto-links are demoted to review before clustering, so it joins neither child until a person decides.
/// (A record with a given name is left alone: its given-name comparison already favours one of the two.)
/// </summary>
public static class AmbiguityGuard
{
    public const string Rule = "ambiguous_record (CapAtReview): auto-links to two records that must stay apart";

    /// <summary>Demotes the auto-links of ambiguous records in <paramref name="bands"/>; returns those records.</summary>
    public static HashSet<int> Apply(IReadOnlyList<PreparedRecord> records, int[] left, int[] right, MatchBand[] bands, PairScorer scorer)
    {
        var neighbours = new Dictionary<int, List<int>>();
        for (var k = 0; k < left.Length; k++)
        {
            if (bands[k] == MatchBand.AutoLink)
            {
                Add(neighbours, left[k], right[k]);
                Add(neighbours, right[k], left[k]);
            }
        }
        var ambiguous = new HashSet<int>();
        foreach (var (record, linked) in neighbours)
        {
            if (linked.Count > 1 && records[record].Given is null && HasConflict(records, linked, scorer))
            {
                ambiguous.Add(record);
            }
        }
        if (ambiguous.Count > 0)
        {
            for (var k = 0; k < left.Length; k++)
            {
                if (bands[k] == MatchBand.AutoLink && (ambiguous.Contains(left[k]) || ambiguous.Contains(right[k])))
                {
                    bands[k] = MatchBand.Review;
                }
            }
        }
        return ambiguous;
    }

    /// <summary>True when two of the candidates must not be in one cluster automatically.</summary>
    public static bool HasConflict(IReadOnlyList<PreparedRecord> records, IReadOnlyList<int> candidates, PairScorer scorer)
    {
        for (var i = 0; i < candidates.Count; i++)
        {
            for (var j = i + 1; j < candidates.Count; j++)
            {
                scorer.Score(records[candidates[i]], records[candidates[j]], out _, out var constraint);
                if (constraint != ClusterConstraint.None)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static void Add(Dictionary<int, List<int>> neighbours, int from, int to)
    {
        if (!neighbours.TryGetValue(from, out var list))
        {
            neighbours[from] = list = [];
        }
        list.Add(to);
    }
}
