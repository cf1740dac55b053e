using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;
using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Fhir.Interactions;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Tests.DemoData;

/// <summary>The default cohort, generated once for the class (about a second).</summary>
public sealed class DefaultCohortFixture
{
    public DefaultCohortFixture()
    {
        Cohort = new SyntheticCohort();
        Shared = SyntheticCohort.SharedBundle();
        Children = Cohort.ChildBundles().ToList();
        Json = Children.Select(b => Serializer.SerializeToString(b)).ToList();
    }

    public static FhirJsonSerializer Serializer { get; } = new();

    public SyntheticCohort Cohort { get; }
    public Bundle Shared { get; }
    public List<Bundle> Children { get; }
    public List<string> Json { get; }

    public IEnumerable<T> All<T>() where T : Resource => Children.SelectMany(b => b.Entry).Select(e => e.Resource).OfType<T>();

    public static IEnumerable<T> In<T>(Bundle bundle) where T : Resource => bundle.Entry.Select(e => e.Resource).OfType<T>();
}

public sealed class SyntheticCohortTests(DefaultCohortFixture fixture) : IClassFixture<DefaultCohortFixture>
{
    private static readonly DateOnly AsOf = SyntheticCohort.DefaultAsOf;

    [Fact]
    public void Same_seed_gives_identical_json()
    {
        var again = new SyntheticCohort().ChildBundles().Select(b => DefaultCohortFixture.Serializer.SerializeToString(b)).ToList();
        Assert.Equal(fixture.Json.Count, again.Count);
        for (var i = 0; i < again.Count; i++) Assert.True(fixture.Json[i] == again[i], $"child bundle {i} differs between two runs");
        Assert.Equal(
            DefaultCohortFixture.Serializer.SerializeToString(fixture.Shared),
            DefaultCohortFixture.Serializer.SerializeToString(SyntheticCohort.SharedBundle()));
    }

    [Fact]
    public void Another_seed_gives_another_cohort()
    {
        var a = new SyntheticCohort(children: 5, seed: 1).ChildBundles().Select(b => DefaultCohortFixture.Serializer.SerializeToString(b));
        var b = new SyntheticCohort(children: 5, seed: 2).ChildBundles().Select(b => DefaultCohortFixture.Serializer.SerializeToString(b));
        Assert.NotEqual(string.Concat(a), string.Concat(b));
    }

    [Fact]
    public void Bundles_are_shared_transaction_first_then_one_transaction_per_child()
    {
        var bundles = new SyntheticCohort(children: 3).Bundles().ToList();
        Assert.Equal(4, bundles.Count);
        Assert.All(bundles, b => Assert.Equal(Bundle.BundleType.Transaction, b.Type));
        Assert.All(bundles[0].Entry, e =>
        {
            Assert.Equal(Bundle.HTTPVerb.PUT, e.Request.Method);
            Assert.Equal($"{e.Resource.TypeName}/{e.Resource.Id}", e.Request.Url);
        });
        Assert.All(bundles.Skip(1).SelectMany(b => b.Entry), e =>
        {
            Assert.Equal(Bundle.HTTPVerb.POST, e.Request.Method);
            Assert.Equal(e.Resource.TypeName, e.Request.Url);
            Assert.StartsWith("urn:uuid:", e.FullUrl, StringComparison.Ordinal);
            Assert.Null(e.Resource.Id);
        });
    }

