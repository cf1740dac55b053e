using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// <c>GET /fhir/Measure</c> and <c>GET /fhir/Measure/{id}</c>: the indicator catalogue as FHIR Measures, built from the
/// code (<see cref="IndicatorCatalogue"/>), not from the resource store, so the definitions the SQL evaluates and the
/// ones published can never drift apart. Read-only: any write is 405. Needs <c>system/Measure.rs</c> (or <c>*</c>);
/// the catalogue describes no one, so there is nothing for the consent gate to decide.
/// </summary>
public sealed class MeasureCatalogueInteraction
{
    public const string Type = "Measure";

    private readonly IReadOnlyList<Measure> _measures = MeasureFactory.CreateAll();

    /// <summary>Search parameters honoured on GET /Measure (others are ignored, as lenient handling allows).</summary>
    public static readonly string[] SearchParameters = ["_id", "url", "name", "title", "status", "version"];

    public Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
    {
        var url = request.Url;
        var reading = url.SearchPost ? request.Method == "POST" : request.Method is "GET" or "HEAD";
        if (!reading) throw FhirException.MethodNotAllowed("Measure is read-only here: the indicator catalogue is defined by the gateway (docs/indicators.md).");

        if (url.History) throw FhirException.MethodNotAllowed("The indicator catalogue has no history: each Measure carries its version.");
        if (url.Id is not null)
        {
            Name(request, "read", AuditAction.Read);
            request.Access.RequireScope(Type, SmartPermissions.Read);
            var measure = _measures.FirstOrDefault(m => m.Id == url.Id) ?? throw FhirException.NotFound($"Measure/{url.Id} does not exist.");
            return System.Threading.Tasks.Task.FromResult(FhirResponse.Of(measure));
        }

        Name(request, "search-type", AuditAction.Execute);
        request.Access.RequireScope(Type, SmartPermissions.Search);
        return System.Threading.Tasks.Task.FromResult(FhirResponse.Of(Search(request)));
    }

    /// <summary>A Measure by id or by canonical URL (with or without |version); null when unknown.</summary>
    public Measure? Find(string reference)
    {
        var text = reference.Trim();
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        var version = bar >= 0 ? text[(bar + 1)..] : null;
        if (bar >= 0) text = text[..bar];
        if (text.StartsWith("Measure/", StringComparison.Ordinal)) text = text["Measure/".Length..];
        var measure = _measures.FirstOrDefault(m => m.Id == text || m.Url == text);
        return version is null || measure?.Version == version ? measure : null;
    }

    private Bundle Search(FhirRequest request)
    {
        IEnumerable<Measure> matches = _measures;
        foreach (var (key, raw) in request.Url.Query)
        {
            var values = raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            matches = key switch
            {
                "_id" => matches.Where(m => values.Contains(m.Id)),
                "url" => matches.Where(m => values.Contains(m.Url)),
                "version" => matches.Where(m => values.Contains(m.Version)),
                "status" => matches.Where(m => values.Contains(Hl7.Fhir.Utility.EnumUtility.GetLiteral(m.Status))),
                "name" => matches.Where(m => values.Any(v => (m.Name ?? "").StartsWith(v, StringComparison.OrdinalIgnoreCase))),
                "title" => matches.Where(m => values.Any(v => (m.Title ?? "").Contains(v, StringComparison.OrdinalIgnoreCase))),
                _ => matches,
            };
        }

        var list = matches.ToList();
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = list.Count };
        bundle.Link.Add(new Bundle.LinkComponent { Relation = "self", Url = request.BaseUrl + "/Measure" });
        foreach (var m in list)
            bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = request.BaseUrl + "/Measure/" + m.Id, Resource = m, Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match } });
        return bundle;
    }

    private static void Name(FhirRequest request, string interaction, AuditAction action)
    {
        if (request.Access.Interaction != "unknown") return;
        request.Access.Interaction = interaction;
        request.Access.Action = action;
    }
}
