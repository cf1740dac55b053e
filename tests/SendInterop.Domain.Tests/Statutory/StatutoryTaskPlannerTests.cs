using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>Timeline to Tasks: one per owed step, stable identifiers, statuses and due dates.</summary>
public class StatutoryTaskPlannerTests
{
    private static IReadOnlyList<FhirTask> Plan(EhcCaseFacts facts, string asOf) =>
        StatutoryTaskPlanner.Plan(StatutoryClock.Evaluate(facts, D(asOf)));

    private static FhirTask ByIdentifier(IEnumerable<FhirTask> tasks, string value) =>
        tasks.Single(t => t.Identifier.Single(i => i.System == StatutoryCanonical.StepIdentifierSystem).Value == value);

    private static string Json(IEnumerable<FhirTask> tasks) => string.Join("\n", tasks.Select(t => new FhirJsonSerializer().SerializeToString(t)));

    [Fact]
    public void One_task_per_owed_step_with_identifiers_from_the_case_and_step()
    {
        var tasks = Plan(AssessmentTimelineTests.January2025Case(), "2025-06-15");

        // Process order; advice requests by the day asked, then by key (both asked 2025-02-12: "task-ep" < "task-health").
        Assert.Equal(
            [
                "sr-1:decision-to-assess", "sr-1:advice:task-ep", "sr-1:advice:task-health", "sr-1:draft-plan",
                "sr-1:draft-representations", "sr-1:final-plan", "sr-1:annual-review:review-1",
            ],
            tasks.Select(t => t.Identifier.Single().Value));
        Assert.All(tasks, t => Assert.Equal(StatutoryCanonical.StepIdentifierSystem, t.Identifier.Single().System));
        Assert.All(tasks, t => Assert.Equal("Patient/child-1", t.For.Reference));
    }

