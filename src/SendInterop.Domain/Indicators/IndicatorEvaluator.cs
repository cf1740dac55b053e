using System.Globalization;
using Hl7.Fhir.Model;

namespace SendInterop.Domain.Indicators;

/// <summary>Counts and score of one group or stratum. Counts are per population; the score is null when it cannot be computed (nothing to divide by, no observations, a cohort).</summary>
public sealed record PopulationResult(IReadOnlyDictionary<PopulationKind, int> Counts, decimal? Score)
{
    public int Count(PopulationKind kind) => Counts.TryGetValue(kind, out var n) ? n : 0;
}

public sealed record StratumResult(string Value, PopulationResult Result);

public sealed record StratifierResult(Stratifier Stratifier, IReadOnlyList<StratumResult> Strata);

/// <summary>An indicator evaluated for one subject and period.</summary>
public sealed record IndicatorResult(IndicatorDefinition Indicator, ReportingPeriod Period, ReportSubject Subject, PopulationResult Total, IReadOnlyList<StratifierResult> Stratifiers);

/// <summary>
/// The reference evaluator: rows in, MeasureReport out, in memory and deliberately plain, because it is the oracle the
/// set-based SQL implementation is tested against. The rules, which the SQL must match exactly:
/// <list type="number">
/// <item>Rows are those of the subject: an LA's rows by LA code, a region's by its LA codes, England all rows.</item>
/// <item>initial-population = rows meeting its criteria; every other population is counted within it.</item>
/// <item>Proportion: numerator is counted among denominator rows not excluded; score = 100 × numerator / (denominator − denominator-exclusion).</item>
/// <item>Ratio: numerator and denominator counted independently (the denominator may be supplied, e.g. a resident population); score = multiplier × numerator / denominator.</item>
/// <item>Continuous variable: score = mean of the observation over measure-population rows not excluded.</item>
/// <item>Cohort: no score; the value is the initial-population count.</item>
/// <item>Scores are rounded to 1 decimal place, half away from zero; no score when the divisor is 0 or there are no observations.</item>
/// <item>Strata: one per distinct stratum value among initial-population rows, ordered by value (ordinal); each counted like the total.</item>
/// </list>
/// </summary>
public static class IndicatorEvaluator
{
    public static IndicatorResult Compute(IndicatorDefinition indicator, IEnumerable<ProjectionRow> rows, ReportingPeriod period, ReportSubject subject,
        long? residentPopulation = null)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var initial = indicator.Population(PopulationKind.InitialPopulation) ?? throw new ArgumentException("An indicator needs an initial population.", nameof(indicator));
        var inScope = rows.Where(r => subject.Covers(r.Strata.LaCode) && initial.Includes(r, period)).ToList();

