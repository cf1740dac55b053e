using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir.Patch;

/// <summary>
/// Applies a PATCH body to the current stored JSON of a resource: JSON Patch (application/json-patch+json) or
/// FHIRPath Patch (a Parameters resource in application/fhir+json or +xml). Returns the patched resource, which
/// then goes through the same preparation (validation, indexing) as any other write.
/// <para>
/// Either way the result is parsed strictly again from JSON, so a patch that produces something that is not valid
/// FHIR R4 is a 400 with the parser's message, exactly as if the client had PUT it.
/// </para>
/// </summary>
public sealed class PatchApplier(FhirSerialization serialization)
{
    public const string JsonPatchMediaType = "application/json-patch+json";

    private static readonly string[] FhirJsonMediaTypes = ["application/fhir+json", "application/json+fhir"];
    private static readonly string[] FhirXmlMediaTypes = ["application/fhir+xml", "application/xml+fhir", "application/xml"];

    public Resource Apply(byte[] currentJson, string resourceType, FhirRequest request)
    {
        var mediaType = MediaType(request.ContentType);
        if (mediaType == JsonPatchMediaType)
            return ApplyJsonPatch(currentJson, request.RawBody);

        if (FhirJsonMediaTypes.Contains(mediaType) || FhirXmlMediaTypes.Contains(mediaType) || mediaType == "application/json")
        {
            if (mediaType == "application/json" && request.Resource is null && LooksLikeJsonArray(request.RawBody))
                throw new FhirException(415, OperationOutcome.IssueType.NotSupported,
                    $"A JSON Patch document must be sent as {JsonPatchMediaType}; application/json is taken as a FHIRPath Patch Parameters resource.");
            var body = request.Resource ?? ParseBody(request, FhirXmlMediaTypes.Contains(mediaType) ? FhirFormat.Xml : FhirFormat.Json);
            return body switch
            {
                Parameters parameters => ApplyFhirPathPatch(currentJson, resourceType, parameters),
                // A Bundle entry carries a JSON Patch as a Binary (https://hl7.org/fhir/R4/http.html#patch).
                Binary { ContentType: { } binaryType, Data: { } data } when MediaType(binaryType) == JsonPatchMediaType => ApplyJsonPatch(currentJson, data),
                _ => throw FhirException.BadRequest(
                    $"A FHIRPath Patch body must be a Parameters resource, not {body.TypeName}. (For JSON Patch use Content-Type {JsonPatchMediaType}.)"),
            };
        }

        throw new FhirException(415, OperationOutcome.IssueType.NotSupported,
            $"PATCH bodies of type '{request.ContentType ?? "(none)"}' are not supported: send a JSON Patch as {JsonPatchMediaType} " +
            "or a FHIRPath Patch Parameters resource as application/fhir+json or application/fhir+xml.");
    }

    private Resource ApplyJsonPatch(byte[] currentJson, byte[]? patchDocument) =>
        serialization.Parse(JsonPatchDocumentApplier.Apply(currentJson, patchDocument ?? []), FhirFormat.Json);

    private Resource ApplyFhirPathPatch(byte[] currentJson, string resourceType, Parameters patch)
    {
        var resource = serialization.ParseStored(currentJson);
        if (resource.TypeName != resourceType)
            throw new InvalidOperationException($"The stored JSON is a {resource.TypeName}, not the {resourceType} being patched.");
        FhirPathPatchApplier.Apply(resource, patch);
        return serialization.Parse(serialization.ToJsonBytes(resource), FhirFormat.Json);
    }

    private Resource ParseBody(FhirRequest request, FhirFormat format) =>
        request.RawBody is { Length: > 0 } raw
            ? serialization.Parse(raw, format)
            : throw FhirException.BadRequest("The PATCH body is empty; a FHIRPath Patch Parameters resource was expected.", OperationOutcome.IssueType.Required);

    /// <summary>The media type without parameters (charset etc.), lower-cased; "" when absent.</summary>
    private static string MediaType(string? contentType) =>
        (contentType ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();

    private static bool LooksLikeJsonArray(byte[]? body)
    {
        if (body is null) return false;
        foreach (var b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF) continue;
            return b == (byte)'[';
        }
        return false;
    }
}
