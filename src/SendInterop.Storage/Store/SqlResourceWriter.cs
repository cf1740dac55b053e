using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using SendInterop.Domain.Search;

namespace SendInterop.Storage.Store;

/// <summary>
/// Applies resource writes with plain ADO.NET commands on an open connection and transaction. The write path is
/// the gateway's hottest: EF Core's change tracking and per-entity bookkeeping cost more than the SQL itself, so
/// writes bypass it (EF still owns the model, migrations, reads and search). The SQL is standard enough to run
/// unchanged on SQLite (3.35+, RETURNING) and PostgreSQL; commands are created once per transaction and re-executed
/// with new parameter values, which keeps SQLite's prepared statements.
/// </summary>
internal sealed class SqlResourceWriter(DbConnection connection, DbTransaction transaction) : IAsyncDisposable
{
    private DbCommand? _selectCurrent, _retire, _insertResource;
    private DbCommand[]? _deleteIndex;
    // Index rows go in blocks of rows per statement (a bulk import writes tens of thousands); they are flushed before any
    // index row is deleted and at the end, all inside the caller's transaction.
    private MultiRowInsert? _token, _string, _date, _reference, _quantity;

    public async Task<IReadOnlyList<WriteResult>> ApplyAsync(IReadOnlyList<ResourceWrite> writes, Func<DateTimeOffset> clock, CancellationToken ct)
    {
        try
        {
            return await ApplyBufferedAsync(writes, clock, ct);
        }
        catch
        {
            // The caller rolls this unit of work back (a group commit's savepoint): its unflushed index rows go with it,
            // never into the next request's statements.
            foreach (var rows in IndexInserts) rows.Discard();
            throw;
        }
    }

    /// <summary>Units of work at least this large, touching each resource once, are written set-based (<see cref="ApplySetAsync"/>).</summary>
    internal const int SetBasedFrom = 8;

    private async Task<IReadOnlyList<WriteResult>> ApplyBufferedAsync(IReadOnlyList<ResourceWrite> writes, Func<DateTimeOffset> clock, CancellationToken ct)
    {
        if (writes.Count >= SetBasedFrom && writes.Select(w => (w.ResourceType, w.ResourceId)).Distinct().Count() == writes.Count)
            return await ApplySetAsync(writes, clock, ct);
        var results = new WriteResult[writes.Count];
        // Resources written earlier in this same unit of work (a transaction Bundle may not touch one twice, but
        // we keep the bookkeeping honest anyway).
        var seen = new Dictionary<(string, string), CurrentRow>();
        for (int i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            var current = seen.TryGetValue((w.ResourceType, w.ResourceId), out var s) ? s : await SelectCurrentAsync(w.ResourceType, w.ResourceId, ct);
            var next = NewVersion.Of(w, current, clock);
            results[i] = next.Result;
            if (next.Result.NoOp) continue;
            if (current is not null)
            {
                await RetireAsync(current.Key, ct);
                if (!current.IsDeleted) await DeleteIndexRowsAsync(current.Key, ct);
            }
            var key = await InsertResourceAsync(w, next.Result.VersionId, next.Ticks, next.Result.Json, next.Access, next.Owner, ct);
            if (!w.IsDelete && w.Index is not null) await InsertIndexRowsAsync(key, w.ResourceType, w.Index, ct);
            seen[(w.ResourceType, w.ResourceId)] = new CurrentRow(key, next.Result.VersionId, w.IsDelete, next.Ticks, next.Access, next.Owner);
        }
        await FlushIndexRowsAsync(ct);
        return results;
    }

