using Hl7.Fhir.Model;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Profiles;
using static SendInterop.Domain.Tests.Access.Gate.GateScenario;

namespace SendInterop.Domain.Tests.Access.Gate;

/// <summary>Resource facts from real Firely POCOs.</summary>
public class ResourceFactsExtractorTests
{
    private static readonly Dictionary<string, string> AgencyOf = new(StringComparer.Ordinal)
    {
        [La] = Agencies.Education, [School] = Agencies.Education, [Gp] = Agencies.Health, [Camhs] = Agencies.Health,
        [Paediatrics] = Agencies.Health, [LaSocialCare] = Agencies.SocialCare, ["police-1"] = "police",
    };

    private static ResourceFacts Extract(Resource resource) =>
        ResourceFactsExtractor.Extract(resource, org => AgencyOf.GetValueOrDefault(org));

    private static T Owned<T>(T resource, string owner) where T : Resource
    {
        OwnershipTags.SetOwner(resource, owner);
        return resource;
    }

    [Fact]
    public void Observation_WithAPartialEffectiveDate()
    {
        var observation = Owned(new Observation
        {
            Id = "obs-1",
            Status = ObservationStatus.Final,
            Subject = new ResourceReference("Patient/child-1"),
            Effective = new FhirDateTime("2019-05"),
            Issued = new DateTimeOffset(2019, 7, 1, 9, 0, 0, TimeSpan.Zero),
            Code = new CodeableConcept("http://snomed.info/sct", "60621009"),
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")],
            Performer = [new ResourceReference("Practitioner/dr-1"), new ResourceReference($"Organization/{Gp}")],
        }, Gp);

        var facts = Extract(observation);

        Assert.Equal("Observation", facts.ResourceType);
        Assert.Equal("obs-1", facts.ResourceId);
        Assert.Equal(Gp, facts.OwnerOrganisation);
        Assert.Equal(Agencies.Health, facts.OwnerAgency);
        Assert.Equal(DataClasses.Health, facts.DataClass);
        Assert.Equal("child-1", facts.ChildId);
        // effective[x] comes before issued; 2019-05 is the first instant of May 2019, UTC.
        Assert.Equal(new DateTimeOffset(2019, 5, 1, 0, 0, 0, TimeSpan.Zero), facts.DataDate);
        Assert.Equal(
            [new DataCode("http://snomed.info/sct", "60621009"), new DataCode("http://terminology.hl7.org/CodeSystem/observation-category", "vital-signs")],
            facts.Codes);
        Assert.Equal([Gp], facts.NamedOrganisations);
        Assert.Empty(facts.Labels);
    }

