using SendInterop.Domain.Access.Gate;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>
/// One thing a rule of ADR 3 would say about a request if it were reached: a reason to deny or a basis to permit.
/// <see cref="Rank"/> is the ADR's rule number times ten (plus a sub-step inside rule 9), so the first rule that
/// decides is simply the finding with the smallest rank.
/// </summary>
public sealed record ReferenceFinding(int Rank, Verdict Verdict, string Rule, string Why, bool BreakGlass = false, string? PolicyId = null)
{
    public override string ToString() => $"[{Rank,3}] {Verdict,-6} {Rule,-30} {Why}{(BreakGlass ? " (break-glass)" : "")}";
}

/// <summary>The reference model's answer: the winning finding and everything else it found.</summary>
public sealed record ReferenceAnswer(ReferenceFinding Winner, IReadOnlyList<ReferenceFinding> Findings)
{
    public Verdict Verdict => Winner.Verdict;
    public string Rule => Winner.Rule;
    public bool BreakGlass => Winner.BreakGlass;

    /// <summary>Every Consent id that could be named as the deciding policy (several directives may refuse or permit at once).</summary>
    public IReadOnlySet<string> AcceptablePolicyIds =>
        Findings.Where(f => f.Rank == Winner.Rank && f.PolicyId != null).Select(f => f.PolicyId!).ToHashSet();
}

/// <summary>
/// A small, independent model of the consent gate, written only from shared/CONSENT.md and docs/adr/0003-consent-gate.md
/// (never from the gate's source). Deliberately not a port: it collects every reason to deny and every basis to permit
/// as data, then lets the ADR's rule order pick; it finds the end of compulsory school age by walking the calendar;
/// and it evaluates provisions by the ADR's recursive definition, returning every provision that could be said to
/// have decided.
/// </summary>
/// <remarks>
/// Readings of the ADR where the text leaves a choice (each chosen to disclose less, as CONSENT.md asks):
/// <list type="bullet">
/// <item>Sensitive labels are the full set of rule 8 (MH, SEX, STD, safeguarding, R, V) wherever the ADR says "sensitive label".</item>
/// <item>Subject access: the token's patient context must equal <see cref="ResourceFacts.ChildId"/>; a resource about no child is nobody's own record.
///   A mismatch is <c>default-deny</c>; a match blocked by a label is <c>sensitive-label</c>.</item>
/// <item>Safeguarding without an open break-glass is <c>default-deny</c> even when a never-break-glass label is present.</item>
/// <item>dataPeriod on undated data: a permit provision does not apply, a deny provision does (by the provision's own type).</item>
/// <item>When several nested permits apply, each of them decided; a label counts as named only if every one of them names it.</item>
/// <item>Agreement plus basis: a consent basis is reported before a statutory one when both hold.</item>
/// <item>Tier 1 present but no Tier 2 cover: rule 9 does not decide, rule 10 does (<c>default-deny</c>).</item>
/// <item>Days are taken in UTC (the generator only produces instants with offset zero, well away from midnight).</item>
/// </list>
/// </remarks>
public static class ReferenceConsentModel
{
    public const bool LabelMustBeNamedByEveryDecidingProvision = true;

