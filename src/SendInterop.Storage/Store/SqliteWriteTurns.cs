namespace SendInterop.Storage.Store;

/// <summary>
/// Turns at a SQLite database's one write lock for the writers in this process: the store's group commit takes a turn
/// per group, and the other writers that run all day (master child index links and merges, indicator projections,
/// stored tallies and decisions) take one around their transaction. Waiters queue in order, asynchronously, without
/// holding a thread. The occasional writers (scheduled runs, export jobs, subscription cursors, the token endpoint's
/// assertion ledger) still rely on busy_timeout alone.
/// </summary>
/// <remarks>
/// Why: SQLite admits one writer at a time, and a second one that finds the lock taken sleeps in its busy handler
/// (busy_timeout: 1, 2, 5 ... 100 ms between tries) instead of queueing. Under load the store's writer commits group
/// after group back to back, so such a writer kept finding the lock taken and slept, again and again, for up to
/// seconds; the master child index held its own lock meanwhile, so every Patient write waited behind it (POST Patient
/// p50 about 3 s at 300 workers while other types answered in 60 ms; docs/performance.md, "Writers taking turns").
/// With turns, the writer waits only for the group in progress. busy_timeout stays, for writers in other processes
/// (tools, a second gateway on one file), which these turns cannot see.
/// <para>
/// Nothing may wait for another write while holding a turn (a resource write waits for the group commit, which needs
/// a turn itself): a turn covers one transaction's own statements and commit, nothing else.
/// </para>
/// </remarks>
public sealed class SqliteWriteTurns
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <summary>Waits for the write lock to be this caller's; dispose the turn once the transaction has ended.</summary>
    public async ValueTask<Turn> TakeAsync(CancellationToken ct = default)
    {
        await _turn.WaitAsync(ct).ConfigureAwait(false);
        return new Turn(_turn);
    }

    /// <summary>A held turn; the default value (PostgreSQL, which needs none) holds nothing.</summary>
    public readonly struct Turn(SemaphoreSlim? held) : IDisposable
    {
        public void Dispose() => held?.Release();
    }
}
