namespace SendInterop.Domain.Statutory;

/// <summary>
/// The statutory clock of one EHC case: facts in, the timeline of every step with its due date and status on the
/// "as of" day out. Pure: no clock of its own, no I/O, same answer for the same input.
/// </summary>
public static class StatutoryClock
{
    public static StatutoryTimeline Evaluate(EhcCaseFacts facts, DateOnly asOf, StatutoryClockSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        settings ??= StatutoryClockSettings.Default;
        var known = AsKnownOn(facts, asOf);
        var notes = new List<string>();
        var exceptions = ClockExceptionRules.Qualify(known, settings, notes);
        var factory = new StepFactory(asOf, exceptions);

        var steps = new List<StatutoryStep>();
        if (known.RequestReceived is { } received)
            steps.AddRange(AssessmentSteps.Build(known, received, factory, notes));
        if (known.Plan is { } plan)
            steps.AddRange(PlanSteps.Build(known, plan, asOf, settings, factory, notes));

        var route = known.RequestReceived is null ? CaseRoute.PlanOnly : AssessmentSteps.Route(known);
        var finalPlan = steps.FirstOrDefault(s => s.Code == StatutoryStepCode.FinalPlan);
        return new StatutoryTimeline
        {
            CaseId = facts.CaseId,
            PatientReference = facts.PatientReference,
            AsOf = asOf,
            Route = known.RequestReceived is null && known.Plan is null ? CaseRoute.AwaitingDecision : route,
            Steps = steps,
            Exceptions = exceptions,
            TwentyWeeks = known is { RequestReceived: { } r, Plan: { } p } ? new Sen2TwentyWeekOutcome(r, p.Issued, finalPlan?.ExceptionsApply ?? false) : null,
            AppealDeadline = AppealDeadline(known, route, notes),
            CessationIssues = known.Plan is { Cessation: { } c } issuedPlan ? CessationRules.Check(issuedPlan.Issued, c.CeasedOn, c.Reason, known.BirthDate) : [],
            Notes = notes,
        };
    }

    /// <summary>
    /// The latest appealable decision's deadline (DOMAIN.md 1.5): refusal to assess, refusal to issue, or the content of
    /// the issued plan. Mediation certificates are not in the facts, so this is the 2-month limit.
    /// </summary>
    private static DateOnly? AppealDeadline(EhcCaseFacts facts, CaseRoute route, List<string> notes)
    {
        DateOnly? letter = route switch
        {
            CaseRoute.RefusedToAssess => facts.DecisionToAssess?.NotifiedOn,
            CaseRoute.DecidedNotToIssue => facts.DecidedNotToIssueOn,
            CaseRoute.PlanIssued or CaseRoute.PlanOnly => facts.Plan?.Issued,
            _ => null,
        };
        if (letter is not { } decided) return null;
        try
        {
            return TribunalAppealDeadline.For(decided);
        }
        catch (ArgumentOutOfRangeException)
        {
            notes.Add($"The appeal deadline falls outside the bank holiday table ({BankHolidays.FirstYear}-{BankHolidays.LastYear}).");
            return null;
        }
    }

    /// <summary>
    /// The facts as they could have been known on <paramref name="asOf"/>: anything dated later had not happened yet.
    /// A review meeting dated later is a booking. Exceptions that began later are dropped; one under way is kept whole
    /// (the LA knows how long the family will be away).
    /// </summary>
    internal static EhcCaseFacts AsKnownOn(EhcCaseFacts facts, DateOnly asOf)
    {
        DateOnly? Known(DateOnly? day) => day <= asOf ? day : null;

        var plan = facts.Plan is { } p && p.Issued <= asOf
            ? p with
            {
                Reviews = p.Reviews.Select(r => r with
                {
                    MeetingHeld = Known(r.MeetingHeld),
                    MeetingScheduled = r.MeetingHeld > asOf ? r.MeetingHeld : r.MeetingScheduled,
                    ReportSent = Known(r.ReportSent),
                    DecisionNotified = Known(r.DecisionNotified),
                    Decision = r.DecisionNotified <= asOf ? r.Decision : null,
                    AmendmentNoticeSent = Known(r.AmendmentNoticeSent),
                    AmendedPlanIssued = Known(r.AmendedPlanIssued),
                }).ToList(),
                PhaseTransfers = p.PhaseTransfers.Select(t => t with { ReviewCompleted = Known(t.ReviewCompleted) }).ToList(),
                Cessation = p.Cessation is { } c && c.CeasedOn <= asOf ? c : null,
            }
            : null;

        return facts with
        {
            RequestReceived = Known(facts.RequestReceived),
            DecisionToAssess = facts.DecisionToAssess is { } d && d.NotifiedOn <= asOf ? d : null,
            Advice = facts.Advice.Where(a => a.RequestedOn <= asOf).Select(a => a with { ReceivedOn = Known(a.ReceivedOn) }).ToList(),
            DraftIssued = Known(facts.DraftIssued),
            DraftRepresentationsReceived = Known(facts.DraftRepresentationsReceived),
            DecidedNotToIssueOn = Known(facts.DecidedNotToIssueOn),
            WithdrawnOn = Known(facts.WithdrawnOn),
            Exceptions = facts.Exceptions.Where(e => e.Days.First <= asOf).ToList(),
            Plan = plan,
        };
    }
}
