using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace SendInterop.Storage.Store;

/// <summary>
/// Group commit for SQLite, which has one writer at a time anyway: requests queue here and one writer loop applies
/// everything that is waiting in a single database transaction, each request inside its own savepoint, so one
/// request's conflict rolls back only that request. A commit (and, with synchronous=FULL, its fsync) is paid once
/// per group instead of once per request. A request is answered only after its group has committed.
/// <para>
/// The loop has a thread of its own (<see cref="Threading.DedicatedThreadLoop"/>), not a thread-pool thread:
/// Microsoft.Data.Sqlite runs its "async" methods synchronously, so every group's statements and commit block the
/// thread running the loop, which on the pool is a request's worker (as with the audit writer, docs/performance.md,
/// "Consent gate cost", session 16). Disposing completes the queue: what is queued is still committed, then the
/// thread ends.
/// </para>
/// </summary>
internal sealed class SqliteGroupCommit : IAsyncDisposable
{
    /// <summary>Upper bound on a group, so a burst cannot make one transaction (and its latency) unbounded.</summary>
    private const int MaxWritesPerGroup = 4000;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly FhirDbContextFactory _contexts;
    private readonly Func<DateTimeOffset> _clock;
    private readonly Task _loop;

    public SqliteGroupCommit(FhirDbContextFactory contexts, Func<DateTimeOffset> clock)
    {
        _contexts = contexts;
        _clock = clock;
        _loop = Threading.DedicatedThreadLoop.Start("store-writer", RunAsync);
    }

    /// <summary>Takes no more requests, commits the ones queued, and ends the loop's thread.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private sealed record Pending(IReadOnlyList<ResourceWrite> Writes, TaskCompletionSource<IReadOnlyList<WriteResult>> Done, CancellationToken Ct);

    public Task<IReadOnlyList<WriteResult>> EnqueueAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        var pending = new Pending(writes, new TaskCompletionSource<IReadOnlyList<WriteResult>>(TaskCreationOptions.RunContinuationsAsynchronously), ct);
        if (!_queue.Writer.TryWrite(pending)) pending.Done.SetException(new ObjectDisposedException(nameof(SqliteGroupCommit)));
        return pending.Done.Task;
    }

    /// <summary>
    /// A request of at least this many writes is committed in a group of its own. Inside a group every request has a
    /// savepoint, and with an in-memory temp store SQLite truncates the savepoint's sub-journal after every statement by
    /// walking it from the start: a large request's hundreds of statements then cost in proportion to everything
    /// journalled before them (docs/performance.md, "SEN2 import rate", session 14). Alone, it needs no savepoint.
    /// </summary>
    private const int AloneFrom = 64;

    private async Task RunAsync()
    {
        var group = new List<Pending>();
        Pending? carried = null;
        while (carried is not null || await _queue.Reader.WaitToReadAsync())
        {
            group.Clear();
            var writes = 0;
            while (writes < MaxWritesPerGroup && TakeNext(ref carried) is { } next)
            {
                if (next.Ct.IsCancellationRequested) { next.Done.TrySetCanceled(next.Ct); continue; }
                if (next.Writes.Count >= AloneFrom && group.Count > 0)
                {
                    carried = next; // the next group's, alone
                    break;
                }
                group.Add(next);
                writes += next.Writes.Count;
                if (next.Writes.Count >= AloneFrom) break;
            }
            if (group.Count > 0) await CommitGroupAsync(group);
        }
    }

    /// <summary>The request carried over from the last group, else the next one queued; null when none is waiting.</summary>
    private Pending? TakeNext(ref Pending? carried)
    {
        if (carried is { } held)
        {
            carried = null;
            return held;
        }
        return _queue.Reader.TryRead(out var next) ? next : null;
    }

    private async Task CommitGroupAsync(List<Pending> group)
    {
        var succeeded = new List<(Pending Request, IReadOnlyList<WriteResult> Results)>(group.Count);
        try
        {
            // Taken before the connection, released after it is closed: the group's transaction is the turn's only use.
            using var turn = await _contexts.TakeWriteTurnAsync();
            await using var db = _contexts.Create();
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();
            await using var tx = await connection.BeginTransactionAsync();
            await using (var writer = new SqlResourceWriter(connection, tx))
            {
                var useSavepoints = group.Count > 1;
                for (int i = 0; i < group.Count; i++)
                {
                    var request = group[i];
                    var savepoint = "w" + i;
                    if (useSavepoints) await tx.SaveAsync(savepoint);
                    try
                    {
                        var results = await writer.ApplyAsync(request.Writes, _clock, CancellationToken.None);
                        if (useSavepoints) await tx.ReleaseAsync(savepoint);
                        succeeded.Add((request, results));
                    }
                    catch (Exception ex)
                    {
                        try
                        {
                            if (useSavepoints) await tx.RollbackAsync(savepoint);
                            else await tx.RollbackAsync();
                        }
                        catch (DbException) when (!useSavepoints)
                        {
                            // SQLite may already have rolled the transaction back; the request's own error is the one to report.
                        }
                        request.Done.TrySetException(ex is DbException db2 && ResourceStore.IsConflict(db2)
                            ? new VersionConflictException("The resource was changed by another request at the same time; read it again and retry.", preconditionFailed: false)
                            : ex);
                        if (!useSavepoints) return;
                    }
                }
            }
            await tx.CommitAsync();
        }
        catch (Exception ex)
        {
            // The group did not commit: nothing of it is stored, and every request in it is told so.
            foreach (var (request, _) in succeeded) request.Done.TrySetException(ex);
            foreach (var request in group) request.Done.TrySetException(ex);
            return;
        }
        foreach (var (request, results) in succeeded) request.Done.TrySetResult(results);
    }
}
