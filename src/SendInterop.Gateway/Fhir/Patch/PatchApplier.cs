using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir.Patch;

/// <summary>
/// Applies a PATCH body to the current stored JSON of a resource: JSON Patch (application/json-patch+json) or
/// FHIRPath Patch (a Parameters resource in application/fhir+json or +xml). Returns the patched resource, which
/// then goes through the same preparation (validation, indexing) as any other write.
/// </summary>
public sealed class PatchApplier(FhirSerialization serialization)
{
    public Resource Apply(byte[] currentJson, string resourceType, FhirRequest request)
    {
        _ = serialization;
        throw FhirException.BadRequest("PATCH is not implemented yet.", OperationOutcome.IssueType.NotSupported);
    }
}
