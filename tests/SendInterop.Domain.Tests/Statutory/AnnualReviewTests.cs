using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>Annual reviews and what follows the meeting (DOMAIN.md 1.3), worked by hand.</summary>
public class AnnualReviewTests
{
    private static EhcCaseFacts PlanCase(EhcPlanFacts plan) => new()
    {
        CaseId = "plan-1",
        PatientReference = "Patient/child-1",
        LocalAuthorityReference = "Organization/la-926",
        Plan = plan,
    };

    [Fact]
    public void A_plan_issued_on_29_February_is_reviewed_by_28_February_the_next_year()
    {
        var plan = new EhcPlanFacts { PlanReference = "CarePlan/p", Issued = D("2024-02-29") };

        var timeline = StatutoryClock.Evaluate(PlanCase(plan), D("2024-06-01"));

        Assert.Equal(CaseRoute.PlanOnly, timeline.Route);
        Assert.Equal(D("2025-02-28"), timeline.Find(StatutoryStepCode.AnnualReview, "review-1")!.DueDate);
    }

    [Theory]
    [InlineData("2025-02-28", StepState.MetOnTime, 0)]
    [InlineData("2025-03-01", StepState.MetLate, 1)]
    public void The_leap_day_plans_review_on_1_March_is_a_day_late(string held, StepState state, int days)
    {
        var plan = new EhcPlanFacts { Issued = D("2024-02-29"), Reviews = [new AnnualReviewFact("enc-1") { MeetingHeld = D(held) }] };

        var review = StatutoryClock.Evaluate(PlanCase(plan), D("2025-06-01")).Find(StatutoryStepCode.AnnualReview, "review-1")!;

        Assert.Equal(new StepStatus(state, days), review.Status);
    }

    [Fact]
    public void Each_review_is_due_12_months_after_the_previous_meeting()
    {
        var plan = new EhcPlanFacts
        {
            Issued = D("2023-09-20"),
            Reviews =
            [
                new AnnualReviewFact("enc-2") { MeetingHeld = D("2025-07-01") }, // late: due 2025-06-28
                new AnnualReviewFact("enc-1") { MeetingHeld = D("2024-06-28") }, // early: due 2024-09-20
            ],
        };

        var timeline = StatutoryClock.Evaluate(PlanCase(plan), D("2025-08-01"));
        var first = timeline.Find(StatutoryStepCode.AnnualReview, "review-1")!;
        var second = timeline.Find(StatutoryStepCode.AnnualReview, "review-2")!;
        var third = timeline.Find(StatutoryStepCode.AnnualReview, "review-3")!;

        Assert.Equal(D("2024-09-20"), first.DueDate);
        Assert.Equal(StepState.MetOnTime, first.Status.State);
        Assert.Equal(D("2025-06-28"), second.DueDate);
        Assert.Equal(new StepStatus(StepState.MetLate, 3), second.Status);
        Assert.Equal(D("2026-07-01"), third.DueDate);
        Assert.Equal(StepState.Due, third.Status.State);
    }

    [Fact]
    public void A_review_not_held_is_overdue_by_the_days_past_the_anniversary()
    {
        var plan = new EhcPlanFacts { Issued = D("2023-09-01") };

        var review = StatutoryClock.Evaluate(PlanCase(plan), D("2024-10-01")).Find(StatutoryStepCode.AnnualReview, "review-1")!;

        Assert.Equal(D("2024-09-01"), review.DueDate);
        Assert.Equal(new StepStatus(StepState.Overdue, 30), review.Status);
        Assert.False(review.Started);
    }

    [Fact]
    public void A_booked_meeting_marks_the_review_started()
    {
        var plan = new EhcPlanFacts { Issued = D("2023-09-01"), Reviews = [new AnnualReviewFact("enc-1") { MeetingScheduled = D("2024-08-20") }] };

        var review = StatutoryClock.Evaluate(PlanCase(plan), D("2024-08-01")).Find(StatutoryStepCode.AnnualReview, "review-1")!;

        Assert.True(review.Started);
        Assert.Equal(new StepStatus(StepState.Due, 31), review.Status);
    }

