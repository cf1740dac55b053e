namespace SendInterop.Domain.Indicators;

/// <summary>
/// One indicator: what it counts (populations made of named predicates), how it scores, and where it sits on the
/// dashboard. <see cref="MeasureFactory"/> publishes it as a FHIR Measure; <see cref="IndicatorEvaluator"/> evaluates it.
/// </summary>
public sealed record IndicatorDefinition
{
    /// <summary>Measure.id and the last segment of Measure.url (lower-case, hyphens).</summary>
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>What is counted, in words (Measure.description).</summary>
    public required string Description { get; init; }

    /// <summary>Why it matters, for the dashboard (Measure.rationale).</summary>
    public required string WhyItMatters { get; init; }

    /// <summary>The DOMAIN.md / source the definition follows.</summary>
    public required string Source { get; init; }

    public required IndicatorScoring Scoring { get; init; }

    public required RbaQuadrant Quadrant { get; init; }

    public required DashboardSection Section { get; init; }

    public required LogicModelColumn LogicModel { get; init; }

    public required PeriodType PeriodType { get; init; }

    public ImprovementNotation Improvement { get; init; } = ImprovementNotation.None;

    public required ScoreUnit Unit { get; init; }

    /// <summary>Score = multiplier × numerator / denominator (100 for per cent, 1,000 per thousand).</summary>
    public decimal Multiplier => Unit switch { ScoreUnit.Percent => 100m, ScoreUnit.PerThousand => 1000m, _ => 1m };

    /// <summary>The DfE series id (<see cref="ComparatorSeries"/>) the indicator compares with; null when DfE publishes none.</summary>
    public string? Comparator { get; init; }

    public required IReadOnlyList<PopulationCriterion> Populations { get; init; }

    /// <summary>The value each member of the measure population contributes (continuous variable only); aggregated as a mean.</summary>
    public RowObservation? Observation { get; init; }

    public IReadOnlyList<Stratifier> Stratifiers { get; init; } = Indicators.Stratifiers.Standard;

    public string Url => IndicatorCanonical.MeasureBase + Id;

    public PopulationCriterion? Population(PopulationKind kind) => Populations.FirstOrDefault(p => p.Kind == kind);

    /// <summary>The denominator is supplied from outside (a resident population), not counted from rows.</summary>
    public bool ExternalDenominator => Population(PopulationKind.Denominator) is { AllOf.Count: 0 };
}
