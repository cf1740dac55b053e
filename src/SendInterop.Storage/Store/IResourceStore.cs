using SendInterop.Domain.Search;
using SendInterop.Storage.Model;

namespace SendInterop.Storage.Store;

/// <summary>The versioned resource store: one implementation for every resource type and both databases.</summary>
public interface IResourceStore
{
    /// <summary>The current version (possibly a deletion marker), or null if the id was never used.</summary>
    Task<ResourceRecord?> ReadAsync(string type, string id, CancellationToken ct = default);

    Task<ResourceRecord?> ReadVersionAsync(string type, string id, int version, CancellationToken ct = default);

    /// <summary>True if each (type, id) exists and is not deleted; one answer per input, in order.</summary>
    Task<IReadOnlyList<bool>> ExistAsync(IReadOnlyList<(string Type, string Id)> references, CancellationToken ct = default);

    /// <summary>Applies every write in one database transaction: all succeed or none is stored.</summary>
    Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct = default);

    /// <summary>
    /// Versions newest first, at most <paramref name="count"/>, before <paramref name="beforeKey"/> when given. Without
    /// <paramref name="countTotal"/> the page's Total is 0 (a caller that filters the versions counts nothing).
    /// </summary>
    Task<HistoryPage> HistoryAsync(string? type, string? id, DateTimeOffset? since, int count, long? beforeKey, CancellationToken ct = default, bool countTotal = true);

    Task<SearchPage> SearchAsync(SearchRequest request, CancellationToken ct = default);

    /// <summary>
    /// The paging cursor from the match with store key <paramref name="key"/> on (or, <paramref name="backward"/>, back),
    /// in the request's sort order, as the page links of <see cref="SearchAsync"/> carry.
    /// </summary>
    Task<string> CursorAtAsync(SearchRequest request, long key, bool backward, CancellationToken ct = default);

    /// <summary>
    /// The identity, owner and access facts of every match of the criteria (no bodies), at most <paramref name="limit"/>:
    /// what the consent gate needs to count a filtered result as if the hidden matches did not exist.
    /// </summary>
    Task<IReadOnlyList<AccessRow>> MatchAccessAsync(SearchRequest request, int limit, CancellationToken ct = default);

    /// <summary>
    /// <see cref="MatchAccessAsync"/> in key order from just after <paramref name="afterKey"/>: lets the gate walk every
    /// match in batches (resolving a chained criterion) without holding them all at once.
    /// </summary>
    Task<IReadOnlyList<AccessRow>> MatchAccessAfterAsync(SearchRequest request, long afterKey, int limit, CancellationToken ct = default);

    /// <summary>
    /// The current records the given resources reference through one _include spec, in key order from just after
    /// <paramref name="afterKey"/>, at most <paramref name="limit"/>: the caller filters them through the consent gate
    /// before it caps the includes (there is deliberately no call that returns every include at once).
    /// </summary>
    Task<IReadOnlyList<ResourceRecord>> IncludeAfterAsync(IReadOnlyList<ResourceRecord> matches, IncludeSpec include, long afterKey, int limit, CancellationToken ct = default);

    /// <summary>The current records that reference the given resources through one _revinclude spec, paged as <see cref="IncludeAfterAsync"/>.</summary>
    Task<IReadOnlyList<ResourceRecord>> RevIncludeAfterAsync(IReadOnlyList<ResourceRecord> matches, IncludeSpec revInclude, long afterKey, int limit, CancellationToken ct = default);

    /// <summary>
    /// The current records that reference any of <paramref name="targetIds"/> (of <paramref name="targetType"/>) through any
    /// reference search parameter (Patients' compartments, for $everything), each once, in key order after
    /// <paramref name="afterKey"/>, at most <paramref name="limit"/>; only of <paramref name="types"/> when given, and only
    /// those last updated at or after <paramref name="sinceTicks"/> (UTC ticks) when given.
    /// </summary>
    Task<IReadOnlyList<ResourceRecord>> ReferringAfterAsync(string targetType, IReadOnlyCollection<string> targetIds, IReadOnlyCollection<string>? types,
        long? sinceTicks, long afterKey, int limit, CancellationToken ct = default);

    Task<bool> IsReachableAsync(CancellationToken ct = default);

    /// <summary>
    /// The current resources of <paramref name="type"/> indexed under <paramref name="param"/> with any of the token codes,
    /// each with the system and code it matched (one row per match, so a resource matching two codes comes twice). One
    /// statement per thousand codes: a bulk import's look-ups, where a search per key cost a query compilation and a round
    /// trip each. No consent decision is made here: the caller filters through the gate.
    /// </summary>
    Task<IReadOnlyList<TokenMatch>> FindByTokensAsync(string type, string param, IReadOnlyCollection<string> codes, CancellationToken ct = default);

    /// <summary>
    /// The current resources of <paramref name="sourceType"/> whose <paramref name="param"/> references any of the
    /// <paramref name="targetType"/> ids, each with the id it references; one statement for the whole set (see
    /// <see cref="FindByTokensAsync"/>).
    /// </summary>
    Task<IReadOnlyList<ReferenceMatch>> FindReferringAsync(string sourceType, string param, string targetType, IReadOnlyCollection<string> targetIds, CancellationToken ct = default);

    /// <summary>
    /// Versions of the given types written after <paramref name="afterKey"/> (by any process sharing the database), in
    /// key order, at most <paramref name="limit"/>: identity and access facts only. What a cache follows to drop what
    /// another replica changed.
    /// </summary>
    Task<IReadOnlyList<ResourceChange>> ChangesSinceAsync(long afterKey, IReadOnlyCollection<string> types, int limit, CancellationToken ct = default);

    /// <summary>The key of the newest version stored, 0 when there is none.</summary>
    Task<long> LatestKeyAsync(CancellationToken ct = default);
}

/// <summary>One stored version, as <see cref="IResourceStore.ChangesSinceAsync"/> reports it.</summary>
public sealed record ResourceChange(long Key, string ResourceType, string ResourceId, string? Access);

/// <summary>A match of <see cref="IResourceStore.FindByTokensAsync"/>: the resource and the token it matched.</summary>
public sealed record TokenMatch(ResourceRecord Record, string? System, string Code);

/// <summary>A match of <see cref="IResourceStore.FindReferringAsync"/>: the resource and the id it references.</summary>
public sealed record ReferenceMatch(ResourceRecord Record, string TargetId);

public sealed record HistoryPage(IReadOnlyList<ResourceRecord> Entries, long? NextBeforeKey, int Total);

public sealed record AccessRow(long Key, string ResourceType, string ResourceId, string? Owner, string? Access);

public sealed record SearchPage(IReadOnlyList<ResourceRecord> Matches, int? Total, string? NextCursor, string? PreviousCursor);

/// <summary>Walks over the store's paged calls.</summary>
public static class ResourceStoreWalks
{
    /// <summary>
    /// Every match's access row (<see cref="IResourceStore.MatchAccessAfterAsync"/>) in key order, read
    /// <paramref name="batch"/> at a time: for a caller that decides each through the gate and stops when it has enough.
    /// </summary>
    public static async IAsyncEnumerable<AccessRow> WalkAccessAsync(this IResourceStore store, SearchRequest request, int batch,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var after = long.MinValue;
        while (true)
        {
            var rows = await store.MatchAccessAfterAsync(request, after, batch, ct);
            foreach (var row in rows) yield return row;
            if (rows.Count < batch) yield break;
            after = rows[^1].Key;
        }
    }
}
