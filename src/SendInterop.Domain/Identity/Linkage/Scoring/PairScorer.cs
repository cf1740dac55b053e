using SendInterop.Domain.Identity.Linkage.Comparisons;
using SendInterop.Domain.Identity.Linkage.Training;

namespace SendInterop.Domain.Identity.Linkage.Scoring;

/// <summary>
/// Scores record pairs with a trained model: match weight = prior + Σ level weights + term-frequency adjustments,
/// probability from the weight, band from the thresholds, then the deterministic <see cref="LinkRule"/>s. The hot
/// path (<see cref="Weight"/>) works on precomputed levels and array lookups only.
/// </summary>
public sealed class PairScorer
{
    private readonly Comparison[] _comparisons;
    private readonly double[][] _weights;
    private readonly TermFrequencyTable?[] _termFrequencies;
    private readonly double[] _tfExactU; // u of the adjusted level, per comparison (0 when not adjusted)
    private readonly int[] _tfLevel; // the adjusted level per comparison (-1 when none): no virtual call in the pair loop
    private readonly LinkRule[] _rules;
    private readonly double _autoLinkWeight;
    private readonly double _reviewWeight;
    private readonly double _cannotLinkWeight;
    private readonly double _tfWeight;

    public PairScorer(LinkageModel model, TermFrequencyTable?[] termFrequencies, LinkageOptions options, LinkRule[]? rules = null)
    {
        Model = model;
        Options = options;
        _comparisons = model.Comparisons.ToArray();
        _weights = model.Weights;
        _termFrequencies = options.TermFrequencyAdjustments ? termFrequencies : new TermFrequencyTable?[_comparisons.Length];
        _tfWeight = options.TermFrequencyWeight;
        _tfExactU = new double[_comparisons.Length];
        _tfLevel = new int[_comparisons.Length];
        for (var c = 0; c < _comparisons.Length; c++)
        {
            var level = _comparisons[c].TermFrequencyLevel;
            _tfLevel[c] = level;
            _tfExactU[c] = level > 0 ? model.U(c, level) : 0;
        }
        _rules = rules ?? LinkRule.CreateDefault(model.Comparisons, options);
        _autoLinkWeight = LinkageModel.WeightOf(options.AutoLinkProbability);
        _reviewWeight = LinkageModel.WeightOf(options.ReviewProbability);
        _cannotLinkWeight = options.ClusterCannotLinkBelowProbability > 0
            ? LinkageModel.WeightOf(options.ClusterCannotLinkBelowProbability)
            : double.NegativeInfinity;
    }

    public LinkageModel Model { get; }

    public LinkageOptions Options { get; }

    public int ComparisonCount => _comparisons.Length;

    /// <summary>Fills <paramref name="levels"/> for a pair (length = <see cref="ComparisonCount"/>).</summary>
    public void ComputeLevels(PreparedRecord a, PreparedRecord b, Span<byte> levels) => PairLevels.Fill(_comparisons, a, b, levels);

    /// <summary>Match weight of a pair from its levels (hot path: no allocation, no LINQ).</summary>
    public double Weight(PreparedRecord a, PreparedRecord b, ReadOnlySpan<byte> levels)
    {
        var w = Model.PriorWeight;
        for (var c = 0; c < _comparisons.Length; c++)
        {
            var level = levels[c];
            w += _weights[c][level];
            if (level == _tfLevel[c] && _tfExactU[c] > 0)
            {
                w += TermFrequencyAdjustment(c, a);
            }
        }
        return w;
    }

