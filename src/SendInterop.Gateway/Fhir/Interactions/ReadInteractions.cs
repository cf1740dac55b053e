using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>read and vread: serve the stored bytes as they are.</summary>
public sealed class ReadInteractions(IResourceStore store)
{
    public async Task<FhirResponse> ReadAsync(string type, string id, CancellationToken ct)
    {
        var record = await store.ReadAsync(type, id, ct);
        if (record is null) throw FhirException.NotFound($"{type}/{id} does not exist.");
        if (record.IsDeleted)
            throw new FhirException(410, Hl7.Fhir.Model.OperationOutcome.IssueType.Deleted, $"{type}/{id} was deleted (version {record.VersionId}); its history is still available.");
        return FromRecord(record);
    }

    public async Task<FhirResponse> VReadAsync(string type, string id, int version, CancellationToken ct)
    {
        var record = await store.ReadVersionAsync(type, id, version, ct);
        if (record is null) throw FhirException.NotFound($"{type}/{id} has no version {version}.");
        if (record.IsDeleted) throw new FhirException(410, Hl7.Fhir.Model.OperationOutcome.IssueType.Deleted, $"Version {version} of {type}/{id} is a deletion.");
        return FromRecord(record);
    }

    public static FhirResponse FromRecord(ResourceRecord record, int status = 200) => new()
    {
        Status = status, Json = record.Json, VersionId = record.VersionId,
        LastModified = new DateTimeOffset(record.LastUpdated, TimeSpan.Zero),
        ResourceType = record.ResourceType, ResourceId = record.ResourceId,
    };
}
