namespace SendInterop.Domain.Access.Gate;

/// <summary>Who recorded a consent directive, as far as the right to decide is concerned.</summary>
public enum ConsentPerformer
{
    /// <summary>A person with parental responsibility (RelatedPerson with a parent role).</summary>
    Parent,
    /// <summary>The child or young person themselves (the Patient).</summary>
    YoungPerson,
    /// <summary>Anyone else (a practitioner, an organisation, unknown).</summary>
    Other,
}

public enum ProvisionType { Permit, Deny }

/// <summary>A closed or half-open interval; a null end is open.</summary>
public readonly record struct TimeRange(DateTimeOffset? Start, DateTimeOffset? End)
{
    public bool Contains(DateTimeOffset t) => (Start is null || t >= Start) && (End is null || t <= End);
}

/// <summary>
/// One R4 Consent.provision (and its nested exceptions). An empty list means "no restriction on this dimension".
/// </summary>
/// <param name="Actors">Organisation ids the provision names as recipients (from actor.reference Organization/{id}).</param>
/// <param name="Purposes">Purpose-of-use codes (<see cref="PurposesOfUse"/>).</param>
/// <param name="Classes">Data classes (<see cref="DataClasses"/>) or FHIR resource type names.</param>
/// <param name="Codes">Codes on the data.</param>
/// <param name="Labels">Security labels.</param>
/// <param name="Period">When the provision applies (the time of access).</param>
/// <param name="DataPeriod">Which data it covers, by the data's own date.</param>
/// <param name="Exceptions">Nested provisions: the opposite rule for a subset.</param>
public sealed record ConsentProvision(
    ProvisionType Type,
    IReadOnlyList<string> Actors,
    IReadOnlyList<string> Purposes,
    IReadOnlyList<string> Classes,
    IReadOnlyList<DataCode> Codes,
    IReadOnlyList<SecurityLabel> Labels,
    TimeRange? Period,
    TimeRange? DataPeriod,
    IReadOnlyList<ConsentProvision> Exceptions);

/// <summary>An active patient-privacy Consent about the child.</summary>
public sealed record ConsentDirective(string ConsentId, ConsentPerformer Performer, TimeRange? Period, ConsentProvision Provision);

/// <summary>
/// What the gate knows about a child when deciding on one of the child's resources: who may decide, the child's
/// active consents, and the statutory processes open for the child.
/// </summary>
/// <param name="ChildId">Patient id.</param>
/// <param name="BirthDate">From Patient.birthDate; null if unknown (then the gate treats the child as under the parent's decision AND requires... see the gate's remarks).</param>
/// <param name="LacksCapacity">A recorded lack of capacity: the parent keeps deciding after compulsory school age.</param>
/// <param name="Consents">Active patient-privacy Consents.</param>
/// <param name="OrganisationsWithOpenAssessment">Organisations (LAs) with an open EHC needs assessment or review for this child.</param>
public sealed record ChildContext(
    string ChildId,
    DateOnly? BirthDate,
    bool LacksCapacity,
    IReadOnlyList<ConsentDirective> Consents,
    IReadOnlySet<string> OrganisationsWithOpenAssessment);