    [Fact]
    public void Counts_follow_the_designed_mix()
    {
        var n = SyntheticCohort.DefaultChildren;
        Assert.Equal(n, fixture.Children.Count);
        Assert.All(fixture.Children, b => Assert.Single(DefaultCohortFixture.In<Patient>(b)));

        int Quota(SendPathway p) => (int)Math.Round(SyntheticCohort.PathwayShares.Single(s => s.Pathway == p).Share * n);
        var pathways = fixture.Cohort.Pathways();
        foreach (var (pathway, _) in SyntheticCohort.PathwayShares)
            Assert.InRange(pathways.Count(p => p == pathway), Quota(pathway) - 1, Quota(pathway) + 1);

        // One request for every child beyond SEN support; a plan for every issued one.
        var requests = fixture.All<ServiceRequest>().ToList();
        Assert.Equal(n - pathways.Count(p => p == SendPathway.SenSupport), requests.Count);
        var plans = fixture.All<CarePlan>().ToList();
        Assert.Equal(pathways.Count(p => p == SendPathway.PlanActive), plans.Count(p => p.Status == RequestStatus.Active));
        Assert.Equal(pathways.Count(p => p == SendPathway.PlanCeased), plans.Count(p => p.Status == RequestStatus.Revoked));
        Assert.Equal(pathways.Count(p => p == SendPathway.PlanCompleted), plans.Count(p => p.Status == RequestStatus.Completed));
        Assert.InRange(plans.Count(p => p.Status == RequestStatus.Draft), 1, pathways.Count(p => p == SendPathway.AssessmentInProgress));
        Assert.Equal(pathways.Count(p => p == SendPathway.RefusedToAssess), requests.Count(r => r.Status == RequestStatus.Revoked));
        Assert.Equal(pathways.Count(p => p == SendPathway.AssessmentInProgress), requests.Count(r => r.Status == RequestStatus.Active));

        // Both LAs, roughly in proportion to their caseloads.
        var norfolk = fixture.All<Patient>().Count(p => p.Identifier.Any(i => i.System == IdentifierSystems.LaChildId && i.Value.StartsWith("926/", StringComparison.Ordinal)));
        Assert.InRange(norfolk, (int)(n * 0.5), (int)(n * 0.66));

        // Every plan has 2-4 outcomes and at least one primary need; every child a primary need.
        Assert.All(plans, p => Assert.InRange(p.Goal.Count, 2, 4));
        Assert.All(fixture.Children, b => Assert.Single(DefaultCohortFixture.In<Condition>(b), c => Rank(c) == 1));
        Assert.All(fixture.All<Goal>().Where(g => g.Category.Count > 0), g => Assert.Equal(SendCanonical.CodeSystems.PfaDomain, g.Category[0].Coding[0].System));

        // Reviews, progress, health involvement, consent and statutory steps all present in bulk.
        Assert.True(fixture.All<Encounter>().Count() > plans.Count, "expected at least one review per plan on average");
        Assert.True(fixture.All<Encounter>().Any(e => e.Status == Encounter.EncounterStatus.Planned && DateOnly.Parse(e.Period.Start, CultureInfo.InvariantCulture) < AsOf), "expected some overdue reviews");
        Assert.NotEmpty(fixture.All<Observation>());
        Assert.True(fixture.All<EpisodeOfCare>().Count(e => e.Status == EpisodeOfCare.EpisodeOfCareStatus.Waitlist) > 10);
        Assert.True(fixture.All<Consent>().Count() >= requests.Count);
        Assert.Contains(fixture.All<Consent>(), c => c.Provision.Provision.Any(p => p.Type == Consent.ConsentProvisionType.Deny));
        Assert.Contains(fixture.All<FhirTask>(), t => t.BusinessStatus?.Coding.FirstOrDefault()?.Code == DemoCodes.Overdue);
        Assert.Equal(SyntheticCohort.SharedBundle().Entry.Count, DemoDirectory.SharedReferences.Count);
    }

