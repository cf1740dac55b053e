using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Search;
using SendInterop.Storage.Model;
using SendInterop.Storage.Search;

namespace SendInterop.Storage.Store;

/// <summary>
/// The implementation of <see cref="IResourceStore"/> for SQLite and PostgreSQL: reads by id on pooled ready
/// commands (<see cref="ResourceReader"/>), writes through <see cref="SqlResourceWriter"/>, search and history
/// through EF Core LINQ.
/// </summary>
/// <remarks>
/// SQLite allows one writer at a time; rather than let concurrent writers fail with SQLITE_BUSY, writes queue for
/// <see cref="SqliteGroupCommit"/>. PostgreSQL writers run concurrently; the unique indexes on (type, id, version)
/// and on the current row make a lost race fail cleanly (409) instead of forking a resource's history.
/// </remarks>
public sealed class ResourceStore : IResourceStore, IAsyncDisposable
{
    private readonly FhirDbContextFactory contexts;
    private readonly ResourceReader _reader;
    private readonly SqliteGroupCommit? _groupCommit;
    private readonly SqliteCheckpointer? _checkpointer;
    private long _lastTicks;

    public ResourceStore(FhirDbContextFactory contexts, StorageOptions options)
    {
        this.contexts = contexts;
        _reader = new ResourceReader(options);
        if (contexts.Provider == StorageProvider.Sqlite)
        {
            _groupCommit = new SqliteGroupCommit(contexts, NextTimestamp);
            _checkpointer = new SqliteCheckpointer(options.ConnectionString);
        }
    }

    public Task<ResourceRecord?> ReadAsync(string type, string id, CancellationToken ct = default) => _reader.ReadCurrentAsync(type, id, ct);

    public Task<ResourceRecord?> ReadVersionAsync(string type, string id, int version, CancellationToken ct = default) => _reader.ReadVersionAsync(type, id, version, ct);

    public async Task<IReadOnlyList<bool>> ExistAsync(IReadOnlyList<(string Type, string Id)> references, CancellationToken ct = default)
    {
        if (references.Count == 0) return [];
        // One indexed point lookup per distinct reference on a ready command: cheaper than an IN query through EF
        // for the handful of references a resource carries, and still fine for a large transaction.
        var answers = new Dictionary<(string, string), bool>();
        foreach (var r in references)
            if (!answers.ContainsKey(r)) answers[r] = await _reader.ExistsAsync(r.Type, r.Id, ct);
        return references.Select(r => answers[r]).ToList();
    }

