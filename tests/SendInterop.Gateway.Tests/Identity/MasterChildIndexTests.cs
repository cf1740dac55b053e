using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Identifiers;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Audit;
using SendInterop.Storage.Identity;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Identity;

/// <summary>
/// The master child index end to end on SQLite and PostgreSQL: every Patient written through the API is linked to one master
/// identity (verified NHS number, trace, linkage engine), twins are not joined but queued for review as Tasks, a review
/// decision links or separates, and <c>Patient?linked-identifier=</c> finds the child's other records through the
/// consent gate.
/// </summary>
public abstract class MasterChildIndexTests(GatewayFixture gateway, FakeNhsNumberTrace trace)
{
    private const string ReviewCode = IdentityReviewTasks.CodeSystem + "|" + IdentityReviewTasks.PossibleDuplicate;
    private readonly HttpClient _fhir = gateway.Fhir();
    private MasterIndexStore Links => gateway.Services.GetRequiredService<MasterIndexStore>();

    private async Task<MasterLinkRow> LinkOf(string patientId) =>
        await Links.GetAsync(patientId) ?? throw new Xunit.Sdk.XunitException($"Patient/{patientId} has no master link");

    [Fact]
    public async Task A_verified_nhs_number_links_deterministically_whatever_the_demographics()
    {
        var nhs = Build.NhsNumber();
        var first = await _fhir.CreateAsync("Patient", Children.Patient("Olivia", Children.Family(), Children.BirthDate(), postcode: Children.Postcode(), nhs: nhs).ToJsonString());
        // Another agency's record: name changed, moved, birth date mistyped; only the verified number agrees.
        var other = gateway.Fhir(new TokenSpec(Organisation: "ods-RY3", Agency: "health"));
        var second = await other.CreateAsync("Patient", Children.Patient("Livvy", Children.Family(), Children.BirthDate(), postcode: Children.Postcode(), nhs: nhs).ToJsonString());

        var a = await LinkOf(first);
        var b = await LinkOf(second);
        Assert.Equal(a.MasterId, b.MasterId);
        Assert.Equal(MasterLinkMethods.VerifiedNhsNumber, b.Method);
        Assert.Equal(first, b.MatchedPatientId);
    }

    [Fact]
    public async Task An_unverified_nhs_number_does_not_link_on_its_own()
    {
        var nhs = Build.NhsNumber();
        // Demographics that disagree on every field but sex, chosen rather than drawn: two random syllable names and birth
        // dates can land close enough (similar spelling, near dates) to add evidence of their own, and then the pair links
        // on more than the number (the test once failed that way under CI's parallel order).
        var first = await _fhir.CreateAsync("Patient", Children.Patient("George", "Achterberg", "2009-02-03", "male", nhs: nhs).ToJsonString());
        var second = await _fhir.CreateAsync("Patient", Children.Patient("Noah", "Szymanski", "2016-11-27", "male", nhs: nhs, verified: false).ToJsonString());
        Assert.NotEqual((await LinkOf(first)).MasterId, (await LinkOf(second)).MasterId);
    }