    /// <summary>
    /// The band of a pair from its weight and the rules, and what clustering may do with it
    /// (<paramref name="constraint"/>): join freely, not join automatically (twin guard), or never join (conflicting
    /// verified NHS numbers, or a weight below the cannot-link floor).
    /// </summary>
    public MatchBand Band(PreparedRecord a, PreparedRecord b, ReadOnlySpan<byte> levels, double weight, out ClusterConstraint constraint)
    {
        var band = weight >= _autoLinkWeight ? MatchBand.AutoLink : weight >= _reviewWeight ? MatchBand.Review : MatchBand.NoLink;
        constraint = weight < _cannotLinkWeight ? ClusterConstraint.Never : ClusterConstraint.None;
        foreach (var rule in _rules)
        {
            switch (rule.Apply(levels))
            {
                case RuleEffect.Forbid:
                    constraint = ClusterConstraint.Never;
                    return MatchBand.NoLink;
                case RuleEffect.ForceLink:
                    band = MatchBand.AutoLink;
                    constraint = ClusterConstraint.None;
                    break;
                case RuleEffect.CapAtReview:
                    band = band == MatchBand.AutoLink ? MatchBand.Review : band;
                    constraint = constraint == ClusterConstraint.Never ? constraint : ClusterConstraint.NotAutomatic;
                    break;
                case RuleEffect.CapAtNoLink:
                    band = MatchBand.NoLink;
                    constraint = constraint == ClusterConstraint.Never ? constraint : ClusterConstraint.NotAutomatic;
                    break;
            }
        }
        return band;
    }

    /// <summary>Computes levels, weight and band of any two records (used when clustering checks cross pairs).</summary>
    public MatchBand Score(PreparedRecord a, PreparedRecord b, out double weight, out ClusterConstraint constraint)
    {
        Span<byte> levels = stackalloc byte[_comparisons.Length];
        ComputeLevels(a, b, levels);
        weight = Weight(a, b, levels);
        return Band(a, b, levels, weight, out constraint);
    }

    /// <summary>The full explanation of a pair.</summary>
    public PairScore Explain(PreparedRecord a, PreparedRecord b, bool includeValues = false)
    {
        var levels = new byte[_comparisons.Length];
        ComputeLevels(a, b, levels);
        return Explain(a, b, levels, includeValues);
    }

    /// <summary>The full explanation of a pair whose levels are already known.</summary>
    public PairScore Explain(PreparedRecord a, PreparedRecord b, ReadOnlySpan<byte> levels, bool includeValues = false)
    {
        var contributions = new List<ComparisonContribution>(_comparisons.Length);
        for (var c = 0; c < _comparisons.Length; c++)
        {
            var comparison = _comparisons[c];
            var level = levels[c];
            var tf = level != 0 && _tfExactU[c] > 0 && level == comparison.TermFrequencyLevel ? TermFrequencyAdjustment(c, a) : 0;
            var definition = comparison.Levels[level];
            contributions.Add(new ComparisonContribution(
                comparison.Name,
                definition.Label,
                definition.Description,
                level == 0 ? double.NaN : Model.M(c, level),
                level == 0 ? double.NaN : Model.U(c, level),
                _weights[c][level],
                tf,
                includeValues ? comparison.Describe(a) : null,
                includeValues ? comparison.Describe(b) : null));
        }
        var weight = Weight(a, b, levels);
        var band = Band(a, b, levels, weight, out _);
        var applied = new List<string>();
        foreach (var rule in _rules)
        {
            var effect = rule.Apply(levels);
            if (effect != RuleEffect.None)
            {
                applied.Add($"{rule.Name} ({effect}): {rule.Reason}");
            }
        }
        return new PairScore(a.Id, b.Id, weight, LinkageModel.Probability(weight), band, Model.PriorWeight, contributions, applied);
    }

    /// <summary>log2(u_exact / tf(value)) × weight: how much rarer (positive) or commoner (negative) than average.</summary>
    private double TermFrequencyAdjustment(int comparison, PreparedRecord record)
    {
        var table = _termFrequencies[comparison];
        var value = _comparisons[comparison].TermFrequencyValue(record);
        if (table is null || value is null || table.Total == 0)
        {
            return 0;
        }
        return _tfWeight * Math.Log2(_tfExactU[comparison] / table.Frequency(value));
    }
}
