using SendInterop.Domain.Access.Gate;
using static SendInterop.Domain.Tests.Access.Gate.GateScenario;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>
/// The edges of each ADR 3 rule. Most facts use one setting: community paediatrics (health) asking for direct care
/// for a GP Observation, with Tier 1 and Tier 2 agreements in place, so the only thing missing for a permit is a
/// basis, which the Consent under test gives or does not.
/// </summary>
public class ConsentGateRuleEdgeTests
{
    private static readonly Requester Paeds = Requester(Paediatrics, Agencies.Health, PurposesOfUse.DirectCare);
    private static readonly Requester Camhs_ = Requester(Camhs, Agencies.Health, PurposesOfUse.DirectCare);

    private static readonly SharingAgreements HealthAgreements = Agreements(
        [Tier1("t1-health", [Paediatrics, Camhs, Gp], PurposesOfUse.DirectCare, PurposesOfUse.EhcReview)],
        Tier2("t2-health-to-health", Agencies.Health, Agencies.Health, [DataClasses.Health], PurposesOfUse.DirectCare));

    private static readonly DataCode Asthma = new("http://snomed.info/sct", "195967001");
    private static readonly DataCode Bmi = new("http://snomed.info/sct", "60621009");

    private static ConsentDirective ParentPermitsPaeds(string id = "consent-parent") =>
        Directive(id, ConsentPerformer.Parent, Permit(actors: [Paediatrics], purposes: [PurposesOfUse.DirectCare]));

    private static ConsentDirective YoungPersonPermitsPaeds(string id = "consent-yp") =>
        Directive(id, ConsentPerformer.YoungPerson, Permit(actors: [Paediatrics], purposes: [PurposesOfUse.DirectCare]));

    private static GateDecision ByConsent(string id) => new(Verdict.Permit, GateRules.AgreementAndConsent, id);

    private static readonly GateDecision NoBasis = new(Verdict.Deny, GateRules.DefaultDeny);

    // ------------------------------------------------------------------ rules 2-4

