using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using SendInterop.Domain.Audit;

namespace SendInterop.Storage.Audit;

/// <summary>The last entry of the chain: what the next entry links to.</summary>
public sealed record AuditChainHead(long Sequence, string Hash);

/// <summary>An audit entry could not be stored: the request that needed it must fail (no disclosure without an audit entry).</summary>
public sealed class AuditLogUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The audit log's single writer, with group commit. <see cref="AppendAsync"/> encodes the record on the caller's
/// thread (<see cref="AuditRecordCodec"/>: the compact form the chain hashes; the AuditEvent is rendered when read) and
/// queues it; one loop takes everything queued while the previous batch was committing (no timer: on an
/// idle system a lone record is written at once), links each entry to the chain, inserts the batch in one transaction,
/// commits (one disk flush for the whole batch), and only then completes the callers' tasks. If the batch fails, every
/// caller in it gets an <see cref="AuditLogUnavailableException"/> and nothing of the batch is stored.
/// <para>
/// The chain head is read inside each batch's transaction, under the write lock: SQLite's (BEGIN IMMEDIATE) or, on
/// PostgreSQL, a transaction-scoped advisory lock (<c>pg_advisory_xact_lock</c>) taken before the read. So a failed
/// commit needs no repair (the next batch re-reads the head), and several gateway replicas on one PostgreSQL database
/// (deploy/ runs two) extend one chain without forking it: each batch waits for the other replica's batch to commit,
/// then links to it. The head this writer last committed is also kept in memory: if the database's head is ever
/// behind it (the tail was deleted or rewritten), the writer logs it and keeps linking to the head it knows, so the
/// removal shows as a gap that verification reports instead of being papered over by new entries.
/// </para>
/// Durability: SQLite runs the audit file with synchronous=FULL (<see cref="AuditLogDatabase"/>); PostgreSQL flushes
/// on commit. A deployment that sets the audit file to NORMAL answers the waiters once the batch is committed to the
/// operating system (a crash of the process loses nothing) and has the log flushed to disk every
/// <see cref="SyncInterval"/> by a checkpoint on the writer's connection, so a power cut loses at most that window.
/// Shutdown (<see cref="StopAsync"/>) stops taking records and drains the queue.
/// </summary>
public sealed partial class AuditLogWriter : IAuditSink, IAsyncDisposable
{
    /// <summary>Upper bound on one batch, so a burst cannot make one transaction (and its latency) unbounded.</summary>
    public const int MaxBatch = 1000;

    /// <summary>The advisory lock key that serialises audit batches across PostgreSQL clients ("SENDAUDT").</summary>
    public const long PostgresLockKey = 0x5345_4E44_4155_4454;

    private const string HeadSql = """SELECT "Sequence", "Hash" FROM audit_log ORDER BY "Sequence" DESC LIMIT 1""";
    private const string InsertLogSql = """
        INSERT INTO audit_log ("Sequence", "Recorded", "PreviousHash", "Hash", "Payload", "Organisation", "Client", "Decision", "BreakGlass")
        VALUES (@s, @r, @ph, @h, @p, @o, @c, @d, @b)
        """;
    private static readonly string[] LogParameters = ["s", "r", "ph", "h", "p", "o", "c", "d", "b"];

    /// <summary>With synchronous=NORMAL: the longest a committed entry waits for its flush to disk.</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a committed entry waits to enter the search index when nobody asks for it sooner.</summary>
    public static readonly TimeSpan IndexInterval = TimeSpan.FromSeconds(1);

    /// <summary>Queued by the timer every <see cref="SyncInterval"/> to wake the loop (flush, index); never written.</summary>
    private static readonly Pending Tick = new([], new AuditIndex(0, null, null, "", false, []), new TaskCompletionSource<long>());

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AuditLogDatabase _database;
    private readonly ILogger<AuditLogWriter> _logger;
    private readonly Lock _startLock = new();
    private Task? _loop;
    private DbConnection? _connection;
    private AuditChainHead? _head;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _timerLoop;
    private bool _unsynced;
    private long _synced;
    // Loop-only state: entries committed since the index last caught up (start-up assumes some: a crash may have
    // left entries unindexed), when it last did, and the readers waiting for it.
    private long _unindexed = 1;
    private long _lastIndexed = Environment.TickCount64;
    private long _indexRetryAt;
    private readonly List<TaskCompletionSource> _indexWaiters = [];

