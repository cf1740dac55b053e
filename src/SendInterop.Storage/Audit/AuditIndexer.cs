using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace SendInterop.Storage.Audit;

/// <summary>
/// Fills the audit log's search index (<c>audit_search</c> and <c>audit_patient</c>) from the committed chain, in
/// sequence order from the watermark in <c>audit_index_state</c>, a chunk per transaction. Why after the commit and
/// in bulk: indexing each entry in its request's commit wrote a B-tree page per index per commit (the patient index's
/// pages at random), about 20 kB of write-ahead log per read request; a chunk of thousands dirties each page once.
/// <para>
/// Derived data only: everything indexed comes from the entry (the payload for its children, the chain row's columns
/// for the rest; or, for entries the writer still holds in its <see cref="AuditIndexQueue"/>, the same facts from the
/// record it encoded the payload from, without reading the row back), so a crash loses no index entry (the watermark moves in the same transaction as the rows, and the
/// next run carries on from it), and verification checks the index against the entries. Readers that need the latest
/// entries in the index ask for a run first (<see cref="AuditLogWriter.IndexNowAsync"/>).
/// </para>
/// Concurrency: SQLite runs it under the file's write lock (BEGIN IMMEDIATE); PostgreSQL under a transaction-scoped
/// advisory lock of its own, so replicas index one after the other. Entries commit in sequence order (the chain's
/// lock), so nothing ever commits below the watermark.
/// </summary>
internal static class AuditIndexer
{
    /// <summary>
    /// Entries per transaction: bounds how long one run holds the write lock and the writer loop (with the journal, the
    /// default, callers are not held by it: their entries are already journalled; under <c>Audit:Acknowledge=commit</c>
    /// the next commit, and so its callers, wait for the run). Large, because a run's cost is mostly the index pages it
    /// dirties, each written to the WAL once per transaction however many of its rows changed: "who has seen my record"
    /// is keyed by child, so consecutive reads land on different pages, and at 2,000 entries a run dirtied about as many
    /// pages as it had entries (50-65 MB/s written by a gateway serving 6,000 reads/s; docs/performance.md, session 12).
    /// </summary>
    public const int Chunk = 20_000;

    /// <summary>The advisory lock key that serialises index runs across PostgreSQL clients ("SENDAIDX").</summary>
    public const long PostgresLockKey = 0x5345_4E44_4149_4458;

    /// <summary>
    /// Indexes one chunk; returns how many entries it indexed (fewer than <see cref="Chunk"/>: caught up). With a
    /// <paramref name="queue"/> (the writer's), the entries it holds are indexed from memory and only what it does not
    /// hold is read back from the database; without one, all of it is.
    /// </summary>
    public static async Task<int> IndexChunkAsync(DbConnection connection, AuditIndexQueue? queue = null, CancellationToken ct = default)
    {
        var postgres = connection is NpgsqlConnection;
        await using var tx = connection is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: false) : await connection.BeginTransactionAsync(ct);
        if (postgres) await ExecuteAsync(connection, tx, "SELECT pg_advisory_xact_lock(@k)", ct, ("k", PostgresLockKey));
        var watermark = await ScalarAsync(connection, tx, """SELECT "IndexedSequence" FROM audit_index_state WHERE "Id" = 1""", ct);
        if (watermark is null)
        {
            await ExecuteAsync(connection, tx, """INSERT INTO audit_index_state ("Id", "IndexedSequence") VALUES (1, 0)""", ct);
            watermark = 0;
        }

        // In sequence order from the watermark (read under the lock, so nobody indexes these meanwhile): the runs the
        // queue holds from memory, the database for what lies between them (normally nothing: a lone writer's queue
        // holds every entry it committed since its start), everything from the database without a queue.
        var entries = new List<AuditIndexEntry>();
        var after = watermark.Value;
        while (entries.Count < Chunk)
        {
            var before = entries.Count;
            queue?.TakeRun(after, Chunk - entries.Count, entries);
            if (entries.Count == before)
            {
                var next = queue?.FirstAfter(after);
                await ReadBackAsync(connection, tx, after, next, Chunk - entries.Count, entries, ct);
                if (entries.Count == before)
                {
                    if (next is null) break; // caught up
                    after = next.Value - 1; // no row below the queue's next entry (a hole in the chain): go on from memory
                    continue;
                }
            }
            after = entries[^1].Sequence;
        }
        if (entries.Count == 0)
        {
            await tx.CommitAsync(ct);
            queue?.RemoveThrough(watermark.Value);
            return 0;
        }

