using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// Extracts a resource's <see cref="ResourceFacts"/> once, when it is written, so the gate never parses a resource on
/// a read. Elements are looked up by name through the POCOs' generated <see cref="Base.TryGetValue"/> (a switch, not
/// reflection), so one rule covers every resource type that has the element.
/// </summary>
public static class ResourceFactsExtractor
{
    /// <summary>Where a resource names the child it is about, in order of preference.</summary>
    private static readonly string[] ChildElements = ["subject", "patient", "beneficiary", "for", "individual"];

    /// <summary>Where a resource carries the date of its data, in order of preference.</summary>
    private static readonly string[] DateElements =
    [
        "effective", "issued", "recorded", "recordedDate", "authoredOn", "occurrence", "performed", "onset", "date",
        "created", "period", "dateTime",
    ];

    private static readonly string[] CodeElements = ["code", "type", "category"];

    /// <summary>Where a resource names organisations taking part (statutory basis "named in the plan").</summary>
    private static readonly string[] OrganisationElements =
        ["author", "contributor", "performer", "owner", "requester", "managingOrganization", "custodian"];

    /// <param name="resource">The resource as it will be stored (with its owner tag set).</param>
    /// <param name="agencyOfOrganisation">The agency (<see cref="Agencies"/>) of an organisation id, or null if unknown.</param>
    public static ResourceFacts Extract(Resource resource, Func<string, string?> agencyOfOrganisation)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(agencyOfOrganisation);

        var owner = OwnershipTags.GetOwner(resource);
        // An agency outside the three is treated as unknown, so no Tier 2 agreement can match it by accident.
        var agency = owner is null ? null : agencyOfOrganisation(owner) is { } a && Agencies.All.Contains(a) ? a : null;

        return new ResourceFacts(
            ResourceType: resource.TypeName,
            ResourceId: resource.Id ?? string.Empty,
            OwnerOrganisation: owner,
            OwnerAgency: agency,
            DataClass: DataClassOf(resource, agency),
            Labels: LabelsOf(resource),
            ChildId: ChildIdOf(resource),
            DataDate: DataDateOf(resource),
            Codes: CodesOf(resource),
            NamedOrganisations: NamedOrganisationsOf(resource));
    }

    /// <summary>
    /// An explicit data-class tag wins; otherwise the class follows the resource type; otherwise the data belongs to
    /// its owner's agency, or to health when that is unknown (health data has the strictest agreements).
    /// </summary>
    public static string DataClassOf(Resource resource, string? ownerAgency)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource.Meta?.Tag is { } tags)
            foreach (var tag in tags)
                if (tag.System == DataClasses.System && tag.Code is { } code && DataClasses.All.Contains(code)) return code;

        return resource.TypeName switch
        {
            "Patient" or "RelatedPerson" or "Person" or "Consent" => DataClasses.Identity,
            "CarePlan" or "Goal" => DataClasses.Plan,
            "AuditEvent" or "Provenance" => DataClasses.Audit,
            var type when IsDirectoryType(type) => DataClasses.Directory,
            _ => ownerAgency switch
            {
                Agencies.Education => DataClasses.Education,
                Agencies.SocialCare => DataClasses.SocialCare,
                _ => DataClasses.Health,
            },
        };
    }

    /// <summary>The types whose data class is <see cref="DataClasses.Directory"/> unless a tag says otherwise: about no person's care.</summary>
    public static bool IsDirectoryType(string typeName) => typeName is
        "Organization" or "Practitioner" or "PractitionerRole" or "Location" or "HealthcareService" or "Endpoint"
        or "StructureDefinition" or "CodeSystem" or "ValueSet" or "ConceptMap" or "SearchParameter"
        or "CapabilityStatement" or "OperationDefinition" or "NamingSystem" or "ImplementationGuide"
        or "Questionnaire" or "Measure" or "Library";

    private static IReadOnlyList<SecurityLabel> LabelsOf(Resource resource)
    {
        if (resource.Meta?.Security is not { Count: > 0 } security) return [];
        var labels = new List<SecurityLabel>(security.Count);
        foreach (var coding in security)
            if (!string.IsNullOrEmpty(coding.Code)) labels.Add(new SecurityLabel(coding.System ?? string.Empty, coding.Code));
        return labels;
    }

    private static string? ChildIdOf(Resource resource)
    {
        if (resource is Patient) return resource.Id;
        foreach (var name in ChildElements)
        {
            if (!resource.TryGetValue(name, out var value)) continue;
            switch (value)
            {
                case ResourceReference single when FhirReferences.IdOf(single.Reference, "Patient") is { } id:
                    return id;
                case IEnumerable<ResourceReference> many:
                    foreach (var reference in many)
                        if (FhirReferences.IdOf(reference.Reference, "Patient") is { } manyId) return manyId;
                    break;
            }
        }
        return null;
    }

    private static DateTimeOffset? DataDateOf(Resource resource)
    {
        foreach (var name in DateElements)
            if (resource.TryGetValue(name, out var value) && FhirInstants.Of(value) is { } date) return date;
        return null;
    }

    private static IReadOnlyList<DataCode> CodesOf(Resource resource)
    {
        List<DataCode>? codes = null;
        foreach (var name in CodeElements)
        {
            if (!resource.TryGetValue(name, out var value)) continue;
            switch (value)
            {
                case CodeableConcept concept: AddCodings(concept.Coding, ref codes); break;
                case Coding coding: AddCoding(coding, ref codes); break;
                case IEnumerable<CodeableConcept> concepts:
                    foreach (var concept in concepts) AddCodings(concept.Coding, ref codes);
                    break;
                case IEnumerable<Coding> codings: AddCodings(codings, ref codes); break;
            }
        }
        return codes ?? (IReadOnlyList<DataCode>)[];
    }

    private static void AddCodings(IEnumerable<Coding> codings, ref List<DataCode>? codes)
    {
        foreach (var coding in codings) AddCoding(coding, ref codes);
    }

    private static void AddCoding(Coding coding, ref List<DataCode>? codes)
    {
        if (!string.IsNullOrEmpty(coding.Code)) (codes ??= []).Add(new DataCode(coding.System ?? string.Empty, coding.Code));
    }

    private static IReadOnlyList<string> NamedOrganisationsOf(Resource resource)
    {
        List<string>? named = null;
        foreach (var name in OrganisationElements)
            if (resource.TryGetValue(name, out var value)) AddOrganisations(value, ref named);

        if (resource is DomainResource domain)
            foreach (var extension in domain.Extension)
                if (extension.Url == SendCanonical.Extensions.EhcPlacement) AddOrganisations(extension.Value, ref named);

        if (resource is CarePlan plan)
            foreach (var activity in plan.Activity)
                if (activity.Detail is { } detail) AddOrganisations(detail.Performer, ref named);

        return named ?? (IReadOnlyList<string>)[];
    }

    private static void AddOrganisations(object? value, ref List<string>? named)
    {
        switch (value)
        {
            case ResourceReference single: AddOrganisation(single, ref named); break;
            case IEnumerable<ResourceReference> many:
                foreach (var reference in many) AddOrganisation(reference, ref named);
                break;
        }
    }

    private static void AddOrganisation(ResourceReference reference, ref List<string>? named)
    {
        if (FhirReferences.IdOf(reference.Reference, "Organization") is not { } id) return;
        named ??= [];
        if (!named.Contains(id, StringComparer.Ordinal)) named.Add(id);
    }
}
