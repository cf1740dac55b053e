using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// Instance, type and system history, newest first, paged by a keyset cursor (_page, sealed like search cursors: the
/// boundary may be a withheld version's store key). Every entry passes the consent gate; withheld versions are skipped
/// and the page refilled. A filtered history carries no total: counting every
/// version through the gate would cost a scan of the whole history, and a total of the unfiltered rows would leak.
/// </summary>
public sealed class HistoryInteraction(IResourceStore store, DisclosureGate gate, ReadInteractions reads, Search.SearchCursorSeal cursors)
{
    /// <summary>The largest batch of versions read at once while filling a page or looking beyond it.</summary>
    private const int MaxBatch = 1_000;

    public async Task<FhirResponse> HistoryAsync(FhirRequest request, ScopeGrant? grant, CancellationToken ct)
    {
        var url = request.Url;
        int count = SearchDefaults.DefaultCount;
        DateTimeOffset? since = null;
        long? before = null;
        foreach (var (k, v) in url.Query)
        {
            switch (k)
            {
                case "_count":
                    if (!int.TryParse(v, out count) || count < 1) throw FhirException.BadRequest($"_count must be a positive integer, not '{v}'.");
                    count = Math.Min(count, SearchDefaults.MaxCount);
                    break;
                case "_since":
                    if (!FhirDateRange.TryParse(v, out var r)) throw FhirException.BadRequest($"_since must be a FHIR instant (e.g. 2024-03-05T10:00:00Z), not '{v}'.");
                    since = new DateTimeOffset(r.Start, TimeSpan.Zero);
                    break;
                case "_page":
                    before = cursors.OpenHistoryPage(v);
                    break;
                case "_format": break;
                default:
                    if (request.StrictHandling) throw FhirException.BadRequest($"History does not support the parameter '{k}'.");
                    break;
            }
        }
        if (url.Id is not null)
        {
            var current = await store.ReadAsync(url.ResourceType!, url.Id, ct) ?? throw FhirException.NotFound($"{url.ResourceType}/{url.Id} does not exist.");
            await reads.EnsureVisibleAsync(request.Access, grant, current, ct);
        }

        var (entries, nextKey, total) = await PageAsync(request.Access, grant, url.ResourceType, url.Id, since, count, before, ct);
        var body = new BundleBody { Type = Bundle.BundleType.History, Total = total };
        var path = url.ResourceType is null ? "_history" : url.Id is null ? $"{url.ResourceType}/_history" : $"{url.ResourceType}/{url.Id}/_history";
        var baseQuery = url.Query.Where(kv => kv.Key is not "_page").ToList();
        body.Links.Add(("self", $"{request.BaseUrl}/{path}{SearchInteraction.QueryString(url.Query)}"));
        if (nextKey is { } next)
            body.Links.Add(("next", $"{request.BaseUrl}/{path}{SearchInteraction.QueryString(baseQuery.Append(new("_page", cursors.SealHistoryPage(next))))}"));
        foreach (var r in entries)
        {
            var lastModified = new DateTimeOffset(r.LastUpdated, TimeSpan.Zero);
            body.Entries.Add(new BundleBodyEntry
            {
                FullUrl = $"{request.BaseUrl}/{r.ResourceType}/{r.ResourceId}",
                Json = r.IsDeleted ? null : r.Json,
                RequestMethod = r.Method == "PATCH" ? "PATCH" : r.Method,
                RequestUrl = r.Method == "POST" ? r.ResourceType : $"{r.ResourceType}/{r.ResourceId}",
                ResponseStatus = r.IsDeleted ? "204" : r.VersionId == 1 ? "201" : "200",
                ResponseEtag = $"W/\"{r.VersionId}\"",
                ResponseLastModified = lastModified,
            });
        }
        return new FhirResponse { Bundle = body };
    }

