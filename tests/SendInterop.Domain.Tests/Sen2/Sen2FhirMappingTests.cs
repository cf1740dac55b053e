using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Sen2;
using static SendInterop.Domain.Tests.Sen2.Sen2Fixtures;

namespace SendInterop.Domain.Tests.Sen2;

public class Sen2FhirMappingTests
{
    private static readonly LaCode Norfolk = LaCode.Parse("926");
    private static readonly LaChildId AlexLaId = LaChildId.Parse("926/C1234567");

    private static Sen2Person Person(string personXml) => Assert.Single(Read(Return(personXml)).Records).Person!;

    private static Bundle Map(Sen2Person person, LaChildId? laChildId = null)
    {
        Assert.True(Sen2ToFhirMapper.TryMap(person, Norfolk, laChildId, out var bundle, out var problem), problem);
        return bundle;
    }

    private static T Single<T>(Bundle bundle) where T : Resource => Assert.Single(bundle.Entry.Select(e => e.Resource).OfType<T>());

    [Fact]
    public void Every_keyed_resource_names_its_la_and_a_person_token_of_one_of_the_childs_identifiers()
    {
        var bundle = Map(Person(HistoricalPlanAndNewRequest));
        var patient = Single<Patient>(bundle);
        var tokens = patient.Identifier.Select(Sen2RecordKey.PersonTokenFor).ToList();
        var keys = bundle.Entry.Select(e => Sen2RecordKey.ValueOf(e.Resource)).OfType<string>().ToList();

        Assert.Equal(bundle.Entry.Count - 1, keys.Count); // every entry but the Patient
        Assert.All(keys, k => Assert.Equal("926", Sen2RecordKey.LaOf(k)));
        // Keyed by the main identifier (the UPN); the ULN's token is another, so a child keyed by its ULN last year is still found.
        Assert.All(keys, k => Assert.Equal(tokens[0], Sen2RecordKey.PersonTokenOf(k)));
        Assert.NotEqual(tokens[0], tokens[1]);
        Assert.Null(Sen2RecordKey.ValueOf(patient));
    }

    [Fact]
    public void Patient_carries_the_sen2_identifiers_demographics_and_is_created_only_if_no_child_has_them()
    {
        var bundle = Map(Person(HistoricalPlanAndNewRequest));
        var entry = bundle.Entry[0];
        var patient = Assert.IsType<Patient>(entry.Resource);

        Assert.Equal(
            [(IdentifierSystems.Upn, "P926210022002"), (IdentifierSystems.Uln, "1234567899")],
            patient.Identifier.Select(i => (i.System, i.Value)));
        Assert.Equal((Bundle.HTTPVerb.POST, "Patient"), (entry.Request.Method, entry.Request.Url));
        Assert.Equal(
            "identifier=https%3A%2F%2Ffhir.sendinterop.org.uk%2FId%2Fupn|P926210022002,https%3A%2F%2Ffhir.sendinterop.org.uk%2FId%2Fuln|1234567899",
            entry.Request.IfNoneExist);
        Assert.Equal([SendCanonical.Profiles.Child], patient.Meta.Profile);
        Assert.Equal(("Testcase", "Jo"), (patient.Name[0].Family, patient.Name[0].Given.Single()));
        Assert.Equal((AdministrativeGender.Female, "2009-03-30", "ZZ99 3ZZ"), (patient.Gender, patient.BirthDate, patient.Address[0].PostalCode));
        var ethnicity = (CodeableConcept)patient.GetExtension(Sen2FhirUrls.Extensions.Ethnicity).Value;
        Assert.Equal((Sen2FhirUrls.CodeSystems.CbdsEthnicity, "WENG"), (ethnicity.Coding[0].System, ethnicity.Coding[0].Code));
    }

    [Fact]
    public void Person_with_only_a_upn_unknown_reason_needs_an_la_child_id_scoped_by_the_la()
    {
        var alex = Person(RefusedUnder6);
        Assert.False(Sen2ToFhirMapper.TryMap(alex, Norfolk, null, out _, out var problem));
        Assert.Equal("the person has no UPN or ULN and no LA child id was supplied: resolve the child's identity first", problem);

        var patient = Single<Patient>(Map(alex, AlexLaId));
        var id = Assert.Single(patient.Identifier);
        Assert.Equal((IdentifierSystems.LaChildId, "926/C1234567"), (id.System, id.Value));
        Assert.Equal("UN1", ((Coding)patient.GetExtension(Sen2FhirUrls.Extensions.UpnUnknown).Value).Code);
    }

