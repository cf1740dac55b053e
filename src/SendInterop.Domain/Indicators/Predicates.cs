using SendInterop.Domain.Statutory;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// Every predicate the catalogue uses, by name. "In period" means a day from the period's start to its end, both
/// included; "on the reference date" means <see cref="ReportingPeriod.ReferenceDate"/>. Outcomes known only after the
/// period (a request received in December and refused in January) count for the period the row belongs to, as DfE
/// counts a request's outcome against the year it was received.
/// </summary>
public static class Predicates
{
    /// <summary>The expression of a population that is not counted from rows (the 0-25 resident population).</summary>
    public const string ExternalPopulation = "external.resident-population-0-25";

    private static RowPredicate Case(string name, string description, Func<CaseRow, ReportingPeriod, bool> test) =>
        new("case." + name, description, (row, period) => row is CaseRow c && test(c, period));

    private static RowPredicate Plan(string name, string description, Func<PlanRow, ReportingPeriod, bool> test) =>
        new("plan." + name, description, (row, period) => row is PlanRow p && test(p, period));

    // ---- requests (CaseRow) -------------------------------------------------------------------------------------------

    public static readonly RowPredicate CaseReceivedInPeriod = Case("received-in-period",
        "A request for an EHC needs assessment received in the period.", (c, p) => p.Contains(c.Received));

    public static readonly RowPredicate CaseRefused = Case("refused",
        "The LA decided not to assess (SEN2 RequestOutcome N).", (c, _) => c.DecidedToAssess == false);

    public static readonly RowPredicate CaseDecided = Case("decided",
        "A decision whether to assess has been notified (either way).", (c, _) => c.DecisionOn is not null);

    public static readonly RowPredicate CaseDecidedWithinSixWeeks = Case("decided-within-6-weeks",
        "The decision was notified within 6 weeks: at most 42 days after the day the request was received (day 0).",
        (c, _) => c.DaysToDecision is <= 42);

    public static readonly RowPredicate CasePlanIssuedInPeriod = Case("plan-issued-in-period",
        "The request led to a final EHC plan issued in the period.", (c, p) => p.Contains(c.PlanIssued));

    public static readonly RowPredicate CaseExceptionsApply = Case("exceptions-apply",
        "A reg 10(4) exception to the 20-week limit applies to the case (SEN2 Week20 = 1), as the statutory clock qualifies it.",
        (c, _) => c.ExceptionsApply);

    public static readonly RowPredicate CaseIssuedWithinTwentyWeeks = Case("issued-within-20-weeks",
        "The final plan was issued within 20 weeks: at most 140 days after the request was received (day 0).",
        (c, _) => c.DaysToIssue is <= 140);

    public static readonly RowPredicate CaseAppealableDecisionInPeriod = Case("appealable-decision-in-period",
        "The request's latest appealable decision (refusal to assess, refusal to issue, or the issued plan) was made in the period.",
        (c, p) => p.Contains(c.AppealableDecisionOn));

    public static readonly RowPredicate CaseAppealRegistered = Case("appeal-registered",
        "A SEND Tribunal appeal is recorded against a decision on the request (SEN2 RequestTribunal, AssessmentTribunal or OtherTribunal).",
        (c, _) => c.TribunalAppeal == true);

    // ---- plans (PlanRow) ----------------------------------------------------------------------------------------------

    public static readonly RowPredicate PlanInPlace = Plan("in-place-on-reference-date",
        "The plan was in force on the reference date: issued on or before it and not ceased on or before it.",
        (r, p) => r.InPlaceOn(p.ReferenceDate));

    public static readonly RowPredicate PlanIssuedInPeriod = Plan("issued-in-period",
        "The final plan was issued (SEN2 StartDate) in the period.", (r, p) => p.Contains(r.Issued));

    public static readonly RowPredicate PlanCeasedInPeriod = Plan("ceased-in-period",
        "The plan ceased (SEN2 CeaseDate) in the period.", (r, p) => p.Contains(r.Ceased));

    public static readonly RowPredicate PlanCeasedNeedsMet = Plan("ceased-needs-met",
        "The plan ceased because needs are being met without a plan (SEN2 CeaseReason 2).",
        (r, _) => CeaseReason.NeedsMetWithoutPlan.Equals(r.CeaseReason));

    public static readonly RowPredicate PlanMainstream = Plan("setting-mainstream",
        "The setting named in section I is a mainstream school (DfE mainstream_total).", (r, _) => r.Strata.SettingType == SettingType.Mainstream);

    public static readonly RowPredicate PlanSpecial = Plan("setting-special",
        "The setting named is a special school of any kind, independent special included (DfE special_total).",
        (r, _) => r.Strata.SettingType is SettingType.Special or SettingType.IndependentSpecial);

