using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>
/// Request to final plan, worked by hand. Day 0 is the day the LA received the request; 6 weeks = 42 days,
/// 16 weeks = 112, 20 weeks = 140 (weekdays checked: 20 weeks from a Monday is a Monday).
/// </summary>
public class AssessmentTimelineTests
{
    /// <summary>
    /// Request Monday 2025-01-06. Decision due 2025-02-17 (Jan 7-31 is 25 days, Feb 1-17 is 17: 42). Draft target
    /// 2025-04-28 (to Jan 31 +25, Feb 28 +53, Mar 31 +84, Apr 28 +112). Final due 2025-05-26 (Apr 30 +114, May 26 +140).
    /// </summary>
    internal static EhcCaseFacts January2025Case() => new()
    {
        CaseId = "sr-1",
        PatientReference = "Patient/child-1",
        RequestReference = "ServiceRequest/sr-1",
        LocalAuthorityReference = "Organization/la-926",
        RequestReceived = D("2025-01-06"),
        DecisionToAssess = new AssessmentDecision(true, D("2025-02-10")),
        Advice =
        [
            // Health asked 2025-02-12: due 2025-03-26 (Feb 13-28 is 16 days, Mar 1-26 is 26); received 2025-04-02, 7 days late.
            new AdviceRequestFact("task-health", AdviceSource.Health, D("2025-02-12"), D("2025-04-02"), "Organization/ods-RY3"),
            new AdviceRequestFact("task-ep", AdviceSource.EducationalPsychologist, D("2025-02-12"), D("2025-03-20")),
        ],
        DraftIssued = D("2025-04-22"),
        // 15 days beginning 2025-04-22: the last is 2025-05-06.
        DraftRepresentationsReceived = D("2025-05-01"),
        Plan = new EhcPlanFacts { PlanReference = "CarePlan/plan-1", Issued = D("2025-05-30") },
    };

    [Fact]
    public void Worked_example_from_request_to_a_final_plan_issued_four_days_late()
    {
        var timeline = StatutoryClock.Evaluate(January2025Case(), D("2025-06-15"));

        Assert.Equal(CaseRoute.PlanIssued, timeline.Route);

        var decision = timeline.Find(StatutoryStepCode.DecisionToAssess)!;
        Assert.Equal(D("2025-02-17"), decision.DueDate);
        Assert.Equal(new StepStatus(StepState.MetOnTime, 0), decision.Status);
        Assert.Equal(StepOwner.LocalAuthority, decision.Owner);
        Assert.Equal("Organization/la-926", decision.OwnerReference);
        Assert.Equal("ServiceRequest/sr-1", decision.FocusReference);

        var health = timeline.Find(StatutoryStepCode.Advice, "task-health")!;
        Assert.Equal(D("2025-03-26"), health.DueDate);
        Assert.Equal(new StepStatus(StepState.MetLate, 7), health.Status);
        Assert.Equal(StepOwner.Health, health.Owner);
        Assert.Equal("Organization/ods-RY3", health.OwnerReference);

        var ep = timeline.Find(StatutoryStepCode.Advice, "task-ep")!;
        Assert.Equal(StepState.MetOnTime, ep.Status.State);
        Assert.Equal(StepOwner.LocalAuthority, ep.Owner);

        var draft = timeline.Find(StatutoryStepCode.DraftPlan)!;
        Assert.Equal(D("2025-04-28"), draft.DueDate);
        Assert.False(draft.IsStatutory);
        Assert.Equal(StepState.MetOnTime, draft.Status.State);

        var comments = timeline.Find(StatutoryStepCode.DraftRepresentations)!;
        Assert.Equal(D("2025-05-06"), comments.DueDate);
        Assert.Equal(StepOwner.Family, comments.Owner);
        Assert.Equal(StepState.MetOnTime, comments.Status.State);

        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;
        Assert.Equal(D("2025-05-26"), final.DueDate);
        Assert.Equal(new StepStatus(StepState.MetLate, 4), final.Status);
        Assert.Equal(144, final.IncludingExceptions.ElapsedDays);
        Assert.Equal("CarePlan/plan-1", final.FocusReference);
        // No exceptions: both views agree.
        Assert.Equal(final.IncludingExceptions.DueDate, final.ExcludingExceptions.DueDate);
        Assert.Equal(final.IncludingExceptions.Status, final.ExcludingExceptions.Status);
        Assert.False(final.ExceptionsApply);

        // SEN2: 144 days > 140, no exception, so it counts (as late) in both published rates.
        Assert.NotNull(timeline.TwentyWeeks);
        Assert.False(timeline.TwentyWeeks!.WithinTwentyWeeks);
        Assert.Equal(0, timeline.TwentyWeeks.Week20Flag);
        Assert.True(timeline.TwentyWeeks.CountsInExcludingExceptionsRate);

        // The first review is 12 months from issue: 2026-05-30, 349 days after 2025-06-15.
        var review = timeline.Find(StatutoryStepCode.AnnualReview, "review-1")!;
        Assert.Equal(D("2026-05-30"), review.DueDate);
        Assert.Equal(new StepStatus(StepState.Due, 349), review.Status);

        // The plan's content can be appealed for 2 months: 2025-07-30, a Wednesday.
        Assert.Equal(D("2025-07-30"), timeline.AppealDeadline);
    }

