using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Search;
using SendInterop.Storage.Model;
using SendInterop.Storage.Search;

namespace SendInterop.Storage.Store;

/// <summary>
/// The EF Core implementation of <see cref="IResourceStore"/> for SQLite and PostgreSQL.
/// </summary>
/// <remarks>
/// SQLite allows one writer at a time; rather than let concurrent writers fail with SQLITE_BUSY and retry, writes
/// queue on one gate in-process. PostgreSQL writers run concurrently; the unique indexes on (type, id, version)
/// and on the current row make a lost race fail cleanly (409) instead of forking a resource's history.
/// </remarks>
public sealed class ResourceStore(FhirDbContextFactory contexts) : IResourceStore
{
    private readonly SemaphoreSlim? _writeGate = contexts.Provider == StorageProvider.Sqlite ? new SemaphoreSlim(1, 1) : null;
    private long _lastTicks;

    // Compiled once per store: the read path is the hottest in the gateway, and EF's per-call query cache lookup is a
    // measurable share of a by-id read. Not static: a compiled query binds to the first model it runs on, and two
    // stores on different providers can live in one process (the tests run SQLite and PostgreSQL side by side).
    private readonly Func<FhirDbContext, string, string, CancellationToken, Task<ResourceRecord?>> _readCurrent =
        EF.CompileAsyncQuery((FhirDbContext db, string type, string id, CancellationToken ct) =>
            db.Resources.AsNoTracking().FirstOrDefault(r => r.ResourceType == type && r.ResourceId == id && r.IsCurrent));

    private readonly Func<FhirDbContext, string, string, int, CancellationToken, Task<ResourceRecord?>> _readVersion =
        EF.CompileAsyncQuery((FhirDbContext db, string type, string id, int version, CancellationToken ct) =>
            db.Resources.AsNoTracking().FirstOrDefault(r => r.ResourceType == type && r.ResourceId == id && r.VersionId == version));

    public async Task<ResourceRecord?> ReadAsync(string type, string id, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await _readCurrent(db, type, id, ct);
    }

    public async Task<ResourceRecord?> ReadVersionAsync(string type, string id, int version, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await _readVersion(db, type, id, version, ct);
    }