    /// <summary>
    /// The same writes, checks, versions, timestamps and rows as the one-by-one loop above, in a few statements: the current
    /// rows of every resource read at once, every check made before anything is written, the retired versions and their
    /// index rows in one statement per block of keys (and per index table), the new versions inserted many per statement.
    /// Why: on PostgreSQL each statement is a round trip, and a SEN2 import's batch (about 1,750 resources for 500 records)
    /// spent most of its time in them; on SQLite it saves the
    /// per-resource statement overhead. Only for units that touch each resource once (the loop keeps the bookkeeping for a
    /// resource written twice).
    /// </summary>
    private async Task<IReadOnlyList<WriteResult>> ApplySetAsync(IReadOnlyList<ResourceWrite> writes, Func<DateTimeOffset> clock, CancellationToken ct)
    {
        var currents = await SelectCurrentManyAsync(writes, ct);
        var results = new WriteResult[writes.Count];
        var retired = new List<long>();
        var liveRetired = new List<long>();
        var inserts = new List<(ResourceWrite Write, NewVersion Next)>();
        for (int i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            var current = currents.GetValueOrDefault((w.ResourceType, w.ResourceId));
            var next = NewVersion.Of(w, current, clock);
            results[i] = next.Result;
            if (next.Result.NoOp) continue;
            if (current is not null)
            {
                retired.Add(current.Key);
                if (!current.IsDeleted) liveRetired.Add(current.Key);
            }
            inserts.Add((w, next));
        }

        // Every retirement before any insertion: the new current version of a resource needs its old one no longer current.
        await ForKeysAsync("""UPDATE resources SET "IsCurrent" = FALSE WHERE "Key" IN """, retired, ct);
        foreach (var table in IndexTables) await ForKeysAsync($"""DELETE FROM {table} WHERE "ResourceKey" IN """, liveRetired, ct);
        var keys = await InsertResourcesAsync(inserts, ct);
        foreach (var x in inserts)
            if (!x.Write.IsDelete && x.Write.Index is not null)
                await InsertIndexRowsAsync(keys[(x.Write.ResourceType, x.Write.ResourceId)], x.Write.ResourceType, x.Write.Index, ct);
        await FlushIndexRowsAsync(ct);
        return results;
    }

    private static readonly string[] IndexTables = ["search_token", "search_string", "search_date", "search_reference", "search_quantity"];

    /// <summary>Statements carry at most this many values of a list (well under both databases' parameter limits).</summary>
    private const int ListBlock = 500;

