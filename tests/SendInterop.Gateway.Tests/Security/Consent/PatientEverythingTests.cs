using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentJson;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// <c>Patient/{id}/$everything</c> discloses through the consent gate and nowhere else: for every requester and purpose,
/// what it returns (over all its pages) is exactly the child's resources that requester may read one by one. The
/// reference is the read endpoint, not a model of the gate: a leak or a wrong denial in either shows as a difference.
/// Paging never shows a withheld resource as a short or empty page, and bad parameters are 400s.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class PatientEverythingTests(ConsentGateway gateway)
{
    private readonly HttpClient _la = gateway.As(La);

    /// <summary>A child of the LA with records of four organisations, some labelled; and an unrelated child's plan.</summary>
    private sealed record Child(string Id, IReadOnlyList<(string Type, string Id)> Compartment, string OtherChildPlan);

    private Task<Child> ChildAsync() => gateway.SharedAsync("everything-child", async () =>
    {
        var child = await _la.Create("Patient", Patient("Everything" + Unique(), Child12()));
        var camhs = gateway.As(Camhs);
        var trust = gateway.As(CommunityTrust);
        var review = await camhs.Create("Observation", Observation(child, "camhs-review", labels: ["MH"]));
        var compartment = new List<(string, string)>
        {
            ("CarePlan", await _la.Create("CarePlan", Plan(child))),
            ("ServiceRequest", await _la.Create("ServiceRequest", OpenAssessment(child))),
            ("DocumentReference", await _la.Create("DocumentReference", Document(child, "Social care chronology", "SDV"))),
            ("Observation", review),
            ("Observation", await camhs.Create("Observation", Observation(child, "camhs-screen"))),
            // The trust's summary refers to the CAMHS review, which the LA may not see.
            ("Observation", await trust.Create("Observation", Observation(child, "trust-summary", derivedFrom: review))),
            ("Encounter", await trust.Create("Encounter", Encounter(child))),
            ("DocumentReference", await trust.Create("DocumentReference", Document(child, "Paediatric advice"))),
        };
        for (var i = 0; i < 5; i++) compartment.Add(("Observation", await trust.Create("Observation", Observation(child, $"progress-{i}"))));
        var other = await _la.Create("Patient", Patient("Elsewhere" + Unique(), Child12()));
        var otherPlan = await _la.Create("CarePlan", Plan(other));
        // The gateway writes the child's statutory Tasks after the request and plan: wait until they stop changing, so
        // the tests compare against a record that holds still.
        string? previous = null;
        await Poll.UntilAsync(async () =>
        {
            var tasks = string.Join(",", Keys(await _la.SearchAs($"Task?subject=Patient/{child}&_count=100")).Order(StringComparer.Ordinal));
            var settled = tasks.Length > 0 && tasks == previous;
            previous = tasks;
            if (!settled) await Task.Delay(500);
            return settled;
        }, TimeSpan.FromSeconds(30), "the child's statutory Tasks did not settle");
        return new Child(child, compartment, otherPlan);
    });

    public static TheoryData<string, string?> Requesters() => new()
    {
        { La, null },
        { La, PurposesOfUse.EhcAssessment },
        { Camhs, null },
        { CommunityTrust, null },
        { CommunityTrust, PurposesOfUse.EhcAssessment },
        { NamedSchool, null },
        { OtherLa, null },
        { Outsider, null },
    };

    [Theory]
    [MemberData(nameof(Requesters))]
    public async Task Everything_returns_exactly_what_the_requester_may_read_one_by_one(string organisation, string? purpose)
    {
        var child = await ChildAsync();
        var client = gateway.As(organisation);
        var patientRead = await client.GetAs($"Patient/{child.Id}", purpose);
        var everything = await client.GetAs($"Patient/{child.Id}/$everything", purpose);
        if (patientRead.Status != HttpStatusCode.OK)
        {
            // A Patient the requester may not see: the operation answers as its read does, and names nothing else.
            Assert.Equal(patientRead.Status, everything.Status);
            Assert.Equal(patientRead.Body, everything.Body);
            return;
        }

        Assert.True(everything.Status == HttpStatusCode.OK, everything.ToString());
        var returned = Keys(everything.Json);
        // Candidates: what the test wrote and what came back (the gateway adds statutory Tasks of its own); the reference
        // keeps those the requester may read one by one. A leak is a returned resource its read refuses; a wrong denial a
        // readable one not returned.
        var readable = new List<string>();
        foreach (var key in child.Compartment.Select(c => $"{c.Type}/{c.Id}").Concat(returned).Prepend($"Patient/{child.Id}").Distinct())
            if ((await client.GetAs(key, purpose)).Status == HttpStatusCode.OK) readable.Add(key);

        Assert.Equal(readable.Order(StringComparer.Ordinal), returned.Order(StringComparer.Ordinal));
        Assert.Equal($"Patient/{child.Id}", returned[0]);
        Assert.Equal(returned.Count, everything.Total);
        Assert.DoesNotContain(child.OtherChildPlan, everything.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reference_sets_differ_between_requesters_so_the_comparison_can_fail()
    {
        // Guards the test above against a fixture in which every requester sees the same things.
        var child = await ChildAsync();
        var directCare = Keys(await _la.SearchAs($"Patient/{child.Id}/$everything"));
        var assessment = Keys(await _la.SearchAs($"Patient/{child.Id}/$everything", PurposesOfUse.EhcAssessment));
        var camhsReview = child.Compartment.First(c => c.Type == "Observation");
        var chronology = child.Compartment.First(c => c.Type == "DocumentReference");
        var trustProgress = child.Compartment.Last(c => c.Type == "Observation");
        Assert.DoesNotContain($"Observation/{camhsReview.Id}", directCare.Concat(assessment)); // mental health, withheld from the LA
        Assert.Contains($"DocumentReference/{chronology.Id}", directCare); // the LA's own labelled record
        Assert.Contains($"Observation/{trustProgress.Id}", assessment); // health data for an assessment (Tier 2)
        Assert.DoesNotContain($"Observation/{trustProgress.Id}", directCare);
        Assert.Equal(404, (int)(await gateway.As(Outsider).GetAs($"Patient/{child.Id}/$everything")).Status);
    }

    /// <summary>
    /// Without the statutory Tasks (written by the gateway after the test's records), the compartment ends with the
    /// trust's progress Observations, hidden from the LA for direct care: for some page size a page fills exactly at the
    /// last visible resource, with only hidden ones beyond, and must then have no next link.
    /// </summary>
    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, 2)]
    [InlineData(null, 3)]
    [InlineData(null, 4)]
    [InlineData(null, 5)]
    [InlineData(null, 6)]
    [InlineData(PurposesOfUse.EhcAssessment, 1)]
    [InlineData(PurposesOfUse.EhcAssessment, 3)]
    public async Task Pages_give_every_visible_resource_once_and_never_a_short_or_empty_page(string? purpose, int count)
    {
        var child = await ChildAsync();
        var client = _la;
        const string types = "_type=Patient,CarePlan,ServiceRequest,DocumentReference,Observation,Encounter";
        var whole = Keys(await client.SearchAs($"Patient/{child.Id}/$everything?{types}", purpose));
        Assert.InRange(whole.Count, 2, 20);
        var paged = new List<string>();
        var url = $"Patient/{child.Id}/$everything?{types}&_count={count}";
        var pages = 0;
        while (url is not null)
        {
            var page = await client.SearchAs(url, purpose);
            var keys = Keys(page);
            var next = page.Link("next");
            if (next is not null) Assert.Equal(count, keys.Count); // a page before the last is full
            Assert.NotEmpty(keys); // and no page is empty
            if (pages > 0) Assert.Null(page["total"]);
            paged.AddRange(keys);
            url = next;
            Assert.True(++pages < 50, "paging did not end");
        }
        Assert.Equal(whole, paged);
        Assert.Equal(paged.Count, paged.Distinct().Count());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(PurposesOfUse.EhcAssessment)]
    public async Task What_the_entries_refer_to_follows_as_includes_through_the_gate(string? purpose)
    {
        var child = await ChildAsync();
        var bundle = await _la.SearchAs($"Patient/{child.Id}/$everything", purpose);
        var matches = Keys(bundle);
        var included = Keys(bundle, "include");
        Assert.Contains($"Organization/{La}", included); // the assessment request's performer
        Assert.Empty(included.Intersect(matches));
        Assert.DoesNotContain($"Patient/{child.Id}", included);
        var review = child.Compartment.First(c => c.Type == "Observation");
        Assert.DoesNotContain($"Observation/{review.Id}", included); // referred to by the trust's summary, withheld from the LA
        foreach (var key in included)
            Assert.True((await _la.GetAs(key, purpose)).Status == HttpStatusCode.OK, $"{key} was included but its read is refused");

        var asked = await _la.SearchAs($"Patient/{child.Id}/$everything?_type=Patient,CarePlan,ServiceRequest", purpose);
        Assert.All(Keys(asked, "include"), k => Assert.Matches("^(Patient|CarePlan|ServiceRequest)/", k));

        // Includes need the same read and search scope as entries: Organization.r alone leaves the LA out.
        var readOnly = gateway.As(La, scope: "system/Patient.rs system/ServiceRequest.rs system/Organization.r", clientId: "everything-include-read");
        Assert.DoesNotContain($"Organization/{La}", Keys(await readOnly.SearchAs($"Patient/{child.Id}/$everything", purpose), "include"));
        var readSearch = gateway.As(La, scope: "system/Patient.rs system/ServiceRequest.rs system/Organization.rs", clientId: "everything-include-rs");
        Assert.Contains($"Organization/{La}", Keys(await readSearch.SearchAs($"Patient/{child.Id}/$everything", purpose), "include"));
    }

    [Fact]
    public async Task A_cursor_for_another_child_or_made_up_is_refused()
    {
        var child = await ChildAsync();
        var page = await _la.SearchAs($"Patient/{child.Id}/$everything?_count=1");
        var next = page.Link("next")!;
        var cursor = Uri.UnescapeDataString(new Uri(next).Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).First(p => p[0] == "_cursor")[1]);
        var other = await _la.Create("Patient", Patient("Cursor" + Unique(), Child12()));
        foreach (var url in new[] { $"Patient/{other}/$everything?_cursor={Uri.EscapeDataString(cursor)}", $"Patient/{child.Id}/$everything?_cursor=AAAA" })
        {
            var r = await _la.GetAs(url);
            Assert.True(r.Status == HttpStatusCode.BadRequest, $"{url}: {r}");
            Assert.Contains("_cursor is not valid", r.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Type_and_since_filter_and_scopes_leave_types_out()
    {
        var child = await ChildAsync();
        var plans = Keys((await _la.SearchAs($"Patient/{child.Id}/$everything?_type=CarePlan,ServiceRequest")));
        Assert.Equal(["CarePlan", "ServiceRequest"], plans.Select(k => k.Split('/')[0]).Distinct().Order());

        var future = Keys(await _la.SearchAs($"Patient/{child.Id}/$everything?_since=2999-01-01T00:00:00Z"));
        Assert.Empty(future);

        // Read scope on Patient and CarePlan only: the rest is left out, not refused.
        var narrow = gateway.As(La, scope: "system/Patient.rs system/CarePlan.rs", clientId: "everything-narrow");
        var scoped = Keys(await narrow.SearchAs($"Patient/{child.Id}/$everything"));
        Assert.Equal(["CarePlan", "Patient"], scoped.Select(k => k.Split('/')[0]).Distinct().Order());

        // POST with a Parameters body: the same filters.
        var body = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray { new JsonObject { ["name"] = "_type", ["valueString"] = "CarePlan" } },
        }.ToJsonString();
        var posted = await _la.SendAs(HttpMethod.Post, $"Patient/{child.Id}/$everything", content: Body(body));
        Assert.True(posted.Status == HttpStatusCode.OK, posted.ToString());
        Assert.Equal(["CarePlan"], Keys(posted.Json).Select(k => k.Split('/')[0]).Distinct());

        // Read without search on a type: left out (listing what exists is a search); on Patient itself: 403.
        var readOnly = gateway.As(La, scope: "system/Patient.rs system/CarePlan.r", clientId: "everything-read-only");
        Assert.Equal(["Patient"], Keys(await readOnly.SearchAs($"Patient/{child.Id}/$everything")).Select(k => k.Split('/')[0]).Distinct());
        var patientReadOnly = gateway.As(La, scope: "system/Patient.r system/CarePlan.rs", clientId: "everything-patient-read");
        Assert.Equal(HttpStatusCode.Forbidden, (await patientReadOnly.GetAs($"Patient/{child.Id}/$everything")).Status);
    }

    [Fact]
    public async Task A_posted_filter_holds_on_every_page()
    {
        var child = await ChildAsync();
        static string Posted(int? count) => new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray(new[] { new JsonObject { ["name"] = "_type", ["valueString"] = "Observation,CarePlan" } }
                .Concat(count is null ? [] : [new JsonObject { ["name"] = "_count", ["valueInteger"] = count }]).ToArray<JsonNode>()),
        }.ToJsonString();
        var whole = await _la.SendAs(HttpMethod.Post, $"Patient/{child.Id}/$everything", PurposesOfUse.EhcAssessment, content: Body(Posted(null)));
        Assert.True(whole.Status == HttpStatusCode.OK, whole.ToString());
        var expected = Keys(whole.Json);
        Assert.True(expected.Count >= 3, string.Join(", ", expected));

        var first = await _la.SendAs(HttpMethod.Post, $"Patient/{child.Id}/$everything", PurposesOfUse.EhcAssessment, content: Body(Posted(1)));
        Assert.Contains("_type=Observation%2CCarePlan", first.Json.Link("self"), StringComparison.Ordinal);
        var paged = Keys(first.Json);
        for (var next = first.Json.Link("next"); next is not null;)
        {
            var page = await _la.SearchAs(next, PurposesOfUse.EhcAssessment);
            var keys = Keys(page);
            Assert.Single(keys);
            paged.AddRange(keys);
            next = page.Link("next");
            Assert.True(paged.Count < 50, "paging did not end");
        }
        Assert.Equal(expected, paged);
        Assert.All(paged, k => Assert.True(k.StartsWith("Observation/", StringComparison.Ordinal) || k.StartsWith("CarePlan/", StringComparison.Ordinal), k));
    }

    [Theory]
    [InlineData("_since=yesterday", "_since")]
    [InlineData("_type=Careplan", "_type")]
    [InlineData("_count=0", "_count")]
    [InlineData("_count=abc", "_count")]
    [InlineData("start=2024-01-01", "start")]
    [InlineData("end=2024-01-01", "end")]
    public async Task Bad_parameters_are_400_naming_the_parameter(string query, string named)
    {
        var child = await ChildAsync();
        var r = await _la.GetAs($"Patient/{child.Id}/$everything?{query}");
        Assert.True(r.Status == HttpStatusCode.BadRequest, $"{query}: {r}");
        Assert.Equal("OperationOutcome", r.Json["resourceType"]!.GetValue<string>());
        Assert.Contains(named, r.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Type_level_unknown_patient_missing_scope_and_unknown_parameters()
    {
        var child = await ChildAsync();
        var typeLevel = await _la.GetAs("Patient/$everything");
        Assert.True(typeLevel.Status == HttpStatusCode.BadRequest, typeLevel.ToString());

        await _la.AssertLikeNonexistentAsync(HttpMethod.Get, "Patient/{id}/$everything", Guid.NewGuid().ToString());

        var noPatientScope = gateway.As(La, scope: "system/CarePlan.rs", clientId: "everything-no-patient");
        var refused = await noPatientScope.GetAs($"Patient/{child.Id}/$everything");
        Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());

        var lenient = await _la.SearchAs($"Patient/{child.Id}/$everything?_sort=date");
        Assert.Contains("_sort", lenient.ToJsonString(), StringComparison.Ordinal);
        var strict = await _la.SendAs(HttpMethod.Get, $"Patient/{child.Id}/$everything?_sort=date", tweak: m => m.Headers.Add("Prefer", "handling=strict"));
        Assert.True(strict.Status == HttpStatusCode.BadRequest, strict.ToString());
    }

    [Fact]
    public async Task Every_resource_returned_is_audited_under_the_child()
    {
        var child = await ChildAsync();
        // Tests of a collection run one at a time, so from here on the LA's entries about this child are this call's.
        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var returned = Keys(await _la.SearchAs($"Patient/{child.Id}/$everything", PurposesOfUse.EhcAssessment));
        Assert.True(returned.Count > 1, string.Join(", ", returned));
        // The LA's own entries about the child since the call (AuditEvent search asks the index to catch up first).
        var since = Uri.EscapeDataString("ge" + before.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        var audit = await _la.SearchAs($"AuditEvent?patient=Patient/{child.Id}&agent=Organization/{La}&date={since}&_count=1000");
        var entities = (audit["entry"]?.AsArray() ?? [])
            .Select(e => e!["resource"]!)
            .Where(a => a["outcome"]?.GetValue<string>() == "0")
            .SelectMany(a => a["entity"]?.AsArray() ?? [])
            .Select(en => en!["what"]?["reference"]?.GetValue<string>())
            .OfType<string>()
            .ToHashSet();
        foreach (var key in returned) Assert.Contains(key, entities);

        // Asked without the Patient (_type), the Patient is not recorded as disclosed.
        var later = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        var plansOnly = Keys(await _la.SearchAs($"Patient/{child.Id}/$everything?_type=CarePlan", PurposesOfUse.EhcAssessment));
        Assert.NotEmpty(plansOnly);
        var sinceLater = Uri.EscapeDataString("ge" + later.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        var laterAudit = await _la.SearchAs($"AuditEvent?patient=Patient/{child.Id}&agent=Organization/{La}&date={sinceLater}&_count=1000");
        var objects = (laterAudit["entry"]?.AsArray() ?? [])
            .SelectMany(e => e!["resource"]!["entity"]?.AsArray() ?? [])
            .Where(en => en!["type"]?["code"]?.GetValue<string>() == "2")
            .Select(en => en!["what"]?["reference"]?.GetValue<string>())
            .ToList();
        Assert.Contains(plansOnly[0], objects);
        Assert.DoesNotContain($"Patient/{child.Id}", objects);
    }

    /// <summary>
    /// One child with three Patient records linked by a verified NHS number: two of the LA's (a duplicate from another
    /// of its systems) and the community trust's, which the LA may not read (identity data is in no agreement). Each has
    /// a record of its own about it. The LA has also asked for an assessment naming the trust's record, so the encounter
    /// about that record is health data the LA may read for the assessment.
    /// </summary>
    private sealed record LinkedChild(string La, string LaDuplicate, string Trust, string LaPlan, string DuplicatePlan, string TrustEncounter, string TrustAssessment);

    private Task<LinkedChild> LinkedChildAsync() => gateway.SharedAsync("everything-linked", async () =>
    {
        var nhs = Build.NhsNumber();
        var (family, dob) = (Identity.Children.Family(), Child12());
        var trust = gateway.As(CommunityTrust);
        var la = await _la.Create("Patient", Identity.Children.Patient("Linked", family, dob, nhs: nhs).ToJsonString());
        var duplicate = await _la.Create("Patient", Identity.Children.Patient("Linked", family, dob, nhs: nhs).ToJsonString());
        var trustRecord = await trust.Create("Patient", Identity.Children.Patient("Linked", family, dob, nhs: nhs).ToJsonString());
        var linked = new LinkedChild(la, duplicate, trustRecord,
            await _la.Create("CarePlan", Plan(la)),
            await _la.Create("CarePlan", Plan(duplicate)),
            await trust.Create("Encounter", Encounter(trustRecord)),
            await _la.Create("ServiceRequest", OpenAssessment(trustRecord)));
        // Linking is done when the LA's linked-identifier search finds its duplicate.
        await Poll.UntilAsync(async () => (await _la.SearchAs($"Patient?linked-identifier={Domain.Identifiers.IdentifierSystems.NhsNumber}|{nhs}")).MatchIds().Contains(duplicate),
            TimeSpan.FromSeconds(30), "the LA's two records were not linked");
        return linked;
    });

    [Fact]
    public async Task Linked_adds_the_childs_other_records_the_requester_may_see_and_only_their_compartments()
    {
        var c = await LinkedChildAsync();
        const string purpose = PurposesOfUse.EhcAssessment;
        // The premise: for an assessment the LA may read the encounter about the trust's record, but not the record.
        await _la.AssertReadableAsync("Encounter", c.TrustEncounter, purpose);
        await _la.AssertReadsAsNonexistentAsync("Patient", c.Trust, purpose);

        var own = Keys(await _la.SearchAs($"Patient/{c.La}/$everything", purpose));
        Assert.DoesNotContain($"Patient/{c.LaDuplicate}", own);
        Assert.DoesNotContain($"CarePlan/{c.DuplicatePlan}", own);

        var linked = Keys(await _la.SearchAs($"Patient/{c.La}/$everything?linked=true", purpose));
        Assert.Equal([$"Patient/{c.La}", $"Patient/{c.LaDuplicate}"], linked.Take(2));
        Assert.Contains($"CarePlan/{c.LaPlan}", linked);
        Assert.Contains($"CarePlan/{c.DuplicatePlan}", linked);
        // The trust's record and what is found only through it stay out: that encounter is readable on its own, but
        // found through the link it would tell the LA that the record it may not see is this child's.
        Assert.DoesNotContain($"Patient/{c.Trust}", linked);
        Assert.DoesNotContain($"Encounter/{c.TrustEncounter}", linked);
        Assert.DoesNotContain($"ServiceRequest/{c.TrustAssessment}", linked);

        // Paged one at a time: the same entries, the leading Patients first.
        var paged = new List<string>();
        for (string? url = $"Patient/{c.La}/$everything?linked=true&_count=1"; url is not null;)
        {
            var page = await _la.SearchAs(url, purpose);
            var keys = Keys(page);
            Assert.Single(keys);
            paged.AddRange(keys);
            url = page.Link("next");
            Assert.True(paged.Count < 50, "paging did not end");
        }
        Assert.Equal(linked, paged);

        // From the duplicate's side the same child: the LA's first record leads after it.
        var fromDuplicate = Keys(await _la.SearchAs($"Patient/{c.LaDuplicate}/$everything?linked=true", purpose));
        Assert.Equal([$"Patient/{c.LaDuplicate}", $"Patient/{c.La}"], fromDuplicate.Take(2));
        Assert.Equal(linked.Order(StringComparer.Ordinal), fromDuplicate.Order(StringComparer.Ordinal));
    }

    private static List<string> Keys(JsonNode bundle, string mode = "match") =>
        (bundle["entry"]?.AsArray() ?? [])
        .Where(e => e?["search"]?["mode"]?.GetValue<string>() == mode)
        .Select(e => $"{e!["resource"]!["resourceType"]!.GetValue<string>()}/{e["resource"]!["id"]!.GetValue<string>()}")
        .ToList();
}
