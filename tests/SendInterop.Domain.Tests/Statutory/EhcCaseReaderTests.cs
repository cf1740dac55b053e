using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>
/// Reading a child's record shaped like the gateway's demo (DemoData/ChildRecordBuilder.cs: urn:uuid fullUrls in a
/// transaction Bundle, step Tasks focused on the request, the plan as a Task output), then through clock and planner.
/// </summary>
public class EhcCaseReaderTests
{
    private const string ProcessStep = EhcRecordVocabulary.ProcessStepSystem;
    private const string StepStatusSystem = EhcRecordVocabulary.StepStatusSystem;
    private const string Patient = "urn:uuid:00000000-0000-4000-8000-000000000001";
    private const string Request = "urn:uuid:00000000-0000-4000-8000-000000000002";
    private const string Plan = "urn:uuid:00000000-0000-4000-8000-000000000003";
    private const string HealthAdvice = "urn:uuid:00000000-0000-4000-8000-000000000004";
    private const string HealthTask = "urn:uuid:00000000-0000-4000-8000-000000000005";
    private const string EpTask = "urn:uuid:00000000-0000-4000-8000-000000000006";
    private const string Review1 = "urn:uuid:00000000-0000-4000-8000-000000000007";
    private const string Review2 = "urn:uuid:00000000-0000-4000-8000-000000000008";
    private const string La = "Organization/la-926";

