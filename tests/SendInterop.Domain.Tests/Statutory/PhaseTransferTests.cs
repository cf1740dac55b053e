using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>Reg 18 deadlines (DOMAIN.md 1.3) and the school years that place them.</summary>
public class PhaseTransferTests
{
    [Theory]
    [InlineData(PhaseTransferKind.EarlyYearsToSchool, "2027-09-01", "2027-02-15")]
    [InlineData(PhaseTransferKind.InfantToJunior, "2026-09-01", "2026-02-15")]
    [InlineData(PhaseTransferKind.PrimaryToSecondary, "2026-09-01", "2026-02-15")]
    [InlineData(PhaseTransferKind.PrimaryToMiddle, "2026-09-01", "2026-02-15")]
    [InlineData(PhaseTransferKind.MiddleToSecondary, "2026-09-01", "2026-02-15")]
    [InlineData(PhaseTransferKind.SecondaryToPost16, "2026-09-01", "2026-03-31")]
    // Between post-16 institutions: 5 months before. From 31 July there is no 31 February: the month's last day.
    [InlineData(PhaseTransferKind.Post16ToPost16, "2026-09-01", "2026-04-01")]
    [InlineData(PhaseTransferKind.Post16ToPost16, "2026-07-31", "2026-02-28")]
    [InlineData(PhaseTransferKind.Post16ToPost16, "2028-07-31", "2028-02-29")]
    [InlineData(PhaseTransferKind.Post16ToPost16, "2026-01-05", "2025-08-05")]
    public void Deadlines(PhaseTransferKind kind, string transfer, string deadline) =>
        Assert.Equal(D(deadline), PhaseTransfers.DeadlineFor(kind, D(transfer)));

    [Theory]
    // Born January 2015: cohort 1 Sep 2014 - 31 Aug 2015, reception September 2019, year 7 September 2026.
    [InlineData("2015-01-10", 7, "2026-09-01")]
    [InlineData("2015-01-10", 0, "2019-09-01")]
    // 1 September starts a cohort, 31 August ends one.
    [InlineData("2014-09-01", 7, "2026-09-01")]
    [InlineData("2014-08-31", 7, "2025-09-01")]
    // Born 1 March 2010: year 12 from September 2026.
    [InlineData("2010-03-01", 12, "2026-09-01")]
    // SEN2.md's person 1, born 4 June 2021: reception September 2025.
    [InlineData("2021-06-04", 0, "2025-09-01")]
    // Born 29 February 2016 (leap day, spring term): cohort 2016, year 3 from September 2023.
    [InlineData("2016-02-29", 3, "2023-09-01")]
    public void Entry_into_a_year_group_follows_the_birth_cohort(string born, int yearGroup, string entry) =>
        Assert.Equal(D(entry), SchoolYears.EntersYearGroup(D(born), yearGroup));

    [Theory]
    [InlineData("2015-01-10", "2025-10-01", 6)]
    [InlineData("2015-01-10", "2026-08-31", 6)]
    [InlineData("2015-01-10", "2026-09-01", 7)]
    [InlineData("2021-06-04", "2025-01-15", -1)] // still in early years
    public void Year_group_on_a_day(string born, string day, int yearGroup) =>
        Assert.Equal(yearGroup, SchoolYears.YearGroupOn(D(born), D(day)));

    private static EhcCaseFacts Child(string born, EhcPlanFacts plan) => new()
    {
        CaseId = "plan-7",
        PatientReference = "Patient/child-7",
        LocalAuthorityReference = "Organization/la-926",
        BirthDate = D(born),
        Plan = plan,
    };

