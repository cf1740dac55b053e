using SendInterop.Domain.Identity.Linkage.Comparisons;
using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Domain.Identity.Linkage.Training;

/// <summary>
/// Estimates m (and refines u and λ) by expectation-maximisation over the whole pair space, approximated as:
/// blocked pairs carry the matches (their posterior weights every m and λ); pairs no rule blocked count as
/// non-matches; the random sample stands for the pair space when re-estimating u (each sampled pair weighted by
/// 1 - its posterior). λ = expected matches among blocked pairs / all pairs. Unlike Splink's one-session-per-rule
/// training this needs no rule-by-rule bookkeeping, and because posteriors use the global λ and global u, the
/// blocked pairs' own bias (they agree on the blocking fields) does not leak into m. Pairs a <see cref="LinkRule"/>
/// settles (two verified NHS numbers; the household guard's twins and siblings) enter as labelled: that anchors the
/// match class to "same child", where plain EM on household-structured data drifts to "same household".
/// </summary>
internal sealed class ExpectationMaximisation
{
    private readonly IReadOnlyList<Comparison> _comparisons;
    private readonly LevelPatternCounts _blocked;
    private readonly LevelPatternCounts _sample;
    private readonly double _totalPairs;
    private readonly LinkageOptions _options;
    private readonly double?[][] _fixedM;
    private readonly double?[][] _fixedU;
    private readonly LinkRule[] _rules;

    public ExpectationMaximisation(IReadOnlyList<Comparison> comparisons, LevelPatternCounts blocked, LevelPatternCounts sample,
        double totalPairs, LinkageOptions options, double?[][] fixedM, double?[][] fixedU, LinkRule[] rules)
    {
        _rules = rules;
        _comparisons = comparisons;
        _blocked = blocked;
        _sample = sample;
        _totalPairs = totalPairs;
        _options = options;
        _fixedM = fixedM;
        _fixedU = fixedU;
    }

    public sealed record Result(double[][] M, double[][] U, double Lambda, int Iterations, bool Converged, double ExpectedMatches, List<EmIteration> History);

    public Result Run(double initialLambda)
    {
        var c = _comparisons.Count;
        var prior = new double[c][];
        var m = new double[c][];
        for (var i = 0; i < c; i++)
        {
            var levels = _comparisons[i].Levels;
            prior[i] = new double[levels.Count];
            for (var l = 1; l < levels.Count; l++)
            {
                prior[i][l] = levels[l].PriorM;
            }
            Normalise(prior[i]);
            m[i] = (double[])prior[i].Clone();
            ApplyFixed(m[i], _fixedM[i]);
        }

        // Starting u: the plain sample shares (every sampled pair counted as a non-match).
        var sampleCounts = Allocate();
        Accumulate(_sample, sampleCounts, weightOf: _ => 1.0);
        var u = Allocate();
        for (var i = 0; i < c; i++)
        {
            Smooth(sampleCounts[i], u[i], pseudo: _options.USmoothing, shape: null);
            ApplyFixed(u[i], _fixedU[i]);
        }

        var lambda = _options.ProbabilityTwoRandomRecordsMatch ?? initialLambda;
        var history = new List<EmIteration>();
        var converged = false;
        var expected = 0.0;
        var iteration = 0;
        var logWeights = Allocate();
        while (iteration < _options.MaxIterations)
        {
            iteration++;
            LogWeights(m, u, logWeights);
            var logPrior = Math.Log(lambda / (1 - lambda));

            // E step on blocked pairs: expected matches at each level.
            var mCounts = Allocate();
            expected = Accumulate(_blocked, mCounts, pattern => Posterior(_blocked, pattern, logPrior, logWeights));

            // M step.
            var newM = Allocate();
            for (var i = 0; i < c; i++)
            {
                Smooth(mCounts[i], newM[i], pseudo: _options.MPriorStrength, shape: prior[i]);
                ApplyFixed(newM[i], _fixedM[i]);
            }
            var newU = u;
            if (_options.RefineUWithEm)
            {
                var uCounts = Allocate();
                Accumulate(_sample, uCounts, pattern => 1 - Posterior(_sample, pattern, logPrior, logWeights));
                newU = Allocate();
                for (var i = 0; i < c; i++)
                {
                    Smooth(uCounts[i], newU[i], pseudo: _options.USmoothing, shape: null);
                    ApplyFixed(newU[i], _fixedU[i]);
                }
            }
            var newLambda = _options.ProbabilityTwoRandomRecordsMatch
                ?? Math.Clamp(expected / _totalPairs, 1e-12, 0.5);

            var change = Math.Max(MaxChange(m, newM), MaxChange(u, newU));
            // λ is tiny (1e-4 for 20,000 records), so it converges in relative terms: within 0.1% per 1e-5 of tolerance.
            var lambdaChange = Math.Abs(newLambda - lambda) / lambda;
            m = newM;
            u = newU;
            lambda = newLambda;
            history.Add(new EmIteration(iteration, lambda, change));
            if (change < _options.ConvergenceTolerance && lambdaChange < _options.ConvergenceTolerance * 100)
            {
                converged = true;
                break;
            }
        }
        return new Result(m, u, lambda, iteration, converged, expected, history);
    }

