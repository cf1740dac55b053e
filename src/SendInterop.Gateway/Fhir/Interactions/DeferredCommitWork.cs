using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// Commit handlers' work held back from a set of independent transactions so it runs once for all of them
/// (<see cref="FhirRequest.DeferredCommits"/>). A bulk import uses it: each record still commits atomically on its own, but
/// the master child index links the batch's Patients under one lock acquisition and statutory Tasks are recomputed once
/// per child, instead of every record waiting its turn at the index after its commit.
/// </summary>
/// <remarks>
/// Crash-safe because of the order: the writes are durable before any handler runs, and every handler already repairs a
/// commit it never saw (the index reconciles unlinked Patients at start-up, the statutory sweep recomputes open cases, the
/// indicator projections rebuild). Whoever defers must call <see cref="RunAsync"/> before answering its client.
/// Observers (<see cref="IResourceWriteObserver"/>, in-memory cache invalidation) are never deferred.
/// </remarks>
public sealed class DeferredCommitWork
{
    private readonly Lock _gate = new();
    private List<ResourceWrite> _writes = [];

    /// <summary>Writes of one committed transaction; called by the write path instead of the handlers.</summary>
    public void Add(IReadOnlyList<ResourceWrite> committed)
    {
        lock (_gate) _writes.AddRange(committed);
    }

    /// <summary>Takes everything added so far (in commit order) and gives it to each handler once, in registration order.</summary>
    public async Task RunAsync(IEnumerable<IResourceCommitHandler> handlers, CancellationToken ct)
    {
        var taken = Take();
        if (taken.Count == 0) return;
        foreach (var handler in handlers) await handler.CommittedAsync(taken, ct);
    }

    /// <summary>Takes everything added so far (in commit order), for a caller that runs the handlers itself.</summary>
    public IReadOnlyList<ResourceWrite> Take()
    {
        List<ResourceWrite> taken;
        lock (_gate) (taken, _writes) = (_writes, []);
        return taken;
    }
}