    private async Task<(IReadOnlyList<ResourceRecord> Entries, long? NextBeforeKey, int? Total)> PageAsync(
        AccessSession access, ScopeGrant? grant, string? type, string? id, DateTimeOffset? since, int count, long? before, CancellationToken ct)
    {
        if (access.IsInternal)
        {
            var page = await store.HistoryAsync(type, id, since, count, before, ct);
            return (page.Entries, page.NextBeforeKey, page.Total);
        }
        // Walked in batches growing to MaxBatch until the page is full or the history runs out: no bound counts hidden
        // versions (a bound of 20 store rounds gave an empty page with a next link once 20 hidden versions were newer,
        // which counted other organisations' writes).
        var visible = new VisibilityCache(gate, store, access, grant, type);
        var collected = new List<ResourceRecord>(count);
        long? cursor = before;
        var batch = count;
        while (true)
        {
            var page = await store.HistoryAsync(type, id, since, batch, cursor, ct, countTotal: false);
            for (var i = 0; i < page.Entries.Count; i++)
            {
                if (collected.Count == count)
                {
                    // Full inside the batch: a next link (from the last entry taken) only when a permitted entry lies
                    // beyond it; an empty last page would reveal hidden versions.
                    var beyond = await AnyVisibleAsync(visible, page.Entries.Skip(i), ct)
                        || (page.NextBeforeKey is { } rest && await AnyVisibleBeforeAsync(visible, type, id, since, rest, ct));
                    return (collected, beyond ? collected[^1].Key : null, null);
                }
                if (await visible.IsVisibleAsync(page.Entries[i], record: true, ct)) collected.Add(page.Entries[i]);
            }
            if (page.NextBeforeKey is not { } next) return (collected, null, null);
            if (collected.Count == count) return (collected, await AnyVisibleBeforeAsync(visible, type, id, since, next, ct) ? next : null, null);
            cursor = next;
            batch = Math.Min(MaxBatch, Math.Max(batch * 4, 20));
        }
    }

    private static async Task<bool> AnyVisibleAsync(VisibilityCache visible, IEnumerable<ResourceRecord> entries, CancellationToken ct)
    {
        foreach (var r in entries)
            if (await visible.IsVisibleAsync(r, record: false, ct)) return true;
        return false;
    }

    private async Task<bool> AnyVisibleBeforeAsync(VisibilityCache visible, string? type, string? id, DateTimeOffset? since, long before, CancellationToken ct)
    {
        long? key = before;
        for (var batch = 20; key is not null; batch = Math.Min(MaxBatch, batch * 4))
        {
            var page = await store.HistoryAsync(type, id, since, batch, key, ct, countTotal: false);
            if (await AnyVisibleAsync(visible, page.Entries, ct)) return true;
            key = page.NextBeforeKey;
        }
        return false;
    }

    /// <summary>
    /// Whether a history entry may be shown: the gate permits the version and, for an older version, the resource's
    /// current version too. A label, consent or new owner on the current version covers the whole history: an older
    /// version that stayed readable after the current one was hidden (an MH label added in version 2) both disclosed the
    /// old content and said that a hidden newer version exists. The current versions' answers are kept for the request.
    /// </summary>
    private sealed class VisibilityCache(DisclosureGate gate, IResourceStore store, AccessSession access, ScopeGrant? grant, string? type)
    {
        private readonly Dictionary<(string, string), bool> _current = [];

        public async Task<bool> IsVisibleAsync(ResourceRecord r, bool record, CancellationToken ct)
        {
            // System history spans types: a type the scopes do not allow is left out like a withheld resource.
            var entryGrant = type is null ? access.ScopeFor(r.ResourceType, Domain.Access.SmartPermissions.Read) : grant;
            if (entryGrant is null) return false;
            if (!r.IsCurrent && !await CurrentVisibleAsync(r, entryGrant, ct)) return false;
            if (record) return await gate.PermitsWithinScopeAsync(access, r, entryGrant, ct);
            return await gate.IsPermittedWithinScopeAsync(access, r, entryGrant, ct);
        }

        private async Task<bool> CurrentVisibleAsync(ResourceRecord r, ScopeGrant entryGrant, CancellationToken ct)
        {
            if (_current.TryGetValue((r.ResourceType, r.ResourceId), out var known)) return known;
            var current = await store.ReadAsync(r.ResourceType, r.ResourceId, ct);
            var visible = current is not null && await gate.IsPermittedWithinScopeAsync(access, current, entryGrant, ct);
            _current[(r.ResourceType, r.ResourceId)] = visible;
            return visible;
        }
    }
}
