namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// What the gate needs to know about one stored resource, extracted once when it is written (so a read or search
/// decides without parsing the resource again).
/// </summary>
/// <param name="ResourceType">FHIR type, e.g. Observation.</param>
/// <param name="ResourceId">Logical id.</param>
/// <param name="OwnerOrganisation">The organisation that owns it (set by the gateway from the writer's token); null only for legacy rows, which the gate treats as owned by nobody.</param>
/// <param name="OwnerAgency">The owning organisation's agency (<see cref="Agencies"/>).</param>
/// <param name="DataClass">One of <see cref="DataClasses"/>.</param>
/// <param name="Labels">meta.security codings.</param>
/// <param name="ChildId">The Patient id this resource is about (the resource's own id for a Patient), or null if it is about no child (Organization, Practitioner...).</param>
/// <param name="DataDate">The clinically or administratively relevant date of the data (effective, recorded, authored...), for Consent dataPeriod; null if it has none.</param>
/// <param name="Codes">The resource's main codes (code, type, category), for Consent provision.code.</param>
/// <param name="NamedOrganisations">Organisations the resource names as taking part (for an EHC plan: author, contributors, the named placement, performers). Statutory basis "named in the plan".</param>
public sealed record ResourceFacts(
    string ResourceType,
    string ResourceId,
    string? OwnerOrganisation,
    string? OwnerAgency,
    string DataClass,
    IReadOnlyList<SecurityLabel> Labels,
    string? ChildId,
    DateTimeOffset? DataDate,
    IReadOnlyList<DataCode> Codes,
    IReadOnlyList<string> NamedOrganisations);