    [Fact]
    public void After_the_meeting_report_in_2_weeks_decision_in_4_weeks_amended_plan_in_8_weeks()
    {
        var plan = new EhcPlanFacts
        {
            Issued = D("2024-03-15"),
            NamedSettingReference = "Organization/school-100001",
            Reviews =
            [
                new AnnualReviewFact("enc-1")
                {
                    MeetingHeld = D("2025-03-10"),
                    ReportSent = D("2025-03-21"),
                    DecisionNotified = D("2025-04-01"),
                    Decision = ReviewDecision.Amend,
                    AmendmentNoticeSent = D("2025-04-01"),
                },
            ],
        };

        var timeline = StatutoryClock.Evaluate(PlanCase(plan), D("2025-06-01"));

        var meeting = timeline.Find(StatutoryStepCode.AnnualReview, "review-1")!;
        Assert.Equal(StepOwner.SchoolOrSetting, meeting.Owner);
        Assert.Equal("Organization/school-100001", meeting.OwnerReference);

        // Report: 2025-03-10 + 14 = 2025-03-24, sent on the 21st.
        var report = timeline.Find(StatutoryStepCode.ReviewReport, "review-1")!;
        Assert.Equal(D("2025-03-24"), report.DueDate);
        Assert.Equal(StepState.MetOnTime, report.Status.State);
        Assert.Equal(StepOwner.SchoolOrSetting, report.Owner);

        // Decision: 2025-03-10 + 28 = 2025-04-07, notified on the 1st.
        var decision = timeline.Find(StatutoryStepCode.ReviewDecision, "review-1")!;
        Assert.Equal(D("2025-04-07"), decision.DueDate);
        Assert.Equal(StepState.MetOnTime, decision.Status.State);
        Assert.Equal(StepOwner.LocalAuthority, decision.Owner);

        // Amended plan: 2025-04-01 + 56 (April +29, 27 May +56) = 2025-05-27; not issued by 2025-06-01: 5 days overdue.
        var amended = timeline.Find(StatutoryStepCode.AmendedPlan, "review-1")!;
        Assert.Equal(D("2025-05-27"), amended.DueDate);
        Assert.Equal(new StepStatus(StepState.Overdue, 5), amended.Status);

        // Next review: 12 months from the meeting.
        Assert.Equal(D("2026-03-10"), timeline.Find(StatutoryStepCode.AnnualReview, "review-2")!.DueDate);
    }

    [Fact]
    public void A_missing_decision_is_overdue_after_4_weeks()
    {
        var plan = new EhcPlanFacts { Issued = D("2024-03-15"), Reviews = [new AnnualReviewFact("enc-1") { MeetingHeld = D("2025-03-10") }] };

        var timeline = StatutoryClock.Evaluate(PlanCase(plan), D("2025-04-20"));

        // Due 2025-04-07; 2025-04-20 is 13 days later.
        Assert.Equal(new StepStatus(StepState.Overdue, 13), timeline.Find(StatutoryStepCode.ReviewDecision, "review-1")!.Status);
        // Without a setting named in section I the LA convenes the review (reg 21) and owes the report.
        Assert.Equal(StepOwner.LocalAuthority, timeline.Find(StatutoryStepCode.ReviewReport, "review-1")!.Owner);
        Assert.Null(timeline.Find(StatutoryStepCode.AmendedPlan));
    }

    [Fact]
    public void A_later_review_supersedes_the_open_steps_of_an_earlier_one()
    {
        var plan = new EhcPlanFacts
        {
            Issued = D("2023-03-01"),
            Reviews =
            [
                new AnnualReviewFact("enc-1") { MeetingHeld = D("2024-02-20") },
                new AnnualReviewFact("enc-2") { MeetingHeld = D("2025-02-10") },
            ],
        };

        var timeline = StatutoryClock.Evaluate(PlanCase(plan), D("2025-04-01"));

        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.ReviewDecision, "review-1")!.Status.State);
        // 2025-02-10 + 28 = 2025-03-10; 2025-04-01 is 21 + 1 = 22 days later.
        Assert.Equal(new StepStatus(StepState.Overdue, 22), timeline.Find(StatutoryStepCode.ReviewDecision, "review-2")!.Status);
    }

    [Fact]
    public void Nothing_stays_owed_on_a_ceased_plan()
    {
        var plan = new EhcPlanFacts
        {
            Issued = D("2023-03-01"),
            Reviews = [new AnnualReviewFact("enc-1") { MeetingHeld = D("2024-02-20"), DecisionNotified = D("2024-03-05"), Decision = ReviewDecision.Cease }],
            Cessation = new PlanCessation(D("2024-07-31"), CeaseReason.NeedsMetWithoutPlan),
        };

        var timeline = StatutoryClock.Evaluate(PlanCase(plan), D("2025-06-01"));

        Assert.Equal(StepState.MetOnTime, timeline.Find(StatutoryStepCode.ReviewDecision, "review-1")!.Status.State);
        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.ReviewReport, "review-1")!.Status.State);
        Assert.Equal(StepState.Cancelled, timeline.Find(StatutoryStepCode.AnnualReview, "review-2")!.Status.State);
        Assert.Empty(timeline.CessationIssues);
    }
}