    private static readonly HashSet<SecurityLabel> SensitiveLabels =
    [
        new("http://terminology.hl7.org/CodeSystem/v3-ActCode", "MH"),
        new("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SEX"),
        new("http://terminology.hl7.org/CodeSystem/v3-ActCode", "STD"),
        new(SecurityLabels.SendSensitivity, "safeguarding"),
        new("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R"),
        new("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "V"),
    ];

    public static ReferenceAnswer Decide(
        Requester who, ResourceFacts data, ChildContext? child, SharingAgreements agreements, DateTimeOffset now,
        IReadOnlySet<SecurityLabel> neverBreakGlass)
    {
        var f = new List<ReferenceFinding>();
        var purpose = who.Purpose;
        var sensitiveOnData = data.Labels.Where(SensitiveLabels.Contains).Distinct().ToList();

        // Rule 2.
        if (purpose == "commissioning")
            f.Add(new(20, Verdict.Deny, GateRules.Commissioning, "purpose commissioning"));

        // Rule 3.
        if (data.DataClass == "directory")
            f.Add(new(30, Verdict.Permit, GateRules.Directory, "data class directory"));

        // Rule 4.
        if (data.OwnerOrganisation != null && string.Equals(data.OwnerOrganisation, who.OrganisationId, StringComparison.Ordinal))
            f.Add(new(40, Verdict.Permit, GateRules.OwnRecords, $"owner {data.OwnerOrganisation} is the requester"));

        // Rule 4a: a Subscription (an organisation's own notification set-up) is nobody else's, whatever the purpose.
        if (data.ResourceType == "Subscription")
            f.Add(new(45, Verdict.Deny, GateRules.OwnerOnly, "a Subscription is its owner's only"));

        // Rule 5.
        if (purpose == "subject-access")
        {
            var isTheirs = who.PatientContext != null && data.ChildId != null && who.PatientContext == data.ChildId;
            f.Add(!isTheirs
                ? new(50, Verdict.Deny, GateRules.DefaultDeny, $"subject access: patient context '{who.PatientContext}' is not the resource's child '{data.ChildId}'")
                : sensitiveOnData.Count > 0
                    ? new(50, Verdict.Deny, GateRules.SensitiveLabel, $"subject access to sensitive data ({string.Join(", ", sensitiveOnData)})")
                    : new(50, Verdict.Permit, GateRules.SubjectAccess, "subject access to own record"));
        }

        // Rule 6.
        if (purpose == "safeguarding")
        {
            var reasonGiven = who.BreakGlassReason is { } reason && reason.Any(ch => !char.IsWhiteSpace(ch));
            var boxOpen = who.BreakGlassUntil.HasValue && who.BreakGlassUntil.Value > now;
            var blocked = data.Labels.Where(neverBreakGlass.Contains).ToList();
            if (!(reasonGiven && boxOpen))
                f.Add(new(60, Verdict.Deny, GateRules.DefaultDeny, $"safeguarding without open break-glass (reason given {reasonGiven}, box open {boxOpen})"));
            else if (blocked.Count > 0)
                f.Add(new(60, Verdict.Deny, GateRules.SensitiveLabel, $"never-break-glass label {string.Join(", ", blocked)}"));
            else
                f.Add(new(60, Verdict.Permit, GateRules.BreakGlass, "open break-glass", BreakGlass: true));
        }

        // Consents that count at all: their own period contains now.
        var live = (child?.Consents ?? []).Where(c => Inside(c.Period, now)).ToList();
        var evaluated = live.Select(c => (Directive: c, Outcome: Evaluate(c.Provision, who, data, now))).ToList();

        // Rule 7: every live directive is valid for denial.
        foreach (var (directive, outcome) in evaluated)
            if (outcome is { Type: ProvisionType.Deny })
                f.Add(new(70, Verdict.Deny, GateRules.ExplicitRefusal, $"Consent {directive.ConsentId} ({directive.Performer}) evaluates to deny", PolicyId: directive.ConsentId));

        // Who decides today, and which directives are valid for permit.
        var decider = WhoDecides(child, DateOnly.FromDateTime(now.UtcDateTime));
        var permitting = evaluated
            .Where(e => decider != null && e.Directive.Performer == decider && e.Outcome is { Type: ProvisionType.Permit })
            .ToList();

        // Rule 8.
        foreach (var label in sensitiveOnData)
        {
            var named = permitting.Any(e => LabelMustBeNamedByEveryDecidingProvision
                ? e.Outcome!.Deciding.All(p => p.Labels.Contains(label))
                : e.Outcome!.Deciding.Any(p => p.Labels.Contains(label)));
            if (!named)
                f.Add(new(80, Verdict.Deny, GateRules.SensitiveLabel, $"label {label} not named by a valid permit"));
        }

        // Rule 9.
        var tier1 = agreements.Tier1.FirstOrDefault(t =>
            data.OwnerOrganisation != null &&
            t.Organisations.Contains(who.OrganisationId) && t.Organisations.Contains(data.OwnerOrganisation) && t.Purposes.Contains(purpose));
        var tier2 = agreements.Tier2.FirstOrDefault(t =>
            data.OwnerAgency != null &&
            t.FromAgency == data.OwnerAgency && t.ToAgency == who.Agency && t.Classes.Contains(data.DataClass) && t.Purposes.Contains(purpose));
        if (tier1 is null)
            f.Add(new(90, Verdict.Deny, GateRules.NoTier1, $"no Tier 1 with {who.OrganisationId} + {data.OwnerOrganisation ?? "(no owner)"} for {purpose}"));
        else if (tier2 is not null)
        {
            foreach (var (directive, _) in permitting)
                f.Add(new(91, Verdict.Permit, GateRules.AgreementAndConsent, $"{tier1.Id}/{tier2.Id} + Consent {directive.ConsentId}", PolicyId: directive.ConsentId));
            if (purpose is "ehc-assessment" or "ehc-review" && child != null && child.OrganisationsWithOpenAssessment.Contains(who.OrganisationId))
                f.Add(new(92, Verdict.Permit, GateRules.AgreementAndStatute, $"{tier1.Id}/{tier2.Id} + open assessment by {who.OrganisationId}"));
            if (data.DataClass == "plan" && data.NamedOrganisations.Contains(who.OrganisationId))
                f.Add(new(93, Verdict.Permit, GateRules.AgreementAndStatute, $"{tier1.Id}/{tier2.Id} + plan names {who.OrganisationId}"));
        }

        // Rule 10.
        f.Add(new(100, Verdict.Deny, GateRules.DefaultDeny, "nothing else decided"));

        var ordered = f.OrderBy(x => x.Rank).ToList();
        return new ReferenceAnswer(ordered[0], ordered);
    }

    /// <summary>The outcome of evaluating a provision that applies: its type and every provision that decided.</summary>
    public sealed record Outcome(ProvisionType Type, IReadOnlyList<ConsentProvision> Deciding);

    /// <summary>
    /// ADR text, literally: if P does not apply it says nothing (null). If it applies, its nested provisions that apply
    /// decide instead (deny wins among several); if none applies, P's own type decides.
    /// </summary>
    public static Outcome? Evaluate(ConsentProvision p, Requester who, ResourceFacts data, DateTimeOffset now)
    {
        if (!Applies(p, who, data, now)) return null;
        var said = p.Exceptions.Select(e => Evaluate(e, who, data, now)).OfType<Outcome>().ToList();
        if (said.Count == 0) return new Outcome(p.Type, [p]);
        var denies = said.Where(o => o.Type == ProvisionType.Deny).ToList();
        var winners = denies.Count > 0 ? denies : said;
        return new Outcome(winners[0].Type, winners.SelectMany(o => o.Deciding).ToList());
    }

    public static bool Applies(ConsentProvision p, Requester who, ResourceFacts data, DateTimeOffset now)
    {
        bool Dim<T>(IReadOnlyList<T> listed, Func<T, bool> matches) => listed.Count == 0 || listed.Any(matches);

        return Dim(p.Actors, a => a == who.OrganisationId)
            && Dim(p.Purposes, x => x == who.Purpose)
            && Dim(p.Classes, x => x == data.DataClass || x == data.ResourceType)
            && Dim(p.Codes, x => data.Codes.Contains(x))
            && Dim(p.Labels, x => data.Labels.Contains(x))
            && Inside(p.Period, now)
            && (p.DataPeriod is null || (data.DataDate is { } dated ? Inside(p.DataPeriod, dated) : p.Type == ProvisionType.Deny));
    }

    private static bool Inside(TimeRange? range, DateTimeOffset t)
    {
        if (range is not { } r) return true;
        if (r.Start is { } s && t.CompareTo(s) < 0) return false;
        if (r.End is { } e && t.CompareTo(e) > 0) return false;
        return true;
    }

    /// <summary>Who may give a valid permit on <paramref name="today"/>; null when nobody can (no child, no birth date).</summary>
    public static ConsentPerformer? WhoDecides(ChildContext? child, DateOnly today)
    {
        if (child?.BirthDate is not { } born) return null;
        var lastDay = EndOfCompulsorySchoolAge(born);
        if (today <= lastDay) return ConsentPerformer.Parent;
        return child.LacksCapacity ? ConsentPerformer.Parent : ConsentPerformer.YoungPerson;
    }

    /// <summary>
    /// The last Friday of June of the school year (1 September – 31 August) in which the child turns 16, found by
    /// walking the calendar: back from the 16th birthday to the 1st of September that opened its school year, forward
    /// to the 30th of June that closes it, then back day by day to a Friday.
    /// </summary>
    public static DateOnly EndOfCompulsorySchoolAge(DateOnly born)
    {
        // The 16th birthday, by walking the years (29 February falls back to 28 February).
        var year = born.Year + 16;
        var birthday = new DateOnly(year, born.Month, Math.Min(born.Day, DateTime.DaysInMonth(year, born.Month)));

        var day = birthday;
        while (!(day.Month == 9 && day.Day == 1)) day = day.AddDays(-1);
        while (!(day.Month == 6 && day.Day == 30)) day = day.AddDays(1);
        while (day.DayOfWeek != DayOfWeek.Friday) day = day.AddDays(-1);
        return day;
    }
}