    [Fact]
    public async Task A_copy_without_nhs_number_auto_links_and_the_link_explains_itself_without_values()
    {
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var first = await _fhir.CreateAsync("Patient", Children.Patient("Florence", family, dob, postcode: postcode, nhs: Build.NhsNumber()).ToJsonString());
        var school = gateway.Fhir(new TokenSpec(Organisation: "school-926101"));
        var copy = await school.CreateAsync("Patient", Children.Patient("Florence", family, dob, postcode: postcode, upn: Children.Upn()).ToJsonString());

        var link = await LinkOf(copy);
        Assert.Equal((await LinkOf(first)).MasterId, link.MasterId);
        Assert.Equal(MasterLinkMethods.AutoLink, link.Method);
        Assert.Equal("AutoLink", link.Band);
        Assert.True(link.Probability >= 0.99, $"probability {link.Probability}");
        Assert.Equal(first, link.MatchedPatientId);
        var why = LinkExplanation.Parse(link.Explanation)!;
        Assert.Contains(why.Fields, f => f.Comparison == "family_name" && f.Weight > 0);
        Assert.Contains(why.Fields, f => f.Comparison == "date_of_birth" && f.Level == "exact");
        Assert.Equal(why.Weight, why.Prior + why.Fields.Sum(f => f.Weight), 1);
        foreach (var value in new[] { family, "Florence", postcode, dob, family.ToUpperInvariant() })
            Assert.DoesNotContain(value, link.Explanation!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Twins_are_not_merged_and_become_a_review_task_with_score_and_band()
    {
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var twinA = await _fhir.CreateAsync("Patient", Children.Patient("Hannah", family, dob, postcode: postcode).ToJsonString());
        var twinB = await _fhir.CreateAsync("Patient", Children.Patient("Matilda", family, dob, postcode: postcode).ToJsonString());

        var b = await LinkOf(twinB);
        Assert.NotEqual((await LinkOf(twinA)).MasterId, b.MasterId);
        Assert.Equal(MasterLinkMethods.PendingReview, b.Method);
        Assert.Equal("Review", b.Band);
        Assert.Contains("household_guard", b.Explanation);

        var task = await ReviewTaskAsync(twinB);
        Assert.Equal("requested", task["status"]!.GetValue<string>());
        Assert.Equal($"Patient/{twinA}", task["focus"]!["reference"]!.GetValue<string>());
        var inputs = task["input"]!.AsArray();
        Assert.Contains(inputs, i => Code(i!["type"]!) == IdentityReviewTasks.ScoreInput && i["valueDecimal"]!.GetValue<decimal>() is > 0 and <= 1);
        Assert.Contains(inputs, i => Code(i!["type"]!) == IdentityReviewTasks.BandInput && i["valueCode"]!.GetValue<string>() == "Review");
        Assert.DoesNotContain(family, task.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_review_resolved_as_not_link_keeps_them_apart_and_is_audited_and_final()
    {
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var twinA = await _fhir.CreateAsync("Patient", Children.Patient("Isla", family, dob, postcode: postcode).ToJsonString());
        var twinB = await _fhir.CreateAsync("Patient", Children.Patient("Freya", family, dob, postcode: postcode).ToJsonString());
        var taskId = (await ReviewTaskAsync(twinB))["id"]!.GetValue<string>();

        var (status, body) = await _fhir.PostAsync($"Task/{taskId}/$resolve", Decision("not-link"));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("completed", body["status"]!.GetValue<string>());
        Assert.Contains(body["output"]!.AsArray(), o => o!["valueCode"]!.GetValue<string>() == "not-link");
        var b = await LinkOf(twinB);
        Assert.Equal(MasterLinkMethods.ReviewSeparated, b.Method);
        Assert.NotEqual((await LinkOf(twinA)).MasterId, b.MasterId);

        var again = await _fhir.PostAsync($"Task/{taskId}/$resolve", Decision("link"));
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("OperationOutcome", again.Body["resourceType"]!.GetValue<string>());
        await AssertAuditedAsync(twinB, IdentityAudit.ReviewNotLinkRule);
    }

    [Fact]
    public async Task A_review_resolved_as_link_joins_the_masters()
    {
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var a = await _fhir.CreateAsync("Patient", Children.Patient("Ava", family, dob, postcode: postcode).ToJsonString());
        var b = await _fhir.CreateAsync("Patient", Children.Patient("Evelyn", family, dob, postcode: postcode).ToJsonString());
        var taskId = (await ReviewTaskAsync(b))["id"]!.GetValue<string>();

        var (status, body) = await _fhir.PostAsync($"Task/{taskId}/$resolve", Decision("link"));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal((await LinkOf(a)).MasterId, (await LinkOf(b)).MasterId);
        Assert.Equal(MasterLinkMethods.ReviewLinked, (await LinkOf(b)).Method);
        await AssertAuditedAsync(b, IdentityAudit.ReviewLinkRule);
    }

    [Fact]
    public async Task Review_tasks_are_the_gateways_a_client_cannot_write_them_nor_resolve_them_badly()
    {
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        await _fhir.CreateAsync("Patient", Children.Patient("Mia", family, dob, postcode: postcode).ToJsonString());
        var b = await _fhir.CreateAsync("Patient", Children.Patient("Grace", family, dob, postcode: postcode).ToJsonString());
        var task = await ReviewTaskAsync(b);
        var taskId = task["id"]!.GetValue<string>();

        task["status"] = "completed";
        var put = await _fhir.PutAsync($"Task/{taskId}", Body(task.ToJsonString()));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _fhir.PostAsync($"Task/{taskId}/$resolve", Decision("maybe"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await _fhir.PostAsync($"Task/{taskId}/$resolve", """{"resourceType":"Parameters"}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await _fhir.PostAsync("Task/no-such-task/$resolve", Decision("link"))).Status);
        // Another organisation without an agreement sees neither the Task nor the records: 404, nothing changes.
        var outsider = gateway.Fhir(new TokenSpec(Organisation: "la-935"));
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync($"Task/{taskId}/$resolve", Decision("link"))).Status);
        Assert.Equal(MasterLinkMethods.PendingReview, (await LinkOf(b)).Method);
    }

    [Fact]
    public async Task Search_by_a_linked_identifier_finds_the_childs_other_records_through_the_gate()
    {
        var (family, dob, postcode, upn, nhs) = (Children.Family(), Children.BirthDate(), Children.Postcode(), Children.Upn(), Build.NhsNumber());
        var education = await _fhir.CreateAsync("Patient", Children.Patient("Rosie", family, dob, postcode: postcode, upn: upn).ToJsonString());
        var health = await _fhir.CreateAsync("Patient", Children.Patient("Rosie", family, dob, postcode: postcode, nhs: nhs).ToJsonString());
        Assert.Equal((await LinkOf(education)).MasterId, (await LinkOf(health)).MasterId);

        var plain = await _fhir.SearchAsync($"Patient?identifier={IdentifierSystems.Upn}|{upn}");
        Assert.Equal([education], plain.MatchIds());
        var linked = await _fhir.SearchAsync($"Patient?linked-identifier={IdentifierSystems.Upn}|{upn}");
        Assert.Equal(new[] { education, health }.Order(), linked.MatchIds().Order());
        Assert.Equal(2, linked["total"]!.GetValue<int>());
        Assert.Contains("linked-identifier", linked.Link("self"));
        Assert.DoesNotContain(health, linked.Link("self"));
        var byNhs = await _fhir.SearchAsync($"Patient?linked-identifier={IdentifierSystems.NhsNumber}|{nhs}");
        Assert.Equal(new[] { education, health }.Order(), byNhs.MatchIds().Order());

        // Another organisation with no agreement: the same search finds nothing at all.
        var outsider = gateway.Fhir(new TokenSpec(Organisation: "la-935"));
        var hidden = await outsider.SearchAsync($"Patient?linked-identifier={IdentifierSystems.Upn}|{upn}");
        Assert.Empty(hidden.MatchIds());
        Assert.Equal(0, hidden["total"]!.GetValue<int>());
        var nothing = await _fhir.SearchAsync($"Patient?linked-identifier={IdentifierSystems.Upn}|{Children.Upn()}");
        Assert.Equal(0, nothing["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.BadRequest, (await _fhir.GetAsync($"Patient?linked-identifier:missing=true")).StatusCode);
    }

    [Fact]
    public async Task A_patient_without_an_nhs_number_is_traced_and_the_verification_status_recorded()
    {
        var nhs = Build.NhsNumber();
        var holder = await _fhir.CreateAsync("Patient", Children.Patient("Lily", Children.Family(), Children.BirthDate(), nhs: nhs).ToJsonString());
        var family = Children.Family();
        trace.ByFamilyName[family] = new NhsNumberTraceResult(NhsNumberTraceOutcome.Matched, nhs, "01");
        var traced = await _fhir.CreateAsync("Patient", Children.Patient("Lilian", family, Children.BirthDate(), postcode: Children.Postcode()).ToJsonString());

        var link = await LinkOf(traced);
        Assert.Equal((await LinkOf(holder)).MasterId, link.MasterId);
        Assert.Equal(MasterLinkMethods.TracedNhsNumber, link.Method);
        Assert.Equal("matched", link.TraceOutcome);
        Assert.Equal("01", link.TraceVerificationStatus);
        Assert.Equal(nhs, link.NhsNumber);

        // A trace that answers with an unverified number (02) or several matches links nothing, and says so.
        var unverifiedFamily = Children.Family();
        trace.ByFamilyName[unverifiedFamily] = new NhsNumberTraceResult(NhsNumberTraceOutcome.Matched, nhs, "02");
        var unverified = await LinkOf(await _fhir.CreateAsync("Patient", Children.Patient("Ivy", unverifiedFamily, Children.BirthDate()).ToJsonString()));
        Assert.NotEqual(link.MasterId, unverified.MasterId);
        Assert.Equal("02", unverified.TraceVerificationStatus);
        Assert.Null(unverified.NhsNumber);
        var multipleFamily = Children.Family();
        trace.ByFamilyName[multipleFamily] = NhsNumberTraceResult.Multiple;
        Assert.Equal("multiple-matches", (await LinkOf(await _fhir.CreateAsync("Patient", Children.Patient("Ivy", multipleFamily, Children.BirthDate()).ToJsonString()))).TraceOutcome);
        // A Patient with its own NHS number is never traced.
        var ownFamily = Children.Family();
        await _fhir.CreateAsync("Patient", Children.Patient("Ivy", ownFamily, Children.BirthDate(), nhs: Build.NhsNumber()).ToJsonString());
        Assert.DoesNotContain(trace.Asked, q => q.FamilyName == ownFamily);
    }

    [Fact]
    public async Task Patients_in_a_transaction_are_linked_and_an_update_keeps_the_master()
    {
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray
            {
                new JsonObject { ["fullUrl"] = "urn:uuid:" + Guid.NewGuid(), ["resource"] = Children.Patient("Willow", family, dob, postcode: postcode, nhs: Build.NhsNumber()), ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Patient" } },
            },
        };
        var (status, response) = await _fhir.PostAsync("", bundle.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, response.ToJsonString());
        var location = response["entry"]![0]!["response"]!["location"]!.GetValue<string>();
        var id = location[(location.IndexOf("Patient/", StringComparison.Ordinal) + 8)..].Split('/')[0];
        var link = await LinkOf(id);

        var patient = Children.Patient("Willow", family, dob, postcode: Children.Postcode());
        patient["id"] = id;
        Assert.Equal(HttpStatusCode.OK, (await _fhir.PutAsync($"Patient/{id}", Body(patient.ToJsonString()))).StatusCode);
        var after = await LinkOf(id);
        Assert.Equal(link.MasterId, after.MasterId);
        Assert.Equal(2, after.PatientVersion);
        Assert.Null(after.NhsNumber); // the update dropped the number: the deterministic step no longer uses it
    }

    [Fact]
    public async Task Copies_of_a_child_and_twins_arriving_in_one_transaction_see_each_other()
    {
        // One commit, so one run of the index over all four Patients: the links it decides are saved together at the end,
        // and each later Patient must still see the earlier ones' links as if they were saved.
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var (twinFamily, twinDob, twinPostcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var patients = new[]
        {
            Children.Patient("Florence", family, dob, postcode: postcode, nhs: Build.NhsNumber()),
            Children.Patient("Florence", family, dob, postcode: postcode, upn: Children.Upn()),
            Children.Patient("Hannah", twinFamily, twinDob, postcode: twinPostcode),
            Children.Patient("Matilda", twinFamily, twinDob, postcode: twinPostcode),
        };
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray(patients.Select(p => (JsonNode)new JsonObject
            {
                ["fullUrl"] = "urn:uuid:" + Guid.NewGuid(), ["resource"] = p, ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Patient" },
            }).ToArray()),
        };
        var (status, response) = await _fhir.PostAsync("", bundle.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, response.ToJsonString());
        var ids = response["entry"]!.AsArray().Select(e => e!["response"]!["location"]!.GetValue<string>())
            .Select(l => l[(l.IndexOf("Patient/", StringComparison.Ordinal) + 8)..].Split('/')[0]).ToList();

        var (first, copy) = (await LinkOf(ids[0]), await LinkOf(ids[1]));
        Assert.Equal(first.MasterId, copy.MasterId);
        Assert.Equal(MasterLinkMethods.AutoLink, copy.Method);
        Assert.Equal(ids[0], copy.MatchedPatientId);

        var twinB = await LinkOf(ids[3]);
        Assert.NotEqual((await LinkOf(ids[2])).MasterId, twinB.MasterId);
        Assert.Equal(MasterLinkMethods.PendingReview, twinB.Method);
        Assert.Equal($"Patient/{ids[2]}", (await ReviewTaskAsync(ids[3]))["focus"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patients_committed_while_the_index_is_busy_are_linked_together_by_its_next_run()
    {
        // Three separate requests commit while a merge-like change holds the index. The next link run takes all
        // three (one read up front, one save), in arrival order, and the copies of one child still see each other.
        var index = gateway.Services.GetRequiredService<MasterChildIndex>();
        var (family, dob, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var busy = index.ExclusiveAsync(async () => { await release.Task; return 0; }, CancellationToken.None);
        var runsBefore = index.LinkRuns;
        var creates = new[]
        {
            Children.Patient("Florence", family, dob, postcode: postcode, nhs: Build.NhsNumber()),
            Children.Patient("Florence", family, dob, postcode: postcode, upn: Children.Upn()),
            Children.Patient("Arthur", Children.Family(), Children.BirthDate(), postcode: Children.Postcode()),
        }.Select(p => _fhir.CreateAsync("Patient", p.ToJsonString())).ToList();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (index.QueuedRequests < creates.Count && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(creates.Count, index.QueuedRequests);
        Assert.All(creates, c => Assert.False(c.IsCompleted)); // a create is answered once its Patient is linked
        release.SetResult();
        await busy;
        var ids = await Task.WhenAll(creates);

        Assert.Equal(runsBefore + 1, index.LinkRuns);
        var (a, b) = (await LinkOf(ids[0]), await LinkOf(ids[1]));
        Assert.Equal(a.MasterId, b.MasterId);
        Assert.Contains(MasterLinkMethods.AutoLink, new[] { a.Method, b.Method });
        Assert.NotEqual(a.MasterId, (await LinkOf(ids[2])).MasterId);
    }

    private async Task<JsonNode> ReviewTaskAsync(string arrivedPatientId)
    {
        var bundle = await _fhir.SearchAsync($"Task?code={ReviewCode}&patient=Patient/{arrivedPatientId}");
        var tasks = bundle["entry"]?.AsArray().Select(e => e!["resource"]!).ToList() ?? [];
        Assert.True(tasks.Count == 1, $"expected one review Task for Patient/{arrivedPatientId}: {bundle.ToJsonString()}");
        return tasks[0];
    }

    private async Task AssertAuditedAsync(string patientId, string rule)
    {
        var audit = await gateway.Services.GetRequiredService<IAuditLogReader>().SearchAsync(new AuditLogQuery(PatientId: patientId, Count: 50));
        Assert.Contains(audit.Entries, e => Encoding.UTF8.GetString(e.Json).Contains(rule, StringComparison.Ordinal) && e.Decision == AuditDecision.Permit);
    }

    private static string Code(JsonNode concept) => concept["coding"]![0]!["code"]!.GetValue<string>();

    private static string Decision(string code) =>
        new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = new JsonArray { new JsonObject { ["name"] = "decision", ["valueCode"] = code } } }.ToJsonString();
}

[Collection("sqlite")]
public sealed class SqliteMasterChildIndexTests(MasterIndexGateway g) : MasterChildIndexTests(g, g.Trace), IClassFixture<MasterIndexGateway>;

[Collection("postgres")]
public sealed class PostgresMasterChildIndexTests(PostgresMasterIndexGateway g) : MasterChildIndexTests(g, g.Trace), IClassFixture<PostgresMasterIndexGateway>;
