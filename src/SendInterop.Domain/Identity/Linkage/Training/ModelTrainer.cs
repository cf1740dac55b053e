using System.Diagnostics;
using SendInterop.Domain.Identity.Linkage.Comparisons;

namespace SendInterop.Domain.Identity.Linkage.Training;

/// <summary>
/// Trains a <see cref="LinkageModel"/> from unlabelled records: u from a random pair sample, then m, u and λ by
/// <see cref="ExpectationMaximisation"/> on the blocked pairs, with configured overrides held fixed throughout.
/// </summary>
public sealed class ModelTrainer(IReadOnlyList<Comparison> comparisons, LinkageOptions options)
{
    /// <param name="records">All records of the set being linked.</param>
    /// <param name="blockedPairLevels">The levels of every blocked pair (<see cref="PairLevels.Compute"/>).</param>
    public LinkageModel Train(IReadOnlyList<PreparedRecord> records, byte[] blockedPairLevels)
    {
        if (records.Count < 2)
        {
            throw new ArgumentException("Training needs at least two records.", nameof(records));
        }
        var watch = Stopwatch.StartNew();
        var sample = RandomPairSampler.Sample(comparisons, records, options.RandomPairSampleSize, options.Seed, options.Parallelism);
        var samplingTime = watch.Elapsed;

        watch.Restart();
        var blocked = LevelPatternCounts.FromPairLevels(blockedPairLevels, comparisons.Count);
        var (fixedM, fixedU) = ResolveOverrides(comparisons, options.Overrides);
        var n = (double)records.Count;
        var totalPairs = n * (n - 1) / 2;
        // Start as if each record had one duplicate: the right order of magnitude for a record set with duplicates.
        var initialLambda = Math.Clamp(n / totalPairs, 1e-9, 0.1);
        var em = new ExpectationMaximisation(comparisons, blocked, sample, totalPairs, options, fixedM, fixedU,
            Scoring.LinkRule.CreateDefault(comparisons, options));
        var result = em.Run(initialLambda);
        var report = new TrainingReport(
            SampledPairs: (long)sample.TotalPairs,
            SamplePatterns: sample.PatternCount,
            BlockedPairs: (long)blocked.TotalPairs,
            BlockedPatterns: blocked.PatternCount,
            Iterations: result.Iterations,
            Converged: result.Converged,
            ProbabilityTwoRandomRecordsMatch: result.Lambda,
            ExpectedMatchingPairs: result.ExpectedMatches,
            History: result.History,
            SamplingTime: samplingTime,
            EmTime: watch.Elapsed);
        return new LinkageModel(comparisons, result.M, result.U, result.Lambda, report, records.Count);
    }

    /// <summary>Configured overrides as per-level fixed values; an unknown comparison or level is an error, not ignored.</summary>
    internal static (double?[][] M, double?[][] U) ResolveOverrides(IReadOnlyList<Comparison> comparisons, IEnumerable<LevelOverride> overrides)
    {
        var m = new double?[comparisons.Count][];
        var u = new double?[comparisons.Count][];
        for (var c = 0; c < comparisons.Count; c++)
        {
            m[c] = new double?[comparisons[c].Levels.Count];
            u[c] = new double?[comparisons[c].Levels.Count];
        }
        foreach (var o in overrides)
        {
            var c = -1;
            for (var i = 0; i < comparisons.Count; i++)
            {
                if (string.Equals(comparisons[i].Name, o.Comparison, StringComparison.OrdinalIgnoreCase))
                {
                    c = i;
                }
            }
            if (c < 0)
            {
                throw new ArgumentException($"Override names unknown comparison '{o.Comparison}'.");
            }
            var l = comparisons[c].LevelIndex(o.Level);
            if (l <= 0)
            {
                throw new ArgumentException($"Override names unknown or null level '{o.Comparison}/{o.Level}'.");
            }
            m[c][l] = o.M ?? m[c][l];
            u[c][l] = o.U ?? u[c][l];
        }
        return (m, u);
    }
}
