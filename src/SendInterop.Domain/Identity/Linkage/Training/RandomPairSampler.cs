using SendInterop.Domain.Identity.Linkage.Comparisons;

namespace SendInterop.Domain.Identity.Linkage.Training;

/// <summary>
/// Splink's way to estimate u: compare random pairs of records. Almost every random pair is two different people,
/// so the share of sampled pairs at a level is that level's u. When the record set has no more pairs than the
/// sample size, every pair is used instead (exact rather than sampled). Seeded, so training is reproducible.
/// </summary>
public static class RandomPairSampler
{
    public static LevelPatternCounts Sample(IReadOnlyList<Comparison> comparisons, IReadOnlyList<PreparedRecord> records,
        int maxPairs, int seed, int degreeOfParallelism)
    {
        var n = records.Count;
        var total = (long)n * (n - 1) / 2;
        int[] left, right;
        if (total <= maxPairs)
        {
            left = new int[total];
            right = new int[total];
            var k = 0;
            for (var i = 0; i < n; i++)
            {
                for (var j = i + 1; j < n; j++)
                {
                    left[k] = i;
                    right[k++] = j;
                }
            }
        }
        else
        {
            var random = new Random(seed);
            left = new int[maxPairs];
            right = new int[maxPairs];
            for (var k = 0; k < maxPairs; k++)
            {
                var i = random.Next(n);
                var j = random.Next(n - 1);
                if (j >= i)
                {
                    j++;
                }
                left[k] = i;
                right[k] = j;
            }
        }
        var levels = PairLevels.Compute(comparisons, records, left, right, degreeOfParallelism);
        return LevelPatternCounts.FromPairLevels(levels, comparisons.Count);
    }
}