    public async Task<IReadOnlyList<bool>> ExistAsync(IReadOnlyList<(string Type, string Id)> references, CancellationToken ct = default)
    {
        if (references.Count == 0) return [];
        await using var db = contexts.Create();
        var found = new HashSet<(string, string)>();
        foreach (var group in references.Distinct().GroupBy(r => r.Type))
        {
            var type = group.Key;
            foreach (var chunk in group.Select(g => g.Id).Chunk(500))
            {
                var ids = chunk.ToList();
                var hits = await db.Resources.AsNoTracking()
                    .Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted && ids.Contains(r.ResourceId))
                    .Select(r => r.ResourceId).ToListAsync(ct);
                foreach (var h in hits) found.Add((type, h));
            }
        }
        return references.Select(r => found.Contains((r.Type, r.Id))).ToList();
    }

    public async Task<IReadOnlyList<WriteResult>> WriteAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct = default)
    {
        if (_writeGate is not null) await _writeGate.WaitAsync(ct);
        try
        {
            await using var db = contexts.Create();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var currents = await LoadCurrentAsync(db, writes, ct);
            var results = new WriteResult[writes.Count];
            var inserts = new List<(int Index, ResourceRecord Record)>();
            var retiredKeys = new List<long>();

            for (int i = 0; i < writes.Count; i++)
            {
                var w = writes[i];
                currents.TryGetValue((w.ResourceType, w.ResourceId), out var current);
                Check(w, current);
                if (w.IsDelete && (current is null || current.IsDeleted))
                {
                    // Deleting what is absent or already deleted succeeds and changes nothing (R4 delete is idempotent).
                    results[i] = new WriteResult(w.ResourceType, w.ResourceId, current?.VersionId ?? 0,
                        current is null ? DateTimeOffset.UtcNow : new DateTimeOffset(current.LastUpdated, TimeSpan.Zero), false, true, [], NoOp: true);
                    continue;
                }
                var version = (current?.VersionId ?? 0) + 1;
                var now = NextTimestamp();
                if (current is not null)
                {
                    current.IsCurrent = false;
                    retiredKeys.Add(current.Key);
                }
                var json = w.Render?.Invoke(version, now) ?? [];
                var record = new ResourceRecord
                {
                    ResourceType = w.ResourceType, ResourceId = w.ResourceId, VersionId = version, IsCurrent = true,
                    IsDeleted = w.IsDelete, LastUpdated = now.UtcTicks, Method = w.Method, Json = json,
                };
                if (!w.IsDelete && w.Index is not null) AddIndexRows(record, w.Index);
                inserts.Add((i, record));
                results[i] = new WriteResult(w.ResourceType, w.ResourceId, version, now, current is null || current.IsDeleted, w.IsDelete, json);
                currents[(w.ResourceType, w.ResourceId)] = record;
            }

            // Retire old versions first: the partial unique index allows only one current row per resource.
            await db.SaveChangesAsync(ct);
            await DeleteIndexRowsAsync(db, retiredKeys, ct);
            db.Resources.AddRange(inserts.Select(x => x.Record));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return results;
        }
        catch (DbUpdateException ex)
        {
            throw new VersionConflictException("The resource was changed by another request at the same time; read it again and retry. (" + ex.InnerException?.GetType().Name + ")", preconditionFailed: false);
        }
        finally
        {
            _writeGate?.Release();
        }
    }

    private static void Check(ResourceWrite w, ResourceRecord? current)
    {
        var live = current is { IsDeleted: false };
        if (w.MustNotExist && live)
            throw new VersionConflictException($"{w.ResourceType}/{w.ResourceId} already exists.", preconditionFailed: false);
        if (w.ExpectedVersion is { } expected && (!live || current!.VersionId != expected))
            throw new VersionConflictException(live
                ? $"If-Match asked for version {expected} of {w.ResourceType}/{w.ResourceId} but the current version is {current!.VersionId}; read it again and reapply the change."
                : $"If-Match asked for version {expected} of {w.ResourceType}/{w.ResourceId}, which does not exist or is deleted.", preconditionFailed: true);
    }

    private static async Task<Dictionary<(string, string), ResourceRecord>> LoadCurrentAsync(FhirDbContext db, IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        var result = new Dictionary<(string, string), ResourceRecord>();
        foreach (var group in writes.GroupBy(w => w.ResourceType))
        {
            var type = group.Key;
            foreach (var chunk in group.Select(w => w.ResourceId).Distinct().Chunk(500))
            {
                var ids = chunk.ToList();
                // Loaded without the JSON: only the version bookkeeping is needed, and a row can be megabytes.
                var rows = await db.Resources
                    .Where(r => r.ResourceType == type && r.IsCurrent && ids.Contains(r.ResourceId))
                    .Select(r => new { r.Key, r.ResourceId, r.VersionId, r.IsDeleted, r.LastUpdated })
                    .ToListAsync(ct);
                foreach (var row in rows)
                {
                    var stub = new ResourceRecord
                    {
                        Key = row.Key, ResourceType = type, ResourceId = row.ResourceId, VersionId = row.VersionId, IsCurrent = true,
                        IsDeleted = row.IsDeleted, LastUpdated = row.LastUpdated, Method = "", Json = [],
                    };
                    db.Attach(stub);
                    result[(type, row.ResourceId)] = stub;
                }
            }
        }
        return result;
    }

    private static async Task DeleteIndexRowsAsync(FhirDbContext db, List<long> keys, CancellationToken ct)
    {
        foreach (var chunk in keys.Chunk(500))
        {
            var k = chunk.ToList();
            await db.TokenIndex.Where(r => k.Contains(r.ResourceKey)).ExecuteDeleteAsync(ct);
            await db.StringIndex.Where(r => k.Contains(r.ResourceKey)).ExecuteDeleteAsync(ct);
            await db.DateIndex.Where(r => k.Contains(r.ResourceKey)).ExecuteDeleteAsync(ct);
            await db.ReferenceIndex.Where(r => k.Contains(r.ResourceKey)).ExecuteDeleteAsync(ct);
            await db.QuantityIndex.Where(r => k.Contains(r.ResourceKey)).ExecuteDeleteAsync(ct);
        }
    }

    private static void AddIndexRows(ResourceRecord record, ExtractedIndex index)
    {
        var type = record.ResourceType;
        foreach (var (p, s, c) in index.Tokens.Distinct())
            record.Tokens.Add(new TokenIndexRow { ResourceType = type, Param = p, System = s, Code = Cap(c) });
        foreach (var (p, v) in index.Strings.Distinct())
            record.Strings.Add(new StringIndexRow { ResourceType = type, Param = p, Value = v });
        foreach (var (p, r) in index.Dates.Distinct())
            record.Dates.Add(new DateIndexRow { ResourceType = type, Param = p, Start = r.StartTicks, End = r.EndTicks });
        foreach (var (p, t, id) in index.References.Distinct())
            record.References.Add(new ReferenceIndexRow { ResourceType = type, Param = p, TargetType = t, TargetId = id });
        foreach (var (p, v, s, c) in index.Quantities.Distinct())
            record.Quantities.Add(new QuantityIndexRow { ResourceType = type, Param = p, Value = v, System = s, Code = c });
    }

    private static string Cap(string value) => value.Length > 512 ? value[..512] : value;

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

    public async Task<HistoryPage> HistoryAsync(string? type, string? id, DateTimeOffset? since, int count, long? beforeKey, CancellationToken ct = default)
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
        var total = await q.CountAsync(ct);
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
        var total = await query.CountAsync(ct);
        if (request.Summary == SummaryMode.Count || request.Count == 0) return new SearchPage([], total, null, null);
        var (page, next, previous) = await new KeysetPager(db).PageAsync(query, request.ResourceType, request.Sort.FirstOrDefault(), request.Count, request.Cursor, ct);
        return new SearchPage(page, total, next, previous);
    }

    public async Task<IReadOnlyList<ResourceRecord>> IncludeAsync(IReadOnlyList<ResourceRecord> matches, IReadOnlyList<IncludeSpec> includes, CancellationToken ct = default)
    {
        if (matches.Count == 0 || includes.Count == 0) return [];
        await using var db = contexts.Create();
        var result = new List<ResourceRecord>();
        foreach (var inc in includes)
        {
            var keys = matches.Where(m => m.ResourceType == inc.SourceType).Select(m => m.Key).ToList();
            if (keys.Count == 0) continue;
            var param = inc.Param;
            var target = inc.TargetType;
            var refs = db.ReferenceIndex.Where(x => keys.Contains(x.ResourceKey));
            if (param != "*") refs = refs.Where(x => x.Param == param);
            if (target is not null) refs = refs.Where(x => x.TargetType == target);
            var rows = await db.Resources.AsNoTracking()
                .Where(r => r.IsCurrent && !r.IsDeleted && refs.Any(x => x.TargetType == r.ResourceType && x.TargetId == r.ResourceId))
                .Take(SearchDefaults.MaxCount).ToListAsync(ct);
            result.AddRange(rows);
        }
        return result;
    }

    public async Task<IReadOnlyList<ResourceRecord>> RevIncludeAsync(IReadOnlyList<ResourceRecord> matches, IReadOnlyList<IncludeSpec> revIncludes, CancellationToken ct = default)
    {
        if (matches.Count == 0 || revIncludes.Count == 0) return [];
        await using var db = contexts.Create();
        var result = new List<ResourceRecord>();
        foreach (var inc in revIncludes)
        {
            foreach (var targetGroup in matches.GroupBy(m => m.ResourceType))
            {
                var targetType = targetGroup.Key;
                if (inc.TargetType is not null && inc.TargetType != targetType) continue;
                var ids = targetGroup.Select(m => m.ResourceId).ToList();
                var source = inc.SourceType;
                var param = inc.Param;
                var refs = db.ReferenceIndex.Where(x => x.ResourceType == source && x.TargetType == targetType && ids.Contains(x.TargetId));
                if (param != "*") refs = refs.Where(x => x.Param == param);
                var rows = await db.Resources.AsNoTracking()
                    .Where(r => r.ResourceType == source && r.IsCurrent && !r.IsDeleted && refs.Any(x => x.ResourceKey == r.Key))
                    .Take(SearchDefaults.MaxCount).ToListAsync(ct);
                result.AddRange(rows);
            }
        }
        return result;
    }

    public async Task<bool> IsReachableAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.Database.CanConnectAsync(ct);
    }
}
