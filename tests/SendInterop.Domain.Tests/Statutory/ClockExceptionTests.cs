using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>
/// The regulation's exceptions (SEND Regs 2014 reg 10(4), reg 8(2); DOMAIN.md 1.1), each kind worked by hand, and how
/// they show in the two views: including exceptions (plain calendar) and excluding them (exception days not counted).
/// </summary>
public class ClockExceptionTests
{
    private static EhcCaseFacts Case(DateOnly issued, params ClockException[] exceptions) => new()
    {
        CaseId = "sr-x",
        PatientReference = "Patient/child-x",
        RequestReceived = D("2025-01-06"), // final due 2025-05-26
        DecisionToAssess = new AssessmentDecision(true, D("2025-02-10")),
        Exceptions = exceptions,
        Plan = new EhcPlanFacts { Issued = issued },
    };

    private static ClockException Away(string first, string last) => new(ExceptionKind.FamilyAwayFromArea, new DateInterval(D(first), D(last)));

    [Fact]
    public void Family_away_for_29_days_moves_the_due_date_29_days_and_turns_late_into_on_time()
    {
        // 1 February to 1 March 2025: 28 days of February and 1 March = 29 days, at least 4 continuous weeks.
        var timeline = StatutoryClock.Evaluate(Case(D("2025-06-20"), Away("2025-02-01", "2025-03-01")), D("2025-07-01"));
        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;

        // Plain calendar: due 2025-05-26, issued 2025-06-20, 5 + 20 = 25 days late.
        Assert.Equal(new StepStatus(StepState.MetLate, 25), final.IncludingExceptions.Status);
        // Without the 29 days: due 2025-06-24 (May 26 + 5 = May 31, + 24 = June 24); 165 elapsed - 29 = 136 <= 140.
        Assert.Equal(D("2025-06-24"), final.ExcludingExceptions.DueDate);
        Assert.Equal(new StepStatus(StepState.MetOnTime, 0), final.ExcludingExceptions.Status);
        Assert.Equal(165, final.ExcludingExceptions.ElapsedDays + final.ExcludingExceptions.ExcludedDays);
        Assert.Equal(29, final.ExcludingExceptions.ExcludedDays);
        Assert.Equal([ExceptionKind.FamilyAwayFromArea], final.ExceptionsApplied);

        // SEN2 does not re-time the case: it is late, flagged Week20 = 1, and left out of the "excluding exceptions" rate.
        Assert.False(timeline.TwentyWeeks!.WithinTwentyWeeks);
        Assert.Equal(1, timeline.TwentyWeeks.Week20Flag);
        Assert.False(timeline.TwentyWeeks.CountsInExcludingExceptionsRate);
    }

    [Fact]
    public void An_absence_overlapping_the_decision_window_applies_to_the_decision_too()
    {
        var timeline = StatutoryClock.Evaluate(Case(D("2025-06-20"), Away("2025-02-01", "2025-03-01")), D("2025-07-01"));
        var decision = timeline.Find(StatutoryStepCode.DecisionToAssess)!;

        // Decided 2025-02-10: 1-10 February (10 days) fell inside the clock.
        Assert.Equal(10, decision.ExcludingExceptions.ExcludedDays);
        Assert.Equal(25, decision.ExcludingExceptions.ElapsedDays); // 35 calendar days - 10
        // Moved due date: 25 days to 31 January, then 2 March onwards for the other 17: 2025-03-18.
        Assert.Equal(D("2025-03-18"), decision.ExcludingExceptions.DueDate);
        Assert.True(decision.ExceptionsApply);
    }