    public Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct = default) =>
        _groupCommit is not null ? _groupCommit.EnqueueAsync(writes, ct) : WriteInOwnTransactionAsync(writes, ct);

    /// <summary>PostgreSQL: each request in its own transaction, concurrently; the unique indexes settle races.</summary>
    private async Task<IReadOnlyList<WriteResult>> WriteInOwnTransactionAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await db.Database.OpenConnectionAsync(ct);
        var connection = db.Database.GetDbConnection();
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            IReadOnlyList<WriteResult> results;
            await using (var writer = new SqlResourceWriter(connection, tx))
                results = await writer.ApplyAsync(writes, NextTimestamp, ct);
            await tx.CommitAsync(ct);
            return results;
        }
        catch (DbException ex) when (IsConflict(ex))
        {
            throw new VersionConflictException("The resource was changed by another request at the same time; read it again and retry.", preconditionFailed: false);
        }
    }

    /// <summary>A unique-index violation: another writer claimed the same version first.</summary>
    internal static bool IsConflict(DbException ex) =>
        ex.SqlState is "23505" || ex.Message.Contains("UNIQUE constraint failed", StringComparison.Ordinal);

    /// <summary>Makes every later timestamp newer than <paramref name="ticks"/> (the newest stored at start-up).</summary>
    public void ObserveTimestamp(long ticks)
    {
        long last;
        do last = Interlocked.Read(ref _lastTicks);
        while (ticks > last && Interlocked.CompareExchange(ref _lastTicks, ticks, last) != last);
    }

    /// <summary>Strictly increasing timestamps, so _lastUpdated and history order agree even within one tick.</summary>
    private DateTimeOffset NextTimestamp()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastTicks);
            // Microsecond precision: what PostgreSQL and the FHIR instant round-trip without loss.
            var now = DateTime.UtcNow.Ticks / 10 * 10;
            var next = Math.Max(now, last + 10);
            if (Interlocked.CompareExchange(ref _lastTicks, next, last) == last) return new DateTimeOffset(next, TimeSpan.Zero);
        }
    }

    public async Task<HistoryPage> HistoryAsync(string? type, string? id, DateTimeOffset? since, int count, long? beforeKey, CancellationToken ct = default, bool countTotal = true)
    {
        await using var db = contexts.Create();
        var q = db.Resources.AsNoTracking().AsQueryable();
        if (type is not null) q = q.Where(r => r.ResourceType == type);
        if (id is not null) q = q.Where(r => r.ResourceId == id);
        if (since is { } s)
        {
            var ticks = s.UtcTicks;
            q = q.Where(r => r.LastUpdated >= ticks);
        }
        var total = countTotal ? await q.CountAsync(ct) : 0;
        if (beforeKey is { } bk) q = q.Where(r => r.Key < bk);
        var rows = await q.OrderByDescending(r => r.Key).Take(count + 1).ToListAsync(ct);
        long? next = null;
        if (rows.Count > count)
        {
            rows.RemoveAt(rows.Count - 1);
            next = rows[^1].Key;
        }
        return new HistoryPage(rows, next, total);
    }

    public async Task<SearchPage> SearchAsync(SearchRequest request, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        var query = new SearchQueryBuilder(db).Build(request.ResourceType, request.Criteria);
        int? total = request.SkipTotal ? null : await query.CountAsync(ct);
        if (request.Summary == SummaryMode.Count || request.Count == 0) return new SearchPage([], total, null, null);
        var (page, next, previous) = await new KeysetPager(db).PageAsync(query, request.ResourceType, request.Sort.FirstOrDefault(), request.Count, request.Cursor, ct);
        return new SearchPage(page, total, next, previous);
    }

    public async Task<string> CursorAtAsync(SearchRequest request, long key, bool backward, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await new KeysetPager(db).CursorAtAsync(request.ResourceType, request.Sort.FirstOrDefault(), key, backward, ct);
    }

    public Task<IReadOnlyList<AccessRow>> MatchAccessAsync(SearchRequest request, int limit, CancellationToken ct = default) =>
        MatchAccessAfterAsync(request, long.MinValue, limit, ct);

    public async Task<IReadOnlyList<AccessRow>> MatchAccessAfterAsync(SearchRequest request, long afterKey, int limit, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        var query = new SearchQueryBuilder(db).Build(request.ResourceType, request.Criteria);
        if (afterKey != long.MinValue) query = query.Where(r => r.Key > afterKey);
        // Ordered so the cap takes a definite set (and EF does not warn about a limit without an order).
        return await query.OrderBy(r => r.Key).Select(r => new AccessRow(r.Key, r.ResourceType, r.ResourceId, r.Owner, r.Access)).Take(limit).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ResourceRecord>> IncludeAfterAsync(IReadOnlyList<ResourceRecord> matches, IncludeSpec inc, long afterKey, int limit, CancellationToken ct = default)
    {
        var keys = matches.Where(m => inc.SourceType == IncludeSpec.AnySource || m.ResourceType == inc.SourceType).Select(m => m.Key).ToList();
        if (keys.Count == 0) return [];
        await using var db = contexts.Create();
        var param = inc.Param;
        var target = inc.TargetType;
        var refs = db.ReferenceIndex.Where(x => keys.Contains(x.ResourceKey));
        if (param != "*") refs = refs.Where(x => x.Param == param);
        if (target is not null) refs = refs.Where(x => x.TargetType == target);
        // Driven by the matches' reference rows, then the targets by (type, id): an EXISTS per resource row made the
        // database walk every resource in key order (SQLite's plan), so one _include cost a scan of the whole store.
        var targetKeys = from x in refs
                         join r in db.Resources on new { Type = x.TargetType, Id = x.TargetId } equals new { Type = r.ResourceType, Id = r.ResourceId }
                         where r.IsCurrent && !r.IsDeleted && r.Key > afterKey
                         select r.Key;
        return await db.Resources.AsNoTracking().Where(r => targetKeys.Contains(r.Key)).OrderBy(r => r.Key).Take(limit).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ResourceRecord>> RevIncludeAfterAsync(IReadOnlyList<ResourceRecord> matches, IncludeSpec inc, long afterKey, int limit, CancellationToken ct = default)
    {
        var result = new List<ResourceRecord>();
        await using var db = contexts.Create();
        // One indexed query per target type (a search's matches share one); merged in key order so the cap is the spec's.
        foreach (var targetGroup in matches.GroupBy(m => m.ResourceType))
        {
            var targetType = targetGroup.Key;
            if (inc.TargetType is not null && inc.TargetType != targetType) continue;
            var ids = targetGroup.Select(m => m.ResourceId).ToList();
            var source = inc.SourceType;
            var param = inc.Param;
            var refs = db.ReferenceIndex.Where(x => x.ResourceType == source && x.TargetType == targetType && ids.Contains(x.TargetId));
            if (param != "*") refs = refs.Where(x => x.Param == param);
            // The referring keys from the reference index first (its rows carry the source type), then those rows by key;
            // not an EXISTS per row of the source type, nor a filter on the row's type that lets the database walk them all.
            var sourceKeys = refs.Where(x => x.ResourceKey > afterKey).Select(x => x.ResourceKey);
            result.AddRange(await db.Resources.AsNoTracking()
                .Where(r => sourceKeys.Contains(r.Key) && r.IsCurrent && !r.IsDeleted)
                .OrderBy(r => r.Key).Take(limit).ToListAsync(ct));
        }
        return result.DistinctBy(r => r.Key).OrderBy(r => r.Key).Take(limit).ToList();
    }

    /// <summary>Values per look-up statement: EF Core gives each value of a list its own parameter on SQLite (IN (@p1, ...)), and
    /// SQLite takes at most 32,766; PostgreSQL gets one array parameter either way.</summary>
    private const int LookupBlock = 1_000;

    public async Task<IReadOnlyList<TokenMatch>> FindByTokensAsync(string type, string param, IReadOnlyCollection<string> codes, CancellationToken ct = default)
    {
        var found = new List<TokenMatch>();
        await using var db = contexts.Create();
        foreach (var block in codes.Distinct(StringComparer.Ordinal).Chunk(LookupBlock))
        {
            var list = block.ToList();
            var rows = await (
                    from t in db.TokenIndex
                    where t.ResourceType == type && t.Param == param && list.Contains(t.Code)
                    join r in db.Resources.AsNoTracking() on t.ResourceKey equals r.Key
                    where r.IsCurrent && !r.IsDeleted
                    select new { Record = r, t.System, t.Code })
                .ToListAsync(ct);
            found.AddRange(rows.Select(x => new TokenMatch(x.Record, x.System, x.Code)));
        }
        return found;
    }

    public async Task<IReadOnlyList<ResourceRecord>> ReferringAfterAsync(string targetType, IReadOnlyCollection<string> targetIds, IReadOnlyCollection<string>? types,
        long? sinceTicks, long afterKey, int limit, CancellationToken ct = default)
    {
        if (targetIds.Count == 0) return [];
        await using var db = contexts.Create();
        var targets = targetIds.ToList();
        // Driven by the reference index's (TargetType, TargetId) index: the keys of the referring rows (index rows belong
        // to current versions only), then those resources by primary key.
        var keys = db.ReferenceIndex.Where(x => x.TargetType == targetType && targets.Contains(x.TargetId) && x.ResourceKey > afterKey).Select(x => x.ResourceKey);
        var query = db.Resources.AsNoTracking().Where(r => keys.Contains(r.Key) && r.IsCurrent && !r.IsDeleted);
        if (types is { Count: > 0 })
        {
            var list = types.ToList();
            query = query.Where(r => list.Contains(r.ResourceType));
        }
        if (sinceTicks is { } since) query = query.Where(r => r.LastUpdated >= since);
        return await query.OrderBy(r => r.Key).Take(limit).ToListAsync(ct);
    }

    public async Task<IReadOnlyList<ReferenceMatch>> FindReferringAsync(string sourceType, string param, string targetType, IReadOnlyCollection<string> targetIds, CancellationToken ct = default)
    {
        var found = new List<ReferenceMatch>();
        await using var db = contexts.Create();
        foreach (var block in targetIds.Distinct(StringComparer.Ordinal).Chunk(LookupBlock))
        {
            var list = block.ToList();
            var rows = await (
                    from x in db.ReferenceIndex
                    where x.ResourceType == sourceType && x.Param == param && x.TargetType == targetType && list.Contains(x.TargetId)
                    join r in db.Resources.AsNoTracking() on x.ResourceKey equals r.Key
                    where r.IsCurrent && !r.IsDeleted
                    select new { Record = r, x.TargetId })
                .ToListAsync(ct);
            found.AddRange(rows.Select(x => new ReferenceMatch(x.Record, x.TargetId)));
        }
        return found;
    }

    /// <summary>Closes the pooled read connections when the host shuts down.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_groupCommit is not null) await _groupCommit.DisposeAsync(); // queued writes commit before the connections go
        if (_checkpointer is not null) await _checkpointer.DisposeAsync();
        await _reader.DisposeAsync();
    }

    public async Task<bool> IsReachableAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.Database.CanConnectAsync(ct);
    }

    public async Task<IReadOnlyList<ResourceChange>> ChangesSinceAsync(long afterKey, IReadOnlyCollection<string> types, int limit, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        // A range of the primary key, filtered by type: every write appends a version with a new key.
        var list = types.ToList();
        return await db.Resources.AsNoTracking()
            .Where(r => r.Key > afterKey && list.Contains(r.ResourceType))
            .OrderBy(r => r.Key)
            .Take(limit)
            .Select(r => new ResourceChange(r.Key, r.ResourceType, r.ResourceId, r.Access))
            .ToListAsync(ct);
    }

    public async Task<long> LatestKeyAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.Resources.MaxAsync(r => (long?)r.Key, ct) ?? 0;
    }
}