    [Fact]
    public void Commissioning_IsRefusedEvenItsOwnRecords()
    {
        var icb = Requester(Icb, Agencies.Health, PurposesOfUse.Commissioning);
        var own = Data("Observation", "icb-own", Icb, Agencies.Health, DataClasses.Health);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.Commissioning), Decide(icb, own, null, SharingAgreements.None));
    }

    [Fact]
    public void OwnRecords_ArePermitted_WithSensitiveLabels_AndDespiteARefusal()
    {
        var gp = Requester(Gp, Agencies.Health, PurposesOfUse.DirectCare);
        var sensitive = GpObservation(labels: [SecurityLabels.SexualHealth, SecurityLabels.VeryRestricted]);
        var refusal = Directive("consent-refuses", ConsentPerformer.Parent, Deny());

        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.OwnRecords),
            Decide(gp, sensitive, Child(BornAged14, refusal), SharingAgreements.None));
    }

    [Fact]
    public void Directory_IsPermittedToAnyone_ForAnyPurposeButCommissioning()
    {
        var organisation = Data("Organization", Gp, Gp, Agencies.Health, DataClasses.Directory, childId: null);
        foreach (var purpose in PurposesOfUse.All)
        {
            var stranger = Requester(OtherSchool, Agencies.Education, purpose);
            var expected = purpose == PurposesOfUse.Commissioning
                ? new GateDecision(Verdict.Deny, GateRules.Commissioning)
                : new GateDecision(Verdict.Permit, GateRules.Directory);
            Assert.Equal(expected, Decide(stranger, organisation, null, SharingAgreements.None));
        }
    }

    [Fact]
    public void LegacyRowWithNoOwner_IsOwnedByNobody_AndHasNoTier1Agreement()
    {
        var legacy = Data("Observation", "legacy-1", owner: null, ownerAgency: null, DataClasses.Health);
        var child = Child(BornAged14, ParentPermitsPaeds());

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.NoTier1), Decide(Paeds, legacy, child, HealthAgreements));
        // Nobody's own record, even for a requester whose organisation id is empty.
        Assert.Equal(GateRules.NoTier1, Decide(Requester("", Agencies.Health, PurposesOfUse.DirectCare), legacy, child, HealthAgreements).Rule);
    }

    // ------------------------------------------------------------------ rule 5: subject access

    [Fact]
    public void SubjectAccess_PermitsTheChildsOwnRecord()
    {
        var app = Requester(SubjectAccessApp, Agencies.Education, PurposesOfUse.SubjectAccess, patientContext: ChildId);

        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.SubjectAccess), Decide(app, GpObservation(), Child(BornAged17), SharingAgreements.None));
    }

    [Fact]
    public void SubjectAccess_WithoutOrWithAnotherPatientContext_IsDefaultDeny()
    {
        var noContext = Requester(SubjectAccessApp, Agencies.Education, PurposesOfUse.SubjectAccess);
        var otherChild = Requester(SubjectAccessApp, Agencies.Education, PurposesOfUse.SubjectAccess, patientContext: "child-2");
        var notAboutAChild = GpObservation() with { ChildId = null };

        Assert.Equal(NoBasis, Decide(noContext, GpObservation(), Child(BornAged17), SharingAgreements.None));
        Assert.Equal(NoBasis, Decide(otherChild, GpObservation(), Child(BornAged17), SharingAgreements.None));
        Assert.Equal(NoBasis, Decide(noContext, notAboutAChild, null, SharingAgreements.None));
        // A label is not named as the reason to someone the record is not about.
        Assert.Equal(NoBasis, Decide(otherChild, GpObservation(labels: [SecurityLabels.MentalHealth]), Child(BornAged17), SharingAgreements.None));
    }

    [Fact]
    public void SubjectAccess_ToASensitiveItem_GoesThroughAPractitioner()
    {
        var app = Requester(SubjectAccessApp, Agencies.Education, PurposesOfUse.SubjectAccess, patientContext: ChildId);
        var permitsEverything = Directive("consent-yp-all", ConsentPerformer.YoungPerson, Permit(labels: [SecurityLabels.MentalHealth]));

        foreach (var label in SecurityLabels.Sensitive)
            Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel),
                Decide(app, GpObservation(labels: [label]), Child(BornAged17, permitsEverything), SharingAgreements.None));
        // A label the gate does not treat as sensitive (confidentiality N) is no obstacle.
        var normal = new SecurityLabel(SecurityLabels.Confidentiality, "N");
        Assert.True(Decide(app, GpObservation(labels: [normal]), Child(BornAged17), SharingAgreements.None).Permitted);
    }

    // ------------------------------------------------------------------ rule 6: break-glass

    private static Requester Safeguarding(string? reason, DateTimeOffset? until) =>
        Requester(LaSocialCare, Agencies.SocialCare, PurposesOfUse.Safeguarding, breakGlassReason: reason, breakGlassUntil: until);

    [Fact]
    public void BreakGlass_Expired_OrWithoutReason_IsDefaultDeny()
    {
        var data = GpObservation();

        Assert.Equal(NoBasis, Decide(Safeguarding("disclosure at school", Now.AddMinutes(-1)), data, Child(BornAged14), HealthAgreements));
        Assert.Equal(NoBasis, Decide(Safeguarding("disclosure at school", Now), data, Child(BornAged14), HealthAgreements));
        Assert.Equal(NoBasis, Decide(Safeguarding(null, Now.AddHours(1)), data, Child(BornAged14), HealthAgreements));
        Assert.Equal(NoBasis, Decide(Safeguarding("  ", Now.AddHours(1)), data, Child(BornAged14), HealthAgreements));
        Assert.Equal(NoBasis, Decide(Safeguarding("disclosure at school", null), data, Child(BornAged14), HealthAgreements));
    }

    [Fact]
    public void BreakGlass_NeverOpensNeverBreakGlassLabels()
    {
        var gate = new ConsentGate(new ConsentGateOptions { NeverBreakGlass = new HashSet<SecurityLabel> { SecurityLabels.SexualHealth } });
        var requester = Safeguarding("disclosure at school", Now.AddHours(1));

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel),
            gate.Decide(requester, GpObservation(labels: [SecurityLabels.MentalHealth, SecurityLabels.SexualHealth]), Child(BornAged14), SharingAgreements.None, Now));
        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.BreakGlass, BreakGlass: true),
            gate.Decide(requester, GpObservation(labels: [SecurityLabels.MentalHealth]), Child(BornAged14), SharingAgreements.None, Now));
    }

    // ------------------------------------------------------------------ who may decide

    [Fact]
    public void ParentsPermit_HoldsThroughTheLastFridayOfJune_AndLapsesTheDayAfter()
    {
        // Born 2012-03-14: turns 16 on 2028-03-14, school year 2027-28, last Friday of June 2028 = 2028-06-30.
        var child = Child(BornAged14, ParentPermitsPaeds(), YoungPersonPermitsPaeds());
        var parentOnly = Child(BornAged14, ParentPermitsPaeds());
        var youngPersonOnly = Child(BornAged14, YoungPersonPermitsPaeds());

        Assert.Equal(ByConsent("consent-parent"), Decide(Paeds, GpObservation(), child, HealthAgreements, Utc(2028, 6, 30, 0)));
        Assert.Equal(ByConsent("consent-parent"), Decide(Paeds, GpObservation(), child, HealthAgreements, Utc(2028, 6, 30, 22, 59)));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), youngPersonOnly, HealthAgreements, Utc(2028, 6, 30, 12)));

        Assert.Equal(ByConsent("consent-yp"), Decide(Paeds, GpObservation(), child, HealthAgreements, Utc(2028, 7, 1, 0)));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), parentOnly, HealthAgreements, Utc(2028, 7, 1, 12)));
    }

    [Fact]
    public void InTheHourWhenTheLastDayHasEndedInEnglandButNotInUtc_NeitherPermitIsValid()
    {
        var child = Child(BornAged14, ParentPermitsPaeds(), YoungPersonPermitsPaeds());

        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), child, HealthAgreements, Utc(2028, 6, 30, 23, 0)));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), child, HealthAgreements, Utc(2028, 6, 30, 23, 59)));
    }

    [Fact]
    public void BornOn31August_DecidesForThemselvesAYearBeforeAChildBornOn1September()
    {
        // 2010-08-31: school year 2025-26, end 2026-06-26. 2010-09-01: school year 2026-27, end 2027-06-25.
        var at = Utc(2026, 11, 26);
        ChildContext BornOn(DateOnly born, ConsentDirective consent) => Child(born, consent);

        Assert.Equal(ByConsent("consent-yp"), Decide(Paeds, GpObservation(), BornOn(new(2010, 8, 31), YoungPersonPermitsPaeds()), HealthAgreements, at));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), BornOn(new(2010, 8, 31), ParentPermitsPaeds()), HealthAgreements, at));
        Assert.Equal(ByConsent("consent-parent"), Decide(Paeds, GpObservation(), BornOn(new(2010, 9, 1), ParentPermitsPaeds()), HealthAgreements, at));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), BornOn(new(2010, 9, 1), YoungPersonPermitsPaeds()), HealthAgreements, at));
    }

    [Fact]
    public void BornOn29February_ParentDecidesThroughTheLastFridayOfJuneOfTheSixteenthYear()
    {
        // Turns 16 on 2028-02-29, school year 2027-28: end 2028-06-30.
        var born = new DateOnly(2012, 2, 29);

        Assert.Equal(ByConsent("consent-parent"), Decide(Paeds, GpObservation(), Child(born, ParentPermitsPaeds()), HealthAgreements, Utc(2028, 6, 30)));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), Child(born, ParentPermitsPaeds()), HealthAgreements, Utc(2028, 7, 1)));
        Assert.Equal(ByConsent("consent-yp"), Decide(Paeds, GpObservation(), Child(born, YoungPersonPermitsPaeds()), HealthAgreements, Utc(2028, 7, 1)));
    }

    [Fact]
    public void WithARecordedLackOfCapacity_TheParentKeepsDeciding()
    {
        var child = Child(BornAged17, ParentPermitsPaeds(), YoungPersonPermitsPaeds()) with { LacksCapacity = true };
        var youngPersonOnly = Child(BornAged17, YoungPersonPermitsPaeds()) with { LacksCapacity = true };

        Assert.Equal(ByConsent("consent-parent"), Decide(Paeds, GpObservation(), child, HealthAgreements));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), youngPersonOnly, HealthAgreements));
        // Without it the young person decides.
        Assert.Equal(ByConsent("consent-yp"), Decide(Paeds, GpObservation(), child with { LacksCapacity = false }, HealthAgreements));
    }

    [Fact]
    public void UnknownBirthDate_OrAnotherPerformer_GivesNoValidPermit_ButRefusalsCount()
    {
        var other = Directive("consent-practitioner", ConsentPerformer.Other, Permit(actors: [Paediatrics]));

        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), Child(null, ParentPermitsPaeds(), YoungPersonPermitsPaeds()), HealthAgreements));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), Child(BornAged14, other), HealthAgreements));

        var otherRefuses = Directive("consent-practitioner-refusal", ConsentPerformer.Other, Deny(actors: [Paediatrics]));
        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-practitioner-refusal"),
            Decide(Paeds, GpObservation(), Child(null, ParentPermitsPaeds(), otherRefuses), HealthAgreements));
    }

    // ------------------------------------------------------------------ rule 7: explicit refusal

    [Fact]
    public void ParentsRefusal_RecordedAfterTheYoungPersonDecides_StillRefuses()
    {
        var refusal = Directive("consent-parent-refuses", ConsentPerformer.Parent, Deny(actors: [Paediatrics]));
        var child = Child(BornAged17, YoungPersonPermitsPaeds(), refusal);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-parent-refuses"), Decide(Paeds, GpObservation(), child, HealthAgreements));
    }

    [Fact]
    public void RefusalOverridesAStatutoryBasis_AndOnlyMatchesItsActor()
    {
        var laAssessing = Requester(La, Agencies.Education, PurposesOfUse.EhcAssessment);
        var agreements = Agreements(
            [Tier1("t1", [La, Gp], PurposesOfUse.EhcAssessment)],
            Tier2("t2", Agencies.Health, Agencies.Education, [DataClasses.Health], PurposesOfUse.EhcAssessment));
        var refusesCamhs = Directive("consent-refuses-camhs", ConsentPerformer.Parent, Deny(actors: [Camhs]));
        var refusesLa = Directive("consent-refuses-la", ConsentPerformer.Parent, Deny(actors: [La]));

        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.AgreementAndStatute),
            Decide(laAssessing, GpObservation(), Child(BornAged14, refusesCamhs).WithOpenAssessment(La), agreements));
        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-refuses-la"),
            Decide(laAssessing, GpObservation(), Child(BornAged14, refusesCamhs, refusesLa).WithOpenAssessment(La), agreements));
    }

    [Fact]
    public void DirectiveOutsideItsOwnPeriod_NeitherRefusesNorPermits()
    {
        var lapsedRefusal = Directive("consent-lapsed", ConsentPerformer.Parent, Deny(), new TimeRange(null, Now.AddDays(-1)));
        var futurePermit = Directive("consent-future", ConsentPerformer.Parent, Permit(), new TimeRange(Now.AddDays(1), null));
        var current = Directive("consent-current", ConsentPerformer.Parent, Permit(), new TimeRange(Now.AddDays(-1), Now.AddDays(1)));

        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), Child(BornAged14, lapsedRefusal, futurePermit), HealthAgreements));
        Assert.Equal(ByConsent("consent-current"), Decide(Paeds, GpObservation(), Child(BornAged14, lapsedRefusal, futurePermit, current), HealthAgreements));
    }

    // ------------------------------------------------------------------ provision evaluation through the gate

    [Fact]
    public void PermitRootWithDenyException_RefusesOnlyTheException()
    {
        var consent = Directive("consent-nested", ConsentPerformer.Parent,
            Permit(actors: [Paediatrics], exceptions: [Deny(codes: [Asthma])]));
        var child = Child(BornAged14, consent);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-nested"),
            Decide(Paeds, GpObservation() with { Codes = [Asthma] }, child, HealthAgreements));
        Assert.Equal(ByConsent("consent-nested"), Decide(Paeds, GpObservation() with { Codes = [Bmi] }, child, HealthAgreements));
    }

    [Fact]
    public void DenyRootWithPermitException_PermitsOnlyTheException()
    {
        var consent = Directive("consent-nested", ConsentPerformer.Parent,
            Deny(exceptions: [Permit(actors: [Paediatrics], purposes: [PurposesOfUse.DirectCare])]));
        var child = Child(BornAged14, consent);

        Assert.Equal(ByConsent("consent-nested"), Decide(Paeds, GpObservation(), child, HealthAgreements));
        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-nested"), Decide(Camhs_, GpObservation(), child, HealthAgreements));
    }

    [Fact]
    public void AmongSiblingExceptionsThatApply_DenyWins_WhateverTheOrder()
    {
        var permitAsthma = Permit(codes: [Asthma]);
        var denyAsthma = Deny(codes: [Asthma]);
        var data = GpObservation() with { Codes = [Asthma] };

        foreach (var exceptions in new[] { new[] { permitAsthma, denyAsthma }, [denyAsthma, permitAsthma] })
        {
            var consent = Directive("consent-siblings", ConsentPerformer.Parent, Deny(exceptions: exceptions));
            Assert.Equal(new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-siblings"),
                Decide(Paeds, data, Child(BornAged14, consent), HealthAgreements));
        }
    }

    [Fact]
    public void NestedExceptions_Recurse()
    {
        // Deny everything, except permit paediatrics, except deny asthma data.
        var consent = Directive("consent-deep", ConsentPerformer.Parent,
            Deny(exceptions: [Permit(actors: [Paediatrics], exceptions: [Deny(codes: [Asthma])])]));
        var child = Child(BornAged14, consent);

        Assert.Equal(ByConsent("consent-deep"), Decide(Paeds, GpObservation(), child, HealthAgreements));
        Assert.Equal(GateRules.ExplicitRefusal, Decide(Paeds, GpObservation() with { Codes = [Asthma] }, child, HealthAgreements).Rule);
        Assert.Equal(GateRules.ExplicitRefusal, Decide(Camhs_, GpObservation(), child, HealthAgreements).Rule);
    }

    [Fact]
    public void ProvisionClass_MatchesTheDataClassOrTheResourceType()
    {
        ChildContext Permits(string @class) => Child(BornAged14, Directive("consent-class", ConsentPerformer.Parent, Permit(classes: [@class])));

        Assert.Equal(ByConsent("consent-class"), Decide(Paeds, GpObservation(), Permits(DataClasses.Health), HealthAgreements));
        Assert.Equal(ByConsent("consent-class"), Decide(Paeds, GpObservation(), Permits("Observation"), HealthAgreements));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), Permits(DataClasses.Education), HealthAgreements));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(), Permits("Condition"), HealthAgreements));
    }

    // ------------------------------------------------------------------ dataPeriod

    private static readonly TimeRange Year2024 = new(Utc(2024, 1, 1, 0), Utc(2024, 12, 31, 23, 59));

    [Fact]
    public void PermitWithDataPeriod_CoversDatedDataInside_NotOutside_NorUndated()
    {
        var child = Child(BornAged14, Directive("consent-2024", ConsentPerformer.Parent, Permit(dataPeriod: Year2024)));

        Assert.Equal(ByConsent("consent-2024"), Decide(Paeds, GpObservation(dataDate: Utc(2024, 6, 1)), child, HealthAgreements));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation(dataDate: Utc(2025, 6, 1)), child, HealthAgreements));
        Assert.Equal(NoBasis, Decide(Paeds, GpObservation() with { DataDate = null }, child, HealthAgreements));
    }

    [Fact]
    public void DenyWithDataPeriod_CoversDatedDataInside_AndUndated_NotOutside()
    {
        var refusal = Directive("consent-refuses-2024", ConsentPerformer.Parent, Deny(dataPeriod: Year2024));
        var child = Child(BornAged14, refusal, ParentPermitsPaeds());
        var refused = new GateDecision(Verdict.Deny, GateRules.ExplicitRefusal, "consent-refuses-2024");

        Assert.Equal(refused, Decide(Paeds, GpObservation(dataDate: Utc(2024, 6, 1)), child, HealthAgreements));
        Assert.Equal(refused, Decide(Paeds, GpObservation() with { DataDate = null }, child, HealthAgreements));
        Assert.Equal(ByConsent("consent-parent"), Decide(Paeds, GpObservation(dataDate: Utc(2025, 6, 1)), child, HealthAgreements));
    }

    // ------------------------------------------------------------------ rule 8: sensitive labels

    [Fact]
    public void EachSensitiveLabel_NeedsAPermitNamingIt_PossiblyFromDifferentDirectives()
    {
        var mh = Directive("consent-mh", ConsentPerformer.Parent, Permit(actors: [Paediatrics], labels: [SecurityLabels.MentalHealth]));
        var sex = Directive("consent-sex", ConsentPerformer.Parent, Permit(actors: [Paediatrics], labels: [SecurityLabels.SexualHealth]));
        var both = GpObservation(labels: [SecurityLabels.MentalHealth, SecurityLabels.SexualHealth]);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel), Decide(Paeds, both, Child(BornAged14, mh), HealthAgreements));
        Assert.Equal(ByConsent("consent-mh"), Decide(Paeds, both, Child(BornAged14, mh, sex), HealthAgreements));
    }

    [Fact]
    public void ALabelPermit_MustBeValidForPermit()
    {
        var ypLabelPermit = Directive("consent-yp-mh", ConsentPerformer.YoungPerson, Permit(labels: [SecurityLabels.MentalHealth]));
        var data = GpObservation(labels: [SecurityLabels.MentalHealth]);

        // Aged 14 the parent decides, so the young person's label permit does not count.
        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel), Decide(Paeds, data, Child(BornAged14, ypLabelPermit, ParentPermitsPaeds()), HealthAgreements));
        Assert.Equal(ByConsent("consent-yp-mh"), Decide(Paeds, data, Child(BornAged17, ypLabelPermit), HealthAgreements));
    }

    [Fact]
    public void ALabelPermit_CountsOnlyWhenTheDecidingProvisionListsTheLabel()
    {
        // The root lists MH, but a nested permit for paediatrics decides, and it does not list MH.
        var consent = Directive("consent-nested-mh", ConsentPerformer.Parent,
            Permit(labels: [SecurityLabels.MentalHealth], exceptions: [Permit(actors: [Paediatrics])]));
        var data = GpObservation(labels: [SecurityLabels.MentalHealth]);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel), Decide(Paeds, data, Child(BornAged14, consent), HealthAgreements));
        Assert.Equal(ByConsent("consent-nested-mh"), Decide(Camhs_, data, Child(BornAged14, consent), HealthAgreements));
    }

    [Fact]
    public void WhenSeveralSiblingPermitsDecide_EachMustListTheLabel()
    {
        var listsMh = Permit(actors: [Paediatrics], labels: [SecurityLabels.MentalHealth]);
        var silentOnLabels = Permit(purposes: [PurposesOfUse.DirectCare]);
        var data = GpObservation(labels: [SecurityLabels.MentalHealth]);

        foreach (var exceptions in new[] { new[] { listsMh, silentOnLabels }, [silentOnLabels, listsMh] })
        {
            var consent = Directive("consent-siblings", ConsentPerformer.Parent, Deny(exceptions: exceptions));
            Assert.Equal(new GateDecision(Verdict.Deny, GateRules.SensitiveLabel), Decide(Paeds, data, Child(BornAged14, consent), HealthAgreements));
        }
        var alone = Directive("consent-alone", ConsentPerformer.Parent, Deny(exceptions: [listsMh]));
        Assert.Equal(ByConsent("consent-alone"), Decide(Paeds, data, Child(BornAged14, alone), HealthAgreements));
    }

    [Fact]
    public void ALabelPermit_IsNotEnoughWithoutTheAgreements()
    {
        var consent = Directive("consent-mh", ConsentPerformer.Parent, Permit(labels: [SecurityLabels.MentalHealth]));
        var data = GpObservation(labels: [SecurityLabels.MentalHealth]);

        Assert.Equal(new GateDecision(Verdict.Deny, GateRules.NoTier1), Decide(Paeds, data, Child(BornAged14, consent), SharingAgreements.None));
    }

    // ------------------------------------------------------------------ rule 9: agreements and basis

    [Fact]
    public void Tier1_MustListBothOrganisationsAndThePurpose_InOneAgreement()
    {
        var child = Child(BornAged14, ParentPermitsPaeds());
        var tier2 = Tier2("t2", Agencies.Health, Agencies.Health, [DataClasses.Health], PurposesOfUse.DirectCare);
        var noTier1 = new GateDecision(Verdict.Deny, GateRules.NoTier1);

        Assert.Equal(noTier1, Decide(Paeds, GpObservation(), child, Agreements([], tier2)));
        Assert.Equal(noTier1, Decide(Paeds, GpObservation(), child, Agreements([Tier1("t1", [Paediatrics, Gp], PurposesOfUse.EhcReview)], tier2)));
        Assert.Equal(noTier1, Decide(Paeds, GpObservation(), child,
            Agreements([Tier1("t1a", [Paediatrics, Camhs], PurposesOfUse.DirectCare), Tier1("t1b", [Gp, Camhs], PurposesOfUse.DirectCare)], tier2)));
        Assert.Equal(ByConsent("consent-parent"), Decide(Paeds, GpObservation(), child,
            Agreements([Tier1("t1", [Paediatrics, Gp], PurposesOfUse.DirectCare)], tier2)));
    }

    [Fact]
    public void Tier2_InTheWrongDirection_OrForAnotherClassOrPurpose_IsDefaultDeny()
    {
        var child = Child(BornAged14, Directive("consent-la", ConsentPerformer.Parent, Permit(actors: [La])));
        var la = Requester(La, Agencies.Education, PurposesOfUse.DirectCare);
        var tier1 = Tier1("t1", [La, Gp], PurposesOfUse.DirectCare);

        Assert.Equal(NoBasis, Decide(la, GpObservation(), child,
            Agreements([tier1], Tier2("t2-wrong-way", Agencies.Education, Agencies.Health, [DataClasses.Health], PurposesOfUse.DirectCare))));
        Assert.Equal(NoBasis, Decide(la, GpObservation(), child,
            Agreements([tier1], Tier2("t2-other-class", Agencies.Health, Agencies.Education, [DataClasses.Plan], PurposesOfUse.DirectCare))));
        Assert.Equal(NoBasis, Decide(la, GpObservation(), child,
            Agreements([tier1], Tier2("t2-other-purpose", Agencies.Health, Agencies.Education, [DataClasses.Health], PurposesOfUse.EhcReview))));
        Assert.Equal(ByConsent("consent-la"), Decide(la, GpObservation(), child,
            Agreements([tier1], Tier2("t2-right-way", Agencies.Health, Agencies.Education, [DataClasses.Health], PurposesOfUse.DirectCare))));
    }

    [Fact]
    public void OpenAssessment_IsABasisOnlyForAssessmentAndReview_AndOnlyForTheLaRunningIt()
    {
        var agreements = Agreements(
            [Tier1("t1", [La, "la-925", Gp], PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview, PurposesOfUse.DirectCare)],
            Tier2("t2", Agencies.Health, Agencies.Education, [DataClasses.Health],
                PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview, PurposesOfUse.DirectCare));
        var child = Child(BornAged14).WithOpenAssessment(La);
        var statutory = new GateDecision(Verdict.Permit, GateRules.AgreementAndStatute);

        Assert.Equal(statutory, Decide(Requester(La, Agencies.Education, PurposesOfUse.EhcAssessment), GpObservation(), child, agreements));
        Assert.Equal(statutory, Decide(Requester(La, Agencies.Education, PurposesOfUse.EhcReview), GpObservation(), child, agreements));
        Assert.Equal(NoBasis, Decide(Requester(La, Agencies.Education, PurposesOfUse.DirectCare), GpObservation(), child, agreements));
        Assert.Equal(NoBasis, Decide(Requester("la-925", Agencies.Education, PurposesOfUse.EhcAssessment), GpObservation(), child, agreements));
        Assert.Equal(NoBasis, Decide(Requester(La, Agencies.Education, PurposesOfUse.EhcAssessment), GpObservation(), null, agreements));
    }

    [Fact]
    public void PlanNamingTheRequester_IsABasis_ButOnlyForPlanClassData()
    {
        var agreements = Agreements(
            [Tier1("t1", [La, Paediatrics], PurposesOfUse.DirectCare)],
            Tier2("t2", Agencies.Education, Agencies.Health, [DataClasses.Plan, DataClasses.Education], PurposesOfUse.DirectCare));
        var report = Data("DocumentReference", "school-report", La, Agencies.Education, DataClasses.Education, named: [Paediatrics]);

        Assert.Equal(new GateDecision(Verdict.Permit, GateRules.AgreementAndStatute), Decide(Paeds, Plan(Paediatrics), Child(BornAged14), agreements));
        Assert.Equal(NoBasis, Decide(Paeds, Plan(School), Child(BornAged14), agreements));
        Assert.Equal(NoBasis, Decide(Paeds, report, Child(BornAged14), agreements));
    }
}