    /// <summary>The current row of each resource written (by type and id; none for a new one), read a block at a time.</summary>
    private async Task<Dictionary<(string, string), CurrentRow>> SelectCurrentManyAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        var wanted = writes.Select(w => (w.ResourceType, w.ResourceId)).ToHashSet();
        var found = new Dictionary<(string, string), CurrentRow>();
        foreach (var block in writes.Chunk(ListBlock))
        {
            var types = block.Select(w => w.ResourceType).Distinct().ToList();
            var ids = block.Select(w => w.ResourceId).Distinct().ToList();
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = """SELECT "Key", "VersionId", "IsDeleted", "LastUpdated", "Access", "Owner", "ResourceType", "ResourceId" FROM resources WHERE "IsCurrent" = TRUE AND "ResourceType" IN """
                + List(cmd, "t", types) + """ AND "ResourceId" IN """ + List(cmd, "i", ids);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = (reader.GetString(6), reader.GetString(7));
                if (!wanted.Contains(key)) continue;
                found[key] = new CurrentRow(reader.GetInt64(0), reader.GetInt32(1), reader.GetBoolean(2), reader.GetInt64(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5));
            }
        }
        return found;
    }

    private async Task ForKeysAsync(string sqlBeforeList, IReadOnlyList<long> keys, CancellationToken ct)
    {
        foreach (var block in keys.Chunk(ListBlock))
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = sqlBeforeList + List(cmd, "k", block.Cast<object>().ToList());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>New resource versions, many per statement; the key each was given, by type and id.</summary>
    private async Task<Dictionary<(string, string), long>> InsertResourcesAsync(IReadOnlyList<(ResourceWrite Write, NewVersion Next)> rows, CancellationToken ct)
    {
        var keys = new Dictionary<(string, string), long>();
        const string insert = """INSERT INTO resources ("ResourceType", "ResourceId", "VersionId", "IsCurrent", "IsDeleted", "LastUpdated", "Method", "Json", "Access", "Owner") VALUES """;
        const string returning = """ RETURNING "Key", "ResourceType", "ResourceId" """;
        foreach (var block in rows.Chunk(ResourcesPerInsert))
        {
            var values = new object[block.Length * ResourceColumns];
            for (int r = 0; r < block.Length; r++)
            {
                var (w, next) = block[r];
                object[] row = [w.ResourceType, w.ResourceId, next.Result.VersionId, true, w.IsDelete, next.Ticks, w.Method, next.Result.Json,
                    (object?)next.Access ?? DBNull.Value, (object?)next.Owner ?? DBNull.Value];
                row.CopyTo(values, r * ResourceColumns);
            }
            if (connection is SqliteConnection sqlite && values.All(SqlitePositionalStatement.CanBind))
            {
                // Bound by position: 640 named parameters cost the provider a name scan each (SqlitePositionalStatement).
                using var statement = new SqlitePositionalStatement(sqlite, insert + MultiRowInsert.PositionalValues(block.Length, ResourceColumns) + returning);
                statement.Bind(values);
                statement.Execute(s => keys[(s.GetString(1), s.GetString(2))] = s.GetInt64(0));
                continue;
            }
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = insert + MultiRowInsert.Values(cmd, block.Length, ResourceColumns, "r") + returning;
            for (int i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i];
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) keys[(reader.GetString(1), reader.GetString(2))] = reader.GetInt64(0);
        }
        return keys;
    }

    private const int ResourcesPerInsert = 64, ResourceColumns = 10;

    /// <summary>"(@p0,@p1,...)" with one parameter per value, added to <paramref name="cmd"/>.</summary>
    private static string List<T>(DbCommand cmd, string prefix, IReadOnlyList<T> values)
    {
        var text = new System.Text.StringBuilder("(");
        for (int i = 0; i < values.Count; i++)
        {
            var name = "@" + prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            text.Append(i == 0 ? "" : ",").Append(name);
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = values[i]!;
            cmd.Parameters.Add(p);
        }
        return text.Append(')').ToString();
    }

    private sealed record CurrentRow(long Key, int VersionId, bool IsDeleted, long LastUpdated, string? Access, string? Owner);

    /// <summary>
    /// What one write stores, decided from the resource's current row (both write paths): the checks, the next version and
    /// its time, the body, and the access facts and owner (a deletion marker keeps those of the version it deletes, so its
    /// history entry is gated as that resource was). A delete of nothing is a no-op result.
    /// </summary>
    private sealed record NewVersion(WriteResult Result, long Ticks, string? Access, string? Owner)
    {
        public static NewVersion Of(ResourceWrite w, CurrentRow? current, Func<DateTimeOffset> clock)
        {
            Check(w, current);
            if (w.IsDelete && (current is null || current.IsDeleted))
                return new NewVersion(new WriteResult(w.ResourceType, w.ResourceId, current?.VersionId ?? 0,
                    current is null ? DateTimeOffset.UtcNow : new DateTimeOffset(current.LastUpdated, TimeSpan.Zero), false, true, [], NoOp: true), 0, null, null);
            var version = (current?.VersionId ?? 0) + 1;
            var now = clock();
            var json = w.Render?.Invoke(version, now) ?? [];
            return new NewVersion(new WriteResult(w.ResourceType, w.ResourceId, version, now, current is null || current.IsDeleted, w.IsDelete, json),
                now.UtcTicks, w.IsDelete ? current?.Access : w.Access, w.IsDelete ? current?.Owner : w.Owner);
        }
    }

    private static void Check(ResourceWrite w, CurrentRow? current)
    {
        var live = current is { IsDeleted: false };
        // A deleted resource stays its owner's: its id and history are not free for another organisation to take.
        if (w.RequireOwner is { } owner && current is not null && (live || current.Owner is not null)
            && !string.Equals(current.Owner, owner, StringComparison.Ordinal))
            throw new OwnershipException(w.ResourceType, w.ResourceId);
        if (w.MustNotExist && live)
            throw new VersionConflictException($"{w.ResourceType}/{w.ResourceId} already exists.", preconditionFailed: false);
        if (w.ExpectedVersion is { } expected && (!live || current!.VersionId != expected))
            throw new VersionConflictException(live
                ? $"If-Match asked for version {expected} of {w.ResourceType}/{w.ResourceId} but the current version is {current!.VersionId}; read it again and reapply the change."
                : VersionConflictException.NoSuchVersion(w.ResourceType, w.ResourceId, expected), preconditionFailed: true);
    }

    private async Task<CurrentRow?> SelectCurrentAsync(string type, string id, CancellationToken ct)
    {
        _selectCurrent ??= Command("""SELECT "Key", "VersionId", "IsDeleted", "LastUpdated", "Access", "Owner" FROM resources WHERE "ResourceType" = @t AND "ResourceId" = @i AND "IsCurrent" = TRUE""", "t", "i");
        _selectCurrent.Parameters[0].Value = type;
        _selectCurrent.Parameters[1].Value = id;
        await using var reader = await _selectCurrent.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new CurrentRow(reader.GetInt64(0), reader.GetInt32(1), reader.GetBoolean(2), reader.GetInt64(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5));
    }

    private async Task RetireAsync(long key, CancellationToken ct)
    {
        _retire ??= Command("""UPDATE resources SET "IsCurrent" = FALSE WHERE "Key" = @k""", "k");
        _retire.Parameters[0].Value = key;
        await _retire.ExecuteNonQueryAsync(ct);
    }

    private async Task DeleteIndexRowsAsync(long key, CancellationToken ct)
    {
        await FlushIndexRowsAsync(ct);
        _deleteIndex ??= IndexTables.Select(t => Command($"""DELETE FROM {t} WHERE "ResourceKey" = @k""", "k")).ToArray();
        foreach (var cmd in _deleteIndex)
        {
            cmd.Parameters[0].Value = key;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<long> InsertResourceAsync(ResourceWrite w, int version, long ticks, byte[] json, string? access, string? owner, CancellationToken ct)
    {
        _insertResource ??= Command("""
            INSERT INTO resources ("ResourceType", "ResourceId", "VersionId", "IsCurrent", "IsDeleted", "LastUpdated", "Method", "Json", "Access", "Owner")
            VALUES (@t, @i, @v, TRUE, @d, @u, @m, @j, @a, @o) RETURNING "Key"
            """, "t", "i", "v", "d", "u", "m", "j", "a", "o");
        var p = _insertResource.Parameters;
        p[0].Value = w.ResourceType;
        p[1].Value = w.ResourceId;
        p[2].Value = version;
        p[3].Value = w.IsDelete;
        p[4].Value = ticks;
        p[5].Value = w.Method;
        p[6].Value = json;
        p[7].Value = (object?)access ?? DBNull.Value;
        p[8].Value = (object?)owner ?? DBNull.Value;
        return Convert.ToInt64(await _insertResource.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task InsertIndexRowsAsync(long key, string type, ExtractedIndex index, CancellationToken ct)
    {
        foreach (var (param, system, code) in index.Tokens.Distinct())
            await (_token ??= Rows("""INSERT INTO search_token ("ResourceKey", "ResourceType", "Param", "System", "Code")""", 5))
                .AddAsync([key, type, param, (object?)Cap(system) ?? DBNull.Value, Cap(code)!], ct);
        foreach (var (param, value) in index.Strings.Distinct())
            await (_string ??= Rows("""INSERT INTO search_string ("ResourceKey", "ResourceType", "Param", "Value")""", 4))
                .AddAsync([key, type, param, Cap(value)!], ct);
        foreach (var (param, range) in index.Dates.Distinct())
            await (_date ??= Rows("""INSERT INTO search_date ("ResourceKey", "ResourceType", "Param", "Start", "End")""", 5))
                .AddAsync([key, type, param, range.StartTicks, range.EndTicks], ct);
        foreach (var (param, targetType, targetId) in index.References.Distinct())
            await (_reference ??= Rows("""INSERT INTO search_reference ("ResourceKey", "ResourceType", "Param", "TargetType", "TargetId")""", 5))
                .AddAsync([key, type, param, targetType, targetId], ct);
        foreach (var (param, value, system, code) in index.Quantities.Distinct())
            await (_quantity ??= Rows("""INSERT INTO search_quantity ("ResourceKey", "ResourceType", "Param", "Value", "System", "Code")""", 6))
                .AddAsync([key, type, param, value, (object?)Cap(system) ?? DBNull.Value, (object?)Cap(code) ?? DBNull.Value], ct);
    }

    private IEnumerable<MultiRowInsert> IndexInserts => new[] { _token, _string, _date, _reference, _quantity }.OfType<MultiRowInsert>();

    private async Task FlushIndexRowsAsync(CancellationToken ct)
    {
        foreach (var rows in IndexInserts) await rows.FlushAsync(ct);
    }

    private MultiRowInsert Rows(string insertInto, int columns) => new(connection, transaction, insertInto, columns);

    /// <summary>Index values are capped: a b-tree row has a size limit (2.7 kB in PostgreSQL) and search needs no more.</summary>
    private static string? Cap(string? value) => value is { Length: > 512 } ? value[..512] : value;

    public async ValueTask DisposeAsync()
    {
        foreach (var cmd in new[] { _selectCurrent, _retire, _insertResource }.Concat(_deleteIndex ?? []))
            if (cmd is not null) await cmd.DisposeAsync();
        foreach (var rows in IndexInserts) await rows.DisposeAsync();
    }

    private DbCommand Command(string sql, params string[] parameters) => DbCommands.Create(connection, transaction, sql, parameters);
}