    [Fact]
    public void Every_reference_inside_the_bundle_resolves_and_every_entry_is_conditional_on_an_identifier_it_carries()
    {
        foreach (var record in Read(ValidReturn).Records)
        {
            var bundle = Map(record.Person!, record.Index == 1 ? AlexLaId : null);
            var fullUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet();
            Assert.Equal(bundle.Entry.Count, fullUrls.Count);
            var patientUrl = bundle.Entry.Single(e => e.Resource is Patient).FullUrl;

            foreach (var entry in bundle.Entry.Where(e => e.Resource is not Patient))
            {
                var key = IdentifierOf(entry.Resource);
                Assert.Equal(Bundle.HTTPVerb.PUT, entry.Request.Method);
                Assert.Equal($"{entry.Resource.TypeName}?identifier=https%3A%2F%2Ffhir.sendinterop.org.uk%2FId%2Fsen2-record|{Uri.EscapeDataString(key)}", entry.Request.Url);
                Assert.StartsWith("926/", key);
                Assert.DoesNotContain("926210022", key, StringComparison.Ordinal); // the UPN is hashed, not spelt out
            }

            Assert.All(bundle.Entry.Select(e => e.Resource).OfType<ServiceRequest>(), r => Assert.Equal(patientUrl, r.Subject.Reference));
            Assert.All(bundle.Entry.Select(e => e.Resource).OfType<Condition>(), r => Assert.Equal(patientUrl, r.Subject.Reference));
            Assert.All(bundle.Entry.Select(e => e.Resource).OfType<Encounter>(), r => Assert.Equal(patientUrl, r.Subject.Reference));
            foreach (var plan in bundle.Entry.Select(e => e.Resource).OfType<CarePlan>())
            {
                Assert.Equal(patientUrl, plan.Subject.Reference);
                Assert.All(plan.Addresses, a => Assert.Contains(a.Reference, fullUrls));
            }
        }
    }

    [Fact]
    public void Request_plan_placements_needs_and_review_map_to_the_gateway_shapes()
    {
        var bundle = Map(Person(IssuedDualPlacement));

        var request = Single<ServiceRequest>(bundle);
        Assert.Equal((RequestStatus.Completed, "2025-02-03"), (request.Status, request.AuthoredOn));
        Assert.Equal((Sen2FhirUrls.EhcProcessStep, "ehc-needs-assessment-request"), (request.Code.Coding[0].System, request.Code.Coding[0].Code));
        Assert.Equal("Y", ((Coding)request.GetExtension(Sen2FhirUrls.Extensions.RequestOutcome).Value).Code);
        Assert.Equal("926", request.Performer[0].Identifier.Value);
        var assessment = request.GetExtension(Sen2FhirUrls.Extensions.Assessment);
        Assert.True(((FhirBoolean)assessment.GetExtension("week20").Value).Value);

        var plan = Single<CarePlan>(bundle);
        Assert.Equal((RequestStatus.Active, CarePlan.CarePlanIntent.Plan, "2025-07-14", (string?)null), (plan.Status, plan.Intent, plan.Period.Start, plan.Period.End));
        Assert.Equal([SendCanonical.Profiles.EhcPlan], plan.Meta.Profile);
        Assert.Equal(SendCanonical.Codes.EhcPlanCategory, plan.Category[0].Coding[0].Code);
        var named = plan.Extension.Where(e => e.Url == SendCanonical.Extensions.EhcPlacement).Select(e => (ResourceReference)e.Value).ToList();
        Assert.Equal([(IdentifierSystems.SchoolUrn, "100001"), (IdentifierSystems.SchoolUrn, "100002")], named.Select(r => (r.Identifier.System, r.Identifier.Value)));
        var budget = plan.GetExtension(Sen2FhirUrls.Extensions.PersonalBudget);
        Assert.Equal("E", ((Coding)budget.GetExtension("directPayments").Value).Code);

        var placements = plan.Activity.ToList();
        Assert.Equal(2, placements.Count);
        Assert.All(placements, a => Assert.Equal("I", ((Code)a.GetExtension(SendCanonical.Extensions.EhcPlanSection).Value).Value));
        Assert.Equal(("2025-09-03", "100002"), (((Period)placements[1].Detail.Scheduled).Start, placements[1].Detail.Performer[0].Identifier.Value));
        Assert.Equal(CarePlan.CarePlanActivityStatus.InProgress, placements[0].Detail.Status);

        var needs = bundle.Entry.Select(e => e.Resource).OfType<Condition>().ToList();
        Assert.Equal(
            [("ASD", 1), ("SLCN", 2)],
            needs.Select(c => (c.Category[0].Coding.Single(x => x.System == SendCanonical.CodeSystems.Sen2NeedType).Code,
                ((PositiveInt)c.GetExtension(SendCanonical.Extensions.SenNeedRank).Value).Value!.Value)));
        Assert.All(needs, c => Assert.Equal([SendCanonical.Profiles.Need], c.Meta.Profile));
        Assert.All(plan.Addresses, a => Assert.Equal("B", ((Code)a.GetExtension(SendCanonical.Extensions.EhcPlanSection).Value).Value));
        Assert.Empty(bundle.Entry.Select(e => e.Resource).OfType<Encounter>());
    }

