using Hl7.Fhir.Model;

namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// Maps an R4 <see cref="Consent"/> about a child to the gate's <see cref="ConsentDirective"/>, or to null when the
/// Consent does not count (ADR 3: only active patient-privacy Consents about the child, with a provision).
/// </summary>
/// <remarks>
/// A provision dimension is a list where empty means "anything". A value the gate cannot match (an actor that is not an
/// Organization, a purpose from another code system, a code without a code) must therefore not simply be dropped:
/// a list holding only such values would become empty and the provision would apply to everyone. Each is mapped to
/// <see cref="NeverMatches"/> instead, so the dimension stays restricted and matches no request.
/// </remarks>
public static class ConsentDirectiveMapper
{
    public const string ConsentScopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope";
    public const string PatientPrivacy = "patient-privacy";
    public const string ResourceTypesSystem = "http://hl7.org/fhir/resource-types";
    public const string ConsentActionSystem = "http://terminology.hl7.org/CodeSystem/consentaction";

    /// <summary>
    /// A value no request carries: FHIR ids, codes and strings cannot contain a NUL character.
    /// </summary>
    public const string NeverMatches = "\0never-matches";

    public static readonly DataCode NeverMatchingCode = new(NeverMatches, NeverMatches);
    public static readonly SecurityLabel NeverMatchingLabel = new(NeverMatches, NeverMatches);

    /// <summary>The directive, or null when the Consent does not count for <paramref name="childId"/>.</summary>
    /// <param name="consent">A stored Consent.</param>
    /// <param name="childId">The child's Patient id.</param>
    public static ConsentDirective? Map(Consent consent, string childId)
    {
        ArgumentNullException.ThrowIfNull(consent);
        ArgumentException.ThrowIfNullOrEmpty(childId);

        if (consent.Status != Consent.ConsentState.Active) return null;
        if (!IsPatientPrivacy(consent.Scope)) return null;
        if (FhirReferences.IdOf(consent.Patient?.Reference, "Patient") != childId) return null;
        // R4 makes provision optional; a Consent without one says nothing the gate can act on.
        if (consent.Provision is null) return null;

        // R4 Consent has no period of its own: the root provision's period plays that part (a provision outside its
        // period says nothing), so the directive's Period stays open.
        return new ConsentDirective(consent.Id ?? string.Empty, PerformerOf(consent.Performer, childId), Period: null, MapProvision(consent.Provision));
    }

    /// <summary>
    /// The child themselves → <see cref="ConsentPerformer.YoungPerson"/>; a RelatedPerson →
    /// <see cref="ConsentPerformer.Parent"/> (parental responsibility is checked by the LA when it records the
    /// Consent, not here); anyone else, nobody, or a mix of kinds → <see cref="ConsentPerformer.Other"/>: when it
    /// cannot be told who decided, the directive is never valid for a permit (it still counts as a refusal).
    /// </summary>
    public static ConsentPerformer PerformerOf(IReadOnlyList<ResourceReference> performers, string childId)
    {
        ArgumentNullException.ThrowIfNull(performers);
        ConsentPerformer? kind = null;
        foreach (var performer in performers)
        {
            var reference = performer.Reference;
            var current = FhirReferences.IdOf(reference, "Patient") == childId ? ConsentPerformer.YoungPerson
                : FhirReferences.IdOf(reference, "RelatedPerson") is not null ? ConsentPerformer.Parent
                : ConsentPerformer.Other;
            if (kind is not null && kind != current) return ConsentPerformer.Other;
            kind = current;
        }
        return kind ?? ConsentPerformer.Other;
    }

    /// <summary>Maps one provision and, recursively, its nested exceptions.</summary>
    public static ConsentProvision MapProvision(Consent.provisionComponent provision)
    {
        ArgumentNullException.ThrowIfNull(provision);
        // A provision without a type is read as deny: the reading that discloses less.
        var type = provision.Type == Consent.ConsentProvisionType.Permit ? ProvisionType.Permit : ProvisionType.Deny;

        var classes = Classes(provision.Class);
        // The gate cannot match provision.data (specific resources) or an action other than reading: a permit limited
        // by either must never apply, while a deny limited by either is applied more widely, both of which disclose less.
        if (type == ProvisionType.Permit && (provision.Data.Count > 0 || !CoversReading(provision.Action)))
            classes = [.. classes, NeverMatches];

        var exceptions = new List<ConsentProvision>(provision.Provision.Count);
        foreach (var nested in provision.Provision) exceptions.Add(MapProvision(nested));

        return new ConsentProvision(
            type,
            Actors(provision.Actor),
            Purposes(provision.Purpose),
            classes,
            Codes(provision.Code),
            Labels(provision.SecurityLabel),
            FhirInstants.RangeOf(provision.Period),
            FhirInstants.RangeOf(provision.DataPeriod),
            exceptions);
    }

    private static bool IsPatientPrivacy(CodeableConcept? scope)
    {
        if (scope is null) return false;
        foreach (var coding in scope.Coding)
            if (coding.System == ConsentScopeSystem && coding.Code == PatientPrivacy) return true;
        return false;
    }

    /// <summary>No action listed means every action; otherwise one of access, use or disclose must be listed.</summary>
    private static bool CoversReading(List<CodeableConcept> actions)
    {
        if (actions.Count == 0) return true;
        foreach (var action in actions)
            foreach (var coding in action.Coding)
                if (coding.System == ConsentActionSystem && coding.Code is "access" or "use" or "disclose") return true;
        return false;
    }

    private static List<string> Actors(List<Consent.provisionActorComponent> actors)
    {
        var ids = new List<string>(actors.Count);
        foreach (var actor in actors)
            ids.Add(FhirReferences.IdOf(actor.Reference?.Reference, "Organization") ?? NeverMatches);
        return ids;
    }

    private static List<string> Purposes(List<Coding> purposes)
    {
        var codes = new List<string>(purposes.Count);
        foreach (var purpose in purposes)
            codes.Add(purpose.System == PurposesOfUse.System && !string.IsNullOrEmpty(purpose.Code) ? purpose.Code : NeverMatches);
        return codes;
    }

    private static List<string> Classes(List<Coding> classes)
    {
        var mapped = new List<string>(classes.Count);
        foreach (var coding in classes)
            mapped.Add(coding switch
            {
                { System: DataClasses.System, Code: { } code } when DataClasses.All.Contains(code) => code,
                { System: ResourceTypesSystem, Code: { Length: > 0 } type } => type,
                _ => NeverMatches,
            });
        return mapped;
    }

    private static List<DataCode> Codes(List<CodeableConcept> concepts)
    {
        var codes = new List<DataCode>();
        foreach (var concept in concepts)
        {
            var before = codes.Count;
            foreach (var coding in concept.Coding)
                if (!string.IsNullOrEmpty(coding.Code)) codes.Add(new DataCode(coding.System ?? string.Empty, coding.Code));
            if (codes.Count == before) codes.Add(NeverMatchingCode); // text only: nothing to match on
        }
        return codes;
    }

    private static List<SecurityLabel> Labels(List<Coding> labels)
    {
        var mapped = new List<SecurityLabel>(labels.Count);
        foreach (var coding in labels)
            mapped.Add(string.IsNullOrEmpty(coding.Code) ? NeverMatchingLabel : new SecurityLabel(coding.System ?? string.Empty, coding.Code));
        return mapped;
    }
}
