using SendInterop.Domain.Access.Gate;
using static SendInterop.Domain.Tests.Access.Gate.GateScenario;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>
/// The twelve worked cases of CONSENT.md ("answers the tests must give"), one fact each, read through ADR 3. Where a
/// case's answer depends on a condition the table leaves implicit (a Tier 1 agreement, who recorded a Consent), the
/// fact sets it up as the ADR requires and, where useful, shows the answer changes without it.
/// </summary>
public class ConsentGateWorkedCasesTests
{
    // Cases 1-3: the LA's SEN team assessing the child; CAMHS holds advice and treatment notes.
    private static readonly Requester LaAssessing = Requester(La, Agencies.Education, PurposesOfUse.EhcAssessment);

    private static readonly SharingAgreements HealthToLaForAssessment = Agreements(
        [Tier1("t1-norfolk-send", [La, Camhs, Gp], PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview)],
        Tier2("t2-health-to-education", Agencies.Health, Agencies.Education, [DataClasses.Health], PurposesOfUse.EhcAssessment));

    private static readonly ResourceFacts CamhsAdvice =
        Data("DocumentReference", "camhs-advice", Camhs, Agencies.Health, DataClasses.Health, dataDate: Utc(2026, 10, 1));

    private static readonly ResourceFacts CamhsTreatmentNotes =
        Data("DocumentReference", "camhs-notes", Camhs, Agencies.Health, DataClasses.Health,
            labels: [SecurityLabels.MentalHealth], dataDate: Utc(2026, 2, 1));