    [Fact]
    public void Every_identifier_is_valid_for_its_system_and_unique()
    {
        var seen = new HashSet<(string?, string?)>();
        foreach (var patient in fixture.All<Patient>())
        {
            var age = AgeOn(DateOnly.Parse(patient.BirthDate, CultureInfo.InvariantCulture), AsOf);
            Assert.InRange(age, 0, 25);
            var nhs = Assert.Single(patient.Identifier, i => i.System == IdentifierSystems.NhsNumber);
            Assert.True(NhsNumber.TryParse(nhs.Value, NhsNumberParseOptions.AllowTestNumbers, out var parsed, out var error), error);
            Assert.True(parsed.IsTestNumber, "synthetic NHS numbers must be in the 999 test range");
            Assert.Equal("https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus", Assert.Single(nhs.Extension).Url);

            var upn = patient.Identifier.SingleOrDefault(i => i.System == IdentifierSystems.Upn);
            if (age >= 4) Assert.NotNull(upn);
            if (upn is not null) Assert.True(Upn.TryParse(upn.Value, out _, out error), error);

            var uln = patient.Identifier.SingleOrDefault(i => i.System == IdentifierSystems.Uln);
            if (age >= 16) Assert.NotNull(uln);
            if (uln is not null) Assert.True(Uln.TryParse(uln.Value, out _, out error), error);

            var la = Assert.Single(patient.Identifier, i => i.System == IdentifierSystems.LaChildId);
            Assert.True(LaChildId.TryParse(la.Value, out _, out error), error);

            foreach (var identifier in patient.Identifier)
            {
                Assert.Null(IdentifierRules.Check(identifier, allowTestNhsNumbers: true));
                Assert.True(seen.Add((identifier.System, identifier.Value)), $"duplicate {identifier.System} value");
            }
        }
    }

    [Fact]
    public void Every_reference_resolves_inside_its_bundle_or_to_a_shared_resource()
    {
        var shared = fixture.Shared.Entry.Select(e => $"{e.Resource.TypeName}/{e.Resource.Id}").ToHashSet(StringComparer.Ordinal);
        Assert.Equal(DemoDirectory.SharedReferences.Order(), shared.Order());
        foreach (var resource in fixture.Shared.Entry.Select(e => e.Resource))
            Assert.All(ReferenceWalker.All(resource), r => Assert.Contains(r.Reference, shared));

        for (var i = 0; i < fixture.Children.Count; i++)
        {
            var bundle = fixture.Children[i];
            var fullUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(bundle.Entry.Count, fullUrls.Count);
            foreach (var entry in bundle.Entry)
            {
                foreach (var reference in ReferenceWalker.All(entry.Resource))
                {
                    Assert.False(string.IsNullOrEmpty(reference.Reference), $"child {i}: empty reference in {entry.Resource.TypeName}");
                    Assert.True(fullUrls.Contains(reference.Reference) || shared.Contains(reference.Reference),
                        $"child {i}: {entry.Resource.TypeName} refers to {reference.Reference}, which is neither in the bundle nor shared");
                }
            }
        }
    }

    [Fact]
    public void Send_profiled_types_declare_their_profile_and_nothing_else_declares_one()
    {
        foreach (var resource in fixture.Children.SelectMany(b => b.Entry).Select(e => e.Resource))
        {
            var expected = SendCanonical.Profiles.ForResourceType(resource.TypeName);
            var declared = resource.Meta?.Profile.ToList() ?? [];
            if (expected is null) Assert.Empty(declared);
            else Assert.Equal([expected], declared);
        }
    }

    [Fact]
    public void Between_45_and_70_percent_of_plans_are_issued_within_20_weeks()
    {
        int issued = 0, within = 0;
        foreach (var bundle in fixture.Children)
        {
            var plan = DefaultCohortFixture.In<CarePlan>(bundle).SingleOrDefault(p => p.Status != RequestStatus.Draft);
            if (plan is null) continue;
            var request = Assert.Single(DefaultCohortFixture.In<ServiceRequest>(bundle));
            var days = DateOnly.Parse(plan.Period.Start, CultureInfo.InvariantCulture).DayNumber - DateOnly.Parse(request.AuthoredOn, CultureInfo.InvariantCulture).DayNumber;
            Assert.True(days > 0, "a plan is issued after its request");
            issued++;
            if (days <= 140) within++;
        }

        var share = (double)within / issued;
        Assert.InRange(share, 0.45, 0.70);
    }

