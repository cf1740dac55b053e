using System.Globalization;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Dashboard;

/// <summary>
/// What one <c>GET /dashboard/api/reports</c> asks for: measures (repeated or comma-separated ids; none = every
/// indicator), subjects (as <c>$evaluate-measure</c> takes them) and SEN2 collection years. Checked before any
/// evaluation so a bad request costs nothing.
/// </summary>
public sealed record DashboardReportQuery(IReadOnlyList<IndicatorDefinition> Indicators, IReadOnlyList<string> Subjects, IReadOnlyList<int> Sen2Years)
{
    public const int MaxSubjects = 30;
    public const int MaxYears = 12;

    /// <summary>The first SEN2 year DfE published in its current form (EHC plans replaced statements from 2014).</summary>
    public const int FirstSen2Year = 2015;

    public int Evaluations => Indicators.Count * Subjects.Count * Sen2Years.Count;

    public static DashboardReportQuery Parse(IQueryCollection query, int maxEvaluations, DateTimeOffset now)
    {
        var measureIds = Values(query, "measure");
        var indicators = measureIds.Count == 0
            ? IndicatorCatalogue.All.ToList()
            : measureIds.Select(id => IndicatorCatalogue.Find(id) ?? throw FhirException.BadRequest($"measure '{id}' is not an indicator (GET /fhir/Measure lists them).")).DistinctBy(i => i.Id).ToList();

        var subjects = Values(query, "subject").Distinct(StringComparer.Ordinal).ToList();
        if (subjects.Count == 0) throw FhirException.BadRequest("subject is required: Organization/la-NNN, a region code (E12...) or England.", Hl7.Fhir.Model.OperationOutcome.IssueType.Required);
        if (subjects.Count > MaxSubjects) throw FhirException.BadRequest($"At most {MaxSubjects} subjects per request.");

        var lastYear = now.Year + 1;
        var years = new List<int>();
        foreach (var text in Values(query, "sen2Year"))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year < FirstSen2Year || year > lastYear)
                throw FhirException.BadRequest($"sen2Year '{text}' must be a collection year from {FirstSen2Year} to {lastYear}.");
            if (!years.Contains(year)) years.Add(year);
        }

        if (years.Count == 0) throw FhirException.BadRequest("sen2Year is required (repeat it for a trend).", Hl7.Fhir.Model.OperationOutcome.IssueType.Required);
        if (years.Count > MaxYears) throw FhirException.BadRequest($"At most {MaxYears} SEN2 years per request.");
        years.Sort();

        var result = new DashboardReportQuery(indicators, subjects, years);
        if (result.Evaluations > maxEvaluations)
            throw FhirException.BadRequest($"{result.Evaluations} evaluations asked for; at most {maxEvaluations} per request (Dashboard:MaxEvaluationsPerRequest).");
        return result;
    }

    private static List<string> Values(IQueryCollection query, string name) =>
        query[name].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
