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
    private const int MaxRefills = 20;

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
        var collected = new List<ResourceRecord>(count);
        long? next = before;
        for (var round = 0; round < MaxRefills; round++)
        {
            var page = await store.HistoryAsync(type, id, since, count - collected.Count, next, ct);
            foreach (var r in page.Entries)
                if (await VisibleAsync(access, grant, type, r, record: true, ct)) collected.Add(r);
            next = page.NextBeforeKey;
            if (next is null) break;
            if (collected.Count >= count)
            {
                // A next link only when a permitted entry lies beyond: an empty last page would reveal hidden versions.
                if (!await AnyVisibleBeforeAsync(access, grant, type, id, since, next.Value, ct)) next = null;
                break;
            }
        }
        return (collected, next, null);
    }

    private async Task<bool> AnyVisibleBeforeAsync(AccessSession access, ScopeGrant? grant, string? type, string? id, DateTimeOffset? since, long before, CancellationToken ct)
    {
        long? key = before;
        for (var round = 0; round < MaxRefills && key is not null; round++)
        {
            var page = await store.HistoryAsync(type, id, since, 20, key, ct);
            foreach (var r in page.Entries)
                if (await VisibleAsync(access, grant, type, r, record: false, ct)) return true;
            key = page.NextBeforeKey;
        }
        return key is not null;
    }

    private async Task<bool> VisibleAsync(AccessSession access, ScopeGrant? grant, string? type, ResourceRecord r, bool record, CancellationToken ct)
    {
        // System history spans types: a type the scopes do not allow is left out like a withheld resource.
        var entryGrant = type is null ? access.ScopeFor(r.ResourceType, Domain.Access.SmartPermissions.Read) : grant;
        if (entryGrant is null) return false;
        if (record) return await gate.PermitsWithinScopeAsync(access, r, entryGrant, ct);
        return (entryGrant.Unconstrained || await gate.MatchesScopeConstraintsAsync(r.ResourceType, r.ResourceId, entryGrant, ct))
            && await gate.IsPermittedAsync(access, r, entryGrant, ct);
    }
}
