using Hl7.Fhir.Model;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>
/// The result of an interaction. The body is either stored JSON bytes (served as they are, no re-serialisation)
/// or a resource built in memory (OperationOutcome, Bundle, CapabilityStatement).
/// </summary>
public sealed class FhirResponse
{
    public int Status { get; init; } = 200;
    public byte[]? Json { get; init; }
    public Resource? Resource { get; init; }
    public int? VersionId { get; init; }
    public DateTimeOffset? LastModified { get; init; }
    public string? Location { get; init; }
    /// <summary>The resource type and id this response is about, when it is about one (used by audit and bundles).</summary>
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    /// <summary>A Bundle composed from stored bytes (search, history, batch responses).</summary>
    public BundleBody? Bundle { get; init; }

    public bool HasBody => Json is not null || Resource is not null || Bundle is not null;

    public static FhirResponse Of(Resource resource, int status = 200) => new() { Status = status, Resource = resource };
    public static FhirResponse Empty(int status) => new() { Status = status };
}
