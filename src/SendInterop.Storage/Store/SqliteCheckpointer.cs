using Microsoft.Data.Sqlite;

namespace SendInterop.Storage.Store;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file from a thread of its own, so that the store's
/// writer seldom does it. Why: by default the commit that takes the log past 1,000 pages runs the checkpoint itself,
/// copying the pages and flushing the database file to disk (synchronous=NORMAL still flushes at a checkpoint) before
/// that writer's next group can start. In a first SEN2 import, whose transactions write thousands of pages each, 39 %
/// of the store writer's samples were system calls (writes 19 %, the checkpoint's flushes 15 %), and the same import on a
/// database in memory (no flush to wait for) ran 7 % faster (docs/performance.md, "SEN2 import rate", session 19).
/// <para>
/// Each run is a PASSIVE checkpoint on its own connection: it copies what no reader still needs and never waits for
/// readers or writers. It cannot restart the log, though: SQLite starts the log again from its beginning only when a
/// write transaction begins with everything copied, and under a steady stream of writes each one begins with the last
/// one's pages not yet copied. So every connection keeps an automatic checkpoint, at <see cref="BackstopPages"/>
/// (<see cref="SqlitePragmas"/>) instead of 1,000: when the log reaches it, the commit checkpoints the little this thread
/// has not copied yet, and the next write restarts the log. A commit that finds this thread checkpointing skips its
/// turn, so once a run reports the log past the backstop this thread steps aside for a few runs. With a backstop of
/// 20,000 pages the log reached 75 MB in <c>SqliteCheckpointerTests</c> (17-20 MB at 4,000), and a first import's log
/// peaks at about 47 MB at 4,000 (one import batch is larger than the backstop by itself). The backstop alone also
/// covers a store opened without this thread (tools).
/// </para>
/// </summary>
internal sealed class SqliteCheckpointer : IAsyncDisposable
{
    /// <summary>Log pages (4 KiB each) after which a commit checkpoints by itself (see the remarks).</summary>
    public const int BackstopPages = 4_000;

    /// <summary>How often the log is checkpointed.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Runs skipped once the log is past the backstop, so that a writer's own checkpoint can restart it.</summary>
    private const int PauseRuns = 5;

    private readonly string _connectionString;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public SqliteCheckpointer(string connectionString)
    {
        // Not pooled: a connection given up on below (one that does not see the log) must really close, or the pool would
        // hand the same stale handle back.
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        _loop = Threading.DedicatedThreadLoop.Start("store-checkpointer", RunAsync);
    }

    private async Task RunAsync()
    {
        SqliteConnection? connection = null;
        var pause = 0;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                try { await Task.Delay(Interval, _stopping.Token); }
                catch (OperationCanceledException) { break; }
                if (pause > 0)
                {
                    pause--;
                    continue;
                }
                try
                {
                    connection ??= await OpenAsync();
                    var logPages = await CheckpointAsync(connection);
                    if (logPages < 0)
                    {
                        // Not in WAL mode on this connection: opened before the database was switched to it (the store
                        // starts before its start-up migrations), and such a connection would stay a no-op. The next run
                        // opens a new one.
                        await connection.DisposeAsync();
                        connection = null;
                    }
                    // Past the backstop: the log must be restarted, which only a committing writer's own checkpoint can
                    // lead to, and a writer skips its checkpoint while this thread holds the checkpoint lock. Under a
                    // steady stream of writes that kept the log growing (75 MB in a test); stepping aside lets it restart.
                    else if (logPages >= BackstopPages) pause = PauseRuns;
                }
                catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
                {
                    // A checkpoint that could not run (the file is being replaced, a transient I/O error) is tried again
                    // at the next interval on a new connection; meanwhile the backstop bounds the log.
                    if (connection is not null) await connection.DisposeAsync();
                    connection = null;
                }
            }
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    /// <summary>One PASSIVE checkpoint; the log's length in pages, or -1 when the connection does not see a write-ahead log.</summary>
    private static async Task<long> CheckpointAsync(SqliteConnection connection)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);"; // one row: busy, log pages, pages checkpointed
        await using var reader = await cmd.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetInt64(1) : -1;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        // The same durability as the writers': NORMAL flushes the log before copying it and the database after.
        cmd.CommandText = SqlitePragmas.Durability;
        await cmd.ExecuteNonQueryAsync();
        return connection;
    }

    /// <summary>Stops the loop after its current run; safe to call more than once (the store may be disposed twice).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
    }
}
