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
