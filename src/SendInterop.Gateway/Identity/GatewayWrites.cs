using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// The master child index writing resources for itself (review Tasks, the <c>Patient.link</c> of a merge): prepared as
/// every write is (validation, index, access facts), stored under <see cref="AccessSession.Internal"/> so each keeps the
/// owner it carries, several in one transaction, and announced to the write observers (the match index, the consent
/// context cache) so no cache serves what was just changed.
/// </summary>
public sealed class GatewayWrites(IResourceStore store, ResourcePreparer preparer, IEnumerable<IResourceWriteObserver> observers)
{
    /// <summary>One resource to write: POST (new) or PUT expecting <paramref name="ExpectedVersion"/>.</summary>
    public sealed record Item(Resource Resource, string Method, int? ExpectedVersion = null);

    public async Task<IReadOnlyList<WriteResult>> WriteAsync(string purpose, IReadOnlyList<Item> items, CancellationToken ct)
    {
        var session = AccessSession.Internal(purpose);
        var writes = new List<ResourceWrite>(items.Count);
        foreach (var item in items)
        {
            var prepared = await preparer.PrepareAsync(item.Resource, item.Resource.Id ?? ResourcePreparer.NewId(), session, ct);
            writes.Add(preparer.ToWrite(prepared, item.Method, item.ExpectedVersion, mustNotExist: item.Method == "POST"));
        }
        try
        {
            var results = await store.WriteAsync(writes, ct);
            foreach (var o in observers) o.Written(writes);
            return results;
        }
        catch (VersionConflictException ex)
        {
            // Someone changed one of the records between our read and this write: nothing was stored; try again.
            throw FhirException.Conflict("A record changed while the identity operation ran; nothing was changed. Retry. " + ex.Message);
        }
    }
}
