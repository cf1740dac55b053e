namespace SendInterop.Domain.Identity.Linkage.Blocking;

/// <summary>
/// The record pairs blocking produced, as parallel arrays (left index &lt; right index): compact for a million pairs
/// and cheap to walk. <see cref="Rule"/> names the first rule that produced each pair.
/// </summary>
public sealed class CandidatePairs
{
    internal CandidatePairs(int[] left, int[] right, byte[] rule, IReadOnlyList<BlockingRuleReport> rules)
    {
        Left = left;
        Right = right;
        Rule = rule;
        Rules = rules;
    }

    public int[] Left { get; }

    public int[] Right { get; }

    public byte[] Rule { get; }

    public int Count => Left.Length;

    /// <summary>What each rule contributed: pairs new to it, and blocks skipped as too large.</summary>
    public IReadOnlyList<BlockingRuleReport> Rules { get; }
}

/// <summary>
/// One rule's share of the candidate pairs. <see cref="NewPairs"/> excludes pairs an earlier rule already produced.
/// A block over the size limit is skipped and counted here: it would cost quadratic time for pairs that are mostly
/// non-matches (a default or placeholder value shared by many records).
/// </summary>
public sealed record BlockingRuleReport(string Name, string Description, long NewPairs, int Blocks, int SkippedBlocks, int SkippedRecords, int LargestBlock);
