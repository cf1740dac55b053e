using Hl7.Fhir.Model;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// The organisations a child's record points at (LAs, schools, colleges), which live outside the child's own
/// resources: found by literal reference ("Organization/la-926") or by business identifier (a setting named by URN or
/// UKPRN, as the SEN2 import names it). Read-only after construction. Every lookup can be reported to an
/// <see cref="IOrganisationLookupLog"/>, so the owner can tell which Organizations the answers depended on.
/// </summary>
public sealed class OrganisationDirectory
{
    private readonly Dictionary<string, Organization> _byReference = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Organization> _byIdentifier = new(StringComparer.Ordinal);
    private readonly IOrganisationLookupLog? _log;

    public static OrganisationDirectory Empty { get; } = new([]);

    public OrganisationDirectory(IEnumerable<Organization> organisations, IOrganisationLookupLog? log = null)
    {
        _log = log;
        foreach (var organisation in organisations)
        {
            if (ReferenceKeyOf(organisation) is { } reference) _byReference.TryAdd(reference, organisation);
            foreach (var key in IdentifierKeysOf(organisation)) _byIdentifier.TryAdd(key, organisation);
        }
    }

    /// <summary>
    /// The Organization with this id, without reporting the lookup to the log: for the owner's own questions about the
    /// directory, which are not lookups a projection depended on.
    /// </summary>
    public Organization? Get(string id) => _byReference.GetValueOrDefault("Organization/" + id);

    /// <summary>The organisation a reference points at, by literal reference or by identifier; null when unknown.</summary>
    public Organization? Find(ResourceReference? reference)
    {
        if (reference is null) return null;
        if (References.Normalise(reference.Reference) is { } literal)
        {
            if (_byReference.TryGetValue(literal, out var byLiteral)) return Resolved(byLiteral);
            _log?.Missed(literal); // an Organization created with this id later would answer instead of the identifier
        }
        if (reference.Identifier is { System: { } system, Value: { } value })
        {
            var key = system + "|" + value;
            if (_byIdentifier.TryGetValue(key, out var byIdentifier)) return Resolved(byIdentifier);
            _log?.Missed(key);
        }
        return null;
    }

    private Organization Resolved(Organization organisation)
    {
        if (organisation.Id is { } id) _log?.Resolved(id);
        return organisation;
    }

    /// <summary>The lookup keys an Organization answers to: its literal reference and each identifier.</summary>
    public static IEnumerable<string> KeysOf(Organization organisation)
    {
        if (ReferenceKeyOf(organisation) is { } reference) yield return reference;
        foreach (var key in IdentifierKeysOf(organisation)) yield return key;
    }

    private static string? ReferenceKeyOf(Organization organisation) =>
        organisation.Id is { Length: > 0 } id ? "Organization/" + id : null;

    private static IEnumerable<string> IdentifierKeysOf(Organization organisation) =>
        organisation.Identifier.Where(i => i.System is not null && i.Value is not null).Select(i => i.System + "|" + i.Value);

    public Organization? Find(string? reference) => reference is null ? null : Find(new ResourceReference(reference));

    /// <summary>The 3-digit DfE code of an LA Organization (identifier system la-code); null when it has none.</summary>
    public static string? LaCodeOf(Organization? organisation) =>
        organisation?.Identifier.FirstOrDefault(i => i.System == IndicatorCanonical.LaCodeSystem)?.Value;
}

/// <summary>What a <see cref="OrganisationDirectory"/> was asked: the Organizations that answered, by id, and the keys nothing answered.</summary>
public interface IOrganisationLookupLog
{
    void Resolved(string organisationId);

    void Missed(string key);
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
