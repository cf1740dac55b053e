namespace SendInterop.Domain.Statutory;

/// <summary>
/// The steps from the request to the final plan (DOMAIN.md 1.1). Every limit counts from day 0, the day the LA (or,
/// for advice, the adviser) received the request, in calendar days: 6 weeks = 42, 16 weeks = 112, 20 weeks = 140.
/// </summary>
internal static class AssessmentSteps
{
    public const int SixWeeks = 42;
    public const int SixteenWeeks = 112;
    public const int TwentyWeeks = 140;

    /// <summary>"At least 15 days, beginning with the day the draft was served": day 0 is the 1st day, so day 14 is the 15th.</summary>
    public const int RepresentationDaysAfterServed = 14;

    public static CaseRoute Route(EhcCaseFacts facts)
    {
        if (facts.Plan is not null) return CaseRoute.PlanIssued;
        if (facts.DecisionToAssess is { ToAssess: false }) return CaseRoute.RefusedToAssess;
        if (facts.DecidedNotToIssueOn is not null) return CaseRoute.DecidedNotToIssue;
        if (facts.WithdrawnOn is not null) return CaseRoute.Withdrawn;
        return facts.DecisionToAssess is { ToAssess: true } ? CaseRoute.Assessing : CaseRoute.AwaitingDecision;
    }