    [Fact]
    public void Before_the_decision_it_is_overdue_by_the_days_since_week_6_and_the_draft_is_not_due()
    {
        var facts = January2025Case();

        var timeline = StatutoryClock.Evaluate(facts, D("2025-03-01"));

        // The decision (notified 2025-02-10) is known on 2025-03-01; replay a case whose decision was never made.
        var undecided = StatutoryClock.Evaluate(facts with { DecisionToAssess = null, Advice = [], DraftIssued = null, Plan = null }, D("2025-03-01"));
        Assert.Equal(CaseRoute.AwaitingDecision, undecided.Route);
        // 2025-02-17 to 2025-03-01: 11 days left of February, then 1 March: 12.
        Assert.Equal(new StepStatus(StepState.Overdue, 12), undecided.Find(StatutoryStepCode.DecisionToAssess)!.Status);
        Assert.Equal(StepState.NotDue, undecided.Find(StatutoryStepCode.DraftPlan)!.Status.State);
        // Final plan: 2025-03-01 to 2025-05-26 is 30 + 30 + 26 = 86 days.
        Assert.Equal(new StepStatus(StepState.Due, 86), undecided.Find(StatutoryStepCode.FinalPlan)!.Status);

        Assert.Equal(CaseRoute.Assessing, timeline.Route);
        Assert.Equal(StepState.MetOnTime, timeline.Find(StatutoryStepCode.DecisionToAssess)!.Status.State);
    }

    [Fact]
    public void Facts_dated_after_the_as_of_day_are_not_known_yet()
    {
        var timeline = StatutoryClock.Evaluate(January2025Case(), D("2025-02-01"));

        Assert.Equal(CaseRoute.AwaitingDecision, timeline.Route);
        Assert.Equal(new StepStatus(StepState.Due, 16), timeline.Find(StatutoryStepCode.DecisionToAssess)!.Status);
        Assert.Null(timeline.Find(StatutoryStepCode.Advice));
        Assert.Null(timeline.Find(StatutoryStepCode.AnnualReview));
        Assert.Null(timeline.TwentyWeeks);
    }

    [Fact]
    public void Advice_not_back_after_6_weeks_is_overdue_and_owed_by_the_adviser()
    {
        var facts = January2025Case() with
        {
            Advice = [new AdviceRequestFact("task-sc", AdviceSource.SocialCare, D("2025-02-12"), null, "Organization/la-926-social-care")],
            DraftIssued = null,
            DraftRepresentationsReceived = null,
            Plan = null,
        };

        var timeline = StatutoryClock.Evaluate(facts, D("2025-04-07"));

        var advice = timeline.Find(StatutoryStepCode.Advice, "task-sc")!;
        // Due 2025-03-26; 2025-04-07 is 5 + 7 = 12 days later.
        Assert.Equal(new StepStatus(StepState.Overdue, 12), advice.Status);
        Assert.Equal(StepOwner.SocialCare, advice.Owner);
        // The draft target is 2025-04-28: still due, 21 days left.
        Assert.Equal(new StepStatus(StepState.Due, 21), timeline.Find(StatutoryStepCode.DraftPlan)!.Status);
    }

