using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Indicators;

/// <summary>What a MeasureReport is asked for: summary (suppressed aggregates) or subject-list (the children counted, gated).</summary>
public enum ReportType
{
    Summary,
    SubjectList,
}

/// <summary>
/// The parameters of <c>$evaluate-measure</c> from the query string (GET) and a Parameters body (POST) together:
/// <c>measure</c> (type level: id or canonical), <c>periodStart</c> + <c>periodEnd</c> (FHIR dates; yyyy or yyyy-MM
/// are widened to the first / last day) with an optional <c>referenceDate</c> (default: periodEnd), or
/// <c>sen2Year</c> (activity in the calendar year before, reference date the January census day), <c>subject</c> and
/// <c>reportType</c>. Bad values are 400 with an OperationOutcome naming the parameter.
/// </summary>
public sealed class EvaluateMeasureInputs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static readonly string[] Names = ["measure", "periodStart", "periodEnd", "referenceDate", "sen2Year", "subject", "reportType"];

    public EvaluateMeasureInputs(FhirRequest request)
    {
        foreach (var (key, value) in request.Url.Query) Add(key, value);
        if (request.Resource is Parameters parameters)
        {
            foreach (var p in parameters.Parameter)
            {
                var text = p.Value switch
                {
                    null => null,
                    Date d => d.Value,
                    FhirDateTime dt => dt.Value,
                    Integer i => i.Value?.ToString(CultureInfo.InvariantCulture),
                    ResourceReference r => r.Reference,
                    PrimitiveType primitive => primitive.ToString(),
                    _ => throw FhirException.BadRequest($"Parameter '{p.Name}' has an unsupported type."),
                };
                if (text is not null && p.Name is { } name) Add(name, text);
            }
        }
        else if (request.Resource is not null)
        {
            throw FhirException.BadRequest("$evaluate-measure takes a Parameters body (or none, with the parameters in the query string).");
        }
    }

    public string? Measure => Get("measure");

    public string? Subject => Get("subject");

    public ReportType ReportType => Get("reportType") switch
    {
        null or "summary" => ReportType.Summary,
        "subject-list" => ReportType.SubjectList,
        "individual" => throw FhirException.BadRequest("reportType 'individual' is not supported: use subject-list (authorised users, through the consent gate) or summary."),
        var other => throw FhirException.BadRequest($"reportType '{other}' is not one of summary, subject-list."),
    };

    public ReportingPeriod Period()
    {
        var sen2 = Get("sen2Year");
        var start = Get("periodStart");
        var end = Get("periodEnd");
        if (sen2 is not null)
        {
            if (start is not null || end is not null) throw FhirException.BadRequest("Give either sen2Year or periodStart and periodEnd, not both.");
            if (!int.TryParse(sen2, NumberStyles.None, CultureInfo.InvariantCulture, out var year) || year is < 2000 or > 2100)
                throw FhirException.BadRequest($"sen2Year '{sen2}' is not a collection year (e.g. 2025: activity in 2024, caseload on the January 2025 census day).");
            return ReportingPeriod.Sen2Year(year);
        }

        if (start is null || end is null) throw FhirException.BadRequest("$evaluate-measure needs periodStart and periodEnd (or sen2Year).", OperationOutcome.IssueType.Required);
        var first = Day(start, "periodStart", last: false);
        var last = Day(end, "periodEnd", last: true);
        if (last < first) throw FhirException.BadRequest("periodEnd is before periodStart.");
        var reference = Get("referenceDate") is { } r ? Day(r, "referenceDate", last: false) : last;
        if (reference < last) throw FhirException.BadRequest("referenceDate must be on or after periodEnd (the snapshot is taken after the activity period).");
        return new ReportingPeriod(first, last, reference);
    }

    private string? Get(string name) => _values.GetValueOrDefault(name);

    private void Add(string name, string value)
    {
        if (!Names.Contains(name, StringComparer.Ordinal)) return; // _format and the like are the HTTP layer's
        if (!_values.TryAdd(name, value.Trim())) throw FhirException.BadRequest($"Parameter '{name}' is given more than once.");
    }

    /// <summary>A FHIR date (yyyy, yyyy-MM, yyyy-MM-dd) or the date part of a dateTime, widened to its first or last day.</summary>
    private static DateOnly Day(string text, string name, bool last)
    {
        // A dateTime counts as its date, but only a well-formed one (time and zone included).
        var dateTime = text.Length > 10 && text[10] == 'T';
        if (dateTime && !FhirDateTime.IsValidValue(text))
            throw FhirException.BadRequest($"{name} '{text}' is not a FHIR date or dateTime (yyyy, yyyy-MM, yyyy-MM-dd or yyyy-MM-ddThh:mm:ss+zz:zz).");
        var value = dateTime ? text[..10] : text;
        // Every form within the same years: periods reach back a SEN2 year (and its comparators) from their dates, so a
        // date in year 1 built year 0 and failed the report with a 500.
        if (value.Length == 10 && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return InRange(day, text, name);
        if (value.Length == 7 && DateOnly.TryParseExact(value + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
            // The month's last day from its length: adding a month overflows in December 9999.
            return InRange(last ? new DateOnly(month.Year, month.Month, DateTime.DaysInMonth(month.Year, month.Month)) : month, text, name);
        if (value.Length == 4 && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var year))
            return year is >= MinYear and <= MaxYear ? (last ? new DateOnly(year, 12, 31) : new DateOnly(year, 1, 1)) : throw OutOfRange(text, name);
        throw FhirException.BadRequest($"{name} '{text}' is not a FHIR date (yyyy, yyyy-MM or yyyy-MM-dd).");
    }

    /// <summary>The years a period, reference date or comparator may lie in.</summary>
    private const int MinYear = 1900, MaxYear = 2200;

    private static DateOnly InRange(DateOnly day, string text, string name) =>
        day.Year is >= MinYear and <= MaxYear ? day : throw OutOfRange(text, name);

    private static FhirException OutOfRange(string text, string name) =>
        FhirException.BadRequest($"{name} '{text}' is outside the years {MinYear}-{MaxYear} that indicators are reported for.");
}