    [Fact]
    public void Ceased_plan_refused_request_and_review_take_their_status_and_codes()
    {
        var ceased = Single<CarePlan>(Map(Person(CeasedNeet)));
        Assert.Equal((RequestStatus.Revoked, "2025-11-30"), (ceased.Status, ceased.Period.End));
        var reason = (Coding)ceased.GetExtension("https://fhir.sendinterop.org.uk/StructureDefinition/ehc-cease-reason").Value;
        Assert.Equal((Sen2FhirUrls.CodeSystems.CeaseReason, "6"), (reason.System, reason.Code));
        Assert.Equal("Not in education, employment or training, aged 16-25", ((ResourceReference)ceased.GetExtension(SendCanonical.Extensions.EhcPlacement).Value).Display);

        Assert.Equal(RequestStatus.Revoked, Single<ServiceRequest>(Map(Person(RefusedUnder6), AlexLaId)).Status);

        var review = Single<Encounter>(Map(Person(HistoricalPlanAndNewRequest)));
        Assert.Equal((Encounter.EncounterStatus.Finished, "annual-review", "2025-06-10"), (review.Status, review.Type[0].Coding[0].Code, review.Period.Start));
        Assert.Equal("A", ((Coding)review.GetExtension(Sen2FhirUrls.Extensions.ReviewOutcome).Value).Code);
    }

    [Fact]
    public void Mapping_is_deterministic()
    {
        var person = Person(IssuedDualPlacement);
        Assert.True(Map(person).IsExactly(Map(person)));
    }

    [Fact]
    public void Importing_the_same_file_twice_creates_nothing_the_second_time()
    {
        var store = new FakeTransactionStore();
        var records = Read(ValidReturn).Records;
        foreach (var record in records) store.Apply(Map(record.Person!, record.Index == 1 ? AlexLaId : null));
        var afterFirst = store.Resources.Count;
        Assert.Equal(afterFirst, store.Created);

        foreach (var record in records) store.Apply(Map(record.Person!, record.Index == 1 ? AlexLaId : null));

        Assert.Equal(afterFirst, store.Resources.Count);
        Assert.Equal(afterFirst, store.Created);
        Assert.Equal(6, store.Resources.OfType<Patient>().Count());
    }

    [Fact]
    public void Child_is_reused_by_any_identifier_while_records_follow_the_main_identifier_and_update_in_place()
    {
        var store = new FakeTransactionStore();
        store.Apply(Map(Person(HistoricalPlanAndNewRequest)));
        var before = store.Resources.Count;

        // Next year's file: the request has been decided, and the child is now known by ULN only.
        var changed = Person(HistoricalPlanAndNewRequest
            .Replace("<UPN>P926210022002</UPN>", "")
            .Replace("<RequestOutcome>A</RequestOutcome>", "<RequestOutcomeDate>2025-11-05</RequestOutcomeDate><RequestOutcome>N</RequestOutcome>"));
        var bundle = Map(changed);
        // Keyed by the ULN now, so the records are new; the child is not.
        store.Apply(bundle);
        Assert.Single(store.Resources.OfType<Patient>());

        store.Apply(Map(Person(HistoricalPlanAndNewRequest.Replace("<RequestOutcome>A</RequestOutcome>", "<RequestOutcomeDate>2025-11-05</RequestOutcomeDate><RequestOutcome>N</RequestOutcome>"))));
        var requests = store.Resources.OfType<ServiceRequest>().Where(r => r.Identifier[0].Value.EndsWith("r20251001", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, requests.Count); // one keyed by UPN (updated in place), one by ULN
        Assert.All(requests, r => Assert.Equal(RequestStatus.Revoked, r.Status));
        Assert.True(store.Updated > 0);
        Assert.Equal(before * 2 - 1, store.Resources.Count);
    }

    private static string IdentifierOf(Resource resource) => resource switch
    {
        ServiceRequest r => r.Identifier.Single(i => i.System == Sen2FhirUrls.RecordIdentifier).Value,
        CarePlan r => r.Identifier.Single(i => i.System == Sen2FhirUrls.RecordIdentifier).Value,
        Condition r => r.Identifier.Single(i => i.System == Sen2FhirUrls.RecordIdentifier).Value,
        Encounter r => r.Identifier.Single(i => i.System == Sen2FhirUrls.RecordIdentifier).Value,
        _ => throw new InvalidOperationException(resource.TypeName),
    };
}
