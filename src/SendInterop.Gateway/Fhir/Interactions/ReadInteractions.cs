using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// read and vread: serve the stored bytes as they are, once the consent gate permits. A resource the requester may
/// not see answers exactly like one that does not exist (or 403, as configured), deleted or not.
/// </summary>
public sealed class ReadInteractions(IResourceStore store, DisclosureGate gate)
{
    public async Task<FhirResponse> ReadAsync(AccessSession access, ScopeGrant? grant, string type, string id, CancellationToken ct)
    {
        var record = await store.ReadAsync(type, id, ct);
        if (record is null) throw NotFound(type, id);
        await EnsureVisibleAsync(access, grant, record, ct);
        if (record.IsDeleted)
            throw new FhirException(410, OperationOutcome.IssueType.Deleted, $"{type}/{id} was deleted (version {record.VersionId}); its history is still available.");
        return FromRecord(record);
    }

    public async Task<FhirResponse> VReadAsync(AccessSession access, ScopeGrant? grant, string type, string id, int version, CancellationToken ct)
    {
        var record = await store.ReadVersionAsync(type, id, version, ct);
        var noVersion = $"{type}/{id} has no version {version}.";
        if (record is null) throw FhirException.NotFound(noVersion);
        // An older version only while the current one is visible too: a label, consent or new owner on the current
        // version covers the whole history (else the old content stayed readable, and said a hidden newer one exists).
        if (!record.IsCurrent && !access.IsInternal)
        {
            var current = await store.ReadAsync(type, id, ct);
            if (current is null || !await gate.IsPermittedWithinScopeAsync(access, current, grant, ct))
            {
                // The refusal is the current version's: recorded as its decision (a permit is recorded for the version read).
                if (current is not null) await gate.PermitsWithinScopeAsync(access, current, grant, ct);
                throw Hidden(record, noVersion);
            }
        }
        await EnsureVisibleAsync(access, grant, record, ct, noVersion);
        if (record.IsDeleted) throw new FhirException(410, OperationOutcome.IssueType.Deleted, $"Version {version} of {type}/{id} is a deletion.");
        return FromRecord(record);
    }

    /// <summary>Throws the configured "hidden" answer unless the gate permits this version to the requester.</summary>
    public async System.Threading.Tasks.Task EnsureVisibleAsync(AccessSession access, ScopeGrant? grant, ResourceRecord record, CancellationToken ct, string? notFoundMessage = null)
    {
        if (access.IsInternal) return;
        if (await gate.PermitsWithinScopeAsync(access, record, grant, ct)) return;
        throw Hidden(record, notFoundMessage);
    }

    /// <summary>The configured answer for a resource the requester may not see: 404 as if it did not exist, or 403.</summary>
    private FhirException Hidden(ResourceRecord record, string? notFoundMessage) =>
        gate.HiddenReadStatus == 403
            ? new FhirException(403, OperationOutcome.IssueType.Forbidden, $"You may not see {record.ResourceType}/{record.ResourceId}.")
            : FhirException.NotFound(notFoundMessage ?? $"{record.ResourceType}/{record.ResourceId} does not exist.");

    private static FhirException NotFound(string type, string id) => FhirException.NotFound($"{type}/{id} does not exist.");

    public static FhirResponse FromRecord(ResourceRecord record, int status = 200) => new()
    {
        Status = status, Json = record.Json, VersionId = record.VersionId,
        LastModified = new DateTimeOffset(record.LastUpdated, TimeSpan.Zero),
        ResourceType = record.ResourceType, ResourceId = record.ResourceId,
    };
}
