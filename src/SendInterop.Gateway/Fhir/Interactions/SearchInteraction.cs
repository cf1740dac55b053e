using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Search;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// Type-level search: criteria, sort, keyset paging, _include/_revinclude, _summary=count. Parameters the server
/// does not understand are reported in an OperationOutcome entry (lenient) or refused with 400 (Prefer: handling=strict).
/// Every match and include passes the consent gate; a withheld resource is not counted, paged or included, so the
/// result looks exactly as if it did not exist.
/// </summary>
public sealed class SearchInteraction(
    SearchRequestParser parser, IResourceStore store, DisclosureGate gate, ChainedCriteriaGate chains,
    Microsoft.Extensions.Options.IOptions<AccessOptions> access, Identity.LinkedIdentifierSearch linked, Search.SearchCursorSeal cursors)
{
    /// <summary>Store round trips spent refilling one page after the gate withheld matches; a shorter page links on.</summary>
    private const int MaxRefills = 20;
    private const int LookaheadBatch = 20;
    /// <summary>Access rows read per statement while counting Bundle.total through the gate.</summary>
    private const int TotalBatch = 2_000;

    public async Task<FhirResponse> SearchAsync(FhirRequest request, ScopeGrant? grant, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        // Patient?linked-identifier= becomes an _id criterion over the child's linked records (master child index);
        // the links below keep the caller's own query.
        var (query, linkedIds) = await linked.ExpandAsync(type, request.Url.Query, request.Access, grant, ct);
        if (linkedIds is { Count: 0 }) return Empty(request, type);
        var search = parser.Parse(type, WithScopeConstraints(type, query, grant));
        if (search.Refusals.Count > 0)
            throw new FhirException(400, OperationOutcome.IssueType.NotSupported, string.Join(" ", search.Refusals));
        if (search.Problems.Count > 0 && request.StrictHandling)
            throw new FhirException(400, OperationOutcome.IssueType.NotSupported, string.Join(" ", search.Problems));
        // Links carry sealed cursors only (SearchCursorSeal): the store sees its own cursor, the client never does.
        if (search.Cursor is { } sealedCursor) search.Cursor = cursors.Open(sealedCursor);

        var session = request.Access;
        int? total;
        IReadOnlyList<ResourceRecord> matches;
        string? next, previous;
        try
        {
            // Chains match only through targets the requester may see (before anything is counted or paged).
            await chains.ApplyAsync(session, search, ct);
            if (session.IsInternal)
            {
                var page = await store.SearchAsync(search, ct);
                (total, matches, next, previous) = (page.Total, page.Matches, page.NextCursor, page.PreviousCursor);
            }
            else
            {
                var firstPage = search.Cursor is null;
                var pageWanted = search.Summary != SummaryMode.Count && search.Count > 0;
                (matches, next, previous) = pageWanted ? await GatedPageAsync(session, search, grant, ct) : ([], null, null);
                // A first page with nothing permitted beyond it has seen (and decided) every match: its size is the
                // total, without scanning the matches again. Otherwise every match is counted through the gate.
                total = pageWanted && firstPage && next is null && !search.OmitTotal ? matches.Count : await GatedTotalAsync(session, search, grant, ct);
            }
        }
        catch (SearchValueException ex)
        {
            throw FhirException.BadRequest(ex.Message);
        }

        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = total };
        var self = SelfLink(request.BaseUrl, type, request.Url.Query);
        body.Links.Add(("self", self));
        if (next is not null) body.Links.Add(("next", WithCursor(request.BaseUrl, type, request.Url.Query, cursors.Seal(next))));
        if (previous is not null) body.Links.Add(("previous", WithCursor(request.BaseUrl, type, request.Url.Query, cursors.Seal(previous))));

        foreach (var m in matches) body.Entries.Add(Entry(request.BaseUrl, m, Bundle.SearchEntryMode.Match));
        if (search.Summary != SummaryMode.Count)
        {
            var seen = new HashSet<(string, string)>(matches.Select(m => (m.ResourceType, m.ResourceId)));
            foreach (var spec in search.Includes)
                foreach (var inc in await PermittedIncludesAsync(session, seen, (after, limit) => store.IncludeAfterAsync(matches, spec, after, limit, ct), ct))
                    body.Entries.Add(Entry(request.BaseUrl, inc, Bundle.SearchEntryMode.Include));
            foreach (var spec in search.RevIncludes)
                foreach (var inc in await PermittedIncludesAsync(session, seen, (after, limit) => store.RevIncludeAfterAsync(matches, spec, after, limit, ct), ct))
                    body.Entries.Add(Entry(request.BaseUrl, inc, Bundle.SearchEntryMode.Include));
        }
        if (search.Problems.Count > 0)
        {
            var outcome = new OperationOutcome();
            foreach (var p in search.Problems) outcome.Issue.Add(OperationOutcomes.Warning(p));
            body.Entries.Add(new BundleBodyEntry { Resource = outcome, SearchMode = Bundle.SearchEntryMode.Outcome });
        }
        return new FhirResponse { Bundle = body };
    }

    /// <summary>
    /// The includes of one _include/_revinclude the requester may see, at most <see cref="SearchDefaults.MaxCount"/>. The
    /// cap applies after the gate: capped first, hidden includes could crowd out visible ones and so reveal that they exist.
    /// An include is optional: a type the scopes do not allow, or a resource the gate withholds, is left out.
    /// </summary>
    /// <param name="seen">Resources already in the Bundle (matches, earlier includes): skipped, and added to as includes are taken.</param>
    private async Task<List<ResourceRecord>> PermittedIncludesAsync(AccessSession session, HashSet<(string, string)> seen,
        Func<long, int, Task<IReadOnlyList<ResourceRecord>>> fetch, CancellationToken ct)
    {
        var permitted = new List<ResourceRecord>();
        var after = long.MinValue;
        while (true)
        {
            var batch = await fetch(after, SearchDefaults.MaxCount);
            foreach (var inc in batch)
            {
                if (seen.Contains((inc.ResourceType, inc.ResourceId))) continue;
                if (!session.IsInternal)
                {
                    var incGrant = session.ScopeFor(inc.ResourceType, Domain.Access.SmartPermissions.Read);
                    if (incGrant is null || !incGrant.Unconstrained || !await gate.PermitsAsync(session, inc, incGrant, ct)) continue;
                }
                seen.Add((inc.ResourceType, inc.ResourceId));
                permitted.Add(inc);
                if (permitted.Count == SearchDefaults.MaxCount) return permitted;
            }
            if (batch.Count < SearchDefaults.MaxCount) return permitted;
            after = batch[^1].Key;
        }
    }

    /// <summary>
    /// A constrained scope (<c>system/Observation.rs?category=laboratory</c>) narrows the search: its constraints are
    /// added as criteria. Several differently constrained scopes would need an OR the R4 search syntax cannot express.
    /// </summary>
    private static IReadOnlyList<KeyValuePair<string, string>> WithScopeConstraints(string type, IReadOnlyList<KeyValuePair<string, string>> query, ScopeGrant? grant)
    {
        if (grant is null || grant.Unconstrained) return query;
        if (grant.ConstraintSets.Count > 1)
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden,
                $"The token grants {type} search only through several differently constrained scopes; ask for one scope per search.");
        return query.Concat(grant.ConstraintSets[0].Select(c => new KeyValuePair<string, string>(c.Parameter, c.Value))).ToList();
    }

    /// <summary>
    /// Bundle.total counts only what the requester may see, walking every match through the gate in key order. Whether it
    /// is given depends on nothing the requester could move with writes of its own: it is left out when more than
    /// <see cref="AccessOptions.MaxGatedTotal"/> matches are permitted, or when more than
    /// <see cref="AccessOptions.MaxGatedTotalScan"/> other organisations' matches would have to be decided. (A threshold
    /// over all matches, hidden ones included, let a client that created enough matching resources of its own find the
    /// point where the total vanished, and so count, or detect one by one, the matches hidden from it.)
    /// </summary>
    private async Task<int?> GatedTotalAsync(AccessSession session, SearchRequest search, ScopeGrant? grant, CancellationToken ct)
    {
        if (search.OmitTotal) return null;
        var options = access.Value;
        var own = session.Requester?.OrganisationId;
        var permitted = 0;
        long othersDecided = 0;
        var after = long.MinValue;
        while (true)
        {
            var rows = await store.MatchAccessAfterAsync(search, after, TotalBatch, ct);
            foreach (var row in rows)
                if (!string.Equals(row.Owner, own, StringComparison.Ordinal)) othersDecided++;
            if (othersDecided > options.MaxGatedTotalScan) return null;
            permitted += await gate.CountPermittedAsync(session, rows, grant, ct);
            if (permitted > options.MaxGatedTotal) return null;
            if (rows.Count < TotalBatch) return permitted;
            after = rows[^1].Key;
        }
    }

    /// <summary>
    /// One page of permitted matches: keyset pages from the store are filtered and the page is refilled from where
    /// the last one ended, so a page holds _count permitted matches whenever there are that many.
    /// </summary>
    private async Task<(IReadOnlyList<ResourceRecord>, string?, string?)> GatedPageAsync(AccessSession session, SearchRequest search, ScopeGrant? grant, CancellationToken ct)
    {
        var want = search.Count;
        var backward = KeysetPager.IsBackward(search.Cursor);
        var collected = new List<ResourceRecord>(want);
        string? next = null, previous = null;
        search.SkipTotal = true;
        for (var round = 0; round < MaxRefills; round++)
        {
            search.Count = want - collected.Count;
            var page = await store.SearchAsync(search, ct);
            var permitted = await gate.FilterAsync(session, page.Matches, grant, ct);
            if (backward)
            {
                collected.InsertRange(0, permitted);
                previous = page.PreviousCursor;
                if (round == 0) next = page.NextCursor;
            }
            else
            {
                collected.AddRange(permitted);
                next = page.NextCursor;
                if (round == 0) previous = page.PreviousCursor;
            }
            var onward = backward ? previous : next;
            if (onward is null) break;
            if (collected.Count >= want)
            {
                // A link onward only when a permitted match lies beyond: an empty last page would reveal hidden ones.
                if (!await AnyPermittedFromAsync(session, search, onward, grant, ct))
                {
                    if (backward) previous = null;
                    else next = null;
                }
                break;
            }
            search.Cursor = onward;
        }
        search.Count = want;
        return (collected, next, previous);
    }

    /// <summary>
    /// Whether any match from <paramref name="cursor"/> on (in the cursor's direction) is one the gate permits. Not
    /// recorded: it discloses nothing but the presence of a link. Gives up (answers yes) after the refill budget.
    /// </summary>
    private async Task<bool> AnyPermittedFromAsync(AccessSession session, SearchRequest search, string cursor, ScopeGrant? grant, CancellationToken ct)
    {
        var backward = KeysetPager.IsBackward(cursor);
        search.Count = LookaheadBatch;
        for (var round = 0; round < MaxRefills; round++)
        {
            search.Cursor = cursor;
            var page = await store.SearchAsync(search, ct);
            foreach (var m in page.Matches)
                if (await gate.IsPermittedAsync(session, m, grant, ct)) return true;
            var onward = backward ? page.PreviousCursor : page.NextCursor;
            if (onward is null) return false;
            cursor = onward;
        }
        return true;
    }

    private static FhirResponse Empty(FhirRequest request, string type)
    {
        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = 0 };
        body.Links.Add(("self", SelfLink(request.BaseUrl, type, request.Url.Query)));
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