    [Fact]
    public void Case01_LaAssessing_ReadsCamhsAdvice_OnStatutoryBasis()
    {
        var child = Child(BornAged14).WithOpenAssessment(La);

        var decision = Decide(LaAssessing, CamhsAdvice, child, HealthToLaForAssessment);

        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.AgreementAndStatute), decision);
        // The basis is the open assessment: without it there is none.
        Assert.Equal(GateRules.DefaultDeny, Decide(LaAssessing, CamhsAdvice, Child(BornAged14), HealthToLaForAssessment).Rule);
    }

    [Fact]
    public void Case02_LaAssessing_IsRefusedMentalHealthNotes_WithoutAnExplicitPermit()
    {
        var child = Child(BornAged14).WithOpenAssessment(La);

        var decision = Decide(LaAssessing, CamhsTreatmentNotes, child, HealthToLaForAssessment);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel), decision);
    }

    [Fact]
    public void Case03_LaAssessing_ReadsMentalHealthNotes_WhenTheParentPermitsTheLabel()
    {
        var parentPermits = Directive("consent-parent-mh", ConsentPerformer.Parent,
            Permit(actors: [La], purposes: [PurposesOfUse.EhcAssessment], labels: [SecurityLabels.MentalHealth]));
        var child = Child(BornAged14, parentPermits).WithOpenAssessment(La);

        var decision = Decide(LaAssessing, CamhsTreatmentNotes, child, HealthToLaForAssessment);

        // Both bases hold; the ADR lists the Consent first.
        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.AgreementAndConsent, "consent-parent-mh"), decision);
    }

    // Cases 4-5: schools reading the EHC plan for direct care.
    private static readonly SharingAgreements LaToSchools = Agreements(
        [Tier1("t1-norfolk-schools", [La, School, OtherSchool], PurposesOfUse.DirectCare)],
        Tier2("t2-la-to-schools", Agencies.Education, Agencies.Education, [DataClasses.Plan], PurposesOfUse.DirectCare));

    [Fact]
    public void Case04_SchoolNamedInThePlan_ReadsIt()
    {
        var senco = Requester(School, Agencies.Education, PurposesOfUse.DirectCare);

        var decision = Decide(senco, Plan(School), Child(BornAged14), LaToSchools);

        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.AgreementAndStatute), decision);
    }

    [Fact]
    public void Case05_SchoolNotNamedInThePlan_IsRefused()
    {
        var otherSenco = Requester(OtherSchool, Agencies.Education, PurposesOfUse.DirectCare);

        var decision = Decide(otherSenco, Plan(School), Child(BornAged14), LaToSchools);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.DefaultDeny), decision);
    }

    [Fact]
    public void Case06_YoungPersonsRefusal_OverridesAgreementAndPlan()
    {
        var paediatrician = Requester(Paediatrics, Agencies.Health, PurposesOfUse.DirectCare);
        var agreements = Agreements(
            [Tier1("t1-norfolk-health", [La, Paediatrics], PurposesOfUse.DirectCare)],
            Tier2("t2-education-to-health", Agencies.Education, Agencies.Health, [DataClasses.Plan], PurposesOfUse.DirectCare));
        var sectionsCAndG = Plan(Paediatrics) with { Codes = [new DataCode("https://fhir.sendinterop.org.uk/CodeSystem/ehc-plan-section", "C")] };
        var refusal = Directive("consent-yp-refuses-rcx", ConsentPerformer.YoungPerson, Deny(actors: [Paediatrics]));

        var decision = Decide(paediatrician, sectionsCAndG, Child(BornAged17, refusal), agreements);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-yp-refuses-rcx"), decision);
        // Without the refusal the plan naming the trust would be a basis.
        Assert.True(Decide(paediatrician, sectionsCAndG, Child(BornAged17), agreements).Permitted);
    }

    [Fact]
    public void Case07_SocialWorkerBreakingGlass_SeesEverything_TimeBoxedAndFlagged()
    {
        var until = Now.AddHours(4);
        var socialWorker = Requester(LaSocialCare, Agencies.SocialCare, PurposesOfUse.Safeguarding,
            breakGlassReason: "Section 47 enquiry opened after a disclosure at school", breakGlassUntil: until);
        var everything = new[] { CamhsTreatmentNotes, CamhsAdvice, GpObservation(), Plan(School) };
        var refusal = Directive("consent-parent-refuses", ConsentPerformer.Parent, Deny());

        foreach (var data in everything)
        {
            Assert.Equal(new GateDecision(Verdict.Permit, GateRules.BreakGlass, BreakGlass: true),
                Decide(socialWorker, data, Child(BornAged14, refusal), SharingAgreements.None));
            // The time box closes.
            Assert.Equal(new GateDecision(Verdict.Deny, GateRules.DefaultDeny),
                Decide(socialWorker, data, Child(BornAged14, refusal), SharingAgreements.None, until));
        }
    }

    [Fact]
    public void Case08_Commissioner_GetsNoRowLevelResource()
    {
        var commissioner = Requester(Icb, Agencies.Health, PurposesOfUse.Commissioning);
        var permitsAll = Directive("consent-parent-all", ConsentPerformer.Parent, Permit());
        var agreements = Agreements(
            [Tier1("t1-all", [Icb, Gp, La], PurposesOfUse.Commissioning)],
            Tier2("t2-all", Agencies.Health, Agencies.Health, [DataClasses.Health], PurposesOfUse.Commissioning));
        var any = new[]
        {
            GpObservation(), Plan(Icb),
            Data("Organization", "org-1", Icb, Agencies.Health, DataClasses.Directory, childId: null),
            Data("Observation", "icb-own", Icb, Agencies.Health, DataClasses.Health),
        };

        foreach (var data in any)
            Assert.Equal(new GateDecision(Verdict.Deny, GateRules.Commissioning),
                Decide(commissioner, data, Child(BornAged14, permitsAll), agreements));
    }

    [Fact]
    public void Case09_OwnerWithNoTier1Agreement_IsNeverShared()
    {
        var agreements = Agreements(
            [Tier1("t1-norfolk-send", [La, Camhs, Gp, Paediatrics], PurposesOfUse.All.ToArray())],
            Tier2("t2-health-to-education", Agencies.Health, Agencies.Education, [DataClasses.Health], PurposesOfUse.All.ToArray()),
            Tier2("t2-health-to-health", Agencies.Health, Agencies.Health, [DataClasses.Health], PurposesOfUse.All.ToArray()));
        var permitsAll = Directive("consent-parent-all", ConsentPerformer.Parent, Permit());
        var child = Child(BornAged14, permitsAll).WithOpenAssessment(La);
        var unagreedData = Data("Observation", "obs-unagreed", Unagreed, Agencies.Health, DataClasses.Health);

        foreach (var (org, agency) in new[] { (La, Agencies.Education), (Paediatrics, Agencies.Health), (Gp, Agencies.Health) })
            foreach (var purpose in new[] { PurposesOfUse.DirectCare, PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview })
                Assert.Equal(new GateDecision(Verdict.Deny, GateRules.NoTier1),
                    Decide(Requester(org, agency, purpose), unagreedData, child, agreements));
    }

    [Fact]
    public void Case10_YoungPersonsApp_SeesWhoHasSeenTheirRecord()
    {
        var app = Requester(SubjectAccessApp, Agencies.Education, PurposesOfUse.SubjectAccess, patientContext: ChildId);
        var audit = Data("AuditEvent", "audit-1", La, Agencies.Education, DataClasses.Audit, dataDate: Utc(2026, 11, 20));

        var decision = Decide(app, audit, Child(BornAged17), SharingAgreements.None);

        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.SubjectAccess), decision);
    }

    [Fact]
    public void Case11_ConsentDataPeriod_WithholdsOlderData_AndPermitsTheRest()
    {
        var laReviewing = Requester(La, Agencies.Education, PurposesOfUse.EhcReview);
        var agreements = Agreements(
            [Tier1("t1-norfolk-send", [La, Gp], PurposesOfUse.EhcReview)],
            Tier2("t2-health-to-education", Agencies.Health, Agencies.Education, [DataClasses.Health], PurposesOfUse.EhcReview));
        var fromJan2024 = new TimeRange(Utc(2024, 1, 1, 0), null);
        var consent = Directive("consent-parent-review", ConsentPerformer.Parent,
            Permit(actors: [La], purposes: [PurposesOfUse.EhcReview], dataPeriod: fromJan2024));
        // No open review for the LA in this case: an open one would be a statutory basis whatever the dataPeriod.
        var child = Child(BornAged14, consent);

        var twoYearsBefore = GpObservation("obs-2022", dataDate: Utc(2022, 1, 1));
        var inside = GpObservation("obs-2025", dataDate: Utc(2025, 6, 1));

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.DefaultDeny), Decide(laReviewing, twoYearsBefore, child, agreements));
        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.AgreementAndConsent, "consent-parent-review"), Decide(laReviewing, inside, child, agreements));
    }

    [Fact]
    public void Case12_SearchOfTen_ReturnsExactlyTheSevenWithoutTheSexualHealthLabel()
    {
        var trust = Requester(Paediatrics, Agencies.Health, PurposesOfUse.DirectCare);
        var agreements = Agreements(
            [Tier1("t1-norfolk-health", [Paediatrics, Gp], PurposesOfUse.DirectCare)],
            Tier2("t2-health-to-health", Agencies.Health, Agencies.Health, [DataClasses.Health], PurposesOfUse.DirectCare));
        var consent = Directive("consent-parent-direct-care", ConsentPerformer.Parent,
            Permit(actors: [Paediatrics], purposes: [PurposesOfUse.DirectCare]));
        var child = Child(BornAged14, consent);
        var labelled = new HashSet<int> { 2, 5, 9 };
        var results = Enumerable.Range(0, 10)
            .Select(i => GpObservation($"obs-{i}", labels: labelled.Contains(i) ? [SecurityLabels.SexualHealth] : null))
            .ToList();

        var decisions = results.Select(r => (r.ResourceId, Decision: Decide(trust, r, child, agreements))).ToList();

        Assert.Equal(
            ["obs-0", "obs-1", "obs-3", "obs-4", "obs-6", "obs-7", "obs-8"],
            decisions.Where(d => d.Decision.Permitted).Select(d => d.ResourceId));
        Assert.All(decisions.Where(d => d.Decision.Permitted),
            d => Assert.Equal(new GateDecision(Verdict.Permit, GateRules.AgreementAndConsent, "consent-parent-direct-care"), d.Decision));
        Assert.All(decisions.Where(d => !d.Decision.Permitted),
            d => Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel), d.Decision));
    }
}