    [Fact]
    public void CarePlan_NamesAuthorContributorsPlacementAndActivityPerformers()
    {
        var plan = Owned(new CarePlan
        {
            Id = "ehc-plan-1",
            Status = RequestStatus.Active,
            Intent = CarePlan.CarePlanIntent.Plan,
            Subject = new ResourceReference("Patient/child-1/_history/3"),
            Created = "2025-08-01",
            Period = new Period { Start = "2025-09-01" },
            Author = new ResourceReference($"Organization/{La}"),
            Contributor = [new ResourceReference($"Organization/{Paediatrics}"), new ResourceReference("Practitioner/ep-1"), new ResourceReference($"Organization/{La}")],
            Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
            Activity =
            [
                new CarePlan.ActivityComponent { Detail = new CarePlan.DetailComponent { Performer = [new ResourceReference($"Organization/{Camhs}")] } },
                new CarePlan.ActivityComponent { Detail = new CarePlan.DetailComponent { Performer = [new ResourceReference($"Organization/{Paediatrics}")] } },
            ],
        }, La);
        plan.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlacement, new ResourceReference($"Organization/{School}")));

        var facts = Extract(plan);

        Assert.Equal(DataClasses.Plan, facts.DataClass);
        Assert.Equal(Agencies.Education, facts.OwnerAgency);
        Assert.Equal("child-1", facts.ChildId);
        Assert.Equal(new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero), facts.DataDate); // created before period
        Assert.Equal([La, Paediatrics, School, Camhs], facts.NamedOrganisations);
        Assert.Equal([new DataCode(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)], facts.Codes);
    }

    [Fact]
    public void EpisodeOfCare_CarriesItsSecurityLabels_AndNamesThePatientInPatient()
    {
        var episode = Owned(new EpisodeOfCare
        {
            Id = "camhs-episode",
            Status = EpisodeOfCare.EpisodeOfCareStatus.Active,
            Patient = new ResourceReference("Patient/child-1"),
            ManagingOrganization = new ResourceReference($"Organization/{Camhs}"),
            Period = new Period { Start = "2024-02-10T09:30:00+00:00" },
            Type = [new CodeableConcept("http://snomed.info/sct", "394587001")],
            Meta = new Meta { Security = [new Coding(SecurityLabels.ActCode, "MH"), new Coding(SecurityLabels.Confidentiality, "R")] },
        }, Camhs);

        var facts = Extract(episode);

        Assert.Equal([SecurityLabels.MentalHealth, SecurityLabels.Restricted], facts.Labels);
        Assert.Equal(DataClasses.Health, facts.DataClass);
        Assert.Equal("child-1", facts.ChildId);
        Assert.Equal(new DateTimeOffset(2024, 2, 10, 9, 30, 0, TimeSpan.Zero), facts.DataDate);
        Assert.Equal([Camhs], facts.NamedOrganisations);
        Assert.Equal([new DataCode("http://snomed.info/sct", "394587001")], facts.Codes);
    }

    [Fact]
    public void DataClass_FollowsTheResourceType()
    {
        Assert.Equal(DataClasses.Identity, Extract(Owned(new Patient { Id = "child-1" }, La)).DataClass);
        Assert.Equal(DataClasses.Identity, Extract(Owned(new RelatedPerson(), La)).DataClass);
        Assert.Equal(DataClasses.Identity, Extract(Owned(new Consent(), La)).DataClass);
        Assert.Equal(DataClasses.Plan, Extract(Owned(new Goal(), La)).DataClass);
        Assert.Equal(DataClasses.Audit, Extract(Owned(new AuditEvent(), La)).DataClass);
        Assert.Equal(DataClasses.Audit, Extract(Owned(new Provenance(), La)).DataClass);
        foreach (var directory in new Resource[] { new Organization(), new Practitioner(), new PractitionerRole(), new Location(), new HealthcareService(), new Endpoint(), new StructureDefinition(), new ValueSet(), new Questionnaire(), new Library() })
            Assert.Equal(DataClasses.Directory, Extract(Owned(directory, La)).DataClass);
    }

    [Fact]
    public void DataClass_OfOtherTypes_IsTheOwnersAgency_OrHealthWhenUnknown()
    {
        Assert.Equal(DataClasses.Education, Extract(Owned(new DocumentReference(), School)).DataClass);
        Assert.Equal(DataClasses.SocialCare, Extract(Owned(new DocumentReference(), LaSocialCare)).DataClass);
        Assert.Equal(DataClasses.Health, Extract(Owned(new DocumentReference(), Gp)).DataClass);

        var noOwner = Extract(new DocumentReference());
        Assert.Null(noOwner.OwnerOrganisation);
        Assert.Null(noOwner.OwnerAgency);
        Assert.Equal(DataClasses.Health, noOwner.DataClass);

        var unknownAgency = Extract(Owned(new DocumentReference(), "police-1"));
        Assert.Equal("police-1", unknownAgency.OwnerOrganisation);
        Assert.Null(unknownAgency.OwnerAgency);
        Assert.Equal(DataClasses.Health, unknownAgency.DataClass);
    }

    [Fact]
    public void AnExplicitDataClassTag_Wins_WhenItIsAKnownClass()
    {
        var tagged = Owned(new DocumentReference { Meta = new Meta { Tag = [new Coding(DataClasses.System, "nonsense"), new Coding(DataClasses.System, DataClasses.Plan)] } }, Gp);
        var unknownOnly = Owned(new DocumentReference { Meta = new Meta { Tag = [new Coding(DataClasses.System, "nonsense")] } }, Gp);

        Assert.Equal(DataClasses.Plan, Extract(tagged).DataClass);
        Assert.Equal(DataClasses.Health, Extract(unknownOnly).DataClass);
    }

    [Fact]
    public void ChildId_IsTheFirstPatientReference_InSubjectPatientBeneficiaryForIndividual()
    {
        Assert.Equal("child-1", Extract(new Patient { Id = "child-1" }).ChildId);
        Assert.Equal("child-2", Extract(new Coverage { Beneficiary = new ResourceReference("Patient/child-2") }).ChildId);
        Assert.Equal("child-3", Extract(new Hl7.Fhir.Model.Task { For = new ResourceReference("Patient/child-3") }).ChildId);
        // A subject that is not a Patient is skipped; an absolute or contained reference is not read.
        Assert.Null(Extract(new Observation { Subject = new ResourceReference("Group/g-1") }).ChildId);
        Assert.Null(Extract(new Observation { Subject = new ResourceReference("https://elsewhere.example/fhir/Patient/child-1") }).ChildId);
        Assert.Null(Extract(new Observation { Subject = new ResourceReference("#p1") }).ChildId);
        Assert.Null(Extract(new Organization { Id = "org-1" }).ChildId);
    }

    [Fact]
    public void DataDate_ReadsInstantsDatesAndPeriods_AndIsNullWithoutOne()
    {
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), Extract(new Condition { Onset = new FhirDateTime("2020") }).DataDate);
        Assert.Equal(new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero), Extract(new AuditEvent { Recorded = new DateTimeOffset(2021, 3, 4, 5, 6, 7, TimeSpan.Zero) }).DataDate);
        Assert.Equal(new DateTimeOffset(2022, 6, 1, 0, 0, 0, TimeSpan.Zero), Extract(new Procedure { Performed = new Period { Start = "2022-06-01" } }).DataDate);
        // Onset as an age gives no date; nothing else does either.
        Assert.Null(Extract(new Condition { Onset = new Age { Value = 3 } }).DataDate);
        Assert.Null(Extract(new Organization()).DataDate);
    }

    [Fact]
    public void OwnershipTags_SetReplaces_AndTwoDifferentOwnersMeanNobody()
    {
        var observation = new Observation();
        Assert.Null(OwnershipTags.GetOwner(observation));

        OwnershipTags.SetOwner(observation, Gp);
        OwnershipTags.SetOwner(observation, Camhs);
        Assert.Equal(Camhs, OwnershipTags.GetOwner(observation));
        Assert.Single(observation.Meta.Tag, t => t.System == OwnershipTags.System);
        Assert.Equal("https://fhir.sendinterop.org.uk/CodeSystem/owner", OwnershipTags.System);

        observation.Meta.Tag.Add(new Coding(OwnershipTags.System, Gp));
        Assert.Null(OwnershipTags.GetOwner(observation));
    }
}