        var total = Count(indicator, inScope, period, residentPopulation);
        var stratifiers = indicator.Stratifiers.Select(s => new StratifierResult(s,
            inScope.GroupBy(r => s.ValueOf(r, period), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new StratumResult(g.Key, Count(indicator, g.ToList(), period, null)))
                .ToList())).ToList();
        return new IndicatorResult(indicator, period, subject, total, stratifiers);
    }

    /// <summary>
    /// The counts of every leaf (LA code, or "unknown") with rows in <paramref name="scope"/>, from which
    /// <see cref="HierarchicalSuppression"/> decides what to withhold.
    /// </summary>
    public static IReadOnlyDictionary<string, IndicatorResult> Leaves(IndicatorDefinition indicator, IEnumerable<ProjectionRow> rows, ReportingPeriod period, ReportSubject scope)
    {
        ArgumentNullException.ThrowIfNull(indicator);
        var initial = indicator.Population(PopulationKind.InitialPopulation)!;
        return rows.Where(r => scope.Covers(r.Strata.LaCode) && initial.Includes(r, period))
            .GroupBy(r => GeographyHierarchy.LeafOf(r.Strata.LaCode), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Compute(indicator, g, period, ReportSubject.England), StringComparer.Ordinal);
    }

    /// <summary>The suppression decisions that apply to <paramref name="subject"/>'s report (and to every other report of its scope).</summary>
    public static SuppressionDecisions Suppression(IndicatorDefinition indicator, IEnumerable<ProjectionRow> rows, ReportingPeriod period, ReportSubject subject,
        GeographyHierarchy hierarchy)
    {
        ArgumentNullException.ThrowIfNull(hierarchy);
        var scope = hierarchy.ScopeOf(subject);
        return HierarchicalSuppression.Decide(indicator, hierarchy, scope, Leaves(indicator, rows, period, scope));
    }

    public static MeasureReport Evaluate(IndicatorDefinition indicator, IEnumerable<ProjectionRow> rows, ReportingPeriod period, ReportSubject subject,
        long? residentPopulation = null, DateTimeOffset? generated = null) =>
        ToMeasureReport(Compute(indicator, rows, period, subject, residentPopulation), generated);

    private static PopulationResult Count(IndicatorDefinition indicator, IReadOnlyList<ProjectionRow> initial, ReportingPeriod period, long? external)
    {
        IReadOnlyList<ProjectionRow> Within(IReadOnlyList<ProjectionRow> set, PopulationKind kind) =>
            indicator.Population(kind) is { } criterion ? set.Where(r => criterion.Includes(r, period)).ToList() : [];

        var counts = new Dictionary<PopulationKind, int> { [PopulationKind.InitialPopulation] = initial.Count };
        decimal? score = null;
        switch (indicator.Scoring)
        {
            case IndicatorScoring.Proportion:
            {
                var denominator = Within(initial, PopulationKind.Denominator);
                var excluded = Within(denominator, PopulationKind.DenominatorExclusion);
                var remaining = denominator.Except(excluded).ToList();
                var numerator = Within(remaining, PopulationKind.Numerator);
                counts[PopulationKind.Denominator] = denominator.Count;
                if (indicator.Population(PopulationKind.DenominatorExclusion) is not null) counts[PopulationKind.DenominatorExclusion] = excluded.Count;
                counts[PopulationKind.Numerator] = numerator.Count;
                score = Divide(numerator.Count, remaining.Count, indicator.Multiplier);
                break;
            }

            case IndicatorScoring.Ratio:
            {
                var numerator = Within(initial, PopulationKind.Numerator).Count;
                long? denominator = indicator.ExternalDenominator ? external : Within(initial, PopulationKind.Denominator).Count;
                counts[PopulationKind.Numerator] = numerator;
                if (denominator is { } d) counts[PopulationKind.Denominator] = checked((int)d);
                score = denominator is { } den ? Divide(numerator, den, indicator.Multiplier) : null;
                break;
            }

            case IndicatorScoring.ContinuousVariable:
            {
                var population = Within(initial, PopulationKind.MeasurePopulation);
                var excluded = Within(population, PopulationKind.MeasurePopulationExclusion);
                counts[PopulationKind.MeasurePopulation] = population.Count;
                if (indicator.Population(PopulationKind.MeasurePopulationExclusion) is not null) counts[PopulationKind.MeasurePopulationExclusion] = excluded.Count;
                var observations = population.Except(excluded).Select(r => indicator.Observation!.Value(r)).OfType<decimal>().ToList();
                score = observations.Count == 0 ? null : Round(observations.Sum() / observations.Count);
                break;
            }
        }

        return new PopulationResult(counts, score);
    }

    private static decimal? Divide(long numerator, long denominator, decimal multiplier) =>
        denominator == 0 ? null : Round(multiplier * numerator / denominator);

    public static decimal Round(decimal value) => Math.Round(value, 1, MidpointRounding.AwayFromZero);

    // ---- MeasureReport ----------------------------------------------------------------------------------------------

    public static MeasureReport ToMeasureReport(IndicatorResult result, DateTimeOffset? generated = null)
    {
        var indicator = result.Indicator;
        var period = result.Period;
        var snapshot = indicator.PeriodType == PeriodType.Snapshot;
        var report = new MeasureReport
        {
            Status = MeasureReport.MeasureReportStatus.Complete,
            Type = MeasureReport.MeasureReportType.Summary,
            Measure = indicator.Url + "|" + IndicatorCanonical.Version,
            Period = new Period
            {
                Start = Format(snapshot ? period.ReferenceDate : period.Start),
                End = Format(snapshot ? period.ReferenceDate : period.End),
            },
            Date = (generated ?? DateTimeOffset.UnixEpoch).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            Subject = new ResourceReference
            {
                Identifier = new Identifier(result.Subject.CodeSystem, result.Subject.Code),
                Display = result.Subject.Name,
            },
        };
        report.Extension.Add(new Extension(IndicatorCanonical.Extensions.ReferenceDate, new Date(Format(period.ReferenceDate))));
        report.Extension.Add(new Extension(IndicatorCanonical.Extensions.ReportSubject, new Coding(result.Subject.CodeSystem, result.Subject.Code, result.Subject.Name)));
        if (indicator.Improvement != ImprovementNotation.None)
            report.ImprovementNotation = new CodeableConcept(IndicatorCanonical.ImprovementNotationSystem, indicator.Improvement == ImprovementNotation.Increase ? "increase" : "decrease");

        var group = new MeasureReport.GroupComponent();
        group.Population.AddRange(Populations(result.Total));
        group.MeasureScore = Score(indicator, result.Total.Score);
        foreach (var stratifier in result.Stratifiers)
        {
            var component = new MeasureReport.StratifierComponent
            {
                Code = [new CodeableConcept(IndicatorCanonical.CodeSystems.Stratifier, stratifier.Stratifier.Code, stratifier.Stratifier.Title)],
            };
            foreach (var stratum in stratifier.Strata)
            {
                var s = new MeasureReport.StratifierGroupComponent
                {
                    Value = StratumValue(stratifier.Stratifier, stratum.Value),
                    MeasureScore = Score(indicator, stratum.Result.Score),
                };
                s.Population.AddRange(Populations(stratum.Result).Select(p => new MeasureReport.StratifierGroupPopulationComponent { Code = p.Code, CountElement = p.CountElement }));
                component.Stratum.Add(s);
            }

            group.Stratifier.Add(component);
        }

        report.Group.Add(group);
        return report;
    }

    private static IEnumerable<MeasureReport.PopulationComponent> Populations(PopulationResult result) =>
        result.Counts.OrderBy(c => c.Key).Select(c => new MeasureReport.PopulationComponent
        {
            Code = MeasureFactory.PopulationCode(c.Key),
            CountElement = new Integer(c.Value),
        });

    private static Quantity? Score(IndicatorDefinition indicator, decimal? score)
    {
        if (indicator.Scoring == IndicatorScoring.Cohort || score is not { } value) return null;
        var (code, unit) = IndicatorCodes.Of(indicator.Unit);
        return new Quantity { Value = value, Unit = unit, System = IndicatorCanonical.Ucum, Code = code };
    }

    /// <summary>Stratum values: SEN2 need codes in the SEN2 need-type system, LA codes in la-code, the rest in the project's stratum system.</summary>
    private static CodeableConcept StratumValue(Stratifier stratifier, string value)
    {
        var system = stratifier.Code switch
        {
            "primary-need" when value != Stratifiers.Unknown => Profiles.SendCanonical.CodeSystems.Sen2NeedType,
            "local-authority" when value != Stratifiers.Unknown => IndicatorCanonical.LaCodeSystem,
            "cease-reason" when value != "not-recorded" => Statutory.StatutoryCanonical.Sen2CeaseReasonCodeSystem,
            "sex" => "http://hl7.org/fhir/administrative-gender",
            _ => IndicatorCanonical.CodeSystems.StratumValue,
        };
        return new CodeableConcept(system, value) { Text = value };
    }

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