    private readonly long _indexIntervalMs;

    /// <param name="indexInterval">How long an entry may wait for the search index when nobody asks (default <see cref="IndexInterval"/>).</param>
    public AuditLogWriter(AuditLogDatabase database, ILogger<AuditLogWriter> logger, TimeSpan? indexInterval = null)
    {
        _database = database;
        _logger = logger;
        _indexIntervalMs = (long)(indexInterval ?? IndexInterval).TotalMilliseconds;
    }

    /// <summary>A record to write, or (with <see cref="IndexWaiter"/>) a reader's request to bring the index up to date.</summary>
    private sealed record Pending(byte[] Body, AuditIndex Index, TaskCompletionSource<long> Done, TaskCompletionSource? IndexWaiter = null);

    /// <summary>
    /// The last entry known to be on disk: every commit's under synchronous=FULL (and on PostgreSQL), the last
    /// flushed one under NORMAL. What a power cut could take is the entries after it.
    /// </summary>
    public long SyncedSequence => Volatile.Read(ref _synced);

    /// <summary>The last entry this writer committed (or found at start-up); null before either.</summary>
    public AuditChainHead? Head => Volatile.Read(ref _head);

    /// <summary>Completes when the record is committed (see <see cref="WriteAsync"/>).</summary>
    public Task AppendAsync(AuditRecord record, CancellationToken ct = default) => WriteAsync(record, ct);

    /// <summary>
    /// Queues the record and completes with its sequence number once the batch holding it has committed. Cancelling
    /// <paramref name="ct"/> stops the wait, never the write: a decision that was made is recorded.
    /// </summary>
    public Task<long> WriteAsync(AuditRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var index = AuditEventRenderer.IndexOf(record);
        if (Check(index) is { } refused) return Task.FromException<long>(new ArgumentException(refused, nameof(record)));
        var pending = new Pending(AuditRecordCodec.Encode(record), index,
            new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        EnsureStarted();
        if (!_queue.Writer.TryWrite(pending))
            pending.Done.SetException(new AuditLogUnavailableException("The audit log is shutting down and takes no more entries."));
        return ct.CanBeCanceled ? pending.Done.Task.WaitAsync(ct) : pending.Done.Task;
    }

    /// <summary>
    /// Completes once every entry committed before the call is in the search index (<see cref="AuditIndexer"/>):
    /// what a search or a verification asks first, so it sees everything already audited. The writer loop does the
    /// work between batches (on its connection, under its lock); once the writer has stopped, the caller does it.
    /// </summary>
    public async Task IndexNowAsync(CancellationToken ct = default)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EnsureStarted();
        if (_queue.Writer.TryWrite(new Pending([], Tick.Index, Tick.Done, waiter)))
        {
            await waiter.Task.WaitAsync(ct);
            return;
        }
        await using var connection = await _database.OpenAsync(ct);
        await AuditIndexer.IndexAllAsync(connection, ct);
    }

    /// <summary>Refused before queueing, so one bad record can never fail a whole batch (PostgreSQL enforces the lengths).</summary>
    private static string? Check(AuditIndex index)
    {
        if (index.Organisation is { Length: > 128 }) return "An audited organisation id is longer than 128 characters.";
        if (index.Client is { Length: > 128 }) return "An audited client id is longer than 128 characters.";
        foreach (var id in index.PatientIds)
            if (id.Length is 0 or > 64) return "An audited Patient id is empty or longer than 64 characters.";
        return null;
    }

