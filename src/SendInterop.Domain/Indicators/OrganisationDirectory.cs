using Hl7.Fhir.Model;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// The organisations a child's record points at (LAs, schools, colleges), which live outside the child's own
/// resources: found by literal reference ("Organization/la-926") or by business identifier (a setting named by URN or
/// UKPRN, as the SEN2 import names it). Read-only after construction.
/// </summary>
public sealed class OrganisationDirectory
{
    private readonly Dictionary<string, Organization> _byReference = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Organization> _byIdentifier = new(StringComparer.Ordinal);

    public static OrganisationDirectory Empty { get; } = new([]);

    public OrganisationDirectory(IEnumerable<Organization> organisations)
    {
        foreach (var organisation in organisations)
        {
            if (organisation.Id is { Length: > 0 } id) _byReference.TryAdd("Organization/" + id, organisation);
            foreach (var identifier in organisation.Identifier.Where(i => i.System is not null && i.Value is not null))
                _byIdentifier.TryAdd(identifier.System + "|" + identifier.Value, organisation);
        }
    }

    /// <summary>The organisation a reference points at, by literal reference or by identifier; null when unknown.</summary>
    public Organization? Find(ResourceReference? reference)
    {
        if (reference is null) return null;
        if (References.Normalise(reference.Reference) is { } literal && _byReference.TryGetValue(literal, out var byLiteral)) return byLiteral;
        if (reference.Identifier is { System: { } system, Value: { } value } && _byIdentifier.TryGetValue(system + "|" + value, out var byIdentifier)) return byIdentifier;
        return null;
    }

    public Organization? Find(string? reference) => reference is null ? null : Find(new ResourceReference(reference));

    /// <summary>The 3-digit DfE code of an LA Organization (identifier system la-code); null when it has none.</summary>
    public static string? LaCodeOf(Organization? organisation) =>
        organisation?.Identifier.FirstOrDefault(i => i.System == IndicatorCanonical.LaCodeSystem)?.Value;
}

/// <summary>Reference normalisation, the same as the statutory clock's reader uses, so both match the same resources.</summary>
internal static class References
{
    /// <summary>"Patient/1", "http://host/fhir/Patient/1/_history/2" and "Patient/1/_history/2" all become "Patient/1".</summary>
    public static string? Normalise(string? reference)
    {
        if (string.IsNullOrEmpty(reference)) return null;
        if (reference.StartsWith("urn:", StringComparison.Ordinal)) return reference;
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0) reference = reference[..history];
        var parts = reference.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? parts[^2] + "/" + parts[^1] : reference;
    }

    public static string Of(Resource resource) => resource.TypeName + "/" + resource.Id;
}
