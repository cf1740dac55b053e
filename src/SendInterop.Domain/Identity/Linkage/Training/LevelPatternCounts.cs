namespace SendInterop.Domain.Identity.Linkage.Training;

/// <summary>
/// Pairs grouped by their whole level vector ("given exact, family null, dob one field differs, ..."), with a count.
/// Pairs with the same vector have the same match probability, so EM iterates over a few thousand distinct patterns
/// instead of every pair. A vector is packed 4 bits per comparison into a ulong (at most 16 comparisons of at most 16
/// levels, checked by <see cref="Comparisons.Comparison"/>).
/// </summary>
public sealed class LevelPatternCounts
{
    private LevelPatternCounts(int comparisons, byte[] levels, double[] counts)
    {
        Comparisons = comparisons;
        Levels = levels;
        Counts = counts;
    }

    public int Comparisons { get; }

    /// <summary>Distinct patterns, flattened: pattern p's level for comparison c at p * Comparisons + c.</summary>
    public byte[] Levels { get; }

    /// <summary>How many pairs have each pattern.</summary>
    public double[] Counts { get; }

    public int PatternCount => Counts.Length;

    public double TotalPairs => Counts.Sum();

    public static LevelPatternCounts FromPairLevels(byte[] pairLevels, int comparisons)
    {
        if (comparisons > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(comparisons), "At most 16 comparisons.");
        }
        var counts = new Dictionary<ulong, double>();
        var pairs = pairLevels.Length / comparisons;
        for (var k = 0; k < pairs; k++)
        {
            ulong key = 0;
            var offset = k * comparisons;
            for (var c = 0; c < comparisons; c++)
            {
                key |= (ulong)pairLevels[offset + c] << (4 * c);
            }
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        var levels = new byte[counts.Count * comparisons];
        var weights = new double[counts.Count];
        var p = 0;
        foreach (var (key, count) in counts)
        {
            for (var c = 0; c < comparisons; c++)
            {
                levels[p * comparisons + c] = (byte)((key >> (4 * c)) & 0xF);
            }
            weights[p++] = count;
        }
        return new LevelPatternCounts(comparisons, levels, weights);
    }
}
