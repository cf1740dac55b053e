using System.Collections.Concurrent;
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
/// <para>
/// Acknowledgement. Without a journal, <see cref="AppendAsync"/> completes when the batch holding the record has
/// committed (and, under FULL, been flushed): every caller waits for a commit. With an <see cref="AuditJournal"/> (the
/// gateway's default, ADR 4), the record is first appended to the journal file under <see cref="_appendLock"/>
/// (a copy into the segment's memory mapping, no flush) and queued in the same order, and <see cref="AppendAsync"/> completes then: a
/// crash of the process cannot lose it (the next <see cref="StartAsync"/> replays the journal from the offsets the
/// chain has recorded in <c>audit_journal</c>), and no request waits for the database. The loop commits a batch at
/// most every <see cref="DefaultJournalBatchWindow"/> (configurable); a failed commit is retried, not reported to callers who were already
/// answered, and new records are refused (503) only when <see cref="MaxBacklog"/> entries are waiting.
/// <see cref="WriteAsync"/> still completes at the commit, with the entry's sequence number.
/// </para>
/// </summary>
public sealed partial class AuditLogWriter : IAuditSink, IAsyncDisposable
{
    /// <summary>Upper bound on one batch, so a burst cannot make one transaction (and its latency) unbounded.</summary>
    public const int MaxBatch = 1000;

    /// <summary>With a journal: journalled entries waiting for their commit beyond which new records are refused (memory bound).</summary>
    public const int MaxBacklog = 100_000;

    /// <summary>
    /// With a journal: the shortest time between two batch commits. Nobody waits for them, so fewer, larger batches
    /// cost less (one transaction and one flush each); this is also what a power cut can take beyond the batch in flight.
    /// </summary>
    public static readonly TimeSpan DefaultJournalBatchWindow = TimeSpan.FromMilliseconds(5);

    /// <summary>With a journal: how long a failed commit waits before it is tried again.</summary>
    public static readonly TimeSpan CommitRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>The advisory lock key that serialises audit batches across PostgreSQL clients ("SENDAUDT").</summary>
    public const long PostgresLockKey = 0x5345_4E44_4155_4454;

    /// <summary>The chain's last entry (also prepared by <see cref="SqliteBatchStatements"/>).</summary>
    internal const string HeadSql = """SELECT "Sequence", "Hash" FROM audit_log ORDER BY "Sequence" DESC LIMIT 1""";

    /// <summary>With synchronous=NORMAL: the longest a committed entry waits for its flush to disk.</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest a committed entry waits to enter the search index when nobody asks for it sooner.</summary>
    public static readonly TimeSpan IndexInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Committed entries kept in memory for the search index (<see cref="AuditIndexQueue"/>). The loop indexes a chunk
    /// as soon as one is pending, so only an index that cannot be written lets the queue reach it; past it, the
    /// entries are read back from the database instead.
    /// </summary>
    public const int IndexQueueLimit = 4 * AuditIndexer.Chunk;

    /// <summary>Queued by the timer every <see cref="SyncInterval"/> to wake the loop (flush, index); never written.</summary>
    private static readonly Pending Tick = new([], new AuditIndex(0, null, null, "", false, []), new TaskCompletionSource<long>());

