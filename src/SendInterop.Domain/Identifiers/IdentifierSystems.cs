using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Identifiers;

/// <summary>
/// Every Identifier.system URI the gateway understands, in one place. National ones are quoted from their publishers;
/// the ones we had to mint hang off <see cref="SendCanonical.Base"/>.
/// </summary>
public static class IdentifierSystems
{
    /// <summary>NHS number (England, Wales, Isle of Man), as used by UK Core and PDS.</summary>
    public const string NhsNumber = "https://fhir.nhs.uk/Id/nhs-number";

    /// <summary>Unique Pupil Number (DfE). No national FHIR naming system exists (DOMAIN.md 3.4), so this is ours.</summary>
    public const string Upn = SendCanonical.IdentifierNamespaces.Upn;

    /// <summary>Unique Learner Number (Learning Records Service). Ours, for the same reason as <see cref="Upn"/>.</summary>
    public const string Uln = SendCanonical.IdentifierNamespaces.Uln;

    /// <summary>LA child id, value <c>{LA code}/{local id}</c> (see <see cref="Identifiers.LaChildId"/>).</summary>
    public const string LaChildId = SendCanonical.IdentifierNamespaces.LaChildId;

    /// <summary>A health provider's local patient id, value <c>{ODS code}/{local id}</c> (see <see cref="Identifiers.ProviderLocalId"/>).</summary>
    public const string ProviderLocalId = SendCanonical.IdentifierNamespaces.ProviderLocalId;

    /// <summary>School URN (DfE). Ours: no national FHIR naming system exists.</summary>
    public const string SchoolUrn = SendCanonical.IdentifierNamespaces.SchoolUrn;

    /// <summary>UKPRN (UK Register of Learning Providers). Ours, for the same reason.</summary>
    public const string Ukprn = SendCanonical.IdentifierNamespaces.Ukprn;

    /// <summary>NHS organisation (ODS) code.</summary>
    public const string OdsOrganizationCode = "https://fhir.nhs.uk/Id/ods-organization-code";
}