    [Fact]
    public void Statutory_tasks_carry_the_timeline_and_overdue_means_past_due_and_open()
    {
        foreach (var bundle in fixture.Children)
        {
            var request = DefaultCohortFixture.In<ServiceRequest>(bundle).SingleOrDefault();
            if (request is null) continue;
            var received = DateOnly.Parse(request.AuthoredOn, CultureInfo.InvariantCulture);
            foreach (var task in DefaultCohortFixture.In<FhirTask>(bundle))
            {
                var due = DateOnly.Parse(task.Restriction.Period.End, CultureInfo.InvariantCulture);
                var code = task.Code.Coding[0].Code;
                if (code == DemoCodes.DecideToAssess) Assert.Equal(received.AddDays(42), due);
                if (code == DemoCodes.DraftPlan) Assert.Equal(received.AddDays(112), due);
                if (code == DemoCodes.FinalPlan) Assert.Equal(received.AddDays(140), due);
                var overdue = task.BusinessStatus?.Coding.FirstOrDefault()?.Code == DemoCodes.Overdue;
                if (task.Status == FhirTask.TaskStatus.Completed)
                {
                    Assert.False(overdue);
                    Assert.True(DateOnly.Parse(task.ExecutionPeriod.End, CultureInfo.InvariantCulture) <= AsOf);
                }
                else
                {
                    Assert.Equal(FhirTask.TaskStatus.InProgress, task.Status);
                    Assert.Equal(due < AsOf, overdue);
                }
            }
        }
    }

    [Fact]
    public void Nothing_happens_after_the_reference_date_except_planned_reviews_and_targets()
    {
        foreach (var bundle in fixture.Children)
        {
            var patient = DefaultCohortFixture.In<Patient>(bundle).Single();
            var born = DateOnly.Parse(patient.BirthDate, CultureInfo.InvariantCulture);
            foreach (var request in DefaultCohortFixture.In<ServiceRequest>(bundle)) AssertBetween(request.AuthoredOn, born);
            foreach (var condition in DefaultCohortFixture.In<Condition>(bundle)) AssertBetween(condition.RecordedDate, born);
            foreach (var consent in DefaultCohortFixture.In<Consent>(bundle)) AssertBetween(consent.DateTime, born);
            foreach (var plan in DefaultCohortFixture.In<CarePlan>(bundle).Where(p => p.Period is not null))
            {
                AssertBetween(plan.Period.Start, born);
                if (plan.Period.End is not null) Assert.True(string.CompareOrdinal(plan.Period.Start, plan.Period.End) < 0);
            }

            foreach (var encounter in DefaultCohortFixture.In<Encounter>(bundle).Where(e => e.Status == Encounter.EncounterStatus.Finished))
                AssertBetween(encounter.Period.Start, born);
            foreach (var task in DefaultCohortFixture.In<FhirTask>(bundle))
            {
                AssertBetween(task.AuthoredOn, born);
                if (task.ExecutionPeriod.End is { } end) AssertBetween(end, born);
            }

            foreach (var observation in DefaultCohortFixture.In<Observation>(bundle)) AssertBetween(((FhirDateTime)observation.Effective).Value, born);
            foreach (var episode in DefaultCohortFixture.In<EpisodeOfCare>(bundle)) AssertBetween(episode.Period.Start, born);
        }

        static void AssertBetween(string date, DateOnly born)
        {
            var d = DateOnly.Parse(date, CultureInfo.InvariantCulture);
            Assert.InRange(d, born, AsOf);
        }
    }

    [Fact]
    public void Child_bundles_survive_strict_json_parsing()
    {
        var parser = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        foreach (var json in fixture.Json.Take(60)) Assert.IsType<Bundle>(parser.DeserializeResource(json));
        parser.DeserializeResource(DefaultCohortFixture.Serializer.SerializeToString(fixture.Shared));
    }

    private static int? Rank(Condition c) => (c.GetExtension(SendCanonical.Extensions.SenNeedRank)?.Value as PositiveInt)?.Value;

    private static int AgeOn(DateOnly dob, DateOnly date)
    {
        var age = date.Year - dob.Year;
        return date < dob.AddYears(age) ? age - 1 : age;
    }
}