    [Fact]
    public void An_absence_under_4_weeks_is_not_an_exception_and_says_why()
    {
        // 1-20 February: 20 days.
        var timeline = StatutoryClock.Evaluate(Case(D("2025-06-20"), Away("2025-02-01", "2025-02-20")), D("2025-07-01"));
        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;

        Assert.False(final.ExceptionsApply);
        Assert.Equal(D("2025-05-26"), final.ExcludingExceptions.DueDate);
        Assert.Equal(new StepStatus(StepState.MetLate, 25), final.ExcludingExceptions.Status);
        Assert.Contains(timeline.Notes, n => n.Contains("20 days", StringComparison.Ordinal) && n.Contains("reg 10(4)(d)", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_touching_absences_of_2_weeks_are_one_continuous_absence_of_4_weeks()
    {
        var timeline = StatutoryClock.Evaluate(Case(D("2025-06-20"), Away("2025-02-01", "2025-02-14"), Away("2025-02-15", "2025-02-28")), D("2025-07-01"));
        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;

        Assert.True(final.ExceptionsApply);
        // 28 days: 2025-05-26 + 28 = 2025-06-23.
        Assert.Equal(D("2025-06-23"), final.ExcludingExceptions.DueDate);
        Assert.Equal(28, final.ExcludingExceptions.ExcludedDays);
    }

    [Fact]
    public void Overlapping_exceptions_of_different_kinds_count_each_day_once()
    {
        // Circumstances 1-20 March (20 days) and away 10 March - 10 April (32 days): together 1 March - 10 April, 41 days.
        var circumstances = new ClockException(ExceptionKind.ExceptionalPersonalCircumstances, new DateInterval(D("2025-03-01"), D("2025-03-20")));
        var timeline = StatutoryClock.Evaluate(Case(D("2025-07-01"), circumstances, Away("2025-03-10", "2025-04-10")), D("2025-07-15"));
        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;

        Assert.Equal(41, final.ExcludingExceptions.ExcludedDays);
        // 2025-05-26 + 41: May 31 +5, June 30 +35, July 6 +41.
        Assert.Equal(D("2025-07-06"), final.ExcludingExceptions.DueDate);
        // Issued 2025-07-01: 36 days late on the calendar (5 + 30 + 1), on time without the 41 days (176 - 41 = 135).
        Assert.Equal(new StepStatus(StepState.MetLate, 36), final.IncludingExceptions.Status);
        Assert.Equal(135, final.ExcludingExceptions.ElapsedDays);
        Assert.Equal(StepState.MetOnTime, final.ExcludingExceptions.Status.State);
        Assert.Equal([ExceptionKind.ExceptionalPersonalCircumstances, ExceptionKind.FamilyAwayFromArea], final.ExceptionsApplied);
    }

    [Fact]
    public void Excluding_exceptions_a_late_plan_is_late_by_clock_days_not_calendar_days()
    {
        // Away 29 days (1 Feb - 1 Mar); issued 2025-07-01: 176 calendar days, 147 clock days, 7 days past the 140.
        var final = StatutoryClock.Evaluate(Case(D("2025-07-01"), Away("2025-02-01", "2025-03-01")), D("2025-07-15")).Find(StatutoryStepCode.FinalPlan)!;

        Assert.Equal(new StepStatus(StepState.MetLate, 36), final.IncludingExceptions.Status);
        Assert.Equal(new StepStatus(StepState.MetLate, 7), final.ExcludingExceptions.Status);
    }

    // ---- closures (reg 10(4)(a), (b)) -----------------------------------------------------------------------------

    /// <summary>
    /// Summer 2025: schools shut from Wednesday 23 July and reopen Wednesday 3 September. Closed 23 July - 2 September:
    /// 9 + 31 + 2 = 42 days. The window for asking advice is 16 July (a week before the first closed day) to
    /// 27 August (a week before reopening).
    /// </summary>
    private static readonly StatutoryClockSettings Summer2025 = new()
    {
        Closures = [new HolidayClosure(ClosureScope.SchoolsAndColleges, D("2025-07-23"), D("2025-09-03"), "Summer 2025")],
    };

    /// <summary>Request Monday 2025-06-02: final due 2025-10-20 (June +28, July +59, August +90, September +120, 20 October +140).</summary>
    private static EhcCaseFacts SummerCase(AdviceSource source, string asked) => new()
    {
        CaseId = "sr-s",
        PatientReference = "Patient/child-s",
        RequestReceived = D("2025-06-02"),
        DecisionToAssess = new AssessmentDecision(true, D("2025-07-10")),
        Advice = [new AdviceRequestFact("advice-1", source, D(asked), D("2025-09-20"))],
        Plan = new EhcPlanFacts { Issued = D("2025-11-14") },
    };

    [Theory]
    [InlineData("2025-07-16", true)]  // first day of the window
    [InlineData("2025-07-18", true)]
    [InlineData("2025-08-27", true)]  // last day of the window
    [InlineData("2025-07-15", false)] // a day early
    [InlineData("2025-08-28", false)] // a day late
    public void Advice_asked_of_a_school_in_the_summer_window_is_an_exception(string asked, bool applies)
    {
        var timeline = StatutoryClock.Evaluate(SummerCase(AdviceSource.SchoolOrCollege, asked), D("2025-12-01"), Summer2025);
        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;

        Assert.Equal(D("2025-10-20"), final.DueDate);
        // Issued 2025-11-14: 11 + 14 = 25 days late on the calendar.
        Assert.Equal(new StepStatus(StepState.MetLate, 25), final.IncludingExceptions.Status);
        Assert.Equal(applies, final.ExceptionsApply);
        if (applies)
        {
            Assert.Equal([ExceptionKind.SchoolOrCollegeClosure], final.ExceptionsApplied);
            // The 42 closed days come out: 2025-10-20 + 42 = 2025-12-01 (October +11, November +41, 1 December +42).
            Assert.Equal(D("2025-12-01"), final.ExcludingExceptions.DueDate);
            Assert.Equal(StepState.MetOnTime, final.ExcludingExceptions.Status.State);
            Assert.Equal(1, timeline.TwentyWeeks!.Week20Flag);
        }
        else
        {
            Assert.Equal(D("2025-10-20"), final.ExcludingExceptions.DueDate);
            Assert.Equal(0, timeline.TwentyWeeks!.Week20Flag);
        }
    }

    [Fact]
    public void A_summer_closure_does_not_excuse_health_advice()
    {
        var final = StatutoryClock.Evaluate(SummerCase(AdviceSource.Health, "2025-07-18"), D("2025-12-01"), Summer2025).Find(StatutoryStepCode.FinalPlan)!;

        Assert.False(final.ExceptionsApply);
    }

    [Fact]
    public void A_closure_also_never_excuses_the_advisers_own_6_weeks()
    {
        // Reg 8(2) has no closure ground: the school's advice asked 2025-07-18 is due 2025-08-29 whatever the holiday.
        var advice = StatutoryClock.Evaluate(SummerCase(AdviceSource.SchoolOrCollege, "2025-07-18"), D("2025-12-01"), Summer2025)
            .Find(StatutoryStepCode.Advice, "advice-1")!;

        Assert.Equal(D("2025-08-29"), advice.ExcludingExceptions.DueDate);
        Assert.False(advice.ExceptionsApply);
    }

    [Fact]
    public void A_two_week_Christmas_closure_is_too_short_to_be_an_exception()
    {
        // Closed 20 December 2025 - 4 January 2026 (16 days); window 13 December - 29 December.
        var settings = new StatutoryClockSettings
        {
            Closures = [new HolidayClosure(ClosureScope.SchoolsAndColleges, D("2025-12-20"), D("2026-01-05"), "Christmas 2025")],
        };
        var facts = SummerCase(AdviceSource.SchoolOrCollege, "2025-12-15") with
        {
            RequestReceived = D("2025-11-03"),
            DecisionToAssess = new AssessmentDecision(true, D("2025-12-08")),
            Advice = [new AdviceRequestFact("advice-1", AdviceSource.SchoolOrCollege, D("2025-12-15"))],
            Plan = null,
        };

        var timeline = StatutoryClock.Evaluate(facts, D("2026-01-10"), settings);

        Assert.False(timeline.Find(StatutoryStepCode.FinalPlan)!.ExceptionsApply);
        Assert.Contains(timeline.Notes, n => n.Contains("16 days", StringComparison.Ordinal));
    }

    [Fact]
    public void An_early_years_closure_needs_advice_asked_of_an_early_years_provider()
    {
        var settings = new StatutoryClockSettings
        {
            Closures = [new HolidayClosure(ClosureScope.EarlyYearsProviders, D("2025-07-23"), D("2025-09-03"), "Nursery summer")],
        };

        var fromNursery = StatutoryClock.Evaluate(SummerCase(AdviceSource.EarlyYearsProvider, "2025-07-18"), D("2025-12-01"), settings);
        var fromSchool = StatutoryClock.Evaluate(SummerCase(AdviceSource.SchoolOrCollege, "2025-07-18"), D("2025-12-01"), settings);

        Assert.Equal([ExceptionKind.EarlyYearsClosure], fromNursery.Find(StatutoryStepCode.FinalPlan)!.ExceptionsApplied);
        Assert.False(fromSchool.Find(StatutoryStepCode.FinalPlan)!.ExceptionsApply);
    }

    [Fact]
    public void A_closure_recorded_on_the_case_counts_like_a_configured_one()
    {
        var facts = SummerCase(AdviceSource.SchoolOrCollege, "2025-07-18") with
        {
            Exceptions = [new ClockException(ExceptionKind.SchoolOrCollegeClosure, new DateInterval(D("2025-07-23"), D("2025-09-02")))],
        };

        var final = StatutoryClock.Evaluate(facts, D("2025-12-01")).Find(StatutoryStepCode.FinalPlan)!;

        Assert.Equal(D("2025-12-01"), final.ExcludingExceptions.DueDate);
    }

    // ---- reg 8(2) and delay reasons -----------------------------------------------------------------------------

    [Fact]
    public void A_missed_appointment_moves_the_advice_deadline_but_not_the_20_weeks()
    {
        var facts = Case(D("2025-05-20"), new ClockException(ExceptionKind.MissedAppointment, new DateInterval(D("2025-03-10"), D("2025-03-17")))) with
        {
            Advice = [new AdviceRequestFact("task-health", AdviceSource.Health, D("2025-02-12"), D("2025-04-01"))],
        };

        var timeline = StatutoryClock.Evaluate(facts, D("2025-06-01"));
        var advice = timeline.Find(StatutoryStepCode.Advice, "task-health")!;
        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;

        // Due 2025-03-26; 8 days of missed and rebooked appointment: 2025-04-03. Received 2025-04-01.
        Assert.Equal(new StepStatus(StepState.MetLate, 6), advice.IncludingExceptions.Status);
        Assert.Equal(D("2025-04-03"), advice.ExcludingExceptions.DueDate);
        Assert.Equal(StepState.MetOnTime, advice.ExcludingExceptions.Status.State);
        Assert.Equal([ExceptionKind.MissedAppointment], advice.ExceptionsApplied);
        Assert.False(final.ExceptionsApply);
        Assert.Equal(D("2025-05-26"), final.ExcludingExceptions.DueDate);
    }

    [Fact]
    public void Late_information_is_recorded_but_excuses_nothing()
    {
        var late = new ClockException(ExceptionKind.LateInformation, new DateInterval(D("2025-03-26"), D("2025-04-30")), "health advice late");

        var timeline = StatutoryClock.Evaluate(Case(D("2025-06-20"), late), D("2025-07-01"));
        var final = timeline.Find(StatutoryStepCode.FinalPlan)!;

        Assert.False(final.ExceptionsApply);
        Assert.Equal(final.IncludingExceptions.Status, final.ExcludingExceptions.Status);
        Assert.Equal(0, timeline.TwentyWeeks!.Week20Flag);
        Assert.Contains(timeline.Notes, n => n.Contains("not a reg 10(4) exception", StringComparison.Ordinal));
    }

    [Fact]
    public void An_open_step_with_a_known_absence_ahead_is_due_on_the_moved_date()
    {
        // As of 2025-02-05 the family is away 1 February - 1 March (29 days): the final plan is due 2025-06-24 without it.
        var facts = Case(D("2025-06-20"), Away("2025-02-01", "2025-03-01")) with { DecisionToAssess = null, Plan = null };

        var final = StatutoryClock.Evaluate(facts, D("2025-02-05")).Find(StatutoryStepCode.FinalPlan)!;

        Assert.Equal(D("2025-06-24"), final.ExcludingExceptions.DueDate);
        // 2025-02-05 to 2025-06-24: 23 + 31 + 30 + 31 + 24 = 139 days.
        Assert.Equal(new StepStatus(StepState.Due, 139), final.ExcludingExceptions.Status);
        Assert.Equal(5, final.ExcludingExceptions.ExcludedDays); // 1-5 February so far
        Assert.True(final.ExceptionsApply);
    }

    [Fact]
    public void An_overdue_step_counts_clock_days_overdue_without_exceptions()
    {
        // Away 1 Feb - 1 Mar (29 days); no plan by 2025-07-04: 179 calendar days, 150 clock days, 10 past the 140.
        var facts = Case(D("2025-06-20"), Away("2025-02-01", "2025-03-01")) with { Plan = null };

        var final = StatutoryClock.Evaluate(facts, D("2025-07-04")).Find(StatutoryStepCode.FinalPlan)!;

        Assert.Equal(new StepStatus(StepState.Overdue, 39), final.IncludingExceptions.Status); // 5 + 30 + 4
        Assert.Equal(new StepStatus(StepState.Overdue, 10), final.ExcludingExceptions.Status);
    }
}
