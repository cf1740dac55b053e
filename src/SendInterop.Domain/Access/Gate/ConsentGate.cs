namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// The consent gate: ADR 3 (docs/adr/0003-consent-gate.md) rules 2 to 10, first rule that decides wins. Each rule is
/// one private method that returns a decision or null ("does not decide"), so the code reads in the ADR's order.
/// </summary>
/// <remarks>
/// Runs once per resource on every read, search match, include and history entry, so it is allocation-light: the
/// decisions that carry no policy id are shared instances, lists are walked with plain loops, and consent provisions
/// are evaluated through a struct outcome.
/// </remarks>
public sealed class ConsentGate(ConsentGateOptions options) : IConsentGate
{
    private static readonly GateDecision CommissioningDeny = new(Verdict.Deny, GateRules.Commissioning);
    private static readonly GateDecision DirectoryPermit = new(Verdict.Permit, GateRules.Directory);
    private static readonly GateDecision OwnRecordsPermit = new(Verdict.Permit, GateRules.OwnRecords);
    private static readonly GateDecision OwnerOnlyDeny = new(Verdict.Deny, GateRules.OwnerOnly);
    private static readonly GateDecision SubjectAccessPermit = new(Verdict.Permit, GateRules.SubjectAccess);
    private static readonly GateDecision BreakGlassPermit = new(Verdict.Permit, GateRules.BreakGlass, BreakGlass: true);
    private static readonly GateDecision SensitiveLabelDeny = new(Verdict.Deny, GateRules.SensitiveLabel);
    private static readonly GateDecision StatutoryBasisPermit = new(Verdict.Permit, GateRules.AgreementAndStatute);
    private static readonly GateDecision NoTier1Deny = new(Verdict.Deny, GateRules.NoTier1);
    private static readonly GateDecision DefaultDeny = new(Verdict.Deny, GateRules.DefaultDeny);

    private readonly ConsentGateOptions _options = options ?? throw new ArgumentNullException(nameof(options));

    public GateDecision Decide(Requester requester, ResourceFacts data, ChildContext? child, SharingAgreements agreements, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(requester);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(agreements);

        // 2. Commissioning sees aggregates only, never a row, not even its own.
        if (requester.Purpose == PurposesOfUse.Commissioning) return CommissioningDeny;

        // 3. Directory data is about no person's care.
        if (data.DataClass == DataClasses.Directory) return DirectoryPermit;

        // 4. Own records. A row with no owner (written before ownership existed) is owned by nobody.
        if (data.OwnerOrganisation is { } owner && owner == requester.OrganisationId) return OwnRecordsPermit;

        // 4a. An organisation's own set-up, about no child (a Subscription: its endpoint, the credentials it sends, the
        // searches it watches), is its own only: no agreement, consent or break-glass reaches it.
        if (IsOwnerOnlyType(data.ResourceType)) return OwnerOnlyDeny;

        // 5 and 6 decide every request of their purpose, permit or deny.
        if (requester.Purpose == PurposesOfUse.SubjectAccess) return SubjectAccess(requester, data, child);
        if (requester.Purpose == PurposesOfUse.Safeguarding) return BreakGlass(requester, data, now);

        var query = new ProvisionQuery(requester.OrganisationId, requester.Purpose, data, now);
        var consents = child?.Consents ?? [];

        // 7, and on the way the first consent that could be a basis for rule 9 (no second pass in the common case).
        ConsentDirective? permitting = null;
        for (var i = 0; i < consents.Count; i++)
        {
            var directive = consents[i];
            if (!InForce(directive, now)) continue;
            var outcome = ProvisionEvaluator.Evaluate(directive.Provision, query);
            // Every directive is valid for denial, whoever recorded it: refusing discloses less.
            if (outcome.IsDeny) return new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, directive.ConsentId);
            if (permitting is null && outcome.IsPermit && ValidForPermit(directive, child!, now)) permitting = directive;
        }

        // 8. Every sensitive label needs its own explicit permit (break-glass was rule 6).
        if (SensitiveLabels(query, child, now) is { } labelDecision) return labelDecision;