        if (connection is NpgsqlConnection pg) await InsertPostgresAsync(pg, (NpgsqlTransaction)tx, entries, ct);
        else await InsertSqliteAsync(connection, tx, entries, ct);
        await ExecuteAsync(connection, tx, """UPDATE audit_index_state SET "IndexedSequence" = @s WHERE "Id" = 1""", ct, ("s", entries[^1].Sequence));
        await tx.CommitAsync(ct);
        queue?.RemoveThrough(entries[^1].Sequence);
        return entries.Count;
    }

    /// <summary>
    /// Adds up to <paramref name="limit"/> committed entries after <paramref name="after"/> (and below
    /// <paramref name="until"/>, when given), read from their rows: the payload for the children.
    /// </summary>
    private static async Task ReadBackAsync(DbConnection connection, DbTransaction tx, long after, long? until, int limit, List<AuditIndexEntry> entries, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var below = until is null ? "" : """ AND "Sequence" < @u""";
        cmd.CommandText = $"""SELECT "Sequence", "Recorded", "Organisation", "Client", "BreakGlass", "Payload" FROM audit_log WHERE "Sequence" > @w{below} ORDER BY "Sequence" LIMIT {limit}""";
        Add(cmd, "w", after);
        if (until is not null) Add(cmd, "u", until.Value);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            IReadOnlyList<string> patients;
            // An entry whose payload cannot be read (edited by hand) is indexed without children: verification
            // reports it, and the index must not stall behind it.
            try { patients = AuditPayload.IndexOf(reader.GetFieldValue<byte[]>(5)).PatientIds; }
            catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException) { patients = []; }
            entries.Add(new AuditIndexEntry(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetBoolean(4), patients));
        }
    }

    /// <summary>Indexes everything committed so far (standalone use: tools, a reader without a writer).</summary>
    public static async Task IndexAllAsync(DbConnection connection, CancellationToken ct = default)
    {
        while (await IndexChunkAsync(connection, null, ct) == Chunk) { }
    }

    private static async Task InsertSqliteAsync(DbConnection connection, DbTransaction tx, List<AuditIndexEntry> entries, CancellationToken ct)
    {
        // OR IGNORE: entries written before the index was separated already have their patient rows.
        await using var search = new Store.MultiRowInsert(connection, tx, """INSERT OR IGNORE INTO audit_search ("Sequence", "Recorded", "Organisation", "Client", "BreakGlass")""", 5);
        await using var patient = new Store.MultiRowInsert(connection, tx, """INSERT OR IGNORE INTO audit_patient ("Sequence", "PatientId")""", 2);
        foreach (var e in entries)
        {
            await search.AddAsync([e.Sequence, e.Recorded, (object?)e.Organisation ?? DBNull.Value, (object?)e.Client ?? DBNull.Value, e.BreakGlass], ct);
            // A read names one child: no set to build for it. (Old-format payloads may list a child twice.)
            var children = e.Patients.Count < 2 ? e.Patients : e.Patients.Distinct(StringComparer.Ordinal);
            foreach (var id in children) await patient.AddAsync([e.Sequence, id], ct);
        }
        await search.FlushAsync(ct);
        await patient.FlushAsync(ct);
    }

    private static async Task InsertPostgresAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        List<AuditIndexEntry> entries, CancellationToken ct)
    {
        // The chunk as two statements over arrays: one round trip, one plan per table.
        var patients = entries.SelectMany(e => e.Patients.Distinct(StringComparer.Ordinal).Select(id => (e.Sequence, id))).ToList();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO audit_search ("Sequence", "Recorded", "Organisation", "Client", "BreakGlass")
            SELECT * FROM unnest(@s, @r, @o, @c, @b) ON CONFLICT DO NOTHING;
            INSERT INTO audit_patient ("Sequence", "PatientId") SELECT * FROM unnest(@ps, @pi) ON CONFLICT DO NOTHING;
            """, connection, tx);
        cmd.Parameters.AddWithValue("s", entries.Select(e => e.Sequence).ToArray());
        cmd.Parameters.AddWithValue("r", entries.Select(e => e.Recorded).ToArray());
        cmd.Parameters.AddWithValue("o", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, entries.Select(e => e.Organisation).ToArray());
        cmd.Parameters.AddWithValue("c", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, entries.Select(e => e.Client).ToArray());
        cmd.Parameters.AddWithValue("b", entries.Select(e => e.BreakGlass).ToArray());
        cmd.Parameters.AddWithValue("ps", patients.Select(x => x.Sequence).ToArray());
        cmd.Parameters.AddWithValue("pi", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, patients.Select(x => x.id).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long?> ScalarAsync(DbConnection connection, DbTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction tx, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) Add(cmd, name, value);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static DbParameter Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        cmd.Parameters.Add(p);
        return p;
    }
}