    /// <summary>A child with an issued plan: request 2024-01-08, plan issued 2024-05-31, one review held, the next booked.</summary>
    private static Bundle IssuedPlanRecord(Action<ServiceRequest>? request = null, Action<CarePlan>? plan = null)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        void Add(string urn, Resource r) => bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = urn, Resource = r, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = r.TypeName } });

        Add(Patient, new Patient { BirthDate = "2013-06-15" });
        var sr = new ServiceRequest
        {
            Status = RequestStatus.Completed,
            Intent = RequestIntent.Order,
            Code = new CodeableConcept(ProcessStep, EhcRecordVocabulary.RequestForAssessment),
            Subject = new ResourceReference(Patient),
            AuthoredOn = "2024-01-08",
            Performer = [new ResourceReference(La)],
        };
        request?.Invoke(sr);
        Add(Request, sr);
        Add(NewUrn(10), StepTask(EhcRecordVocabulary.DecideToAssess, "Decide whether to carry out an EHC needs assessment (CFA s.36)", "2024-01-08", "2024-02-16", "decided-to-assess"));
        Add(HealthAdvice, new DocumentReference
        {
            Status = DocumentReferenceStatus.Current,
            Type = new CodeableConcept(ProcessStep, "advice"),
            Subject = new ResourceReference(Patient),
            Custodian = new ResourceReference("Organization/ods-RY3"),
            Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { Title = "Health advice" } }],
        });
        var health = StepTask(EhcRecordVocabulary.AdviceRequest, "Health advice: requested under SEND Regs 2014 reg 6; due within 6 weeks (reg 8)", "2024-02-19", "2024-04-12", "advice-received", HealthAdvice);
        health.Owner = new ResourceReference("Practitioner/ry3-paediatrician");
        Add(HealthTask, health);
        var ep = StepTask(EhcRecordVocabulary.AdviceRequest, "Educational psychology advice: requested under SEND Regs 2014 reg 6; due within 6 weeks (reg 8)", "2024-02-19", "2024-03-25", "advice-received");
        ep.Owner = new ResourceReference("Practitioner/la-926-ep");
        Add(EpTask, ep);
        Add(NewUrn(11), StepTask(EhcRecordVocabulary.DraftPlan, "Issue the draft EHC plan (section I blank) for 15 days' comment", "2024-02-16", "2024-05-02", "draft-issued", Plan));
        Add(NewUrn(12), StepTask(EhcRecordVocabulary.FinalPlan, "Issue the final EHC plan within 20 weeks of the request (SEND Regs 2014 reg 13)", "2024-02-16", "2024-05-31", "plan-issued", Plan));

        var carePlan = new CarePlan
        {
            Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
            Status = RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
            Subject = new ResourceReference(Patient),
            Created = "2024-05-02",
            Period = new Period { Start = "2024-05-31" },
            Author = new ResourceReference(La),
            Extension = [new Extension(SendCanonical.Extensions.EhcPlacement, new ResourceReference("Organization/school-100001"))],
        };
        plan?.Invoke(carePlan);
        Add(Plan, carePlan);
        Add(Review1, ReviewEncounter(Encounter.EncounterStatus.Finished, "2025-05-20"));
        Add(Review2, ReviewEncounter(Encounter.EncounterStatus.Planned, "2026-05-20"));
        return bundle;
    }

    [Fact]
    public void Without_an_owner_the_adviser_is_the_custodian_of_unlabelled_advice_only()
    {
        // The step's Task is read by whoever may read the request: it must not say a labelled document came from CAMHS.
        AdviceRequestFact Health(string? label)
        {
            var record = IssuedPlanRecord();
            record.Entry.Select(e => e.Resource).OfType<FhirTask>().Single(t => t.Description?.StartsWith("Health", StringComparison.Ordinal) == true).Owner = null;
            if (label is not null)
                record.Entry.Select(e => e.Resource).OfType<DocumentReference>().Single().Meta =
                    new Meta { Security = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", label)] };
            return Assert.Single(EhcCaseReader.Read(record)).Advice.Single(a => a.Source == AdviceSource.Health);
        }
        Assert.Equal("Organization/ods-RY3", Health(label: null).AdviserReference);
        Assert.Null(Health(label: "MH").AdviserReference);
    }

    private static string NewUrn(int n) => $"urn:uuid:00000000-0000-4000-8000-0000000000{n:D2}";

    private static FhirTask StepTask(string code, string description, string started, string? done, string? outcome, string? output = null)
    {
        var task = new FhirTask
        {
            Status = done is null ? FhirTask.TaskStatus.InProgress : FhirTask.TaskStatus.Completed,
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept(ProcessStep, code),
            Description = description,
            Focus = new ResourceReference(Request),
            For = new ResourceReference(Patient),
            AuthoredOn = started,
            Owner = new ResourceReference("Practitioner/la-926-coordinator"),
            ExecutionPeriod = new Period { Start = started, End = done },
        };
        if (outcome is not null) task.BusinessStatus = new CodeableConcept(StepStatusSystem, outcome);
        if (output is not null && done is not null) task.Output.Add(new FhirTask.OutputComponent { Type = new CodeableConcept { Text = "x" }, Value = new ResourceReference(output) });
        return task;
    }

    private static Encounter ReviewEncounter(Encounter.EncounterStatus status, string day) => new()
    {
        Status = status,
        Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
        Type = [new CodeableConcept(ProcessStep, EhcRecordVocabulary.AnnualReview)],
        Subject = new ResourceReference(Patient),
        Period = new Period { Start = day, End = status == Encounter.EncounterStatus.Finished ? day : null },
    };

    [Fact]
    public void Reads_the_case_facts_from_a_demo_shaped_record()
    {
        var facts = Assert.Single(EhcCaseReader.Read(IssuedPlanRecord()));

        Assert.Equal("00000000-0000-4000-8000-000000000002", facts.CaseId);
        Assert.Equal(Patient, facts.PatientReference);
        Assert.Equal(Request, facts.RequestReference);
        Assert.Equal(La, facts.LocalAuthorityReference);
        Assert.Equal(D("2013-06-15"), facts.BirthDate);
        Assert.Equal(D("2024-01-08"), facts.RequestReceived);
        Assert.Equal(new AssessmentDecision(true, D("2024-02-16")), facts.DecisionToAssess);
        Assert.Equal(D("2024-05-02"), facts.DraftIssued);

        Assert.Equal(2, facts.Advice.Count);
        var health = facts.Advice.Single(a => a.Source == AdviceSource.Health);
        Assert.Equal(D("2024-02-19"), health.RequestedOn);
        Assert.Equal(D("2024-04-12"), health.ReceivedOn);
        Assert.Equal("Practitioner/ry3-paediatrician", health.AdviserReference); // who was asked, not the advice's custodian
        Assert.Equal("00000000-0000-4000-8000-000000000005", health.Key);
        var ep = facts.Advice.Single(a => a.Source == AdviceSource.EducationalPsychologist);
        Assert.Equal("Practitioner/la-926-ep", ep.AdviserReference); // no advice document: the Task's owner

        var plan = facts.Plan!;
        Assert.Equal(Plan, plan.PlanReference);
        Assert.Equal(D("2024-05-31"), plan.Issued);
        Assert.Equal("Organization/school-100001", plan.NamedSettingReference);
        Assert.Equal(2, plan.Reviews.Count);
        Assert.Contains(plan.Reviews, r => r.MeetingHeld == D("2025-05-20"));
        Assert.Contains(plan.Reviews, r => r.MeetingScheduled == D("2026-05-20"));
        Assert.Null(plan.Cessation);
    }

    [Fact]
    public void From_record_to_tasks()
    {
        var facts = Assert.Single(EhcCaseReader.Read(IssuedPlanRecord()));

        var timeline = StatutoryClock.Evaluate(facts, D("2025-07-01"));
        var tasks = StatutoryTaskPlanner.Plan(timeline);

        // Request 2024-01-08: decision due 2024-02-19 (met 16th), final due 2024-05-27 (Jan +23, Feb +52, Mar +83, Apr +113, May 27 +140).
        Assert.Equal(StepState.MetOnTime, timeline.Find(StatutoryStepCode.DecisionToAssess)!.Status.State);
        Assert.Equal(D("2024-05-27"), timeline.Find(StatutoryStepCode.FinalPlan)!.DueDate);
        Assert.Equal(new StepStatus(StepState.MetLate, 4), timeline.Find(StatutoryStepCode.FinalPlan)!.Status);
        // Health asked 2024-02-19, due 2024-04-01 (Feb +10 in a leap February, Mar +41, 1 Apr +42); back 2024-04-12: 11 days late.
        Assert.Equal(new StepStatus(StepState.MetLate, 11), timeline.Find(StatutoryStepCode.Advice, "00000000-0000-4000-8000-000000000005")!.Status);
        // Review held 2025-05-20 (due 2025-05-31): on time; next due 2026-05-20, booked, so in progress.
        Assert.Equal(StepState.MetOnTime, timeline.Find(StatutoryStepCode.AnnualReview, "review-1")!.Status.State);
        var next = timeline.Find(StatutoryStepCode.AnnualReview, "review-2")!;
        Assert.Equal(D("2026-05-20"), next.DueDate);
        Assert.True(next.Started);
        // Born 2013-06-15 (cohort 2013): year 12 from September 2029, beyond the next review; the next transfer is post-16 in 2029.
        Assert.Equal(D("2029-03-31"), timeline.Find(StatutoryStepCode.PhaseTransferReview)!.DueDate);

        var decisionOfReview = tasks.Single(t => t.Identifier.Single().Value.EndsWith(":review-decision:review-1", StringComparison.Ordinal));
        // The meeting was 2025-05-20; no decision recorded by 2025-07-01: due 2025-06-17, 14 days overdue.
        Assert.Equal("2025-06-17", decisionOfReview.Restriction.Period.End);
        Assert.Equal("Overdue by 14 days", decisionOfReview.BusinessStatus.Text);
    }

    [Fact]
    public void The_demo_cease_note_and_the_structured_extension_both_give_the_SEN2_reason()
    {
        var fromNote = EhcCaseReader.Read(IssuedPlanRecord(plan: p =>
        {
            p.Status = RequestStatus.Revoked;
            p.Period.End = "2025-07-31";
            p.Note.Add(new Annotation { Text = new Markdown("Plan ceased (Moved on to paid employment); SEN2 cease reason employ. Decision notified (SEND Regs 2014 reg 31).") });
        })).Single().Plan!.Cessation!;
        var fromExtension = EhcCaseReader.Read(IssuedPlanRecord(plan: p =>
        {
            p.Status = RequestStatus.Revoked;
            p.Period.End = "2025-07-31";
            p.Extension.Add(new Extension(StatutoryCanonical.Extensions.CeaseReason, new Coding(StatutoryCanonical.Sen2CeaseReasonCodeSystem, "5")));
        })).Single().Plan!.Cessation!;

        Assert.Equal(new PlanCessation(D("2025-07-31"), CeaseReason.PaidEmployment), fromNote);
        Assert.Equal(new PlanCessation(D("2025-07-31"), CeaseReason.TransferredToAnotherLa), fromExtension);
    }

    [Fact]
    public void Clock_exceptions_and_withdrawal_come_from_the_request_extensions()
    {
        var records = EhcCaseReader.Read(IssuedPlanRecord(request: r =>
        {
            r.Extension.Add(new Extension
            {
                Url = StatutoryCanonical.Extensions.ClockException,
                Extension =
                [
                    new Extension("kind", new Coding(StatutoryCanonical.ClockExceptionCodeSystem, "family-away")),
                    new Extension("period", new Period { Start = "2024-03-01", End = "2024-04-05" }),
                ],
            });
            r.Extension.Add(new Extension(StatutoryCanonical.Extensions.RequestWithdrawn, new Date("2024-06-01")));
        }));

        var facts = Assert.Single(records);
        var exception = Assert.Single(facts.Exceptions);
        Assert.Equal(ExceptionKind.FamilyAwayFromArea, exception.Kind);
        Assert.Equal(new DateInterval(D("2024-03-01"), D("2024-04-05")), exception.Days);
        Assert.Equal(D("2024-06-01"), facts.WithdrawnOn);
    }

    [Fact]
    public void A_refused_request_reads_as_refused()
    {
        var bundle = new Bundle();
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = Request, Resource = new ServiceRequest
        {
            Status = RequestStatus.Revoked,
            Code = new CodeableConcept(ProcessStep, EhcRecordVocabulary.RequestForAssessment),
            Subject = new ResourceReference(Patient),
            AuthoredOn = "2025-05-12",
        } });
        bundle.Entry.Add(new Bundle.EntryComponent { FullUrl = NewUrn(20), Resource = StepTask(EhcRecordVocabulary.DecideToAssess, "Decide", "2025-05-12", "2025-06-20", "decided-not-to-assess") });

        var facts = Assert.Single(EhcCaseReader.Read(bundle));

        Assert.Equal(new AssessmentDecision(false, D("2025-06-20")), facts.DecisionToAssess);
        Assert.Null(facts.Plan);
        Assert.Equal(CaseRoute.RefusedToAssess, StatutoryClock.Evaluate(facts, D("2025-07-01")).Route);
    }

    [Fact]
    public void Stored_resources_are_read_by_type_and_id()
    {
        var request = new ServiceRequest
        {
            Id = "sr-9",
            Code = new CodeableConcept(ProcessStep, EhcRecordVocabulary.RequestForAssessment),
            Subject = new ResourceReference("Patient/p-9"),
            AuthoredOn = "2025-01-06T10:15:00Z",
            Performer = [new ResourceReference("http://gateway.example/fhir/Organization/la-926")],
        };
        var decision = StepTask(EhcRecordVocabulary.DecideToAssess, "Decide", "2025-01-06", "2025-02-10", "decided-to-assess");
        decision.Id = "t-1";
        decision.Focus = new ResourceReference("ServiceRequest/sr-9/_history/1");

        var facts = Assert.Single(EhcCaseReader.Read([request, decision, new Patient { Id = "p-9", BirthDate = "2015-01-10" }]));

        Assert.Equal("sr-9", facts.CaseId);
        Assert.Equal("ServiceRequest/sr-9", facts.RequestReference);
        Assert.Equal(La, facts.LocalAuthorityReference);
        Assert.Equal(D("2025-01-06"), facts.RequestReceived);
        Assert.Equal(D("2015-01-10"), facts.BirthDate);
        Assert.Equal(D("2025-02-10"), facts.DecisionToAssess!.NotifiedOn);
    }
}