        // 9. Agreement plus basis.
        return AgreementAndBasis(requester, data, child, agreements, permitting);
    }

    /// <summary>
    /// Rule 5. The child the resource is about is <see cref="ResourceFacts.ChildId"/>; it must be the token's patient
    /// context (and the child context's child, when one is given). A mismatch is <c>default-deny</c> even when the
    /// resource is labelled: a label is the reason only for the record's own subject, and naming it for anyone else
    /// would hint at what the record holds.
    /// </summary>
    private static GateDecision SubjectAccess(Requester requester, ResourceFacts data, ChildContext? child)
    {
        var subject = requester.PatientContext;
        var aboutRequester = !string.IsNullOrEmpty(subject)
            && data.ChildId == subject
            && (child is null || child.ChildId == subject);
        if (!aboutRequester) return DefaultDeny;
        return HasAny(data.Labels, SecurityLabels.Sensitive) ? SensitiveLabelDeny : SubjectAccessPermit;
    }

    /// <summary>The types rule 4a keeps to their owner.</summary>
    public static bool IsOwnerOnlyType(string resourceType) => resourceType == "Subscription";

    /// <summary>Rule 6: safeguarding is break-glass or nothing.</summary>
    private GateDecision BreakGlass(Requester requester, ResourceFacts data, DateTimeOffset now)
    {
        if (!requester.HasOpenBreakGlass(now)) return DefaultDeny;
        return HasAny(data.Labels, _options.NeverBreakGlass) ? SensitiveLabelDeny : BreakGlassPermit;
    }

    /// <summary>
    /// Rule 8: every sensitive label on the resource needs a valid-for-permit directive that permits and whose
    /// deciding provision(s) list that label; labels may be covered by different directives. Null when every
    /// sensitive label is covered (or there is none).
    /// </summary>
    private static GateDecision? SensitiveLabels(in ProvisionQuery query, ChildContext? child, DateTimeOffset now)
    {
        var labels = query.Data.Labels;
        for (var i = 0; i < labels.Count; i++)
        {
            var label = labels[i];
            if (!SecurityLabels.Sensitive.Contains(label)) continue;
            if (child is null || !LabelPermitted(label, query, child, now)) return SensitiveLabelDeny;
        }
        return null;
    }

    private static bool LabelPermitted(SecurityLabel label, in ProvisionQuery query, ChildContext child, DateTimeOffset now)
    {
        var consents = child.Consents;
        for (var i = 0; i < consents.Count; i++)
        {
            var directive = consents[i];
            if (!InForce(directive, now) || !ValidForPermit(directive, child, now)) continue;
            var outcome = ProvisionEvaluator.Evaluate(directive.Provision, query);
            if (outcome.IsPermit && outcome.EveryDecidingProvisionLists(label)) return true;
        }
        return false;
    }

    /// <summary>
    /// Rule 9, falling through to rule 10. Tier 1 must list both organisations and the purpose in one agreement;
    /// Tier 2 must cover owning agency → requesting agency, the data class and the purpose; then a basis: a consent
    /// permit first, else a statutory basis.
    /// </summary>
    private static GateDecision AgreementAndBasis(Requester requester, ResourceFacts data, ChildContext? child, SharingAgreements agreements, ConsentDirective? permitting)
    {
        if (!agreements.Tier1Covers(requester.OrganisationId, data.OwnerOrganisation, requester.Purpose)) return NoTier1Deny;
        if (!Tier2Covers(agreements.Tier2, data.OwnerAgency, requester.Agency, data.DataClass, requester.Purpose)) return DefaultDeny;

        if (permitting is not null) return new GateDecision(Verdict.Permit, GateRules.AgreementAndConsent, permitting.ConsentId);
        return HasStatutoryBasis(requester, data, child) ? StatutoryBasisPermit : DefaultDeny;
    }

    private static bool Tier2Covers(IReadOnlyList<Tier2Agreement> tier2, string? fromAgency, string toAgency, string dataClass, string purpose)
    {
        if (fromAgency is null) return false;
        for (var i = 0; i < tier2.Count; i++)
        {
            var agreement = tier2[i];
            if (agreement.FromAgency == fromAgency
                && agreement.ToAgency == toAgency
                && agreement.Classes.Contains(dataClass)
                && agreement.Purposes.Contains(purpose)) return true;
        }
        return false;
    }

    /// <summary>
    /// An LA with an open EHC needs assessment or review for the child, asking for that process; or a plan that names
    /// the requester's organisation (author, contributor, placement, performer).
    /// </summary>
    private static bool HasStatutoryBasis(Requester requester, ResourceFacts data, ChildContext? child)
    {
        var organisation = requester.OrganisationId;
        if (requester.Purpose is PurposesOfUse.EhcAssessment or PurposesOfUse.EhcReview
            && child is not null && child.OrganisationsWithOpenAssessment.Contains(organisation)) return true;

        if (data.DataClass != DataClasses.Plan) return false;
        var named = data.NamedOrganisations;
        for (var i = 0; i < named.Count; i++)
            if (named[i] == organisation) return true;
        return false;
    }

    /// <summary>A directive's own period must contain the time of access (for permits and refusals alike).</summary>
    private static bool InForce(ConsentDirective directive, DateTimeOffset now) => directive.Period is not { } period || period.Contains(now);

    /// <summary>Valid for permit: recorded by the person who decides on the day of access.</summary>
    private static bool ValidForPermit(ConsentDirective directive, ChildContext child, DateTimeOffset now) =>
        DecisionRight.MayPermit(directive.Performer, child.BirthDate, child.LacksCapacity, now);

    private static bool HasAny(IReadOnlyList<SecurityLabel> labels, IReadOnlySet<SecurityLabel> wanted)
    {
        if (wanted.Count == 0) return false;
        for (var i = 0; i < labels.Count; i++)
            if (wanted.Contains(labels[i])) return true;
        return false;
    }
}
