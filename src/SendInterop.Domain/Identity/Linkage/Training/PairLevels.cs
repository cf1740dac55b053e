using SendInterop.Domain.Identity.Linkage.Comparisons;

namespace SendInterop.Domain.Identity.Linkage.Training;

/// <summary>
/// Computes the comparison level of every comparison for a list of pairs, once: training (EM) and scoring both read
/// the result, so the costly string comparisons run one time per pair. Layout: pair k's level for comparison c is at
/// k * comparisons + c. Runs on all cores in chunks; comparisons are stateless so this is safe.
/// </summary>
public static class PairLevels
{
    private const int Chunk = 4096;

    public static byte[] Compute(IReadOnlyList<Comparison> comparisons, IReadOnlyList<PreparedRecord> records,
        int[] left, int[] right, int degreeOfParallelism)
    {
        var c = comparisons.Count;
        var levels = new byte[(long)left.Length * c];
        var chunks = (left.Length + Chunk - 1) / Chunk;
        var comps = comparisons as Comparison[] ?? comparisons.ToArray();
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degreeOfParallelism) }, chunk =>
        {
            var end = Math.Min(left.Length, (chunk + 1) * Chunk);
            for (var k = chunk * Chunk; k < end; k++)
            {
                Fill(comps, records[left[k]], records[right[k]], levels.AsSpan(k * c, c));
            }
        });
        return levels;
    }

    /// <summary>The levels of one pair into <paramref name="destination"/> (length = number of comparisons).</summary>
    public static void Fill(Comparison[] comparisons, PreparedRecord a, PreparedRecord b, Span<byte> destination)
    {
        for (var i = 0; i < comparisons.Length; i++)
        {
            destination[i] = (byte)comparisons[i].Compare(a, b);
        }
    }
}