    public static readonly RowPredicate PlanIndependentSpecial = Plan("setting-independent-special",
        "The setting named is an independent special school (DfE special_independent).", (r, _) => r.Strata.SettingType == SettingType.IndependentSpecial);

    public static readonly RowPredicate PlanFurtherEducation = Plan("setting-further-education",
        "The setting named is further education or another post-16 institution (DfE fe_total).", (r, _) => r.Strata.SettingType == SettingType.FurtherEducation);

    public static readonly RowPredicate PlanNeet = Plan("setting-neet",
        "The plan records the young person as not in education, employment or training (SEN2 SENsetting NEET, NIEC, NIEO).",
        (r, _) => r.Strata.SettingType == SettingType.Neet);

    public static readonly RowPredicate PlanSettingLaKnown = Plan("setting-la-known",
        "The LA of the named setting is known, so in-area or out-of-area can be told.", (r, _) => r.OutOfArea is not null);

    public static readonly RowPredicate PlanOutOfArea = Plan("out-of-area",
        "The named setting lies in another LA than the one maintaining the plan.", (r, _) => r.OutOfArea == true);

    public static readonly RowPredicate PlanPersonalBudget = Plan("personal-budget",
        "Section J records a personal budget (SEN2 PB).", (r, _) => r.PersonalBudget);

    public static readonly RowPredicate PlanDirectPayment = Plan("direct-payment",
        "Some of the personal budget is paid as a direct payment (SEN2 DP).", (r, _) => r.DirectPayment);

    // ---- reviews, outcomes, waits ------------------------------------------------------------------------------------

    public static readonly RowPredicate ReviewDueInPeriod = new("review.due-in-period",
        "An annual review fell due in the period (12 months from issue or the last meeting) and was still owed (not cancelled by the plan ceasing).",
        (row, p) => row is ReviewRow r && !r.Cancelled && p.Contains(r.Due));

    public static readonly RowPredicate ReviewOnTime = new("review.held-on-time",
        "The review meeting was held on or before its due day.", (row, _) => row is ReviewRow { OnTime: true });

    public static readonly RowPredicate OutcomeAssessedInPeriod = new("outcome.assessed-in-period",
        "A section E outcome whose progress was last judged in the period (progress Observation or Goal.statusDate) with an achievement status.",
        (row, p) => row is OutcomeRow o && o.Achievement is not null && p.Contains(o.AssessedOn));

    public static readonly RowPredicate OutcomeAchievedOrImproving = new("outcome.achieved-or-improving",
        "The outcome is achieved, sustained or improving (goal-achievement achieved, sustaining, improving).",
        (row, _) => row is OutcomeRow { AchievedOrImproving: true });

    public static readonly RowPredicate WaitFirstContactInPeriod = new("wait.first-contact-in-period",
        "An NHS episode of care whose first contact (start of the first active status) fell in the period.",
        (row, p) => row is WaitRow w && p.Contains(w.FirstContact));

    public static readonly RowPredicate WaitAutismAssessment = new("wait.autism-assessment",
        "The episode is the autism diagnostic assessment pathway (EpisodeOfCare.type health-service|autism-assessment).",
        (row, _) => row is WaitRow { AutismAssessment: true });

    public static readonly RowPredicate WaitWithinThirteenWeeks = new("wait.within-13-weeks",
        "First contact came within 13 weeks of referral: at most 91 days (NICE CG128: start the autism assessment within 3 months of referral).",
        (row, _) => row is WaitRow { DaysWaited: <= 91 });

    // ---- tribunal ----------------------------------------------------------------------------------------------------

    public static readonly RowPredicate AppealableDecision = new("appeal.appealable-decision",
        "An appealable decision as the DfE appeal rate counts them (SEND Tribunal appeal rate, footnote 1): a request refused in the period, "
        + "an assessment ending in a decision not to issue in the period, a plan in place on the reference date, or a plan ceased in the period because needs are met without a plan.",
        (row, p) => row switch
        {
            CaseRow c => (c.DecidedToAssess == false && p.Contains(c.DecisionOn)) || p.Contains(c.DecidedNotToIssueOn),
            PlanRow r => r.InPlaceOn(p.ReferenceDate) || (p.Contains(r.Ceased) && CeaseReason.NeedsMetWithoutPlan.Equals(r.CeaseReason)),
            _ => false,
        });

    // ---- observations ------------------------------------------------------------------------------------------------

    public static readonly RowObservation WeeksToIssue = new("case.weeks-to-issue",
        "Weeks from the request (day 0) to the final plan: days / 7.", row => row is CaseRow { DaysToIssue: { } d } ? d / 7m : null);

    public static readonly RowObservation WeeksWaited = new("wait.weeks-to-first-contact",
        "Weeks from referral to first contact: days / 7.", row => row is WaitRow { DaysWaited: { } d } ? d / 7m : null);
}
