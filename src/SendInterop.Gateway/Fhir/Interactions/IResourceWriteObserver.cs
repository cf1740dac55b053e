using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// Told about writes once they have committed, from every write path (single writes and transactions), so caches built
/// from stored data (a child's consent context, the Patient match index) never serve what was just changed here.
/// </summary>
public interface IResourceWriteObserver
{
    void Written(IReadOnlyList<ResourceWrite> writes);
}

/// <summary>
/// Called after a write has committed and after every <see cref="IResourceWriteObserver"/>, awaited before the response
/// is sent, for follow-up work that needs I/O (the master child index links each Patient here). A handler must not
/// fail the write that already committed: it catches its own errors and leaves a repair to its own reconciliation.
/// </summary>
public interface IResourceCommitHandler
{
    Task CommittedAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct);
}