    [Fact]
    public void Refusal_to_assess_cancels_the_final_plan_and_sets_an_August_appeal_deadline_into_September()
    {
        // SEN2.md's example person 1: received 2025-05-12, refused 2025-06-20.
        var facts = new EhcCaseFacts
        {
            CaseId = "sr-2",
            PatientReference = "Patient/child-2",
            RequestReceived = D("2025-05-12"),
            DecisionToAssess = new AssessmentDecision(false, D("2025-06-20")),
        };

        var timeline = StatutoryClock.Evaluate(facts, D("2025-07-01"));

        Assert.Equal(CaseRoute.RefusedToAssess, timeline.Route);
        // 2025-05-12 + 42: May 13-31 is 19 days, June 1-23 is 23.
        var decision = timeline.Find(StatutoryStepCode.DecisionToAssess)!;
        Assert.Equal(D("2025-06-23"), decision.DueDate);
        Assert.Equal(StepState.MetOnTime, decision.Status.State);
        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.FinalPlan)!.Status.State);
        Assert.Null(timeline.Find(StatutoryStepCode.DraftPlan));
        // 2 months from 2025-06-20 is 2025-08-20: in August, so the first working day of September, Monday 2025-09-01.
        Assert.Equal(D("2025-09-01"), timeline.AppealDeadline);
    }

    [Fact]
    public void Decision_not_to_issue_is_measured_against_16_weeks()
    {
        var facts = January2025Case() with
        {
            DraftIssued = null,
            DraftRepresentationsReceived = null,
            Plan = null,
            DecidedNotToIssueOn = D("2025-05-02"),
        };

        var timeline = StatutoryClock.Evaluate(facts, D("2025-06-01"));

        Assert.Equal(CaseRoute.DecidedNotToIssue, timeline.Route);
        var notice = timeline.Find(StatutoryStepCode.NotifyNoPlan)!;
        // 16 weeks from 2025-01-06 is 2025-04-28; told 2025-05-02: 4 days late.
        Assert.Equal(D("2025-04-28"), notice.DueDate);
        Assert.Equal(new StepStatus(StepState.MetLate, 4), notice.Status);
        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.FinalPlan)!.Status.State);
        Assert.Null(timeline.Find(StatutoryStepCode.DraftPlan));
        Assert.Null(timeline.TwentyWeeks);
        // 2 months from 2025-05-02: Wednesday 2025-07-02.
        Assert.Equal(D("2025-07-02"), timeline.AppealDeadline);
    }

    [Fact]
    public void Withdrawal_cancels_every_open_step_but_keeps_what_was_met()
    {
        var facts = January2025Case() with
        {
            Advice = [new AdviceRequestFact("task-health", AdviceSource.Health, D("2025-02-12"))],
            DraftIssued = null,
            DraftRepresentationsReceived = null,
            Plan = null,
            WithdrawnOn = D("2025-03-03"),
        };

        var timeline = StatutoryClock.Evaluate(facts, D("2025-04-01"));

        Assert.Equal(CaseRoute.Withdrawn, timeline.Route);
        Assert.Equal(StepState.MetOnTime, timeline.Find(StatutoryStepCode.DecisionToAssess)!.Status.State);
        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.Advice, "task-health")!.Status.State);
        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.DraftPlan)!.Status.State);
        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.FinalPlan)!.Status.State);
    }

    [Fact]
    public void The_familys_15_days_lapse_unused_and_a_final_plan_inside_them_is_noted()
    {
        var facts = January2025Case() with { DraftRepresentationsReceived = null, Plan = new EhcPlanFacts { Issued = D("2025-05-05") } };

        var timeline = StatutoryClock.Evaluate(facts, D("2025-05-20"));

        var window = timeline.Find(StatutoryStepCode.DraftRepresentations)!;
        Assert.Equal(StepState.Lapsed, window.Status.State);
        Assert.Contains(timeline.Notes, n => n.Contains("15 days", StringComparison.Ordinal));
        Assert.Equal(StepState.MetOnTime, timeline.Find(StatutoryStepCode.FinalPlan)!.Status.State);
    }

    [Fact]
    public void SEN2_example_person_2_is_three_weeks_past_20_weeks()
    {
        // SEN2.md section 4: received 2025-02-03, issued 2025-07-14; "2025-02-03 plus 20 weeks is 2025-06-23".
        var facts = new EhcCaseFacts
        {
            CaseId = "sr-3",
            PatientReference = "Patient/child-3",
            RequestReceived = D("2025-02-03"),
            DecisionToAssess = new AssessmentDecision(true, D("2025-03-14")),
            Plan = new EhcPlanFacts { Issued = D("2025-07-14") },
        };

        var final = StatutoryClock.Evaluate(facts, D("2025-08-01")).Find(StatutoryStepCode.FinalPlan)!;

        Assert.Equal(D("2025-06-23"), final.DueDate);
        Assert.Equal(new StepStatus(StepState.MetLate, 21), final.Status);
    }

    [Theory]
    // Across the year end: Nov 18-30 is 13 days, Dec 31 +44, Jan 31 +75, Feb 28 +103, Mar 31 +134, Apr 6 +140. 2026-04-06 is
    // Easter Monday; the limit is calendar weeks, so it stays.
    [InlineData("2025-11-17", "2025-12-29", "2026-04-06")]
    // Across 29 February 2024: Nov 21-30 is 10, Dec +41, Jan +72, Feb (29 days) +101, Mar +132, Apr 8 +140.
    [InlineData("2023-11-20", "2024-01-01", "2024-04-08")]
    // Received on 29 February: 42 days on is 11 April; 140 days on is 18 July.
    [InlineData("2024-02-29", "2024-04-11", "2024-07-18")]
    public void Limits_count_calendar_days_across_year_ends_and_leap_days(string received, string decisionDue, string finalDue)
    {
        var facts = new EhcCaseFacts { CaseId = "c", PatientReference = "Patient/p", RequestReceived = D(received) };

        var timeline = StatutoryClock.Evaluate(facts, D(received));

        Assert.Equal(D(decisionDue), timeline.Find(StatutoryStepCode.DecisionToAssess)!.DueDate);
        Assert.Equal(D(finalDue), timeline.Find(StatutoryStepCode.FinalPlan)!.DueDate);
    }
}