    public static IEnumerable<StatutoryStep> Build(EhcCaseFacts facts, DateOnly received, StepFactory factory, List<string> notes)
    {
        var route = Route(facts);
        var la = facts.LocalAuthorityReference;
        var focus = facts.RequestReference;
        var issued = facts.Plan?.Issued;
        // The day the assessment stopped being pursued, if it did: later steps are no longer owed.
        var ended = route is CaseRoute.RefusedToAssess or CaseRoute.DecidedNotToIssue or CaseRoute.Withdrawn or CaseRoute.PlanIssued;

        // 1. Decide whether to assess: within 6 weeks of receiving the request (SEND Regs 2014 reg 5(1); DOMAIN.md 1.1).
        var decision = factory.DayLimited(StatutoryStepCode.DecisionToAssess, null,
            "Decide whether to carry out an EHC needs assessment and notify the family within 6 weeks of receiving the request (CFA 2014 s.36; SEND Regs 2014 reg 5(1))",
            StepOwner.LocalAuthority, la, focus, received, SixWeeks, facts.DecisionToAssess?.NotifiedOn, ExceptionScope.DecisionToAssess, started: true);
        yield return CancelIfOpen(decision, ended);

        // 2. Advice: each adviser has 6 weeks from the LA's request for it (reg 8(1); exceptions reg 8(2)).
        foreach (var advice in facts.Advice.OrderBy(a => a.RequestedOn).ThenBy(a => a.Key, StringComparer.Ordinal))
        {
            var step = factory.DayLimited(StatutoryStepCode.Advice, advice.Key,
                $"{AdviceLabel(advice.Source)}: provide advice and information within 6 weeks of the LA's request (SEND Regs 2014 reg 8(1); exceptions reg 8(2))",
                OwnerOf(advice.Source), advice.AdviserReference ?? (OwnerOf(advice.Source) == StepOwner.LocalAuthority ? la : null), focus,
                advice.RequestedOn, SixWeeks, advice.ReceivedOn, ExceptionScope.Advice, started: true);
            yield return CancelIfOpen(step, ended);
        }

        // 3. No plan after assessment: tell the family within 16 weeks of the request (reg 10(1); exceptions reg 10(4)).
        if (facts.DecidedNotToIssueOn is { } toldNoPlan)
        {
            yield return factory.DayLimited(StatutoryStepCode.NotifyNoPlan, null,
                "Tell the family within 16 weeks of the request that no EHC plan will be issued (SEND Regs 2014 reg 10(1); exceptions reg 10(4))",
                StepOwner.LocalAuthority, la, focus, received, SixteenWeeks, toldNoPlan, ExceptionScope.Assessment, started: true);
        }

        // 4. Draft plan by week 16: a practice target (DOMAIN.md 1.1 "in practice by week 16"), not a regulation. It leaves
        //    the 15 days for comment and a few days to finalise inside the 20 weeks. Owed once the LA decides to assess.
        var draftOwed = facts.DecisionToAssess is { ToAssess: true } || facts.DraftIssued is not null;
        var draftPossible = route is not (CaseRoute.RefusedToAssess) && !(facts.DecidedNotToIssueOn is not null && facts.DraftIssued is null);
        if (draftPossible && (draftOwed || route == CaseRoute.AwaitingDecision))
        {
            var draft = factory.DayLimited(StatutoryStepCode.DraftPlan, null,
                "Issue the draft EHC plan (section I blank) by week 16 of the request, leaving the family's 15 days within the 20 weeks (practice target, DOMAIN.md 1.1; not set by regulation)",
                StepOwner.LocalAuthority, la, focus, received, SixteenWeeks, facts.DraftIssued, ExceptionScope.Assessment,
                started: draftOwed, isStatutory: false);
            if (!draftOwed) draft = draft.WithStatus(StepStatus.NotDue);
            else if (facts.DraftIssued is null && issued is not null)
            {
                notes.Add("The final plan was issued with no draft on record.");
                draft = draft.WithStatus(StepStatus.Cancelled);
            }
            else draft = CancelIfOpen(draft, ended);
            yield return draft;
        }

        // 5. The family's window on the draft: at least 15 days beginning with the day it was served (CFA 2014 s.38(2);
        //    SEND Regs 2014 reg 13(1)). Theirs, not a duty: unused, it lapses.
        if (facts.DraftIssued is { } served)
        {
            var lastDay = served.AddDays(RepresentationDaysAfterServed);
            var window = factory.Fixed(StatutoryStepCode.DraftRepresentations, null,
                "The parent or young person has at least 15 days, beginning with the day the draft was served, to comment and ask for a setting (CFA 2014 s.38(2); SEND Regs 2014 reg 13(1))",
                StepOwner.Family, null, focus, served, lastDay, facts.DraftRepresentationsReceived);
            if (issued is { } final && final <= lastDay && facts.DraftRepresentationsReceived is null)
                notes.Add("The final plan was issued before the family's 15 days on the draft had ended, with no representations on record.");
            if (!window.IsMet())
            {
                if (route == CaseRoute.Withdrawn) window = window.WithStatus(StepStatus.Cancelled);
                else if (window.Status.State == StepState.Overdue || issued is not null) window = window.WithStatus(StepStatus.Lapsed);
            }

            yield return window;
        }

        // 6. Final plan within 20 weeks of the request (reg 13(2); exceptions reg 13(3) -> reg 10(4)).
        var finalPlan = factory.DayLimited(StatutoryStepCode.FinalPlan, null,
            "Issue the final EHC plan within 20 weeks of receiving the request (SEND Regs 2014 reg 13(2); exceptions reg 13(3) applying reg 10(4))",
            StepOwner.LocalAuthority, la, facts.Plan?.PlanReference ?? focus, received, TwentyWeeks, issued, ExceptionScope.Assessment,
            started: facts.DecisionToAssess is { ToAssess: true });
        yield return CancelIfOpen(finalPlan, ended);
    }

    /// <summary>An unmet step of an assessment that ended is no longer owed.</summary>
    private static StatutoryStep CancelIfOpen(StatutoryStep step, bool ended) =>
        ended && !step.IsMet() ? step.WithStatus(StepStatus.Cancelled) : step;

    private static StepOwner OwnerOf(AdviceSource source) => source switch
    {
        AdviceSource.SchoolOrCollege or AdviceSource.EarlyYearsProvider => StepOwner.SchoolOrSetting,
        AdviceSource.Health => StepOwner.Health,
        AdviceSource.SocialCare => StepOwner.SocialCare,
        // The educational psychologist is the LA's own service; other advisers are commissioned by the LA.
        _ => StepOwner.LocalAuthority,
    };

    private static string AdviceLabel(AdviceSource source) => source switch
    {
        AdviceSource.SchoolOrCollege => "Head teacher or principal",
        AdviceSource.EarlyYearsProvider => "Early years provider",
        AdviceSource.EducationalPsychologist => "Educational psychologist",
        AdviceSource.Health => "Health",
        AdviceSource.SocialCare => "Social care",
        _ => "Other adviser",
    };
}