    /// <summary>Queued by an append that finds the loop waiting (<see cref="WakeLoop"/>); never written.</summary>
    private static readonly Pending Wake = new([], Tick.Index, Tick.Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    // With a journal, records go here (in journal order, enqueued under _appendLock) instead of through the channel;
    // the channel carries the control messages and, without a journal, the records. _sleeping is 1 while the loop
    // waits on the channel with nothing journalled, so an append knows to wake it.
    private readonly ConcurrentQueue<Pending> _journalled = new();
    private int _sleeping;
    // Records ever put in _journalled (written under _appendLock) and, loop-only, ever taken from it. An index waiter
    // notes the first when it is queued and is held until the loop has taken and committed that many (see RunAsync).
    private long _journalEnqueued;
    private long _journalTaken;
    private readonly List<(TaskCompletionSource Waiter, long Target)> _heldWaiters = [];
    private readonly AuditLogDatabase _database;
    private readonly ILogger<AuditLogWriter> _logger;
    private readonly Lock _startLock = new();
    private Task? _loop;
    private DbConnection? _connection;
    // SQLite: the batch statements prepared on _connection (disposed before it is closed: CloseConnectionAsync).
    private SqliteBatchStatements? _statements;
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
    // Loop-only: what this writer committed and has not indexed yet, for the indexer to take from memory.
    private readonly AuditIndexQueue _indexQueue;

    private readonly long _indexIntervalMs;

    // Journal state. _appendLock makes "append to the journal, then queue" one step, so queue order is journal order;
    // it also guards _closed. The rest is loop-only: the segment of the last committed frame (every earlier segment is
    // fully applied once a frame of a later one commits), segments deleted whose rows are still to be removed, and
    // whether a shutdown gave up on a failing database (the journal then keeps what was not committed).
    private readonly AuditJournal? _journal;
    private readonly Lock _appendLock = new();
    private bool _closed;
    private long _backlog;
    private AuditJournalSegment? _lastApplied;
    private long _lastAppliedEnd;
    private readonly List<string> _retiredSegments = [];
    private bool _abandoned;
    private long _lastCommit;
    private bool _commitUncertain;
    private readonly long _batchWindowMs;

    /// <param name="indexInterval">How long an entry may wait for the search index when nobody asks (default <see cref="IndexInterval"/>).</param>
    /// <param name="journal">When given, callers are answered once their record is in the journal, not at the commit (see the class remarks).</param>
    /// <param name="journalBatchWindow">With a journal, the shortest time between batch commits (default <see cref="DefaultJournalBatchWindow"/>).</param>
    /// <param name="indexQueueLimit">Committed entries kept in memory for the index at most (default <see cref="IndexQueueLimit"/>; tests use a small one).</param>
    public AuditLogWriter(AuditLogDatabase database, ILogger<AuditLogWriter> logger, TimeSpan? indexInterval = null, AuditJournal? journal = null,
        TimeSpan? journalBatchWindow = null, int? indexQueueLimit = null)
    {
        _indexQueue = new AuditIndexQueue(indexQueueLimit ?? IndexQueueLimit);
        _batchWindowMs = (long)(journalBatchWindow ?? DefaultJournalBatchWindow).TotalMilliseconds;
        _database = database;
        _logger = logger;
        _indexIntervalMs = (long)(indexInterval ?? IndexInterval).TotalMilliseconds;
        _journal = journal;
    }

    /// <summary>
    /// A record to write (with its journal frame, when there is a journal), or (with <see cref="IndexWaiter"/>) a
    /// reader's request to bring the index up to date.
    /// </summary>
    private sealed record Pending(byte[] Body, AuditIndex Index, TaskCompletionSource<long> Done, TaskCompletionSource? IndexWaiter = null)
    {
        /// <summary>For an index waiter: how many records had been journalled when it was queued.</summary>
        public long JournalTarget { get; init; }

        /// <summary>Where its frame ends in the journal; set under <see cref="_appendLock"/> as it is appended.</summary>
        public AuditJournalPosition? Journal { get; set; }
    }

    /// <summary>Journalled entries not yet committed to the chain (always 0 without a journal).</summary>
    public long Backlog => Volatile.Read(ref _backlog);

    /// <summary>
    /// The last entry known to be on disk: every commit's under synchronous=FULL (and on PostgreSQL), the last
    /// flushed one under NORMAL. What a power cut could take is the entries after it.
    /// </summary>
    public long SyncedSequence => Volatile.Read(ref _synced);

    /// <summary>The last entry this writer committed (or found at start-up); null before either.</summary>
    public AuditChainHead? Head => Volatile.Read(ref _head);

    /// <summary>
    /// Completes when the record is safe from a crash of the process: once it is in the journal, or without a journal
    /// once it is committed (see <see cref="WriteAsync"/>). Fails with <see cref="AuditLogUnavailableException"/> when
    /// it cannot be stored: the caller must not disclose.
    /// </summary>
    public Task AppendAsync(AuditRecord record, CancellationToken ct = default)
    {
        // With a journal nobody waits for the commit, so no cancellable wrapper around it (a per-request allocation).
        var written = WriteAsync(record, _journal is null ? ct : CancellationToken.None);
        return _journal is null || written.IsFaulted ? written : Task.CompletedTask;
    }

    /// <summary>
    /// Queues the record (after appending it to the journal, if there is one) and completes with its sequence number
    /// once the batch holding it has committed. Cancelling <paramref name="ct"/> stops the wait, never the write: a
    /// decision that was made is recorded.
    /// </summary>
    public Task<long> WriteAsync(AuditRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var index = AuditEventRenderer.IndexOf(record);
        if (Check(index) is { } refused) return Task.FromException<long>(new ArgumentException(refused, nameof(record)));
        var pending = new Pending(AuditRecordCodec.Encode(record), index,
            new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        EnsureStarted();
        if (_journal is null)
        {
            if (!_queue.Writer.TryWrite(pending)) pending.Done.SetException(ShuttingDown());
        }
        else if (Journal(pending) is { } failure) return Task.FromException<long>(failure);
        if (!ct.CanBeCanceled) return pending.Done.Task;
        // A caller that had already given up is told so whether or not the batch beat it to the commit (WaitAsync alone
        // returns the finished write then: a race that depended on the writer thread's timing). The write goes on.
        return ct.IsCancellationRequested ? Task.FromCanceled<long>(ct) : pending.Done.Task.WaitAsync(ct);
    }

    private static AuditLogUnavailableException ShuttingDown() => new("The audit log is shutting down and takes no more entries.");

    /// <summary>Appends the record's frame and queues it, as one step; the failure to report instead, if any.</summary>
    private AuditLogUnavailableException? Journal(Pending pending)
    {
        using var frame = AuditJournalFrame.Of(pending.Body); // checksum and copy outside the lock: they need no order
        lock (_appendLock)
        {
            if (_closed) return ShuttingDown();
            if (Volatile.Read(ref _backlog) >= MaxBacklog)
                return new AuditLogUnavailableException($"The audit log's database is {MaxBacklog} entries behind; no more are taken until it catches up.");
            AuditJournalPosition position;
            try { position = _journal!.Append(frame); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                LogJournalFailed(ex);
                return new AuditLogUnavailableException("The audit entry could not be written to the journal; the request was not completed.", ex);
            }
            Interlocked.Increment(ref _backlog);
            pending.Journal = position;
            EnqueueJournalled(pending);
        }
        WakeLoop();
        return null;
    }

    /// <summary>Hands a journalled record to the loop, counted for index waiters; under <see cref="_appendLock"/>, so queue order is journal order.</summary>
    private void EnqueueJournalled(Pending pending)
    {
        _journalled.Enqueue(pending);
        Volatile.Write(ref _journalEnqueued, _journalEnqueued + 1);
    }

    /// <summary>
    /// Wakes the loop if it is waiting for work with nothing journalled (<see cref="WaitForWorkAsync"/>). Called after
    /// the append lock is released, so the lock covers only the copy and the enqueue: a channel write under it made
    /// every appender also queue behind the channel's own lock (docs/performance.md, "Session 13").
    /// </summary>
    private void WakeLoop()
    {
        if (Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1) _queue.Writer.TryWrite(Wake);
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
        // Records journalled before this call are counted first, so the loop holds the waiter until they are committed.
        if (_queue.Writer.TryWrite(new Pending([], Tick.Index, Tick.Done, waiter) { JournalTarget = Volatile.Read(ref _journalEnqueued) }))
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
        if (_journal is not null)
        {
            lock (_appendLock) _journal.Open();
            EnsureStarted();
            await ReplayJournalAsync(ct);
        }
        else EnsureStarted();
    }

    /// <summary>
    /// Commits the frames that a process which stopped without committing them left in the journal (after a crash,
    /// or a shutdown while the database was unreachable), before any new record: each segment from the offset the
    /// chain last recorded for it. Their records keep the time they were made; the chain gives them new positions.
    /// </summary>
    private async Task ReplayJournalAsync(CancellationToken ct)
    {
        var orphans = _journal!.ClaimOrphans();
        if (orphans.Count == 0) return;
        var applied = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var connection = await _database.OpenAsync(ct))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = """SELECT "Segment", "Applied" FROM audit_journal""";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) applied[reader.GetString(0)] = reader.GetInt64(1);
        }
        var replayed = new List<Task<long>>();
        var done = new List<AuditJournalSegment>();
        int skipped = 0;
        lock (_appendLock)
        {
            foreach (var segment in orphans)
            {
                var frames = AuditJournal.ReadFrames(segment, applied.GetValueOrDefault(segment.Id), out var wholeFramesEnd, out var discarded);
                if (discarded > 0) LogJournalTornTail(segment.Id, discarded);
                segment.Length = wholeFramesEnd; // its last whole frame: where "fully applied" is reached
                foreach (var (payload, end) in frames)
                {
                    AuditIndex index;
                    try { index = AuditEventRenderer.IndexOf(AuditRecordCodec.Decode(payload)); }
                    catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException)
                    {
                        skipped++; // passed its CRC, so written like this: not a record this version can read
                        continue;
                    }
                    var pending = new Pending(payload, index, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously))
                    {
                        Journal = new AuditJournalPosition(segment, end),
                    };
                    Interlocked.Increment(ref _backlog);
                    EnqueueJournalled(pending);
                    replayed.Add(pending.Done.Task);
                }
                if (frames.Count == 0) done.Add(segment); // nothing of it left to commit
            }
        }
        WakeLoop();
        if (skipped > 0) LogJournalUnreadable(skipped);
        if (done.Count > 0)
        {
            await using var connection = await _database.OpenAsync(ct);
            await DeleteSegmentsAsync(connection, null, done.Select(Retire).OfType<string>().ToList(), ct);
        }
        await Task.WhenAll(replayed).WaitAsync(ct);
        LogJournalReplayed(replayed.Count, orphans.Count);
    }

    /// <summary>Deletes a fully applied segment's file; its id, for the row to remove next, or null if the file stays (logged).</summary>
    private string? Retire(AuditJournalSegment segment)
    {
        try
        {
            segment.Delete();
            return segment.Id;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in place: the next start claims it and finds nothing after its applied offset.
            LogJournalDeleteFailed(ex, segment.Id);
            return null;
        }
    }

    /// <summary>
    /// Removes the rows of deleted segments. Always after the file is gone: a row removed first would make a crash in
    /// between replay the whole file again.
    /// </summary>
    private static async Task DeleteSegmentsAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        if (ids.Count == 0) return;
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """DELETE FROM audit_journal WHERE "Segment" = @g""";
        var g = Parameter(cmd.CreateParameter, "g", null);
        cmd.Parameters.Add(g);
        foreach (var id in ids)
        {
            g.Value = id;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Takes no more records, writes everything already queued, and closes the connection.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _stopping.CancelAsync();
        lock (_appendLock)
        {
            _closed = true;
            _queue.Writer.TryComplete();
        }
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
            // Its own thread: SQLite blocks whatever thread runs the loop, and a pool thread is a request's thread.
            _loop ??= Threading.DedicatedThreadLoop.Start("audit-writer", RunAsync);
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
            if (!IndexDue() && !await WaitForWorkAsync()) break;
            if (_journal is not null) await BatchWindowAsync();
            batch.Clear();
            var tick = false;
            while (_queue.Reader.TryRead(out var next))
            {
                if (next.IndexWaiter is { } waiter) _heldWaiters.Add((waiter, next.JournalTarget));
                else if (ReferenceEquals(next, Tick)) tick = true;
                else if (ReferenceEquals(next, Wake)) continue;
                else
                {
                    batch.Add(next);
                    if (batch.Count == MaxBatch) break;
                }
            }
            // Journalled records, in journal order. A batch stops at MaxBatch, so an index waiter is held until every
            // record journalled before it was queued has been taken and committed (a backlog can span several turns).
            while (batch.Count < MaxBatch && _journalled.TryDequeue(out var record))
            {
                batch.Add(record);
                _journalTaken++;
            }
            if (batch.Count > 0) await CommitOrRetryAsync(batch);
            ReleaseHeldWaiters();
            if (tick) await SyncAsync();
            // One chunk per turn, so records queued meanwhile wait for one chunk at most, never for a whole backlog.
            if (IndexDue()) await IndexChunkAsync();
        }
        // Stopping: leave the index complete, and answer anyone still waiting for it.
        foreach (var (waiter, _) in _heldWaiters) _indexWaiters.Add(waiter);
        _heldWaiters.Clear();
        while (_unindexed > 0 && await IndexChunkAsync()) { }
        foreach (var w in _indexWaiters) w.TrySetResult();
        _indexWaiters.Clear();
        if (_journal is not null) await FinishJournalAsync();
        await CloseConnectionAsync();
    }

    /// <summary>
    /// Closes the writer's connection (broken, or at the end), its prepared batch statements first: a pooled connection
    /// must not go back to the pool with statements of ours on it.
    /// </summary>
    private async Task CloseConnectionAsync()
    {
        _statements?.Dispose();
        _statements = null;
        if (_connection is null) return;
        try { await _connection.DisposeAsync(); } catch (Exception) { /* already broken */ }
        _connection = null;
    }

    /// <summary>The batch statements of <paramref name="connection"/> (SQLite), prepared on first use.</summary>
    private SqliteBatchStatements StatementsFor(SqliteConnection connection)
    {
        if (_statements?.Connection == connection) return _statements;
        _statements?.Dispose();
        return _statements = new SqliteBatchStatements(connection);
    }

    /// <summary>Moves the index waiters whose records are all committed to the ones the next index run answers.</summary>
    private void ReleaseHeldWaiters()
    {
        for (var i = _heldWaiters.Count - 1; i >= 0; i--)
        {
            if (_heldWaiters[i].Target > _journalTaken) continue;
            _indexWaiters.Add(_heldWaiters[i].Waiter);
            _heldWaiters.RemoveAt(i);
        }
    }

    /// <summary>
    /// Waits until the channel has a message or a journalled record is waiting; false once the writer is stopped and
    /// both are empty (appends stop, under the append lock, before the channel is completed, so none can follow).
    /// </summary>
    private async ValueTask<bool> WaitForWorkAsync()
    {
        if (!_journalled.IsEmpty) return true;
        Interlocked.Exchange(ref _sleeping, 1);
        // Checked again after saying so: an append that missed the flag has its record in the queue already.
        if (!_journalled.IsEmpty)
        {
            Interlocked.Exchange(ref _sleeping, 0);
            return true;
        }
        var open = await _queue.Reader.WaitToReadAsync();
        Interlocked.Exchange(ref _sleeping, 0);
        return open || !_journalled.IsEmpty;
    }

    /// <summary>
    /// With a journal: lets records gather until <see cref="DefaultJournalBatchWindow"/> (configurable) has passed since the last commit.
    /// Nobody is blocked by it: callers were answered when their frame was written.
    /// </summary>
    private async Task BatchWindowAsync()
    {
        var wait = _lastCommit + _batchWindowMs - Environment.TickCount64;
        if (wait > 0 && !_stopping.IsCancellationRequested)
        {
            try { await Task.Delay(TimeSpan.FromMilliseconds(wait), _stopping.Token); }
            catch (OperationCanceledException) { /* stopping: drain now */ }
        }
    }

    /// <summary>
    /// Commits the batch. Without a journal a failure is the callers' (they are waiting and get a 503). With one,
    /// the records are safe in the journal and their callers were answered, so the batch is tried again every
    /// <see cref="CommitRetryInterval"/> until it commits; at shutdown it is left in the journal for the next start.
    /// </summary>
    private async Task CommitOrRetryAsync(List<Pending> batch)
    {
        if (_abandoned)
        {
            foreach (var p in batch) p.Done.TrySetException(ShuttingDown());
            return;
        }
        while (!await TryCommitAsync(batch))
        {
            if (_journal is null) return;
            if (_stopping.IsCancellationRequested)
            {
                _abandoned = true; // the journal keeps these and everything after them
                foreach (var p in batch) p.Done.TrySetException(new AuditLogUnavailableException("The audit database is unreachable; the entry stays in the journal for the next start."));
                return;
            }
            try { await Task.Delay(CommitRetryInterval, _stopping.Token); }
            catch (OperationCanceledException) { /* stopping: one last try */ }
        }
    }

    /// <summary>
    /// <see cref="CommitAsync"/>, which reports database failures itself; anything else that escapes it is logged and
    /// counted as a failed commit, so the loop lives on (and, with a journal, the batch is retried) instead of ending
    /// silently while requests are still answered from the journal.
    /// </summary>
    private async Task<bool> TryCommitAsync(List<Pending> batch)
    {
        try
        {
            return await CommitAsync(batch);
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, batch.Count);
            if (_journal is null)
                foreach (var p in batch) p.Done.TrySetException(new AuditLogUnavailableException("The audit entry could not be stored.", ex));
            // Whatever escaped may have come after the commit: the retry first asks the journal's applied offset whether
            // the batch is already in the chain, rather than writing it a second time.
            else _commitUncertain = true;
            return false;
        }
    }

    /// <summary>
    /// After the last batch at shutdown: every frame written is committed, so the segments go (files first, then
    /// rows). If the database was unreachable they stay, for the next start to replay.
    /// </summary>
    private async Task FinishJournalAsync()
    {
        if (_abandoned || Backlog > 0)
        {
            _journal!.Dispose(); // releases the locks: the files wait for the next start
            return;
        }
        var retired = new List<string>(_retiredSegments);
        if (_lastApplied is { } last && Retire(last) is { } id) retired.Add(id);
        if (_journal!.Current is { } current && current != _lastApplied) current.Delete(); // opened but nothing committed from it: empty
        _journal.Dispose();
        if (retired.Count == 0) return;
        try
        {
            _connection ??= await _database.OpenAsync();
            await DeleteSegmentsAsync(_connection, null, retired);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            LogIndexFailed(ex); // rows of deleted files only: harmless if left (a start finds no file for them)
        }
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
            var indexed = await AuditIndexer.IndexChunkAsync(_connection, _indexQueue);
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
            await CloseConnectionAsync();
            return false;
        }
    }

    /// <summary>Links and commits the batch; false when it failed (without a journal, its callers have been told).</summary>
    private async Task<bool> CommitAsync(List<Pending> batch)
    {
        // A retry after a commit of unknown outcome first finds out whether that commit happened.
        if (_commitUncertain && await ResolveUncertainAsync(batch) is { } resolved) return resolved;
        for (var attempt = 0; ; attempt++)
        {
            var reused = _connection is not null;
            var commitSent = false;
            AuditChainEntry[] committed;
            try
            {
                var connection = _connection ??= await _database.OpenAsync();
                await using var tx = connection is SqliteConnection sqlite
                    ? sqlite.BeginTransaction(deferred: false) // BEGIN IMMEDIATE: the head is read under the write lock
                    : await connection.BeginTransactionAsync();
                var statements = connection is SqliteConnection s ? StatementsFor(s) : null;
                var previous = Reconcile(statements is not null ? statements.ReadHead() : await ReadPostgresHeadAsync(connection, tx));
                var entries = new AuditChainEntry[batch.Count];
                for (int i = 0; i < batch.Count; i++) entries[i] = previous = AuditChain.Append(previous, batch[i].Body);
                await InsertAsync(connection, tx, statements, batch, entries);
                if (_journal is not null) await RecordAppliedAsync(connection, tx, statements, batch);
                commitSent = true;
                await tx.CommitAsync();
                committed = entries;
            }
            catch (Exception ex)
            {
                await CloseConnectionAsync();
                // A connection kept open since the last batch may have been closed under us (server restart, idle
                // timeout): one retry on a fresh connection, but only if the commit was never sent (else the batch
                // may be stored, and writing it again would duplicate it).
                if (reused && !commitSent && attempt == 0) continue;
                // The commit was sent and failed: it may have happened. With a journal, the applied offset it would
                // have moved says which (here, or before the retry writes anything); writing a batch that did commit
                // again would put its records in the chain twice.
                if (_journal is not null && commitSent)
                {
                    _commitUncertain = true;
                    if (await ResolveUncertainAsync(batch) is { } done) return done;
                }
                LogBatchFailed(ex, batch.Count);
                if (_journal is not null) return false; // the journal holds the batch; the caller retries it
                var failure = new AuditLogUnavailableException("The audit entry could not be stored; the request was not completed.", ex);
                foreach (var p in batch) p.Done.TrySetException(failure);
                return false;
            }
            // Outside the try: nothing after a successful commit may make the batch look failed (and be written again).
            AfterCommit(batch, committed);
            return true;
        }
    }

    /// <summary>
    /// Bookkeeping once the batch is in the chain. <paramref name="entries"/> is null when the commit was only found
    /// to have happened afterwards (<see cref="ResolveUncertainAsync"/>): the next batch re-reads the head, and waiters get
    /// sequence 0 (unknown).
    /// </summary>
    private void AfterCommit(List<Pending> batch, AuditChainEntry[]? entries)
    {
        _lastCommit = Environment.TickCount64;
        _unindexed += batch.Count;
        if (entries is not null)
        {
            var last = entries[^1];
            Volatile.Write(ref _head, new AuditChainHead(last.Sequence, last.Hash));
            // What InsertAsync stored in each entry's columns, and the children it encoded.
            for (int i = 0; i < batch.Count; i++) _indexQueue.Add(entries[i].Sequence, batch[i].Index);
            if (_database.Provider == StorageProvider.Postgres || _database.FlushEveryCommit) Volatile.Write(ref _synced, last.Sequence);
            else _unsynced = true;
        }
        if (_journal is not null) AfterJournalCommit(batch); // cannot throw: a segment that will not go is logged and left
        for (int i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(entries?[i].Sequence ?? 0);
    }

    /// <summary>
    /// After a commit whose outcome is unknown: true when it turned out to have committed (bookkeeping done); null when
    /// it did not, so the caller goes on to write it again; false when that cannot be told yet (try later, write nothing).
    /// </summary>
    private async Task<bool?> ResolveUncertainAsync(List<Pending> batch)
    {
        switch (await AppliedAsync(batch))
        {
            case true:
                _commitUncertain = false;
                AfterCommit(batch, null);
                return true;
            case false:
                _commitUncertain = false;
                return null; // not committed: the caller goes on as after any failed commit
            default:
                return false; // unknown: leave it for the next attempt
        }
    }

    /// <summary>Whether the batch's transaction committed after all (its last frame's segment recorded as applied up to it); null if the database cannot say.</summary>
    private async Task<bool?> AppliedAsync(List<Pending> batch)
    {
        var last = batch[^1].Journal!.Value;
        try
        {
            await using var connection = await _database.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = """SELECT "Applied" FROM audit_journal WHERE "Segment" = @g""";
            cmd.Parameters.Add(Parameter(cmd.CreateParameter, "g", last.Segment.Id));
            return await cmd.ExecuteScalarAsync() is { } applied and not DBNull && Convert.ToInt64(applied, System.Globalization.CultureInfo.InvariantCulture) >= last.End;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            return null;
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

    /// <summary>
    /// Moves each journal segment's applied offset to the end of the batch's last frame in it, in the batch's
    /// transaction, and removes the rows of segments deleted since the last batch.
    /// </summary>
    private async Task RecordAppliedAsync(DbConnection connection, DbTransaction tx, SqliteBatchStatements? statements, List<Pending> batch)
    {
        if (statements is not null)
        {
            foreach (var (segment, end) in AppliedOffsets(batch)) statements.RecordApplied(segment, end);
        }
        else
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO audit_journal ("Segment", "Applied") VALUES (@g, @a)
                ON CONFLICT ("Segment") DO UPDATE SET "Applied" = excluded."Applied"
                """;
            var g = Parameter(cmd.CreateParameter, "g", null);
            var a = Parameter(cmd.CreateParameter, "a", null);
            cmd.Parameters.Add(g);
            cmd.Parameters.Add(a);
            foreach (var (segment, end) in AppliedOffsets(batch))
            {
                g.Value = segment;
                a.Value = end;
                await cmd.ExecuteNonQueryAsync();
            }
        }
        await DeleteSegmentsAsync(connection, tx, _retiredSegments);
    }

    /// <summary>
    /// Each journal segment the batch touches, with the end of its last frame in the batch: frames are in journal order,
    /// so that frame is where the next segment starts or the batch ends.
    /// </summary>
    private static IEnumerable<(string Segment, long End)> AppliedOffsets(List<Pending> batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            var position = batch[i].Journal!.Value;
            if (i + 1 < batch.Count && batch[i + 1].Journal!.Value.Segment == position.Segment) continue;
            yield return (position.Segment.Id, position.End);
        }
    }

    /// <summary>
    /// After a journalled batch commits: the backlog shrinks, and a segment is deleted once it is fully applied (frames
    /// commit in journal order): when a frame of a later segment has committed, or when it is sealed and its last
    /// frame has. Its row goes with the next batch.
    /// </summary>
    private void AfterJournalCommit(List<Pending> batch)
    {
        _retiredSegments.Clear(); // their rows were removed in this batch's transaction
        Interlocked.Add(ref _backlog, -batch.Count);
        foreach (var p in batch)
        {
            var position = p.Journal!.Value;
            if (position.Segment != _lastApplied && _lastApplied is not null) RetireApplied(_lastApplied);
            (_lastApplied, _lastAppliedEnd) = (position.Segment, position.End);
        }
        bool complete;
        lock (_appendLock) complete = _lastApplied is { Sealed: true } last && _lastAppliedEnd == last.Length; // Length is final once sealed
        if (complete)
        {
            RetireApplied(_lastApplied!);
            _lastApplied = null;
        }
    }

    private void RetireApplied(AuditJournalSegment segment)
    {
        if (Retire(segment) is { } id) _retiredSegments.Add(id);
    }

    /// <summary>
    /// PostgreSQL: reads the chain head inside the batch's transaction, after taking the advisory lock. (SQLite reads it
    /// through <see cref="SqliteBatchStatements"/>, under BEGIN IMMEDIATE's write lock.)
    /// </summary>
    private static async Task<AuditChainHead?> ReadPostgresHeadAsync(DbConnection connection, DbTransaction tx)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT pg_advisory_xact_lock(@k); " + HeadSql;
        var k = cmd.CreateParameter();
        k.ParameterName = "@k";
        k.Value = PostgresLockKey;
        cmd.Parameters.Add(k);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.NextResultAsync();
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
    private static async Task InsertAsync(DbConnection connection, DbTransaction tx, SqliteBatchStatements? statements, List<Pending> batch, AuditChainEntry[] entries)
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

        // SQLite: in-process, so one prepared statement re-executed with new values costs microseconds a row; bound by
        // position, without the provider's lookup of each parameter by name. (Blocks of a 64-row statement cost more
        // here: a batch is about 90 entries, so each batch prepared a 576-parameter statement and a remainder's;
        // docs/performance.md, "Session 15".) Prepared once per connection (SqliteBatchStatements).
        for (int i = 0; i < batch.Count; i++) statements!.InsertLog(LogRow(batch[i], entries[i]));
    }

    /// <summary>One entry's values in <see cref="SqliteBatchStatements.InsertLogSql"/>'s order (nulls as <see cref="DBNull"/>).</summary>
    private static object[] LogRow(Pending p, AuditChainEntry e) =>
        [e.Sequence, p.Index.Recorded, e.PreviousHash, e.Hash, e.Payload, (object?)p.Index.Organisation ?? DBNull.Value,
            (object?)p.Index.Client ?? DBNull.Value, p.Index.Decision, p.Index.BreakGlass];

    private static DbParameter Parameter(Func<DbParameter> create, string name, object? value)
    {
        var p = create();
        p.ParameterName = "@" + name;
        p.Value = value ?? DBNull.Value;
        return p;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log's search index could not be brought up to date; retrying at the next interval")]
    private partial void LogIndexFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "An audit entry could not be written to the journal; the request fails")]
    private partial void LogJournalFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit journal segment {Segment} ends with {Bytes} bytes that are not a whole entry (cut off by a crash before its request was answered); ignored")]
    private partial void LogJournalTornTail(string segment, long bytes);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Count} audit journal entries passed their checksum but are not records this version can read; they were not added to the chain")]
    private partial void LogJournalUnreadable(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committed {Count} audit entries left in {Segments} journal segments by a process that stopped before committing them")]
    private partial void LogJournalReplayed(int count, int segments);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit journal segment {Segment} is fully applied but could not be deleted; the next start will find nothing to replay in it")]
    private partial void LogJournalDeleteFailed(Exception ex, string segment);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log could not be flushed to disk; retrying at the next interval")]
    private partial void LogSyncFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "An audit batch of {Count} entries could not be committed; the requests waiting on it fail")]
    private partial void LogBatchFailed(Exception ex, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The audit log's last entry is {Stored} but this writer committed up to {Known}: entries were deleted or rewritten. New entries link to {Known}, leaving the gap for verification to report")]
    private partial void LogChainTailChanged(long known, long stored);
}
