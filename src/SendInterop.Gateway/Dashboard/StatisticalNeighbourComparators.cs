using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Indicators;

namespace SendInterop.Gateway.Dashboard;

/// <summary>
/// Adds the configured statistical neighbours' DfE figures to an LA's report, as further
/// <see cref="IndicatorReportExtensions.ComparatorValue"/> extensions with level <see cref="Level"/>. Everything else in
/// the report is exactly what <c>$evaluate-measure</c> answers, so the page's numbers can be checked against the API.
/// </summary>
public static class StatisticalNeighbourComparators
{
    /// <summary>The comparator level code of a statistical neighbour's figure.</summary>
    public const string Level = "statistical-neighbour";

    public static void Add(MeasureReport report, IndicatorDefinition indicator, int sen2Year, IReadOnlyList<string> neighbours, ComparatorSet comparators)
    {
        if (indicator.Comparator is not { } series || neighbours.Count == 0) return;
        var title = ComparatorSeriesCatalogue.Find(series)?.Title ?? series;
        foreach (var code in neighbours)
        {
            if (comparators.Find(series, GeographyLevel.LocalAuthority, code, sen2Year) is not { } c) continue;
            var e = new Extension { Url = IndicatorReportExtensions.ComparatorValue };
            e.Extension.Add(new Extension("series", new Coding(IndicatorCanonical.CodeSystems.DfeSeries, series, title)));
            e.Extension.Add(new Extension("level", new Code(Level)));
            e.Extension.Add(new Extension("geography", new Coding(IndicatorCanonical.LaCodeSystem, c.Geography.Code, c.Geography.Name)));
            e.Extension.Add(new Extension("period", new FhirString(c.Period.TimePeriod)));
            if (c.Value is { } value) e.Extension.Add(new Extension("value", new FhirDecimal(value)));
            else e.Extension.Add(new Extension("status", new Code(c.Status == ComparatorValueStatus.Suppressed ? "suppressed" : "not-available")));
            report.Extension.Add(e);
        }
    }
}