    private double Posterior(LevelPatternCounts patterns, int pattern, double logPrior, double[][] logWeights)
    {
        var logit = logPrior;
        var offset = pattern * patterns.Comparisons;
        var levels = patterns.Levels.AsSpan(offset, patterns.Comparisons);
        foreach (var rule in _rules)
        {
            switch (rule.Apply(levels))
            {
                case RuleEffect.Forbid or RuleEffect.CapAtReview or RuleEffect.CapAtNoLink:
                    return 0; // the rule's premise: a different child (verified numbers differ; twins or siblings)
                case RuleEffect.ForceLink:
                    return 1;
            }
        }
        for (var i = 0; i < patterns.Comparisons; i++)
        {
            logit += logWeights[i][levels[i]];
        }
        return 1.0 / (1.0 + Math.Exp(-Math.Clamp(logit, -700, 700)));
    }

    /// <summary>Adds weight(pattern) × count to each non-null level of each pattern; returns the weighted pair total.</summary>
    private static double Accumulate(LevelPatternCounts patterns, double[][] into, Func<int, double> weightOf)
    {
        var total = 0.0;
        for (var p = 0; p < patterns.PatternCount; p++)
        {
            var w = weightOf(p) * patterns.Counts[p];
            total += w;
            var offset = p * patterns.Comparisons;
            for (var i = 0; i < patterns.Comparisons; i++)
            {
                var level = patterns.Levels[offset + i];
                if (level != 0)
                {
                    into[i][level] += w;
                }
            }
        }
        return total;
    }

    private void LogWeights(double[][] m, double[][] u, double[][] into)
    {
        for (var i = 0; i < m.Length; i++)
        {
            for (var l = 1; l < m[i].Length; l++)
            {
                into[i][l] = Math.Log(m[i][l] / u[i][l]);
            }
        }
    }

    /// <summary>
    /// counts → probabilities over the non-null levels with <paramref name="pseudo"/> pseudo-pairs spread by
    /// <paramref name="shape"/> (the prior m) or evenly (u), so no level is ever 0 (an infinite weight).
    /// </summary>
    private static void Smooth(double[] counts, double[] into, double pseudo, double[]? shape)
    {
        var levels = counts.Length - 1;
        var sum = 0.0;
        for (var l = 1; l < counts.Length; l++)
        {
            sum += counts[l];
        }
        for (var l = 1; l < counts.Length; l++)
        {
            var share = shape is null ? 1.0 / levels : shape[l];
            into[l] = (counts[l] + pseudo * share) / (sum + pseudo);
        }
        into[0] = 0;
        // Belt and braces: a zero pseudo-count with an empty level must still not produce log(0).
        for (var l = 1; l < into.Length; l++)
        {
            into[l] = Math.Max(into[l], 1e-12);
        }
    }

    /// <summary>Sets configured values and rescales the trained levels so the distribution still sums to 1.</summary>
    private static void ApplyFixed(double[] values, double?[] fixedValues)
    {
        double fixedSum = 0, freeSum = 0;
        var any = false;
        for (var l = 1; l < values.Length; l++)
        {
            if (fixedValues[l] is { } f)
            {
                fixedSum += f;
                any = true;
            }
            else
            {
                freeSum += values[l];
            }
        }
        if (!any)
        {
            return;
        }
        var scale = freeSum > 0 ? Math.Max(0, 1 - fixedSum) / freeSum : 0;
        for (var l = 1; l < values.Length; l++)
        {
            values[l] = fixedValues[l] ?? Math.Max(values[l] * scale, 1e-12);
        }
    }

    private static void Normalise(double[] values)
    {
        var sum = 0.0;
        for (var l = 1; l < values.Length; l++)
        {
            sum += values[l];
        }
        for (var l = 1; l < values.Length; l++)
        {
            values[l] /= sum;
        }
    }

    private static double MaxChange(double[][] a, double[][] b)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            for (var l = 1; l < a[i].Length; l++)
            {
                max = Math.Max(max, Math.Abs(a[i][l] - b[i][l]));
            }
        }
        return max;
    }

    private double[][] Allocate()
    {
        var result = new double[_comparisons.Count][];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = new double[_comparisons[i].Levels.Count];
        }
        return result;
    }
}
