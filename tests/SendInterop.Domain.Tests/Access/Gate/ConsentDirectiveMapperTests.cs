using Hl7.Fhir.Model;
using SendInterop.Domain.Access.Gate;
using static SendInterop.Domain.Tests.Access.Gate.GateScenario;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>R4 Consent resources as the gate's directives.</summary>
public class ConsentDirectiveMapperTests
{
    private static Consent ActiveConsent(Consent.provisionComponent? provision, params ResourceReference[] performers) => new()
    {
        Id = "consent-1",
        Status = Consent.ConsentState.Active,
        Scope = new CodeableConcept(ConsentDirectiveMapper.ConsentScopeSystem, ConsentDirectiveMapper.PatientPrivacy),
        Category = [new CodeableConcept("http://loinc.org", "59284-0")],
        Patient = new ResourceReference($"Patient/{ChildId}"),
        Performer = [.. performers],
        Provision = provision,
    };

    private static Consent.provisionActorComponent Actor(string reference) => new()
    {
        Role = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
        Reference = new ResourceReference(reference),
    };

    [Fact]
    public void ConsentWithNestedProvisions_AndARelatedPersonPerformer()
    {
        var consent = ActiveConsent(new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Deny,
            Period = new Period { Start = "2026-01-01", End = "2027" },
            Provision =
            [
                new Consent.provisionComponent
                {
                    Type = Consent.ConsentProvisionType.Permit,
                    Actor = [Actor($"Organization/{Paediatrics}")],
                    Purpose = [new Coding(PurposesOfUse.System, PurposesOfUse.DirectCare)],
                    Class = [new Coding(DataClasses.System, DataClasses.Health), new Coding(ConsentDirectiveMapper.ResourceTypesSystem, "Observation")],
                    Code = [new CodeableConcept("http://snomed.info/sct", "195967001")],
                    SecurityLabel = [new Coding(SecurityLabels.ActCode, "MH")],
                    DataPeriod = new Period { Start = "2024-01" },
                    Provision = [new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Deny, SecurityLabel = [new Coding(SecurityLabels.ActCode, "SEX")] }],
                },
            ],
        }, new ResourceReference("RelatedPerson/mum"));

        var directive = ConsentDirectiveMapper.Map(consent, ChildId);

        Assert.NotNull(directive);
        Assert.Equal("consent-1", directive.ConsentId);
        Assert.Equal(ConsentPerformer.Parent, directive.Performer);
        Assert.Null(directive.Period);

        var root = directive.Provision;
        Assert.Equal(ProvisionType.Deny, root.Type);
        Assert.Empty(root.Actors);
        Assert.Equal(new TimeRange(Utc(2026, 1, 1, 0), new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(-1)), root.Period);

        var permit = Assert.Single(root.Exceptions);
        Assert.Equal(ProvisionType.Permit, permit.Type);
        Assert.Equal([Paediatrics], permit.Actors);
        Assert.Equal([PurposesOfUse.DirectCare], permit.Purposes);
        Assert.Equal([DataClasses.Health, "Observation"], permit.Classes);
        Assert.Equal([new DataCode("http://snomed.info/sct", "195967001")], permit.Codes);
        Assert.Equal([SecurityLabels.MentalHealth], permit.Labels);
        Assert.Equal(new TimeRange(Utc(2024, 1, 1, 0), null), permit.DataPeriod);

        var innerDeny = Assert.Single(permit.Exceptions);
        Assert.Equal(ProvisionType.Deny, innerDeny.Type);
        Assert.Equal([SecurityLabels.SexualHealth], innerDeny.Labels);
    }

    [Fact]
    public void AnActorListOfOnlyNonOrganisationActors_MatchesNobody_NotEverybody()
    {
        var consent = ActiveConsent(new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Permit,
            Actor = [Actor("Practitioner/dr-1")],
        }, new ResourceReference("RelatedPerson/mum"));

        var directive = ConsentDirectiveMapper.Map(consent, ChildId)!;

        Assert.Equal([ConsentDirectiveMapper.NeverMatches], directive.Provision.Actors);
        var paeds = Requester(Paediatrics, Agencies.Health, PurposesOfUse.DirectCare);
        var agreements = Agreements(
            [Tier1("t1", [Paediatrics, Gp], PurposesOfUse.DirectCare)],
            Tier2("t2", Agencies.Health, Agencies.Health, [DataClasses.Health], PurposesOfUse.DirectCare));
        Assert.Equal(GateRules.DefaultDeny, Decide(paeds, GpObservation(), Child(BornAged14, directive), agreements).Rule);
    }

    [Fact]
    public void UnmatchableValues_InEveryDimension_BecomeTheSentinel()
    {
        var provision = ConsentDirectiveMapper.MapProvision(new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Deny,
            Actor = [Actor($"Organization/{Camhs}"), Actor("PractitionerRole/pr-1")],
            Purpose = [new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "TREAT")],
            Class = [new Coding("http://example.org/classes", "x"), new Coding(DataClasses.System, "not-a-class")],
            Code = [new CodeableConcept { Text = "asthma" }],
            SecurityLabel = [new Coding(SecurityLabels.ActCode, null)],
        });

        Assert.Equal([Camhs, ConsentDirectiveMapper.NeverMatches], provision.Actors);
        Assert.Equal([ConsentDirectiveMapper.NeverMatches], provision.Purposes);
        Assert.Equal([ConsentDirectiveMapper.NeverMatches, ConsentDirectiveMapper.NeverMatches], provision.Classes);
        Assert.Equal([ConsentDirectiveMapper.NeverMatchingCode], provision.Codes);
        Assert.Equal([ConsentDirectiveMapper.NeverMatchingLabel], provision.Labels);
    }

    [Fact]
    public void APermitLimitedToSpecificDataOrToActionsOtherThanReading_NeverApplies_WhileSuchADenyStillDoes()
    {
        var specificData = new List<Consent.provisionDataComponent>
        {
            new() { Meaning = Consent.ConsentDataMeaning.Instance, Reference = new ResourceReference("Observation/obs-9") },
        };
        var collectOnly = new List<CodeableConcept> { new(ConsentDirectiveMapper.ConsentActionSystem, "collect") };
        var access = new List<CodeableConcept> { new(ConsentDirectiveMapper.ConsentActionSystem, "access") };

        var permitData = ConsentDirectiveMapper.MapProvision(new() { Type = Consent.ConsentProvisionType.Permit, Data = specificData });
        var permitCollect = ConsentDirectiveMapper.MapProvision(new() { Type = Consent.ConsentProvisionType.Permit, Action = collectOnly });
        var permitAccess = ConsentDirectiveMapper.MapProvision(new() { Type = Consent.ConsentProvisionType.Permit, Action = access });
        var denyData = ConsentDirectiveMapper.MapProvision(new() { Type = Consent.ConsentProvisionType.Deny, Data = specificData, Action = collectOnly });

        Assert.Equal([ConsentDirectiveMapper.NeverMatches], permitData.Classes);
        Assert.Equal([ConsentDirectiveMapper.NeverMatches], permitCollect.Classes);
        Assert.Empty(permitAccess.Classes);
        Assert.Empty(denyData.Classes);
    }

    [Fact]
    public void AProvisionWithoutAType_IsADeny() =>
        Assert.Equal(ProvisionType.Deny, ConsentDirectiveMapper.MapProvision(new Consent.provisionComponent()).Type);

    [Fact]
    public void AConsentThatDoesNotCount_MapsToNull()
    {
        var provision = new Consent.provisionComponent { Type = Consent.ConsentProvisionType.Permit };
        Consent Counting() => ActiveConsent(provision, new ResourceReference("RelatedPerson/mum"));

        Assert.NotNull(ConsentDirectiveMapper.Map(Counting(), ChildId));

        var draft = Counting(); draft.Status = Consent.ConsentState.Draft;
        var inactive = Counting(); inactive.Status = Consent.ConsentState.Inactive;
        var noStatus = Counting(); noStatus.Status = null;
        var research = Counting(); research.Scope = new CodeableConcept(ConsentDirectiveMapper.ConsentScopeSystem, "research");
        var noScope = Counting(); noScope.Scope = null;
        var otherChild = Counting(); otherChild.Patient = new ResourceReference("Patient/child-2");
        var noPatient = Counting(); noPatient.Patient = null;
        var noProvision = Counting(); noProvision.Provision = null;

        foreach (var consent in new[] { draft, inactive, noStatus, research, noScope, otherChild, noPatient, noProvision })
            Assert.Null(ConsentDirectiveMapper.Map(consent, ChildId));
    }

    [Fact]
    public void Performer_IsTheChild_AParent_OrOther()
    {
        ConsentPerformer Of(params string[] references) =>
            ConsentDirectiveMapper.PerformerOf(references.Select(r => new ResourceReference(r)).ToList(), ChildId);

        Assert.Equal(ConsentPerformer.YoungPerson, Of($"Patient/{ChildId}"));
        Assert.Equal(ConsentPerformer.Parent, Of("RelatedPerson/mum"));
        Assert.Equal(ConsentPerformer.Parent, Of("RelatedPerson/mum", "RelatedPerson/dad"));
        Assert.Equal(ConsentPerformer.Other, Of("Patient/child-2"));
        Assert.Equal(ConsentPerformer.Other, Of("Practitioner/dr-1"));
        Assert.Equal(ConsentPerformer.Other, Of($"Organization/{La}"));
        Assert.Equal(ConsentPerformer.Other, Of());
        // When it cannot be told who decided, the directive is no permit.
        Assert.Equal(ConsentPerformer.Other, Of($"Patient/{ChildId}", "RelatedPerson/mum"));
        Assert.Equal(ConsentPerformer.Other, Of("RelatedPerson/mum", "Practitioner/dr-1"));
    }
}