    /// <summary>Loads the chain head (start-up) and starts the writer loop.</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        await using (var connection = await _database.OpenAsync(ct))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = HeadSql;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                Volatile.Write(ref _head, new AuditChainHead(reader.GetInt64(0), reader.GetString(1)));
                Volatile.Write(ref _synced, reader.GetInt64(0));
            }
        }
        EnsureStarted();
    }

    /// <summary>Takes no more records, writes everything already queued, and closes the connection.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _stopping.CancelAsync();
        _queue.Writer.TryComplete();
        Task? loop, sync;
        lock (_startLock) (loop, sync) = (_loop, _timerLoop);
        if (loop is not null) await loop.WaitAsync(ct);
        if (sync is not null) await sync.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _loop) is not null) return;
        lock (_startLock)
        {
            _loop ??= Task.Run(RunAsync);
            _timerLoop ??= Task.Run(TimerAsync);
        }
    }

    /// <summary>Wakes the writer loop every <see cref="SyncInterval"/> for its flush and index work (skipped when there is none).</summary>
    private async Task TimerAsync()
    {
        using var timer = new PeriodicTimer(SyncInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token)) _queue.Writer.TryWrite(Tick);
        }
        catch (OperationCanceledException) { /* stopping: the loop indexes what is left, closing the connection checkpoints */ }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(64);
        while (true)
        {
            // Index work left over (behind by more than a chunk) does not wait for the next record or tick.
            if (!IndexDue() && !await _queue.Reader.WaitToReadAsync()) break;
            batch.Clear();
            var tick = false;
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                if (next.IndexWaiter is { } waiter) _indexWaiters.Add(waiter);
                else if (ReferenceEquals(next, Tick)) tick = true;
                else batch.Add(next);
            }
            if (batch.Count > 0)
            {
                try { await CommitAsync(batch); }
                catch (Exception ex)
                {
                    // CommitAsync answers every caller itself; this only keeps the loop alive should that ever throw.
                    foreach (var p in batch) p.Done.TrySetException(new AuditLogUnavailableException("The audit entry could not be stored.", ex));
                }
            }
            if (tick) await SyncAsync();
            // One chunk per turn, so records queued meanwhile wait for one chunk at most, never for a whole backlog.
            if (IndexDue()) await IndexChunkAsync();
        }
        // Stopping: leave the index complete, and answer anyone still waiting for it.
        while (_unindexed > 0 && await IndexChunkAsync()) { }
        foreach (var w in _indexWaiters) w.TrySetResult();
        _indexWaiters.Clear();
        if (_connection is not null) await _connection.DisposeAsync();
        _connection = null;
    }

    /// <summary>A reader is waiting, a chunk's worth is pending, or an entry has waited <see cref="IndexInterval"/>.</summary>
    private bool IndexDue() =>
        _indexWaiters.Count > 0
        // After a failed run, only a reader's request retries before the interval: no busy loop on a broken index.
        || (Environment.TickCount64 >= _indexRetryAt
            && (_unindexed >= AuditIndexer.Chunk || (_unindexed > 0 && Environment.TickCount64 - _lastIndexed >= _indexIntervalMs)));

    /// <summary>Indexes one chunk; answers the waiting readers once it has caught up. False when it failed (logged; retried later).</summary>
    private async Task<bool> IndexChunkAsync()
    {
        try
        {
            _connection ??= await _database.OpenAsync();
            var indexed = await AuditIndexer.IndexChunkAsync(_connection);
            if (indexed < AuditIndexer.Chunk)
            {
                _unindexed = 0;
                _lastIndexed = Environment.TickCount64;
                foreach (var w in _indexWaiters) w.TrySetResult();
                _indexWaiters.Clear();
            }
            return true;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            // The entries are committed; only their index waits. Readers get the failure rather than a stale answer.
            LogIndexFailed(ex);
            _lastIndexed = Environment.TickCount64;
            _indexRetryAt = _lastIndexed + _indexIntervalMs;
            foreach (var w in _indexWaiters) w.TrySetException(new AuditLogUnavailableException("The audit log's search index could not be brought up to date.", ex));
            _indexWaiters.Clear();
            if (_connection is not null)
            {
                try { await _connection.DisposeAsync(); } catch (Exception) { /* already broken */ }
                _connection = null;
            }
            return false;
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            var reused = _connection is not null;
            var commitSent = false;
            try
            {
                var connection = _connection ??= await _database.OpenAsync();
                await using var tx = connection is SqliteConnection sqlite
                    ? sqlite.BeginTransaction(deferred: false) // BEGIN IMMEDIATE: the head is read under the write lock
                    : await connection.BeginTransactionAsync();
                var previous = Reconcile(await ReadHeadAsync(connection, tx));
                var entries = new AuditChainEntry[batch.Count];
                for (int i = 0; i < batch.Count; i++) entries[i] = previous = AuditChain.Append(previous, batch[i].Body);
                await InsertAsync(connection, tx, batch, entries);
                commitSent = true;
                await tx.CommitAsync();

                var last = entries[^1];
                Volatile.Write(ref _head, new AuditChainHead(last.Sequence, last.Hash));
                _unindexed += batch.Count;
                if (_database.Provider == StorageProvider.Postgres || _database.FlushEveryCommit) Volatile.Write(ref _synced, last.Sequence);
                else _unsynced = true;
                for (int i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(entries[i].Sequence);
                return;
            }
            catch (Exception ex)
            {
                if (_connection is not null)
                {
                    try { await _connection.DisposeAsync(); } catch (Exception) { /* already broken */ }
                    _connection = null;
                }
                // A connection kept open since the last batch may have been closed under us (server restart, idle
                // timeout): one retry on a fresh connection, but only if the commit was never sent (else the batch
                // may be stored, and writing it again would duplicate it).
                if (reused && !commitSent && attempt == 0) continue;
                LogBatchFailed(ex, batch.Count);
                var failure = new AuditLogUnavailableException("The audit entry could not be stored; the request was not completed.", ex);
                foreach (var p in batch) p.Done.TrySetException(failure);
                return;
            }
        }
    }

    /// <summary>
    /// synchronous=NORMAL only: a checkpoint syncs the write-ahead log to disk before copying it into the database
    /// (SQLite, "PRAGMA synchronous"), which bounds what a power cut can take. A failure is logged and retried at the
    /// next tick; the entries are already committed.
    /// </summary>
    private async Task SyncAsync()
    {
        if (!_unsynced || _connection is null) return;
        try
        {
            await using var cmd = _connection.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            var head = Head?.Sequence ?? 0;
            await cmd.ExecuteNonQueryAsync();
            _unsynced = false;
            Volatile.Write(ref _synced, head);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            LogSyncFailed(ex);
        }
    }

    /// <summary>Reads the chain head inside the batch's transaction (on PostgreSQL after taking the advisory lock).</summary>
    private async Task<AuditChainHead?> ReadHeadAsync(DbConnection connection, DbTransaction tx)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        if (_database.Provider == StorageProvider.Postgres)
        {
            cmd.CommandText = "SELECT pg_advisory_xact_lock(@k); " + HeadSql;
            var k = cmd.CreateParameter();
            k.ParameterName = "@k";
            k.Value = PostgresLockKey;
            cmd.Parameters.Add(k);
        }
        else cmd.CommandText = HeadSql;
        await using var reader = await cmd.ExecuteReaderAsync();
        if (_database.Provider == StorageProvider.Postgres) await reader.NextResultAsync();
        return await reader.ReadAsync() ? new AuditChainHead(reader.GetInt64(0), reader.GetString(1)) : null;
    }

    /// <summary>
    /// The entry to link the batch to. The database's head, normally; another replica may have moved it ahead. If it
    /// is behind what this writer committed, or differs at the same sequence, entries were deleted or rewritten: link
    /// to the head we know, so the hole stays visible to verification.
    /// </summary>
    private AuditChainEntry? Reconcile(AuditChainHead? stored)
    {
        var known = Head;
        var head = stored;
        if (known is not null && (stored is null || stored.Sequence < known.Sequence || (stored.Sequence == known.Sequence && stored.Hash != known.Hash)))
        {
            LogChainTailChanged(known.Sequence, stored?.Sequence ?? 0);
            head = known;
        }
        return head is null ? null : new AuditChainEntry(head.Sequence, [], "", head.Hash);
    }

    /// <summary>The chain rows only: the search index is filled after the commit (<see cref="AuditIndexer"/>).</summary>
    private static async Task InsertAsync(DbConnection connection, DbTransaction tx, List<Pending> batch, AuditChainEntry[] entries)
    {
        if (connection is NpgsqlConnection pg)
        {
            // PostgreSQL: the whole batch as one statement, each row's values in arrays (one round trip, one parse
            // and plan instead of one per row).
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO audit_log ("Sequence", "Recorded", "PreviousHash", "Hash", "Payload", "Organisation", "Client", "Decision", "BreakGlass")
                SELECT * FROM unnest(@s, @r, @ph, @h, @p, @o, @c, @d, @b);
                """, pg, (NpgsqlTransaction)tx);
            cmd.Parameters.AddWithValue("s", entries.Select(e => e.Sequence).ToArray());
            cmd.Parameters.AddWithValue("r", batch.Select(p => p.Index.Recorded).ToArray());
            cmd.Parameters.AddWithValue("ph", entries.Select(e => e.PreviousHash).ToArray());
            cmd.Parameters.AddWithValue("h", entries.Select(e => e.Hash).ToArray());
            cmd.Parameters.AddWithValue("p", entries.Select(e => e.Payload).ToArray());
            cmd.Parameters.AddWithValue("o", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, batch.Select(p => p.Index.Organisation).ToArray());
            cmd.Parameters.AddWithValue("c", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, batch.Select(p => p.Index.Client).ToArray());
            cmd.Parameters.AddWithValue("d", batch.Select(p => p.Index.Decision).ToArray());
            cmd.Parameters.AddWithValue("b", batch.Select(p => p.Index.BreakGlass).ToArray());
            await cmd.ExecuteNonQueryAsync();
            return;
        }

        // SQLite: in-process, so one prepared statement re-executed with new values costs microseconds a row.
        await using var insertLog = connection.CreateCommand();
        insertLog.Transaction = tx;
        insertLog.CommandText = InsertLogSql;
        for (int i = 0; i < batch.Count; i++)
        {
            if (i == 0) AddLogParameters(insertLog.Parameters, insertLog.CreateParameter, batch[i], entries[i]);
            else SetLogValues(insertLog.Parameters, batch[i], entries[i]);
            await insertLog.ExecuteNonQueryAsync();
        }
    }

    private static object?[] LogValues(Pending p, AuditChainEntry e) =>
        [e.Sequence, p.Index.Recorded, e.PreviousHash, e.Hash, e.Payload, p.Index.Organisation, p.Index.Client, p.Index.Decision, p.Index.BreakGlass];

    private static void AddLogParameters(DbParameterCollection parameters, Func<DbParameter> create, Pending p, AuditChainEntry e)
    {
        var values = LogValues(p, e);
        for (int i = 0; i < values.Length; i++) parameters.Add(Parameter(create, LogParameters[i], values[i]));
    }

    private static void SetLogValues(DbParameterCollection parameters, Pending p, AuditChainEntry e)
    {
        var values = LogValues(p, e);
        for (int i = 0; i < values.Length; i++) parameters[i].Value = values[i] ?? DBNull.Value;
    }

    private static DbParameter Parameter(Func<DbParameter> create, string name, object? value)
    {
        var p = create();
        p.ParameterName = "@" + name;
        p.Value = value ?? DBNull.Value;
        return p;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log's search index could not be brought up to date; retrying at the next interval")]
    private partial void LogIndexFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log could not be flushed to disk; retrying at the next interval")]
    private partial void LogSyncFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "An audit batch of {Count} entries could not be committed; the requests waiting on it fail")]
    private partial void LogBatchFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The audit log's last entry is {Stored} but this writer committed up to {Known}: entries were deleted or rewritten. New entries link to {Known}, leaving the gap for verification to report")]
    private partial void LogChainTailChanged(long known, long stored);
}