    [Fact]
    public void The_next_transfer_is_inferred_from_the_birth_date_and_due_by_15_February()
    {
        // Born 2015-01-10, in year 6 in 2025-26: moves to secondary on 2026-09-01, deadline 2026-02-15.
        var facts = Child("2015-01-10", new EhcPlanFacts { PlanReference = "CarePlan/p7", Issued = D("2024-05-01") });

        var notYet = StatutoryClock.Evaluate(facts, D("2025-06-01")).Find(StatutoryStepCode.PhaseTransferReview)!;
        var due = StatutoryClock.Evaluate(facts, D("2025-10-01")).Find(StatutoryStepCode.PhaseTransferReview)!;
        var overdue = StatutoryClock.Evaluate(facts, D("2026-03-01")).Find(StatutoryStepCode.PhaseTransferReview)!;

        Assert.Equal("primary-to-secondary-2026", due.Key);
        Assert.Equal(D("2026-02-15"), due.DueDate);
        Assert.Equal(D("2025-09-01"), due.ClockStart);
        Assert.Equal(StepOwner.LocalAuthority, due.Owner);
        Assert.Equal("CarePlan/p7", due.FocusReference);
        // Before the school year of the transfer it is known but not owed.
        Assert.Equal(StepState.NotDue, notYet.Status.State);
        // 2025-10-01 to 2026-02-15: 30 + 30 + 31 + 31 + 15 = 137 days.
        Assert.Equal(new StepStatus(StepState.Due, 137), due.Status);
        // 2026-02-15 to 2026-03-01: 13 + 1 = 14 days.
        Assert.Equal(new StepStatus(StepState.Overdue, 14), overdue.Status);
    }

    [Fact]
    public void Transfer_to_post_16_is_due_by_31_March()
    {
        var facts = Child("2010-03-01", new EhcPlanFacts { Issued = D("2020-05-01") });

        var step = StatutoryClock.Evaluate(facts, D("2025-11-01")).Find(StatutoryStepCode.PhaseTransferReview)!;

        Assert.Equal("secondary-to-post16-2026", step.Key);
        Assert.Equal(D("2026-03-31"), step.DueDate);
    }

    [Fact]
    public void An_amended_plan_after_a_review_in_the_run_up_meets_the_transfer_deadline()
    {
        var facts = Child("2015-01-10", new EhcPlanFacts
        {
            Issued = D("2024-05-01"),
            Reviews =
            [
                new AnnualReviewFact("enc-1")
                {
                    MeetingHeld = D("2025-11-10"), DecisionNotified = D("2025-12-01"), Decision = ReviewDecision.Amend, AmendedPlanIssued = D("2026-01-20"),
                },
            ],
        });

        var step = StatutoryClock.Evaluate(facts, D("2026-03-01")).Find(StatutoryStepCode.PhaseTransferReview)!;

        Assert.Equal(D("2026-01-20"), step.MetOn);
        Assert.Equal(StepState.MetOnTime, step.Status.State);
    }

    [Fact]
    public void A_recorded_transfer_replaces_inference()
    {
        // A middle-school LA: the child moves into year 5 at a middle school in September 2024.
        var facts = Child("2015-01-10", new EhcPlanFacts
        {
            Issued = D("2022-05-01"),
            PhaseTransfers = [new PhaseTransferFact(PhaseTransferKind.PrimaryToMiddle, D("2024-09-01"), D("2024-02-20"))],
        });

        var timeline = StatutoryClock.Evaluate(facts, D("2025-10-01"));
        var steps = timeline.Steps.Where(s => s.Code == StatutoryStepCode.PhaseTransferReview).ToList();

        var only = Assert.Single(steps);
        Assert.Equal("primary-to-middle-2024", only.Key);
        Assert.Equal(new StepStatus(StepState.MetLate, 5), only.Status); // 15 February -> 20 February
    }

    [Fact]
    public void Inference_can_be_switched_off_for_LAs_with_middle_schools()
    {
        var facts = Child("2015-01-10", new EhcPlanFacts { Issued = D("2024-05-01") });

        var timeline = StatutoryClock.Evaluate(facts, D("2025-10-01"), new StatutoryClockSettings { InferPhaseTransfers = false });

        Assert.Null(timeline.Find(StatutoryStepCode.PhaseTransferReview));
    }
}
