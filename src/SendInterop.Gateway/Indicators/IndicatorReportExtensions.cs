using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;
using SendInterop.Domain.Profiles;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// What the gateway adds to a MeasureReport beyond the reference evaluator's content: when the figure was computed and
/// how fresh the projection rows behind it are, the DfE comparators, and for a subject-list what the list means.
/// </summary>
public static class IndicatorReportExtensions
{
    private const string StructureDefinition = SendCanonical.Base + "/StructureDefinition/";

    /// <summary>MeasureReport: when this figure was computed from the projection (valueDateTime; also MeasureReport.date).</summary>
    public const string ComputedAt = StructureDefinition + "indicator-computed-at";

    /// <summary>
    /// MeasureReport: the projection behind the figure, with sub-extensions <c>oldestRow</c> and <c>newestRow</c> (when the
    /// rows counted were projected: every counted row reflects the record as it stood at or after oldestRow) and
    /// <c>lastRebuild</c> (the last full rebuild).
    /// </summary>
    public const string ProjectionFreshness = StructureDefinition + "indicator-projection-freshness";

    /// <summary>
    /// MeasureReport: one DfE published figure to compare with: sub-extensions <c>series</c> (valueCoding), <c>level</c>
    /// (valueCode national / regional / local-authority), <c>geography</c> (valueCoding), <c>period</c> (valueString, as DfE
    /// labels it), and <c>value</c> (valueDecimal) or <c>status</c> (valueCode: not-available, suppressed, not-applicable).
    /// </summary>
    public const string ComparatorValue = StructureDefinition + "indicator-comparator-value";

    /// <summary>MeasureReport (subject-list): what the lists and their counts mean (valueString).</summary>
    public const string SubjectListScope = StructureDefinition + "indicator-subject-list-scope";

    public static void AddFreshness(MeasureReport report, DateTimeOffset computed, DateTimeOffset? oldest, DateTimeOffset? newest, DateTimeOffset? lastRebuild)
    {
        report.Date = Instant(computed);
        report.Extension.Add(new Extension(ComputedAt, new FhirDateTime(Instant(computed))));
        var freshness = new Extension { Url = ProjectionFreshness };
        if (oldest is { } o) freshness.Extension.Add(new Extension("oldestRow", new FhirDateTime(Instant(o))));
        if (newest is { } n) freshness.Extension.Add(new Extension("newestRow", new FhirDateTime(Instant(n))));
        if (lastRebuild is { } r) freshness.Extension.Add(new Extension("lastRebuild", new FhirDateTime(Instant(r))));
        if (freshness.Extension.Count > 0) report.Extension.Add(freshness);
    }

    /// <summary>
    /// The DfE figures for the indicator's series in the period's collection year, for the subject itself, its region
    /// (an LA's) and England. Only a SEN2 collection year lines up with DfE's periods; other periods get none.
    /// </summary>
    public static void AddComparators(MeasureReport report, IndicatorDefinition indicator, ReportingPeriod period, ReportSubject subject,
        ComparatorSet comparators, Geography? region)
    {
        if (indicator.Comparator is not { } series || comparators.All.Count == 0) return;
        var year = period.ReferenceDate.Year;
        if (ReportingPeriod.Sen2Year(year) is not { } sen2 || sen2.Start != period.Start || sen2.End != period.End || sen2.ReferenceDate != period.ReferenceDate) return;

        var wanted = new List<(GeographyLevel Level, string Code)> { (subject.Level, subject.Code) };
        if (subject.Level == GeographyLevel.LocalAuthority && region is not null) wanted.Add((GeographyLevel.Regional, region.Code));
        if (subject.Level != GeographyLevel.National) wanted.Add((GeographyLevel.National, ReportSubject.EnglandCode));
        var title = ComparatorSeriesCatalogue.Find(series)?.Title ?? series;
        foreach (var (level, code) in wanted)
        {
            if (comparators.Find(series, level, code, year) is not { } c) continue;
            var e = new Extension { Url = ComparatorValue };
            e.Extension.Add(new Extension("series", new Coding(IndicatorCanonical.CodeSystems.DfeSeries, series, title)));
            e.Extension.Add(new Extension("level", new Code(LevelCode(level))));
            e.Extension.Add(new Extension("geography", new Coding(level == GeographyLevel.LocalAuthority ? IndicatorCanonical.LaCodeSystem : IndicatorCanonical.OnsGeographySystem, c.Geography.Code, c.Geography.Name)));
            e.Extension.Add(new Extension("period", new FhirString(c.Period.TimePeriod)));
            if (c.Value is { } value) e.Extension.Add(new Extension("value", new FhirDecimal(value)));
            else e.Extension.Add(new Extension("status", new Code(StatusCode(c.Status))));
            report.Extension.Add(e);
        }
    }

    public static string LevelCode(GeographyLevel level) => level switch
    {
        GeographyLevel.National => "national",
        GeographyLevel.Regional => "regional",
        _ => "local-authority",
    };

    private static string StatusCode(ComparatorValueStatus status) => status switch
    {
        ComparatorValueStatus.Suppressed => "suppressed",
        ComparatorValueStatus.NotApplicable => "not-applicable",
        _ => "not-available",
    };

    private static string Instant(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}
