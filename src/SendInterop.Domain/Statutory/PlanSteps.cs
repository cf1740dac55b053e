using System.Globalization;

namespace SendInterop.Domain.Statutory;

/// <summary>
/// The steps of a plan in force: annual reviews and what follows each meeting (DOMAIN.md 1.3), and phase transfers
/// (reg 18). None has exceptions, so both views of each step are the same.
/// </summary>
internal static class PlanSteps
{
    private const int TwoWeeks = 14;
    private const int FourWeeks = 28;
    private const int EightWeeks = 56;

    public static IEnumerable<StatutoryStep> Build(EhcCaseFacts facts, EhcPlanFacts plan, DateOnly asOf, StatutoryClockSettings settings, StepFactory factory, List<string> notes)
    {
        var steps = new List<StatutoryStep>();
        steps.AddRange(Reviews(facts, plan, factory));
        steps.AddRange(Transfers(facts, plan, asOf, settings, factory, notes));

        // Nothing is owed on a plan that has ended: what was still open is cancelled, not left overdue for ever.
        if (plan.Cessation is not null)
            return steps.Select(s => s.IsMet() ? s : s.WithStatus(StepStatus.Cancelled));
        return steps;
    }

    /// <summary>
    /// Annual reviews (CFA 2014 s.44(1); SEND Regs 2014 regs 18-21; Code 9.166): the first meeting within 12 months of
    /// the issue date, each later one within 12 months of the previous meeting. "12 months" is a calendar-month count
    /// from day 0: 15 March 2024 is due by 15 March 2025. A plan issued on 29 February is due on 28 February of the
    /// following year: where the later month has no corresponding day the period ends on that month's last day (the
    /// corresponding-date rule of English law, Dodds v Walker [1981]), so the limit is never stretched past 12 months;
    /// 1 March would be a day late in law. (DateOnly.AddMonths gives the same.)
    /// The anchor is the meeting date, not the decision letter (SEN2 LastReview): the review is the meeting.
    /// </summary>
    private static IEnumerable<StatutoryStep> Reviews(EhcCaseFacts facts, EhcPlanFacts plan, StepFactory factory)
    {
        var la = facts.LocalAuthorityReference;
        var focus = plan.PlanReference;
        // The head teacher or principal of the named setting convenes and reports (reg 20); otherwise the LA (reg 21).
        var (meetingOwner, meetingOwnerReference) = plan.NamedSettingReference is { } setting
            ? (StepOwner.SchoolOrSetting, setting)
            : (StepOwner.LocalAuthority, la);

        var held = plan.Reviews.Where(r => r.MeetingHeld is { } m && m >= plan.Issued)
            .OrderBy(r => r.MeetingHeld).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        var anchor = plan.Issued;
        var cycle = 1;
        foreach (var review in held)
        {
            var meeting = review.MeetingHeld!.Value;
            var key = Cycle(cycle);
            yield return factory.Fixed(StatutoryStepCode.AnnualReview, key, ReviewRule(cycle), meetingOwner, meetingOwnerReference, focus,
                anchor, anchor.AddMonths(12), meeting, started: true);

            var superseded = review != held[^1];
            foreach (var step in AfterMeeting(review, meeting, key, meetingOwner, meetingOwnerReference, la, focus, factory))
                yield return superseded && !step.IsMet() ? step.WithStatus(StepStatus.Cancelled) : step;

            anchor = meeting;
            cycle++;
        }

        // The review owed now: 12 months from the last meeting (or the issue date). Booked = in progress.
        var booked = plan.Reviews.Any(r => r.MeetingHeld is null && r.MeetingScheduled is { } s && s >= anchor);
        yield return factory.Fixed(StatutoryStepCode.AnnualReview, Cycle(cycle), ReviewRule(cycle), meetingOwner, meetingOwnerReference, focus,
            anchor, anchor.AddMonths(12), null, started: booked);
    }