    [Fact]
    public void A_met_step_is_completed_with_its_due_date_and_how_late()
    {
        var final = ByIdentifier(Plan(AssessmentTimelineTests.January2025Case(), "2025-06-15"), "sr-1:final-plan");

        Assert.Equal(FhirTask.TaskStatus.Completed, final.Status);
        Assert.Equal("2025-05-26", final.Restriction.Period.End);
        Assert.Equal("2025-01-06", final.Restriction.Period.Start);
        Assert.Equal("2025-05-30", final.ExecutionPeriod.End);
        Assert.Equal("met-late", final.BusinessStatus.Coding.Single().Code);
        Assert.Equal(StatutoryCanonical.StepStatusCodeSystem, final.BusinessStatus.Coding.Single().System);
        Assert.Equal("Met 4 days late", final.BusinessStatus.Text);
        Assert.Equal(StatutoryCanonical.StepCodeSystem, final.Code.Coding.Single().System);
        Assert.Equal("final-plan", final.Code.Coding.Single().Code);
        Assert.Equal("CarePlan/plan-1", final.Focus.Reference);
        Assert.Equal("Organization/la-926", final.Owner.Reference);
        Assert.Contains("reg 13(2)", final.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overdue_step_is_flagged_in_business_status_and_priority()
    {
        var undecided = AssessmentTimelineTests.January2025Case() with { DecisionToAssess = null, Advice = [], DraftIssued = null, Plan = null };

        var tasks = Plan(undecided, "2025-03-01");
        var decision = ByIdentifier(tasks, "sr-1:decision-to-assess");
        var final = ByIdentifier(tasks, "sr-1:final-plan");

        Assert.Equal("overdue", decision.BusinessStatus.Coding.Single().Code);
        Assert.Equal("Overdue by 12 days", decision.BusinessStatus.Text);
        Assert.Equal(RequestPriority.Urgent, decision.Priority);
        Assert.Equal(FhirTask.TaskStatus.InProgress, decision.Status); // the LA is considering it from day 0
        Assert.Equal("2025-02-17", decision.Restriction.Period.End);
        Assert.Equal("ServiceRequest/sr-1", decision.Focus.Reference);
        // The final plan is owed but work on it has not started (no decision to assess yet).
        Assert.Equal(FhirTask.TaskStatus.Requested, final.Status);
        Assert.Equal("due", final.BusinessStatus.Coding.Single().Code);
        Assert.Equal(RequestPriority.Routine, final.Priority);
        // The draft is not owed before the decision: no Task.
        Assert.DoesNotContain(tasks, t => t.Identifier.Single().Value == "sr-1:draft-plan");
    }

    [Fact]
    public void The_same_facts_give_identical_tasks()
    {
        var first = Plan(AssessmentTimelineTests.January2025Case(), "2025-06-15");
        var second = Plan(AssessmentTimelineTests.January2025Case(), "2025-06-15");

        Assert.Equal(Json(first), Json(second));
        Assert.All(first.Zip(second), pair => Assert.True(pair.First.IsExactly(pair.Second)));
    }

    [Fact]
    public void Changed_facts_keep_the_identifiers_and_update_the_status()
    {
        var facts = AssessmentTimelineTests.January2025Case();
        var before = Plan(facts with { DecisionToAssess = null, Advice = [], DraftIssued = null, DraftRepresentationsReceived = null, Plan = null }, "2025-03-01");
        var after = Plan(facts, "2025-06-15");

        foreach (var old in before)
        {
            var value = old.Identifier.Single().Value;
            var updated = ByIdentifier(after, value);
            Assert.Equal(old.Code.Coding.Single().Code, updated.Code.Coding.Single().Code);
        }

        Assert.Equal(FhirTask.TaskStatus.Completed, ByIdentifier(after, "sr-1:decision-to-assess").Status);
        Assert.Equal("met-on-time", ByIdentifier(after, "sr-1:decision-to-assess").BusinessStatus.Coding.Single().Code);
    }

    [Fact]
    public void Refusal_cancels_the_final_plan_task()
    {
        var facts = new EhcCaseFacts
        {
            CaseId = "sr-2",
            PatientReference = "Patient/child-2",
            RequestReceived = D("2025-05-12"),
            DecisionToAssess = new AssessmentDecision(false, D("2025-06-20")),
        };

        var final = ByIdentifier(Plan(facts, "2025-07-01"), "sr-2:final-plan");

        Assert.Equal(FhirTask.TaskStatus.Cancelled, final.Status);
        Assert.Equal("cancelled", final.BusinessStatus.Coding.Single().Code);
    }

    [Fact]
    public void Owners_are_named_and_typed()
    {
        var tasks = Plan(AssessmentTimelineTests.January2025Case(), "2025-06-15");

        var health = ByIdentifier(tasks, "sr-1:advice:task-health");
        Assert.Equal("Organization/ods-RY3", health.Owner.Reference);
        Assert.Equal("health", health.PerformerType.Single().Coding.Single().Code);

        var family = ByIdentifier(tasks, "sr-1:draft-representations");
        Assert.Null(family.Owner);
        Assert.Equal("family", family.PerformerType.Single().Coding.Single().Code);
    }

    [Fact]
    public void The_due_date_excluding_exceptions_travels_as_an_extension()
    {
        var facts = AssessmentTimelineTests.January2025Case() with
        {
            Exceptions = [new ClockException(ExceptionKind.FamilyAwayFromArea, new DateInterval(D("2025-02-01"), D("2025-03-01")))],
        };

        var final = ByIdentifier(Plan(facts, "2025-06-15"), "sr-1:final-plan");

        Assert.Equal("2025-06-24", ((Date)final.GetExtension(StatutoryCanonical.Extensions.DueExcludingExceptions).Value).Value);
        Assert.True(((FhirBoolean)final.GetExtension(StatutoryCanonical.Extensions.ExceptionsApply).Value).Value);
        Assert.Equal("2025-05-26", final.Restriction.Period.End);
    }

    [Fact]
    public void Review_and_transfer_tasks_focus_on_the_plan()
    {
        var facts = new EhcCaseFacts
        {
            CaseId = "plan-7",
            PatientReference = "Patient/child-7",
            LocalAuthorityReference = "Organization/la-926",
            BirthDate = D("2015-01-10"),
            Plan = new EhcPlanFacts { PlanReference = "CarePlan/p7", Issued = D("2024-05-01"), NamedSettingReference = "Organization/school-1" },
        };

        var tasks = Plan(facts, "2025-10-01");

        var review = ByIdentifier(tasks, "plan-7:annual-review:review-1");
        Assert.Equal("CarePlan/p7", review.Focus.Reference);
        Assert.Equal("Organization/school-1", review.Owner.Reference);
        Assert.Equal("2025-05-01", review.Restriction.Period.End);
        Assert.Equal("overdue", review.BusinessStatus.Coding.Single().Code);
        var transfer = ByIdentifier(tasks, "plan-7:phase-transfer-review:primary-to-secondary-2026");
        Assert.Equal("2026-02-15", transfer.Restriction.Period.End);
        Assert.StartsWith(StatutoryTaskPlanner.IdentifierPrefix("plan-7"), transfer.Identifier.Single().Value, StringComparison.Ordinal);
    }
}
