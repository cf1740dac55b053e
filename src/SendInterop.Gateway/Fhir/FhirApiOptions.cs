namespace SendInterop.Gateway.Fhir;

/// <summary>Bound from configuration section "Fhir".</summary>
public sealed class FhirApiOptions
{
    /// <summary>Refuse updates, patches and deletes without If-Match (428), so no client overwrites blindly.</summary>
    public bool RequireIfMatch { get; set; }
    /// <summary>Largest request body accepted (413 above it). Synthea bundles reach tens of MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024 * 1024;
    /// <summary>Largest batch/transaction Bundle accepted, in entries (413 above it).</summary>
    public int MaxBundleEntries { get; set; } = 10_000;
    /// <summary>Largest array in a request body (413 above it): guards against memory blow-ups in one element.</summary>
    public int MaxArrayLength { get; set; } = 50_000;
    /// <summary>Writes that reference Type/id on this server must point at an existing resource (422 otherwise).</summary>
    public bool EnforceReferentialIntegrity { get; set; } = true;
    /// <summary>Resource types clients may read and search but not write through the API.</summary>
    public string[] ReadOnlyTypes { get; set; } = ["AuditEvent"];
}