    private static IEnumerable<StatutoryStep> AfterMeeting(AnnualReviewFact review, DateOnly meeting, string key, StepOwner meetingOwner,
        string? meetingOwnerReference, string? la, string? focus, StepFactory factory)
    {
        // The review report goes out within 2 weeks of the meeting (DOMAIN.md 1.3; reg 20(7)-(8)).
        yield return factory.Fixed(StatutoryStepCode.ReviewReport, key,
            "Send the review report to the LA and everyone asked for advice within 2 weeks of the review meeting (SEND Regs 2014 reg 20)",
            meetingOwner, meetingOwnerReference, focus, meeting, meeting.AddDays(TwoWeeks), review.ReportSent, started: true);

        // The LA decides to maintain, amend or cease and notifies within 4 weeks of the meeting (DOMAIN.md 1.3; reg 20(10)).
        yield return factory.Fixed(StatutoryStepCode.ReviewDecision, key,
            "Notify the decision to maintain, amend or cease the plan within 4 weeks of the review meeting (SEND Regs 2014 reg 20(10))",
            StepOwner.LocalAuthority, la, focus, meeting, meeting.AddDays(FourWeeks), review.DecisionNotified, started: true);

        // Amending: the final amended plan within 8 weeks of the proposed amendments (DOMAIN.md 1.3; SEND Regs 2014 reg 22).
        // When the record has no separate amendment notice, the decision letter is taken as carrying the proposals.
        if (review.Decision == ReviewDecision.Amend && (review.AmendmentNoticeSent ?? review.DecisionNotified) is { } proposed)
        {
            yield return factory.Fixed(StatutoryStepCode.AmendedPlan, key,
                "Issue the final amended plan within 8 weeks of sending the proposed amendments (SEND Regs 2014 reg 22)",
                StepOwner.LocalAuthority, la, focus, proposed, proposed.AddDays(EightWeeks), review.AmendedPlanIssued, started: true);
        }
    }

    private static IEnumerable<StatutoryStep> Transfers(EhcCaseFacts facts, EhcPlanFacts plan, DateOnly asOf, StatutoryClockSettings settings,
        StepFactory factory, List<string> notes)
    {
        var transfers = plan.PhaseTransfers.ToList();
        if (transfers.Count == 0 && settings.InferPhaseTransfers && facts.BirthDate is { } born && plan.Cessation is null)
        {
            // The next standard transfer still ahead: what the child's cohort does, unless the record says otherwise.
            var next = new[] { PhaseTransferKind.EarlyYearsToSchool, PhaseTransferKind.PrimaryToSecondary, PhaseTransferKind.SecondaryToPost16 }
                .Select(k => new PhaseTransferFact(k, SchoolYears.EntersYearGroup(born, PhaseTransfers.EntryYearGroup(k)!.Value)))
                .FirstOrDefault(t => t.TransferDate > asOf && PhaseTransfers.DeadlineFor(t.Kind, t.TransferDate) >= plan.Issued);
            if (next is not null) transfers.Add(next);
        }

        foreach (var transfer in transfers.OrderBy(t => t.TransferDate))
        {
            var deadline = PhaseTransfers.DeadlineFor(transfer.Kind, transfer.TransferDate);
            if (deadline < plan.Issued)
            {
                notes.Add($"Phase transfer {PhaseTransfers.Code(transfer.Kind)} on {transfer.TransferDate:yyyy-MM-dd}: the deadline passed before the plan was issued, so the plan as issued names the setting.");
                continue;
            }

            // The review for a transfer happens in the school year leading up to it; before that year it is not due.
            var start = SchoolYears.StartOfSchoolYear(deadline);
            if (start < plan.Issued) start = plan.Issued;
            // Met when the amended plan naming the new setting is issued: recorded directly, or the amended plan of a
            // review held in the run-up to the transfer.
            var met = transfer.ReviewCompleted ?? plan.Reviews
                .Where(r => r.MeetingHeld is { } m && m >= start && m < transfer.TransferDate && r.AmendedPlanIssued is not null)
                .Select(r => r.AmendedPlanIssued).Min();
            yield return factory.Fixed(StatutoryStepCode.PhaseTransferReview,
                $"{PhaseTransfers.Code(transfer.Kind)}-{transfer.TransferDate.Year.ToString(CultureInfo.InvariantCulture)}",
                PhaseTransfers.RuleFor(transfer.Kind), StepOwner.LocalAuthority, facts.LocalAuthorityReference, plan.PlanReference,
                start, deadline, met, started: plan.Reviews.Any(r => r.MeetingHeld is { } m && m >= start && m < transfer.TransferDate));
        }
    }

    private static string Cycle(int cycle) => "review-" + cycle.ToString(CultureInfo.InvariantCulture);

    private static string ReviewRule(int cycle) => cycle == 1
        ? "Hold the first review meeting within 12 months of the date the plan was issued (CFA 2014 s.44(1); SEND Regs 2014 reg 18; Code of Practice 9.166)"
        : "Hold the review meeting within 12 months of the previous review meeting (CFA 2014 s.44(1); SEND Regs 2014 reg 18; Code of Practice 9.166)";
}
