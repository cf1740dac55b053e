using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Model;
using SendInterop.Storage.Search;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// Type-level search: criteria, sort, keyset paging, _include/_revinclude, _summary=count. Parameters the server
/// does not understand are reported in an OperationOutcome entry (lenient) or refused with 400 (Prefer: handling=strict).
/// </summary>
public sealed class SearchInteraction(SearchRequestParser parser, IResourceStore store)
{
    public async Task<FhirResponse> SearchAsync(FhirRequest request, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        var search = parser.Parse(type, request.Url.Query);
        if (search.Problems.Count > 0 && request.StrictHandling)
            throw new FhirException(400, OperationOutcome.IssueType.NotSupported, string.Join(" ", search.Problems));

        SearchPage page;
        try
        {
            page = await store.SearchAsync(search, ct);
        }
        catch (SearchValueException ex)
        {
            throw FhirException.BadRequest(ex.Message);
        }

        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = page.Total };
        var self = SelfLink(request.BaseUrl, type, request.Url.Query);
        body.Links.Add(("self", self));
        if (page.NextCursor is not null) body.Links.Add(("next", WithCursor(request.BaseUrl, type, request.Url.Query, page.NextCursor)));
        if (page.PreviousCursor is not null) body.Links.Add(("previous", WithCursor(request.BaseUrl, type, request.Url.Query, page.PreviousCursor)));

        foreach (var m in page.Matches) body.Entries.Add(Entry(request.BaseUrl, m, Bundle.SearchEntryMode.Match));
        if (search.Summary != SummaryMode.Count)
        {
            var seen = new HashSet<(string, string)>(page.Matches.Select(m => (m.ResourceType, m.ResourceId)));
            var included = new List<ResourceRecord>();
            included.AddRange(await store.IncludeAsync(page.Matches, search.Includes, ct));
            included.AddRange(await store.RevIncludeAsync(page.Matches, search.RevIncludes, ct));
            foreach (var inc in included)
                if (seen.Add((inc.ResourceType, inc.ResourceId))) body.Entries.Add(Entry(request.BaseUrl, inc, Bundle.SearchEntryMode.Include));
        }
        if (search.Problems.Count > 0)
        {
            var outcome = new OperationOutcome();
            foreach (var p in search.Problems) outcome.Issue.Add(OperationOutcomes.Warning(p));
            body.Entries.Add(new BundleBodyEntry { Resource = outcome, SearchMode = Bundle.SearchEntryMode.Outcome });
        }
        return new FhirResponse { Bundle = body };
    }

    private static BundleBodyEntry Entry(string baseUrl, ResourceRecord r, Bundle.SearchEntryMode mode) =>
        new() { FullUrl = $"{baseUrl}/{r.ResourceType}/{r.ResourceId}", Json = r.Json, SearchMode = mode };

    private static string SelfLink(string baseUrl, string type, IEnumerable<KeyValuePair<string, string>> query) =>
        $"{baseUrl}/{type}{QueryString(query)}";

    private static string WithCursor(string baseUrl, string type, IEnumerable<KeyValuePair<string, string>> query, string cursor) =>
        $"{baseUrl}/{type}{QueryString(query.Where(kv => kv.Key != "_cursor").Append(new("_cursor", cursor)))}";

    internal static string QueryString(IEnumerable<KeyValuePair<string, string>> query)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in query)
        {
            if (k == "_format") continue;
            sb.Append(sb.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
        }
        return sb.ToString();
    }
}
