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
    Microsoft.Extensions.Options.IOptions<AccessOptions> access, Identity.LinkedIdentifierSearch linked, Search.SearchCursorSeal cursors,
    PermittedIncludes includes)
{
    /// <summary>The first batch a look beyond a full page reads; batches grow fourfold from there.</summary>
    private const int LookaheadBatch = 20;
    /// <summary>The largest batch of matches (bodies included) read from the store at once while filling or looking ahead.</summary>
    private const int MaxBatch = 1_000;
    /// <summary>Access rows read per statement while counting Bundle.total through the gate.</summary>
    private const int TotalBatch = 2_000;

    public async Task<FhirResponse> SearchAsync(FhirRequest request, ScopeGrant? grant, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        // Patient?linked-identifier= becomes an _id criterion over the child's linked records (master child index);
        // the links below keep the caller's own query.
        var (query, linkedIds) = await linked.ExpandAsync(type, request.Url.Query, request.Access, grant, ct);
        if (linkedIds is { Count: 0 }) return Empty(request, type, omitTotal: query.Any(kv => kv.Key == "_total" && kv.Value == "none"));
        var search = parser.Parse(type, WithScopeConstraints(type, query, grant));
        if (search.Refusals.Count > 0)
            throw new FhirException(400, OperationOutcome.IssueType.NotSupported, string.Join(" ", search.Refusals));
        if (search.Problems.Count > 0 && request.StrictHandling)
            throw new FhirException(400, OperationOutcome.IssueType.NotSupported, string.Join(" ", search.Problems));
        // Links carry sealed cursors only (SearchCursorSeal): the store sees its own cursor, the client never does.
        int? carriedTotal = null;
        if (search.Cursor is { } sealedCursor) (search.Cursor, carriedTotal) = cursors.Open(sealedCursor);

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
                // total, without scanning the matches again. Otherwise the first page counts every match through the
                // gate, and later pages repeat what it counted (carried, sealed, in their cursor).
                total = search.OmitTotal ? null
                    : !firstPage ? carriedTotal
                    : pageWanted && next is null ? matches.Count
                    : await GatedTotalAsync(session, search, grant, ct);
            }
        }
        catch (SearchValueException ex)
        {
            throw FhirException.BadRequest(ex.Message);
        }

        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = total };
        var self = SelfLink(request.BaseUrl, type, request.Url.Query);
        body.Links.Add(("self", self));
        if (next is not null) body.Links.Add(("next", WithCursor(request.BaseUrl, type, request.Url.Query, cursors.Seal(next, total))));
        if (previous is not null) body.Links.Add(("previous", WithCursor(request.BaseUrl, type, request.Url.Query, cursors.Seal(previous, total))));

        foreach (var m in matches) body.Entries.Add(Entry(request.BaseUrl, m, Bundle.SearchEntryMode.Match));
        if (search.Summary != SummaryMode.Count)
        {
            var seen = new HashSet<(string, string)>(matches.Select(m => (m.ResourceType, m.ResourceId)));
            foreach (var spec in search.Includes)
                foreach (var inc in await includes.CollectAsync(session, seen, (after, limit) => store.IncludeAfterAsync(matches, spec, after, limit, ct), ct))
                    body.Entries.Add(Entry(request.BaseUrl, inc, Bundle.SearchEntryMode.Include));
            foreach (var spec in search.RevIncludes)
                foreach (var inc in await includes.CollectAsync(session, seen, (after, limit) => store.RevIncludeAfterAsync(matches, spec, after, limit, ct), ct))
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
    /// Bundle.total counts only what the requester may see, walking every match through the gate in key order (access
    /// facts only, no bodies), and is left out when more than <see cref="AccessOptions.MaxGatedTotal"/> are permitted.
    /// Whether it is given depends on permitted matches only: no limit counts hidden ones, since any such limit is a
    /// threshold a client can find (with its own records, or by narrowing its criteria until the total comes back) and
    /// so count, or detect, what is hidden. The price is a walk over every match for a requester who sees few of them.
    /// </summary>
    private async Task<int?> GatedTotalAsync(AccessSession session, SearchRequest search, ScopeGrant? grant, CancellationToken ct)
    {
        var limit = access.Value.MaxGatedTotal;
        var permitted = 0;
        var after = long.MinValue;
        while (true)
        {
            var rows = await store.MatchAccessAfterAsync(search, after, TotalBatch, ct);
            permitted += await gate.CountPermittedAsync(session, rows, grant, ct);
            if (permitted > limit) return null;
            if (rows.Count < TotalBatch) return permitted;
            after = rows[^1].Key;
        }
    }

    /// <summary>
    /// One page of permitted matches, decided one by one in the order of travel (each decision recorded): batches from
    /// the store, growing from <c>_count</c> to <see cref="MaxBatch"/>, are walked until the page holds <c>_count</c>
    /// permitted matches or the matches run out. A page that fills inside a batch links on from its last match
    /// (<see cref="IResourceStore.CursorAtAsync"/>). No bound counts hidden matches: a page of 20 store rounds at most
    /// let a client tell, from a short page with a next link, that 20 or more hidden matches sorted before a record of
    /// its own, and so find hidden sort values by moving that record. The price is a walk past every hidden match between
    /// two visible ones.
    /// </summary>
    private async Task<(IReadOnlyList<ResourceRecord>, string?, string?)> GatedPageAsync(AccessSession session, SearchRequest search, ScopeGrant? grant, CancellationToken ct)
    {
        var want = search.Count;
        var backward = KeysetPager.IsBackward(search.Cursor);
        var collected = new List<ResourceRecord>(want);
        string? next = null, previous = null;
        search.SkipTotal = true;
        var batch = want;
        for (var round = 0; ; round++)
        {
            search.Count = batch;
            var page = await store.SearchAsync(search, ct);
            if (round == 0) (next, previous) = backward ? (page.NextCursor, (string?)null) : ((string?)null, page.PreviousCursor);
            var travel = backward ? page.Matches.Reverse().ToList() : page.Matches;
            var onward = backward ? page.PreviousCursor : page.NextCursor;
            for (var i = 0; i < travel.Count; i++)
            {
                if (collected.Count == want)
                {
                    // Full inside the batch: link on from the last match taken, if a permitted match lies beyond it (an
                    // empty last page would reveal hidden ones); the rest of this batch is looked at first.
                    // The cursor first: it reads the last match's sort value, which a write during a long look-ahead
                    // could remove from the index.
                    var link = await store.CursorAtAsync(search, (backward ? collected[0] : collected[^1]).Key, backward, ct);
                    var beyond = await AnyPermittedAsync(session, travel.Skip(i), grant, ct)
                        || (onward is not null && await AnyPermittedFromAsync(session, search, onward, grant, ct));
                    SetOnward(beyond ? link : null);
                    return Done();
                }
                if (await gate.PermitsAsync(session, travel[i], grant, ct))
                {
                    if (backward) collected.Insert(0, travel[i]);
                    else collected.Add(travel[i]);
                }
            }
            if (onward is null || collected.Count == want)
            {
                SetOnward(onward is not null && await AnyPermittedFromAsync(session, search, onward, grant, ct) ? onward : null);
                return Done();
            }
            search.Cursor = onward;
            batch = Math.Min(MaxBatch, Math.Max(batch * 4, LookaheadBatch));
        }

        void SetOnward(string? link)
        {
            if (backward) previous = link;
            else next = link;
        }

        (IReadOnlyList<ResourceRecord>, string?, string?) Done()
        {
            search.Count = want;
            return (collected, next, previous);
        }
    }

    /// <summary>Whether any of these matches is one the gate permits. Not recorded: it discloses nothing but a link.</summary>
    private async Task<bool> AnyPermittedAsync(AccessSession session, IEnumerable<ResourceRecord> matches, ScopeGrant? grant, CancellationToken ct)
    {
        foreach (var m in matches)
            if (await gate.IsPermittedAsync(session, m, grant, ct)) return true;
        return false;
    }

    /// <summary>
    /// Whether any match from <paramref name="cursor"/> on (in the cursor's direction) is one the gate permits, walking
    /// batches that grow to <see cref="MaxBatch"/> until one is found or the matches run out. Not recorded.
    /// </summary>
    private async Task<bool> AnyPermittedFromAsync(AccessSession session, SearchRequest search, string cursor, ScopeGrant? grant, CancellationToken ct)
    {
        var backward = KeysetPager.IsBackward(cursor);
        var (savedCursor, savedCount) = (search.Cursor, search.Count);
        try
        {
            for (var batch = LookaheadBatch; ; batch = Math.Min(MaxBatch, batch * 4))
            {
                search.Cursor = cursor;
                search.Count = batch;
                var page = await store.SearchAsync(search, ct);
                if (await AnyPermittedAsync(session, page.Matches, grant, ct)) return true;
                var onward = backward ? page.PreviousCursor : page.NextCursor;
                if (onward is null) return false;
                cursor = onward;
            }
        }
        finally
        {
            (search.Cursor, search.Count) = (savedCursor, savedCount);
        }
    }

    private static FhirResponse Empty(FhirRequest request, string type, bool omitTotal)
    {
        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = omitTotal ? null : 0 };
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
