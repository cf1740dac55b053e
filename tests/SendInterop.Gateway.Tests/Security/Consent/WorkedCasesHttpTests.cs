using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Audit;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentJson;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// The twelve worked cases of CONSENT.md end to end over the FHIR API: the data is written by the organisation that owns
/// it, with its own token; the requester reads and searches with its own token and purpose of use.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class WorkedCasesHttpTests(ConsentGateway gateway)
{
    private const string DirectCare = PurposesOfUse.DirectCare;
    private const string EhcAssessment = PurposesOfUse.EhcAssessment;
    private const string EhcReview = PurposesOfUse.EhcReview;
    private const string Safeguarding = PurposesOfUse.Safeguarding;

    private readonly HttpClient _la = gateway.As(La);
    private readonly HttpClient _otherLa = gateway.As(OtherLa);
    private readonly HttpClient _camhs = gateway.As(Camhs);
    private readonly HttpClient _trust = gateway.As(CommunityTrust);

    private Task<string> NewChildAsync(string birthDate) => _la.Create("Patient", ConsentJson.Patient("Case" + Unique(), birthDate));

    private Task<string> NewParentAsync(string childId) => _la.Create("RelatedPerson", Parent(childId));

    // ---- Case 1 -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case01_LA_for_ehc_assessment_reads_CAMHS_advice_on_the_statutory_basis_of_its_open_assessment()
    {
        var child = await NewChildAsync(Child12());
        await _la.Create("ServiceRequest", OpenAssessment(child));
        var advice = await _camhs.Create("DocumentReference", Document(child, "CAMHS advice for the EHC needs assessment"));

        await _la.AssertReadableAsync("DocumentReference", advice, EhcAssessment);
        var bundle = await _la.SearchAs($"DocumentReference?patient={child}", EhcAssessment);
        Assert.Equal(1, bundle["total"]!.GetValue<int>());
        Assert.Equal([advice], bundle.MatchIds());

        // The basis is this LA's open assessment for this child, for that purpose.
        var unassessed = await NewChildAsync(Child12());
        var otherAdvice = await _camhs.Create("DocumentReference", Document(unassessed, "CAMHS advice, no assessment open"));
        await _la.AssertReadsAsNonexistentAsync("DocumentReference", otherAdvice, EhcAssessment);
        await _otherLa.AssertReadsAsNonexistentAsync("DocumentReference", advice, EhcAssessment);
        await _la.AssertReadsAsNonexistentAsync("DocumentReference", advice, DirectCare);
    }

    // ---- Case 2 -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case02_LA_for_ehc_assessment_does_not_get_mental_health_notes_without_an_explicit_permit()
    {
        var child = await NewChildAsync(Child12());
        await _la.Create("ServiceRequest", OpenAssessment(child));
        var advice = await _camhs.Create("DocumentReference", Document(child, "CAMHS advice for the EHC needs assessment"));
        var notes = await _camhs.Create("DocumentReference", Document(child, "CAMHS treatment notes " + Unique(), "MH"));

        await _la.AssertReadsAsNonexistentAsync("DocumentReference", notes, EhcAssessment);
        var r = await _la.GetAs($"DocumentReference?patient={child}", EhcAssessment);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(1, r.Total);
        Assert.Equal([advice], r.Json.MatchIds());
        ConsentHttp.AssertAbsent(r.Body, [notes]);

        // The owner still sees both.
        Assert.Equal(2, (await _camhs.SearchAs($"DocumentReference?patient={child}", DirectCare))["total"]!.GetValue<int>());
    }

    // ---- Case 3 -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case03_a_parents_consent_naming_the_mental_health_label_opens_the_notes_to_that_LA_for_that_purpose()
    {
        var child = await NewChildAsync(Child12());
        var parent = await NewParentAsync(child);
        await _la.Create("ServiceRequest", OpenAssessment(child));
        var notes = await _camhs.Create("DocumentReference", Document(child, "CAMHS treatment notes " + Unique(), "MH"));
        var consent = await _la.Create("Consent", ConsentJson.Consent(child, $"RelatedPerson/{parent}", "permit",
            actors: [La], purposes: [EhcAssessment], labels: ["MH"]));
        Assert.False(string.IsNullOrEmpty(consent));

        await _la.AssertReadableAsync("DocumentReference", notes, EhcAssessment);
        var bundle = await _la.SearchAs($"DocumentReference?patient={child}", EhcAssessment);
        Assert.Equal(1, bundle["total"]!.GetValue<int>());
        Assert.Equal([notes], bundle.MatchIds());

        // Only for the purpose and the organisation the parent named.
        await _la.AssertReadsAsNonexistentAsync("DocumentReference", notes, EhcReview);
        await _otherLa.AssertReadsAsNonexistentAsync("DocumentReference", notes, EhcAssessment);
    }

    // ---- Cases 4 and 5 ------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case04_the_school_named_in_the_plan_reads_it_for_direct_care()
    {
        var child = await NewChildAsync(Child12());
        var plan = await _la.Create("CarePlan", Plan(child, placement: NamedSchool));
        var school = gateway.As(NamedSchool, scope: "system/*.rs");

        await school.AssertReadableAsync("CarePlan", plan, DirectCare);
        var bundle = await school.SearchAs($"CarePlan?patient={child}", DirectCare);
        Assert.Equal(1, bundle["total"]!.GetValue<int>());
        Assert.Equal([plan], bundle.MatchIds());
        // Tier 2 education → education covers direct care only.
        await school.AssertReadsAsNonexistentAsync("CarePlan", plan, EhcReview);
    }

    [Fact]
    public async Task Case05_another_school_not_named_in_the_plan_does_not_read_it()
    {
        var child = await NewChildAsync(Child12());
        var plan = await _la.Create("CarePlan", Plan(child, placement: NamedSchool));
        var other = gateway.As(OtherSchool, scope: "system/*.rs");

        await other.AssertReadsAsNonexistentAsync("CarePlan", plan, DirectCare);
        var r = await other.GetAs($"CarePlan?patient={child}", DirectCare);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(0, r.Total);
        Assert.Empty(r.Json.AllEntryIds());
        ConsentHttp.AssertAbsent(r.Body, [plan]);
    }

    // ---- Case 6 -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case06_a_young_persons_refusal_of_a_trust_wins_over_agreement_and_the_plan_naming_it()
    {
        // Control: the same plan for another 17-year-old without a refusal is readable by the trust (named in it).
        var control = await NewChildAsync(YoungPerson17());
        var controlPlan = await _la.Create("CarePlan", Plan(control, placement: NamedSchool, contributors: [CommunityTrust], description: "Sections C and G"));
        await _trust.AssertReadableAsync("CarePlan", controlPlan, DirectCare);

        var youngPerson = await NewChildAsync(YoungPerson17());
        var plan = await _la.Create("CarePlan", Plan(youngPerson, placement: NamedSchool, contributors: [CommunityTrust], description: "Sections C and G"));
        await _la.Create("Consent", ConsentJson.Consent(youngPerson, $"Patient/{youngPerson}", "deny", actors: [CommunityTrust]));

        await _trust.AssertReadsAsNonexistentAsync("CarePlan", plan, DirectCare);
        var r = await _trust.GetAs($"CarePlan?patient={youngPerson}", DirectCare);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(0, r.Total);
        ConsentHttp.AssertAbsent(r.Body, [plan]);
        // The refusal names the trust only: the school named in the plan still reads it.
        await gateway.As(NamedSchool, scope: "system/*.rs").AssertReadableAsync("CarePlan", plan, DirectCare);
    }

    [Fact]
    public async Task Case06_a_refusal_written_through_another_replica_reaches_this_gate_within_its_poll_interval()
    {
        var replica = ConsentGateway.ReplicaOf(gateway);
        await replica.InitializeAsync();
        try
        {
            var youngPerson = await NewChildAsync(YoungPerson17());
            var plan = await _la.Create("CarePlan", Plan(youngPerson, placement: NamedSchool, contributors: [CommunityTrust], description: "Sections C and G"));
            await _trust.AssertReadableAsync("CarePlan", plan, DirectCare); // the child's context is now cached here

            // Written through the replica: this gateway's write observers never see it, only the database does.
            await replica.As(La).Create("Consent", ConsentJson.Consent(youngPerson, $"Patient/{youngPerson}", "deny", actors: [CommunityTrust]));

            // Within the poll interval (1 s) and some slack for a busy machine; the backstop age (300 s) is far off.
            var refusedWithin = System.Diagnostics.Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                status = (await _trust.GetAs($"CarePlan/{plan}", DirectCare)).Status;
                if (status == HttpStatusCode.NotFound) break;
                await Task.Delay(100);
            }
            while (refusedWithin.Elapsed < TimeSpan.FromSeconds(15));
            Assert.Equal(HttpStatusCode.NotFound, status);
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task Case06_a_refusal_behind_more_than_a_page_of_withdrawn_consents_still_wins()
    {
        // The gate reads every Consent of the child, page after page: a refusal that sorted after the first 200 would
        // otherwise be missed, and a missed refusal is a disclosure.
        var youngPerson = await NewChildAsync(YoungPerson17());
        var plan = await _la.Create("CarePlan", Plan(youngPerson, placement: NamedSchool, contributors: [CommunityTrust], description: "Sections C and G"));
        var withdrawn = ConsentJson.Consent(youngPerson, $"Patient/{youngPerson}", "deny", actors: [CommunityTrust]).Replace("\"status\":\"active\"", "\"status\":\"inactive\"");
        var entry = "{\"resource\":" + withdrawn + ",\"request\":{\"method\":\"POST\",\"url\":\"Consent\"}}";
        var bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[" + string.Join(",", Enumerable.Repeat(entry, 205)) + "]}";
        var batch = await _la.SendAs(HttpMethod.Post, "", content: new StringContent(bundle, System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.OK, batch.Status);
        await _trust.AssertReadableAsync("CarePlan", plan, DirectCare); // withdrawn refusals do not count

        await _la.Create("Consent", ConsentJson.Consent(youngPerson, $"Patient/{youngPerson}", "deny", actors: [CommunityTrust]));
        await _trust.AssertReadsAsNonexistentAsync("CarePlan", plan, DirectCare);
    }

    // ---- Case 7 -------------------------------------------------------------------------------------------------

    private sealed record SafeguardingRecord(string Child, string[] LaOwned, string[] CamhsOwned);

    private async Task<SafeguardingRecord> SafeguardingRecordAsync()
    {
        var child = await NewChildAsync(Child12());
        var request = await _la.Create("ServiceRequest", OpenAssessment(child));
        var plan = await _la.Create("CarePlan", Plan(child));
        var advice = await _camhs.Create("DocumentReference", Document(child, "CAMHS advice"));
        var notes = await _camhs.Create("DocumentReference", Document(child, "CAMHS treatment notes", "MH"));
        var observation = await _camhs.Create("Observation", ConsentJson.Observation(child, labels: ["SEX"]));
        return new SafeguardingRecord(child,
            [$"Patient/{child}", $"ServiceRequest/{request}", $"CarePlan/{plan}"],
            [$"DocumentReference/{advice}", $"DocumentReference/{notes}", $"Observation/{observation}"]);
    }

    private HttpClient SocialWorker(string clientId) =>
        gateway.As(La, scope: "system/*.rs", purposes: Safeguarding, clientId: clientId, agency: Agencies.SocialCare);

    [Fact]
    public async Task Case07_safeguarding_with_a_stated_reason_breaks_glass_for_everything_on_the_child_and_keeps_the_window_open()
    {
        var record = await SafeguardingRecordAsync();
        var social = SocialWorker("sw-" + Unique());
        const string reason = "Disclosure at school today; section 47 enquiry";

        foreach (var entity in record.LaOwned.Concat(record.CamhsOwned))
        {
            var r = await social.GetAs(entity, Safeguarding, reason);
            Assert.True(r.Status == HttpStatusCode.OK, $"break-glass read of {entity} gave {r}");
        }
        var documents = await social.SearchAs($"DocumentReference?patient={record.Child}", Safeguarding, reason);
        Assert.Equal(2, documents["total"]!.GetValue<int>());
        Assert.Equal(1, (await social.SearchAs($"Observation?patient={record.Child}", Safeguarding, reason))["total"]!.GetValue<int>());

        // The window stays open for this client for the configured minutes: no need to restate the reason each time.
        foreach (var entity in record.CamhsOwned)
        {
            var r = await social.GetAs(entity, Safeguarding);
            Assert.True(r.Status == HttpStatusCode.OK, $"read of {entity} inside the open window gave {r}");
        }
    }

    [Fact]
    public async Task Case07_safeguarding_without_a_reason_and_without_an_open_window_is_refused()
    {
        var record = await SafeguardingRecordAsync();
        var social = SocialWorker("sw-" + Unique());

        foreach (var entity in record.CamhsOwned)
        {
            var slash = entity.IndexOf('/');
            await social.AssertReadsAsNonexistentAsync(entity[..slash], entity[(slash + 1)..], Safeguarding);
        }
        var r = await social.GetAs($"DocumentReference?patient={record.Child}", Safeguarding);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(0, r.Total);
        ConsentHttp.AssertAbsent(r.Body, record.CamhsOwned.Select(e => e[(e.IndexOf('/') + 1)..]));

        // Another client's open window is not this client's.
        var other = SocialWorker("sw-" + Unique());
        Assert.Equal(HttpStatusCode.OK, (await other.GetAs(record.CamhsOwned[0], Safeguarding, "Police request, child missing")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await social.GetAs(record.CamhsOwned[0], Safeguarding)).Status);
    }

    [Fact]
    public async Task Case07_break_glass_is_audited_as_break_glass_with_its_reason()
    {
        var record = await SafeguardingRecordAsync();
        var clientId = "sw-" + Unique();
        var reason = "Audit me " + Unique();
        var social = SocialWorker(clientId);
        Assert.Equal(HttpStatusCode.OK, (await social.GetAs(record.CamhsOwned[1], Safeguarding, reason)).Status);

        var reader = gateway.Services.GetRequiredService<IAuditLogReader>();
        var page = await reader.SearchAsync(new AuditLogQuery(PatientId: record.Child, ClientId: clientId, Count: 100));
        var breakGlass = page.Entries.Where(e => e.BreakGlass).ToList();
        Assert.NotEmpty(breakGlass);
        var json = Encoding.UTF8.GetString(breakGlass[0].Json);
        Assert.Contains(reason, json, StringComparison.Ordinal);
        Assert.Contains(record.CamhsOwned[1], json, StringComparison.Ordinal);

        // Reported: the organisation's break-glass report over the API lists it, and only break-glass entries.
        var report = await social.GetAs("AuditEvent?break-glass=true&_count=100", Safeguarding);
        Assert.Equal(HttpStatusCode.OK, report.Status);
        Assert.Contains(reason, report.Body, StringComparison.Ordinal);
        // Only break-glass entries: every entry carries the break-glass extension (written only when it was used).
        var entries = report.Json["entry"]!.AsArray();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.Contains("audit-break-glass\"", e!.ToJsonString(), StringComparison.Ordinal));
        var all = await social.GetAs("AuditEvent?_count=100", Safeguarding);
        Assert.True(all.Json["entry"]!.AsArray().Count > entries.Count, "the organisation's log also holds entries without break-glass");
    }

    // ---- Case 8 -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case08_a_commissioner_never_gets_a_row_level_resource()
    {
        var child = await NewChildAsync(Child12());
        var plan = await _la.Create("CarePlan", Plan(child, contributors: [Icb]));
        var advice = await _camhs.Create("DocumentReference", Document(child, "CAMHS advice"));
        var observation = await _camhs.Create("Observation", ConsentJson.Observation(child));
        var icb = gateway.As(Icb, scope: "system/*.rs", purposes: PurposesOfUse.Commissioning);
        const string purpose = PurposesOfUse.Commissioning;

        await icb.AssertReadsAsNonexistentAsync("Patient", child, purpose);
        await icb.AssertReadsAsNonexistentAsync("CarePlan", plan, purpose);
        await icb.AssertReadsAsNonexistentAsync("DocumentReference", advice, purpose);
        await icb.AssertReadsAsNonexistentAsync("Observation", observation, purpose);
        // Not even directory entries: commissioning is aggregates only.
        await icb.AssertReadsAsNonexistentAsync("Organization", La, purpose);

        foreach (var query in new[]
        {
            $"Patient?_id={child}", $"CarePlan?patient={child}", $"DocumentReference?patient={child}", $"Observation?patient={child}",
            $"Organization?_id={La}", $"Observation?patient={child}&_summary=count",
        })
        {
            var r = await icb.GetAs(query, purpose);
            Assert.True(r.Status == HttpStatusCode.OK, $"{query} gave {r}");
            Assert.Equal(0, r.Total);
            Assert.Empty(r.Json.AllEntryIds());
            ConsentHttp.AssertAbsent(r.Body, [plan, advice, observation]);
        }
    }

    // ---- Case 9 -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case09_data_of_an_organisation_in_no_tier1_agreement_reaches_nobody_else()
    {
        var child = await NewChildAsync(Child12());
        var parent = await NewParentAsync(child);
        await _la.Create("ServiceRequest", OpenAssessment(child));
        // The parent permits everything to the LA and the trust: still no Tier 1 agreement with the owner.
        await _la.Create("Consent", ConsentJson.Consent(child, $"RelatedPerson/{parent}", "permit", actors: [La, CommunityTrust]));
        var outsider = gateway.As(Outsider);
        // Outside every agreement the LA's child does not exist for the outsider: it writes about it during a break-glass
        // window of another of its clients (a reference must point at something the writer may know of).
        var written = await gateway.As(Outsider, clientId: "case09-break-glass")
            .SendAs(HttpMethod.Post, "Observation", PurposesOfUse.Safeguarding, "case 9 referral", FhirHttp.Body(ConsentJson.Observation(child, code: "outsider-finding")));
        Assert.True(written.Status == System.Net.HttpStatusCode.Created, $"{written}");
        var theirs = written.Json["id"]!.GetValue<string>();
        var camhsObservation = await _camhs.Create("Observation", ConsentJson.Observation(child, code: "camhs-finding"));

        await outsider.AssertReadableAsync("Observation", theirs, DirectCare);
        // Control: the same kind of data from a Tier 1 member is readable by the LA (statutory basis).
        await _la.AssertReadableAsync("Observation", camhsObservation, EhcAssessment);

        await _la.AssertReadsAsNonexistentAsync("Observation", theirs, EhcAssessment);
        await _la.AssertReadsAsNonexistentAsync("Observation", theirs, EhcReview);
        await _trust.AssertReadsAsNonexistentAsync("Observation", theirs, DirectCare);
        await gateway.As(NamedSchool).AssertReadsAsNonexistentAsync("Observation", theirs, DirectCare);
        var bundle = await _la.SearchAs($"Observation?patient={child}", EhcAssessment);
        Assert.Equal(1, bundle["total"]!.GetValue<int>());
        Assert.Equal([camhsObservation], bundle.MatchIds());
    }

    // ---- Case 10 ------------------------------------------------------------------------------------------------

    private sealed record SubjectRecord(string Child, string Plan, string Observation, string Notes, string OtherChild, string OtherObservation);

    private Task<SubjectRecord> SubjectRecordAsync() => gateway.SharedAsync("case10", async () =>
    {
        var child = await NewChildAsync(YoungPerson17());
        var plan = await _la.Create("CarePlan", Plan(child));
        var observation = await _camhs.Create("Observation", ConsentJson.Observation(child, code: "sleep"));
        var notes = await _camhs.Create("DocumentReference", Document(child, "CAMHS treatment notes", "MH"));
        var other = await NewChildAsync(YoungPerson17());
        var otherObservation = await _camhs.Create("Observation", ConsentJson.Observation(other, code: "sleep"));
        // Someone reads the young person's record, so there is something in "who has seen my record".
        await _la.AssertReadableAsync("Patient", child, DirectCare);
        await _la.AssertReadableAsync("Patient", other, DirectCare);
        return new SubjectRecord(child, plan, observation, notes, other, otherObservation);
    });

    private HttpClient YoungPersonsApp(string child) =>
        gateway.As(SubjectAccessApp, scope: "patient/*.rs", purposes: PurposesOfUse.SubjectAccess, patient: child);

    [Fact]
    public async Task Case10_the_young_persons_app_reads_their_own_non_sensitive_record_and_nothing_else()
    {
        var s = await SubjectRecordAsync();
        var app = YoungPersonsApp(s.Child);
        const string purpose = PurposesOfUse.SubjectAccess;

        await app.AssertReadableAsync("Patient", s.Child, purpose);
        await app.AssertReadableAsync("CarePlan", s.Plan, purpose);
        await app.AssertReadableAsync("Observation", s.Observation, purpose);
        // Sensitive items go through a practitioner.
        await app.AssertReadsAsNonexistentAsync("DocumentReference", s.Notes, purpose);
        // Never another child's.
        await app.AssertReadsAsNonexistentAsync("Patient", s.OtherChild, purpose);
        await app.AssertReadsAsNonexistentAsync("Observation", s.OtherObservation, purpose);

        var own = await app.SearchAs($"Observation?patient={s.Child}", purpose);
        Assert.Equal(1, own["total"]!.GetValue<int>());
        Assert.Equal([s.Observation], own.MatchIds());
        Assert.Equal(0, (await app.SearchAs($"DocumentReference?patient={s.Child}", purpose))["total"]!.GetValue<int>());
        var others = await app.GetAs($"Observation?patient={s.OtherChild}", purpose);
        Assert.Equal(HttpStatusCode.OK, others.Status);
        Assert.Equal(0, others.Total);
        ConsentHttp.AssertAbsent(others.Body, [s.OtherObservation]);
        var everything = await app.SearchAs("Observation?_count=100", purpose);
        Assert.Equal([s.Observation], everything.MatchIds());
        Assert.Equal(1, everything["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Case10_the_young_persons_app_asks_who_has_seen_my_record_through_AuditEvent_search_by_patient()
    {
        var s = await SubjectRecordAsync();
        var app = YoungPersonsApp(s.Child);
        const string purpose = PurposesOfUse.SubjectAccess;

        var r = await app.GetAs($"AuditEvent?patient=Patient/{s.Child}", purpose);
        Assert.True(r.Status == HttpStatusCode.OK, $"AuditEvent?patient= gave {r}");
        var events = (r.Json["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!).Where(x => x["resourceType"]!.GetValue<string>() == "AuditEvent").ToList();
        Assert.NotEmpty(events);
        Assert.Contains(events, e => e.ToJsonString().Contains($"Organization/{La}", StringComparison.Ordinal));
        Assert.All(events, e => Assert.Contains(s.Child, e.ToJsonString(), StringComparison.Ordinal));
        ConsentHttp.AssertAbsent(r.Body, [s.OtherChild]);

        // Not the other child's.
        var other = await app.GetAs($"AuditEvent?patient=Patient/{s.OtherChild}", purpose);
        Assert.True(other.Status is HttpStatusCode.OK or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{other}");
        if (other.Status == HttpStatusCode.OK)
        {
            Assert.Empty((other.Json["entry"]?.AsArray() ?? []).Where(e => e!["resource"]?["resourceType"]?.GetValue<string>() == "AuditEvent"));
            Assert.Equal(0, other.Total ?? 0);
        }
    }

    // ---- Case 11 ------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Case11_a_consents_dataPeriod_withholds_the_observation_outside_it_and_permits_the_rest()
    {
        var child = await NewChildAsync(Child12());
        var parent = await NewParentAsync(child);
        await _la.Create("Consent", ConsentJson.Consent(child, $"RelatedPerson/{parent}", "permit",
            actors: [La], purposes: [EhcReview], dataPeriodStart: "2022-01-01"));
        // ods-RY3 stands in for the GP: a health organisation in the Tier 1 agreement.
        var inside = await _trust.Create("Observation", ConsentJson.Observation(child, code: "height", effective: "2024-05-01"));
        var outside = await _trust.Create("Observation", ConsentJson.Observation(child, code: "height", effective: "2020-01-01"));

        await _la.AssertReadableAsync("Observation", inside, EhcReview);
        await _la.AssertReadsAsNonexistentAsync("Observation", outside, EhcReview);
        var r = await _la.GetAs($"Observation?patient={child}", EhcReview);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(1, r.Total);
        Assert.Equal([inside], r.Json.MatchIds());
        ConsentHttp.AssertAbsent(r.Body, [outside]);
    }

    // ---- Case 12 ------------------------------------------------------------------------------------------------

    /// <summary>
    /// Ten Observations of one child owned by CAMHS, three labelled sexual health (o2, o5, o9, interleaved so the last
    /// stored match is hidden), all in one Encounter of the community trust; o2 is derived from o0. The trust's own
    /// DiagnosticReport lists all ten as results. The parent permits the trust for direct care, naming no label.
    /// </summary>
    private sealed record TrustSearch(string Child, string Encounter, string Report, string[] All, string[] Visible, string[] Hidden);

    private Task<TrustSearch> TrustSearchAsync() => gateway.SharedAsync("case12", async () =>
    {
        var child = await NewChildAsync(Child12());
        var parent = await NewParentAsync(child);
        await _la.Create("Consent", ConsentJson.Consent(child, $"RelatedPerson/{parent}", "permit", actors: [CommunityTrust], purposes: [DirectCare]));
        var encounter = await _trust.Create("Encounter", Encounter(child));
        var ids = new string[10];
        for (var i = 0; i < 10; i++)
        {
            var labels = i is 2 or 5 or 9 ? new[] { "SEX" } : [];
            ids[i] = await _camhs.Create("Observation", ConsentJson.Observation(child, code: $"obs-{i}", labels: labels, encounter: encounter,
                derivedFrom: i == 2 ? ids[0] : null));
        }
        var report = await _trust.Create("DiagnosticReport", new JsonObject
        {
            ["resourceType"] = "DiagnosticReport",
            ["status"] = "final",
            ["code"] = new JsonObject { ["text"] = "Clinic summary" },
            ["subject"] = Ref($"Patient/{child}"),
            ["result"] = new JsonArray(ids.Select(id => (JsonNode)Ref($"Observation/{id}")).ToArray()),
        }.ToJsonString());
        return new TrustSearch(child, encounter, report, ids,
            [ids[0], ids[1], ids[3], ids[4], ids[6], ids[7], ids[8]], [ids[2], ids[5], ids[9]]);
    });

    [Fact]
    public async Task Case12_a_trust_search_returns_the_seven_unlabelled_with_total_seven_and_no_trace_of_the_three()
    {
        var t = await TrustSearchAsync();
        var r = await _trust.GetAs($"Observation?patient={t.Child}", DirectCare);
        Assert.Equal(HttpStatusCode.OK, r.Status);
        Assert.Equal(7, r.Total);
        Assert.Equal(t.Visible.Order(), r.Json.MatchIds().Order());
        Assert.Equal(7, r.Json["entry"]!.AsArray().Count);
        ConsentHttp.AssertAbsent(r.Body, t.Hidden);

        var count = await _trust.GetAs($"Observation?patient={t.Child}&_summary=count", DirectCare);
        Assert.Equal(HttpStatusCode.OK, count.Status);
        Assert.Equal(7, count.Total);
        Assert.Empty(count.Json.AllEntryIds());

        // The owner sees all ten.
        Assert.Equal(10, (await _camhs.SearchAs($"Observation?patient={t.Child}", DirectCare))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Case12_pages_of_three_hold_three_three_and_one_with_total_seven_on_each_and_the_links_end()
    {
        var t = await TrustSearchAsync();
        var sizes = new List<int>();
        var seen = new List<string>();
        string? url = $"Observation?patient={t.Child}&_count=3";
        while (url is not null)
        {
            Assert.True(sizes.Count < 10, "the next links do not end");
            var page = await _trust.GetAs(url, DirectCare);
            Assert.True(page.Status == HttpStatusCode.OK, $"{url} gave {page}");
            Assert.Equal(7, page.Total);
            ConsentHttp.AssertAbsent(page.Body, t.Hidden);
            sizes.Add(page.Json.MatchIds().Count);
            seen.AddRange(page.Json.MatchIds());
            url = page.Json.Link("next");
        }
        Assert.Equal([3, 3, 1], sizes);
        Assert.Equal(t.Visible.Order(), seen.Order());
    }

    [Fact]
    public async Task Case12_a_page_ending_at_the_last_visible_match_offers_no_next_page()
    {
        // Seven visible matches and _count=7: without hidden resources there is no next page; with them there must not
        // be one either (an empty next page says that hidden matches exist).
        var t = await TrustSearchAsync();
        var page = await _trust.GetAs($"Observation?patient={t.Child}&_count=7", DirectCare);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal(7, page.Json.MatchIds().Count);
        var next = page.Json.Link("next");
        if (next is not null)
        {
            var following = await _trust.GetAs(next, DirectCare);
            Assert.Fail($"A next link was offered after the last visible match; it leads to {following.Json.MatchIds().Count} matches: {next}");
        }
    }

    [Fact]
    public async Task Case12_include_and_revinclude_never_bring_in_a_withheld_resource()
    {
        var t = await TrustSearchAsync();
        // o2 (hidden) is derived from o0; the Patient is not shared with the trust (no Tier 2 for identity).
        var all = await _trust.GetAs(
            $"Observation?patient={t.Child}&_include=Observation:patient&_revinclude=Observation:derived-from", DirectCare);
        Assert.True(all.Status == HttpStatusCode.OK, $"{all}");
        Assert.Equal(7, all.Total);
        Assert.Equal(t.Visible.Order(), all.Json.AllEntryIds().Order());
        ConsentHttp.AssertAbsent(all.Body, t.Hidden);

        // The trust's own report lists all ten (its body names them: the trust wrote it); only seven come in.
        var report = await _trust.SearchAs($"DiagnosticReport?_id={t.Report}&_include=DiagnosticReport:result", DirectCare);
        Assert.Equal([t.Report], report.MatchIds());
        Assert.Equal(t.Visible.Order(), report.IncludedIds("Observation").Order());
        Assert.Empty(report.AllEntryIds().Intersect(t.Hidden));
        var derived = await _trust.SearchAs($"Observation?_id={t.All[0]}&_revinclude=Observation:derived-from", DirectCare);
        Assert.Equal([t.All[0]], derived.AllEntryIds());

        // From the trust's own Encounter, all ten Observations point back at it: only the seven come in.
        var encounter = await _trust.GetAs($"Encounter?_id={t.Encounter}&_revinclude=Observation:encounter", DirectCare);
        Assert.True(encounter.Status == HttpStatusCode.OK, $"{encounter}");
        Assert.Equal(1, encounter.Total);
        Assert.Equal([t.Encounter], encounter.Json.MatchIds());
        Assert.Equal(t.Visible.Order(), encounter.Json.IncludedIds("Observation").Order());
        ConsentHttp.AssertAbsent(encounter.Body, t.Hidden);
    }

    [Fact]
    public async Task Case12_the_three_withheld_observations_read_vread_and_history_as_if_they_never_existed()
    {
        var t = await TrustSearchAsync();
        foreach (var id in t.Hidden)
        {
            await _trust.AssertReadsAsNonexistentAsync("Observation", id, DirectCare);
            var vread = await _trust.GetAs($"Observation/{id}/_history/1", DirectCare);
            var ghostId = Guid.NewGuid().ToString();
            var ghostVread = await _trust.GetAs($"Observation/{ghostId}/_history/1", DirectCare);
            Assert.Equal(HttpStatusCode.NotFound, vread.Status);
            Assert.Equal(ghostVread.Body.Replace(ghostId, "{id}", StringComparison.Ordinal), vread.Body.Replace(id, "{id}", StringComparison.Ordinal));
            var history = await _trust.GetAs($"Observation/{id}/_history", DirectCare);
            var ghostHistory = await _trust.GetAs($"Observation/{ghostId}/_history", DirectCare);
            Assert.Equal(HttpStatusCode.NotFound, history.Status);
            Assert.Equal(ghostHistory.Body.Replace(ghostId, "{id}", StringComparison.Ordinal), history.Body.Replace(id, "{id}", StringComparison.Ordinal));
        }
        foreach (var id in t.Visible) await _trust.AssertReadableAsync("Observation", id, DirectCare);

        // Type history lists the seven, never the three.
        var seen = new List<string>();
        string? url = "Observation/_history?_count=50";
        for (var pages = 0; url is not null && pages < 100; pages++)
        {
            var page = await _trust.GetAs(url, DirectCare);
            Assert.True(page.Status == HttpStatusCode.OK, $"{url} gave {page}");
            ConsentHttp.AssertAbsent(page.Body, t.Hidden);
            seen.AddRange(page.Json.AllEntryIds());
            url = page.Json.Link("next");
        }
        Assert.Subset(seen.ToHashSet(), t.Visible.ToHashSet());
    }

    [Fact]
    public async Task A_label_added_in_a_new_version_hides_the_older_versions_too()
    {
        var child = await NewChildAsync(Child12());
        var parent = await NewParentAsync(child);
        await _la.Create("Consent", ConsentJson.Consent(child, $"RelatedPerson/{parent}", "permit", actors: [CommunityTrust], purposes: [DirectCare]));
        var id = await _camhs.Create("Observation", ConsentJson.Observation(child, code: "relabelled"));
        Assert.Equal(HttpStatusCode.OK, (await _trust.GetAs($"Observation/{id}/_history/1", DirectCare)).Status); // the control

        var labelled = JsonNode.Parse(ConsentJson.Observation(child, code: "relabelled", labels: ["SEX"]))!.AsObject();
        labelled["id"] = id;
        var put = await _camhs.SendAs(HttpMethod.Put, $"Observation/{id}", content: Body(labelled.ToJsonString()));
        Assert.True(put.Status == HttpStatusCode.OK, $"the relabelling gave {put}");

        // Version 1 was unlabelled, but the record is labelled now: no version of it is left to read, as if none existed.
        await _trust.AssertReadsAsNonexistentAsync("Observation", id, DirectCare);
        var ghost = Guid.NewGuid().ToString();
        var vread = await _trust.GetAs($"Observation/{id}/_history/1", DirectCare);
        var ghostVread = await _trust.GetAs($"Observation/{ghost}/_history/1", DirectCare);
        Assert.Equal(HttpStatusCode.NotFound, vread.Status);
        Assert.Equal(ghostVread.Body.Replace(ghost, "{id}", StringComparison.Ordinal), vread.Body.Replace(id, "{id}", StringComparison.Ordinal));
        string? url = "Observation/_history?_count=50";
        for (var pages = 0; url is not null && pages < 100; pages++)
        {
            var page = await _trust.GetAs(url, DirectCare);
            Assert.True(page.Status == HttpStatusCode.OK, $"{url} gave {page}");
            ConsentHttp.AssertAbsent(page.Body, [id]);
            url = page.Json.Link("next");
        }
        // The refusal is audited (as the current version's decision) for a client that asked for the old version.
        var auditedClient = "relabel-vread-" + Unique();
        var asker = gateway.As(CommunityTrust, clientId: auditedClient);
        Assert.Equal(HttpStatusCode.NotFound, (await asker.GetAs($"Observation/{id}/_history/1", DirectCare)).Status);
        var audited = await gateway.Services.GetRequiredService<SendInterop.Storage.Audit.IAuditLogReader>()
            .SearchAsync(new SendInterop.Storage.Audit.AuditLogQuery(ClientId: auditedClient));
        Assert.Contains(audited.Entries, e => e.Decision == SendInterop.Domain.Audit.AuditDecision.Deny);

        // The owner still reads both versions.
        Assert.Equal(HttpStatusCode.OK, (await _camhs.GetAs($"Observation/{id}/_history/1")).Status);
    }
}
