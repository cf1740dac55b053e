using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// The parameters of <c>Patient/{id}/$everything</c>, from the query string (GET) and a Parameters body (POST) together:
/// <c>_since</c> (an instant), <c>_type</c> (resource types, comma-separated or repeated), <c>_count</c> (page size),
/// <c>_cursor</c> (a next link's sealed position) and <c>linked</c> (true: also the child's other records in the master
/// child index, as HAPI's <c>_mdm=true</c>). <c>start</c> and <c>end</c> (care dates) are refused rather than
/// ignored: an ignored filter would disclose more than the client asked for. Bad values are 400 with an
/// OperationOutcome naming the parameter; other parameters are reported as a warning (or refused with
/// <c>Prefer: handling=strict</c>).
/// </summary>
public sealed class EverythingInputs
{
    /// <summary>Parameters the response writer applies to any answer: not this operation's to report.</summary>
    private static readonly HashSet<string> ResponseParameters = new(StringComparer.Ordinal) { "_format", "_pretty", "_elements" };

    private readonly HashSet<string> _types = new(StringComparer.Ordinal);
    private readonly SearchParameterRegistry _registry;

    public EverythingInputs(FhirRequest request, SearchParameterRegistry registry)
    {
        _registry = registry;
        foreach (var (key, value) in request.Url.Query) Add(key, value, request.StrictHandling);
        if (request.Resource is Parameters parameters)
        {
            foreach (var p in parameters.Parameter)
            {
                var text = p.Value switch
                {
                    null => throw FhirException.BadRequest($"Parameter '{p.Name}' has no value."),
                    Integer i => i.Value?.ToString(CultureInfo.InvariantCulture),
                    PrimitiveType primitive => primitive.ToString(),
                    _ => throw FhirException.BadRequest($"Parameter '{p.Name}' has an unsupported type."),
                };
                if (text is not null && p.Name is { } name) Add(name, text, request.StrictHandling);
            }
        }
        else if (request.Resource is not null)
        {
            throw FhirException.BadRequest("$everything takes a Parameters body (or none, with the parameters in the query string).");
        }
    }

    /// <summary>Only versions last updated at or after this instant (UTC ticks); null: all.</summary>
    public long? SinceTicks { get; private set; }

    /// <summary>Only these resource types; empty: every type.</summary>
    public IReadOnlyCollection<string> Types => _types;

    /// <summary>Entries per page (the Patient included on the first).</summary>
    public int Count { get; private set; } = SearchDefaults.DefaultCount;

    /// <summary>Whether the child's other Patient records (master child index) and their compartments are included.</summary>
    public bool Linked { get; private set; }

    /// <summary>The sealed position of a next link, if this is a later page.</summary>
    public string? Cursor { get; private set; }

    /// <summary>
    /// The parameters in effect, query and body together, as query pairs (without <c>_cursor</c>): what a next link
    /// carries, so a POSTed filter holds on every page.
    /// </summary>
    public List<KeyValuePair<string, string>> Effective { get; } = [];

    /// <summary>Parameters this operation does not know (lenient handling): reported in an OperationOutcome entry.</summary>
    public List<string> Ignored { get; } = [];

    /// <summary>Whether <paramref name="type"/> passes the <c>_type</c> filter.</summary>
    public bool Includes(string type) => _types.Count == 0 || _types.Contains(type);

    private void Add(string name, string value, bool strict)
    {
        if (name != "_cursor") Effective.Add(new(name, value));
        switch (name)
        {
            case "_since":
                if (!FhirDateRange.TryParse(value, out var range))
                    throw FhirException.BadRequest($"_since must be a FHIR instant (e.g. 2024-03-05T10:00:00Z), not '{value}'.");
                SinceTicks = range.Start.Ticks;
                break;
            case "_type":
                foreach (var type in value.Split(',', StringSplitOptions.TrimEntries))
                {
                    if (!_registry.IsKnownResourceType(type))
                        throw FhirException.BadRequest($"_type '{type}' is not a FHIR R4 resource type (names are case-sensitive, e.g. CarePlan).");
                    _types.Add(type);
                }
                break;
            case "_count":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
                    throw FhirException.BadRequest($"_count must be a positive integer, not '{value}'.");
                Count = Math.Min(count, SearchDefaults.MaxCount);
                break;
            case "_cursor":
                Cursor = value;
                break;
            case "linked":
                Linked = value switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw FhirException.BadRequest($"linked must be true or false, not '{value}'."),
                };
                break;
            case "start" or "end":
                throw new FhirException(400, OperationOutcome.IssueType.NotSupported,
                    $"$everything does not support '{name}' (care dates); use _since (last updated) or _type. It is refused rather than ignored so the answer never holds more than was asked for.");
            default:
                if (ResponseParameters.Contains(name)) break;
                if (strict) throw new FhirException(400, OperationOutcome.IssueType.NotSupported, $"$everything does not support the parameter '{name}'.");
                Ignored.Add(name);
                break;
        }
    }
}
