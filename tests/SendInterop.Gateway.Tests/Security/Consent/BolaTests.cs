using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Identifiers;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentJson;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// Broken object-level authorisation, route by route: organisation A (la-926) owns a Patient, an Observation and a
/// CarePlan; organisation B (ods-ZZZ, in no Tier 1 agreement, system/*.cruds, every purpose but commissioning) tries
/// every FHIR route on them. No answer may carry A's data, reads answer as for an id that never existed, writes are
/// 403 or 404 (ADR 3), and A's resources are unchanged afterwards.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class BolaTests(ConsentGateway gateway)
{
    private const string JsonPatch = "application/json-patch+json";
    private static readonly string[] PurposesWithoutBreakGlass =
        [PurposesOfUse.DirectCare, PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview, PurposesOfUse.SubjectAccess, PurposesOfUse.Safeguarding];

    private readonly HttpClient _a = gateway.As(La);
    // B's own client id: no break-glass window is ever opened for it (safeguarding with a reason is break-glass by design).
    private readonly HttpClient _b = gateway.As(Outsider, clientId: "bola-b");

    private sealed record Stored(string Type, string Id, string Body)
    {
        public string Path => $"{Type}/{Id}";
    }

    private sealed record AData(string Marker, string Nhs, string ObservationIdentifier, string PlanIdentifier,
        Stored Patient, Stored Observation, Stored Plan, string DeletedObservation, string BsObservation, string Since)
    {
        public Stored[] All => [Patient, Observation, Plan];
        public HashSet<(string, string)> Keys => [.. All.Select(s => (s.Type, s.Id)), ("Observation", DeletedObservation)];
    }

    private Task<AData> SeedAsync() => gateway.SharedAsync("bola", async () =>
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-2).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var marker = "Zorblax" + Unique();
        var nhs = Build.NhsNumber();
        var obsIdentifier = "obs-" + Unique();
        var planIdentifier = "plan-" + Unique();
        var patient = await _a.CreateWithBody("Patient", Build.Patient(nhs: nhs, family: marker, birthDate: Child12()));
        var observationJson = JsonNode.Parse(ConsentJson.Observation(patient.Id, identifier: obsIdentifier, text: marker))!.AsObject();
        observationJson["performer"] = new JsonArray { Ref($"Organization/{Outsider}") };
        var observation = await _a.CreateWithBody("Observation", observationJson.ToJsonString());
        var planJson = JsonNode.Parse(Plan(patient.Id, description: marker))!.AsObject();
        planJson["identifier"] = new JsonArray { new JsonObject { ["system"] = "https://example.org/plan-id", ["value"] = planIdentifier } };
        var plan = await _a.CreateWithBody("CarePlan", planJson.ToJsonString());
        var deleted = await _a.Create("Observation", ConsentJson.Observation(patient.Id, text: marker));
        Assert.Equal(HttpStatusCode.NoContent, (await _a.DeleteAsync($"Observation/{deleted}")).StatusCode);
        // B's own Observation pointing at A's Patient and Observation, written during a break-glass window of another B
        // client (references must point at resources the writer may see; _b itself never has break-glass).
        var bs = JsonNode.Parse(ConsentJson.Observation(patient.Id, code: "b-own"))!.AsObject();
        bs["hasMember"] = new JsonArray { Ref($"Observation/{observation.Id}") };
        var seeded = await gateway.As(Outsider, clientId: "bola-b-break-glass")
            .SendAs(HttpMethod.Post, "Observation", PurposesOfUse.Safeguarding, "bola seed", Body(bs.ToJsonString()));
        Assert.True(seeded.Status == HttpStatusCode.Created, $"B's break-glass seed gave {seeded}");
        var bsObservation = seeded.Json["id"]!.GetValue<string>();
        return new AData(marker, nhs, obsIdentifier, planIdentifier,
            new Stored("Patient", patient.Id, patient.Body), new Stored("Observation", observation.Id, observation.Body),
            new Stored("CarePlan", plan.Id, plan.Body), deleted, bsObservation, since);
    });

    /// <summary>
    /// No A marker in the answer, and no resource or fullUrl of A's anywhere in the JSON. Bundle links are left out of
    /// the marker check: they echo B's own query (which may name the marker B searched for).
    /// </summary>
    private static void AssertNoAData(AData a, Reply r, string what)
    {
        if (r.Body.Length == 0) return;
        var root = JsonNode.Parse(r.Body);
        var withoutLinks = root!.DeepClone();
        StripBundleLinks(withoutLinks);
        Assert.False(withoutLinks.ToJsonString().Contains(a.Marker, StringComparison.Ordinal), $"{what}: A's data in {r}");
        var stack = new Stack<JsonNode?>([root]);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case JsonObject o:
                    if (o["resourceType"]?.GetValue<string>() is { } type and not "OperationOutcome" && o["id"]?.GetValue<string>() is { } id)
                        Assert.False(a.Keys.Contains((type, id)), $"{what}: A's {type}/{id} in {r}");
                    if (o["fullUrl"]?.GetValue<string>() is { } fullUrl)
                        Assert.DoesNotContain(a.Keys, k => fullUrl.EndsWith($"/{k.Item1}/{k.Item2}", StringComparison.Ordinal));
                    foreach (var (_, v) in o) stack.Push(v);
                    break;
                case JsonArray arr:
                    foreach (var v in arr) stack.Push(v);
                    break;
            }
        }
    }

    private static void StripBundleLinks(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["resourceType"]?.GetValue<string>() == "Bundle") o.Remove("link");
                foreach (var (_, v) in o) StripBundleLinks(v);
                break;
            case JsonArray arr:
                foreach (var v in arr) StripBundleLinks(v);
                break;
        }
    }

    private static void AssertRefusedWrite(AData a, Reply r, string what)
    {
        Assert.True(r.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{what}: expected 403 or 404, got {r}");
        Assert.Equal("OperationOutcome", r.Json["resourceType"]!.GetValue<string>());
        AssertNoAData(a, r, what);
    }

    /// <summary>
    /// The answer to a write on A's id is the answer to the same write on an id never used (status and body, the id
    /// itself aside): anything else would tell B that the id is taken.
    /// </summary>
    private static void AssertAnswersAsNeverUsed(Reply hidden, string hiddenId, Reply unused, string unusedId, string what)
    {
        Assert.True(hidden.Status == unused.Status, $"{what}: {(int)hidden.Status} on A's id, {(int)unused.Status} on an unused id ({unused})");
        Assert.Equal(unused.Body.Replace(unusedId, "{id}", StringComparison.Ordinal), hidden.Body.Replace(hiddenId, "{id}", StringComparison.Ordinal));
    }

    private async Task AssertAUnchangedAsync(AData a)
    {
        foreach (var s in a.All)
        {
            var r = await _a.GetAs(s.Path);
            Assert.True(r.Status == HttpStatusCode.OK, $"A's read of {s.Path} gave {r}");
            Assert.Equal("W/\"1\"", r.Raw.Headers.ETag?.ToString());
            Assert.Equal(s.Body, r.Body);
            var history = await _a.SearchAs($"{s.Path}/_history");
            Assert.Single(history["entry"]!.AsArray());
        }
    }

    private static string WithId(string json, string id)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        o["id"] = id;
        return o.ToJsonString();
    }

    /// <summary>A valid body B could send for each of A's resources (B does not know A's content).</summary>
    private static string BsBody(AData a, Stored s) => s.Type switch
    {
        "Patient" => Build.Patient(family: "Squatter", birthDate: Child12()),
        "Observation" => ConsentJson.Observation(a.Patient.Id, code: "squat"),
        _ => Plan(a.Patient.Id, description: "Squatter plan"),
    };

    [Fact]
    public async Task Read_vread_HEAD_instance_history_validate_and_everything_answer_as_for_an_id_that_never_existed()
    {
        var a = await SeedAsync();
        foreach (var purpose in PurposesWithoutBreakGlass)
            foreach (var s in a.All)
            {
                await _b.AssertReadsAsNonexistentAsync(s.Type, s.Id, purpose);
                var templates = new[] { $"{s.Type}/{{id}}/_history/1", $"{s.Type}/{{id}}/_history", $"{s.Type}/{{id}}/$validate" };
                if (s.Type == "Patient") templates = [.. templates, "Patient/{id}/$everything", "Patient/{id}/$everything?_count=1&_type=Observation"];
                foreach (var template in templates)
                {
                    var r = await _b.AssertLikeNonexistentAsync(HttpMethod.Get, template, s.Id, purpose);
                    Assert.True(r.Status == HttpStatusCode.NotFound, $"{template} ({purpose}) gave {r}");
                    AssertNoAData(a, r, template);
                }
                var head = await _b.AssertLikeNonexistentAsync(HttpMethod.Head, $"{s.Type}/{{id}}", s.Id, purpose);
                Assert.Equal(HttpStatusCode.NotFound, head.Status);
                Assert.Null(head.Raw.Headers.ETag);
            }
        // A's deleted resource: not 410 (that would say it existed), but as if it never had.
        var gone = await _b.AssertLikeNonexistentAsync(HttpMethod.Get, "Observation/{id}", a.DeletedObservation);
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        await _b.AssertLikeNonexistentAsync(HttpMethod.Get, "Observation/{id}/_history/1", a.DeletedObservation);
        await AssertAUnchangedAsync(a);
    }

    [Fact]
    public async Task Bulk_exports_at_every_level_hold_nothing_of_As_in_manifests_or_files()
    {
        var a = await SeedAsync();
        foreach (var kickOff in new[] { "$export", $"$export?_since={a.Since}", "Patient/$export", "Patient/$export?_type=Observation,CarePlan,Patient" })
        {
            // Two purposes (safeguarding and commissioning cannot export): each export walks the whole shared database.
            foreach (var purpose in new[] { PurposesOfUse.DirectCare, PurposesOfUse.EhcAssessment })
            {
                var started = await _b.SendAs(HttpMethod.Get, kickOff, purpose, tweak: m => m.Headers.Add("Prefer", "respond-async"));
                Assert.True(started.Status == HttpStatusCode.Accepted, $"{kickOff} as {purpose}: {started}");
                var status = started.Raw.Content.Headers.ContentLocation!.ToString();
                await Poll.UntilAsync(async () => (await _b.GetAs(status, purpose)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(60), $"{kickOff} did not complete");
                var manifest = await _b.GetAs(status, purpose);
                foreach (var output in manifest.Json["output"]!.AsArray())
                {
                    var file = await _b.GetAs(output!["url"]!.GetValue<string>(), purpose);
                    Assert.Equal(HttpStatusCode.OK, file.Status);
                    foreach (var line in file.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        AssertNoAData(a, new Reply(file.Status, line, file.Raw), $"{kickOff} as {purpose}: {output["type"]}");
                }
                Assert.Equal(HttpStatusCode.Accepted, (await _b.SendAs(HttpMethod.Delete, status, purpose)).Status);
            }
        }
        await AssertAUnchangedAsync(a);
    }

    [Fact]
    public async Task Type_and_system_history_never_list_As_versions()
    {
        var a = await SeedAsync();
        var seen = new List<string>();
        foreach (var start in new[] { "Patient/_history", "Observation/_history", "CarePlan/_history", "_history" })
        {
            string? url = $"{start}?_since={Uri.EscapeDataString(a.Since)}&_count=100";
            for (var pages = 0; url is not null; pages++)
            {
                Assert.True(pages < 200, "history paging does not end");
                var r = await _b.GetAs(url);
                Assert.True(r.Status == HttpStatusCode.OK, $"{url} gave {r}");
                AssertNoAData(a, r, url);
                seen.AddRange(r.Json.AllEntryIds());
                url = r.Json.Link("next");
            }
        }
        // B does see its own history.
        Assert.Contains(a.BsObservation, seen);
    }

    [Fact]
    public async Task Searches_by_id_patient_identifier_and_name_GET_and_POST_find_nothing_of_As()
    {
        var a = await SeedAsync();
        var queries = new[]
        {
            $"Patient?_id={a.Patient.Id}", $"Patient?identifier={IdentifierSystems.NhsNumber}|{a.Nhs}", $"Patient?family={a.Marker}",
            $"Observation?_id={a.Observation.Id}", $"Observation?patient={a.Patient.Id}&_id={a.Observation.Id}",
            $"Observation?subject=Patient/{a.Patient.Id}&code=https://example.org/progress|progress",
            $"Observation?identifier=https://example.org/observation-id|{a.ObservationIdentifier}", $"Observation?_id={a.Observation.Id}&_summary=count",
            $"CarePlan?patient={a.Patient.Id}", $"CarePlan?_id={a.Plan.Id}", $"CarePlan?identifier=https://example.org/plan-id|{a.PlanIdentifier}",
        };
        foreach (var purpose in PurposesWithoutBreakGlass)
            foreach (var q in queries)
            {
                var r = await _b.GetAs(q, purpose);
                Assert.True(r.Status == HttpStatusCode.OK, $"{q} gave {r}");
                Assert.Equal(0, r.Total);
                Assert.Empty(r.Json.MatchIds());
                AssertNoAData(a, r, q);
            }

        foreach (var (type, form) in new (string, Dictionary<string, string>)[]
        {
            ("Patient", new() { ["_id"] = a.Patient.Id }),
            ("Patient", new() { ["identifier"] = $"{IdentifierSystems.NhsNumber}|{a.Nhs}" }),
            ("Observation", new() { ["patient"] = a.Patient.Id, ["_id"] = a.Observation.Id }),
            ("CarePlan", new() { ["patient"] = a.Patient.Id }),
        })
        {
            var r = await _b.SendAs(HttpMethod.Post, $"{type}/_search", content: new FormUrlEncodedContent(form));
            Assert.True(r.Status == HttpStatusCode.OK, $"POST {type}/_search gave {r}");
            Assert.Equal(0, r.Total);
            AssertNoAData(a, r, $"POST {type}/_search");
        }
    }

    [Fact]
    public async Task Include_and_revinclude_from_Bs_own_resources_never_bring_in_As()
    {
        var a = await SeedAsync();
        var include = await _b.GetAs($"Observation?_id={a.BsObservation}&_include=Observation:subject&_include=Observation:has-member");
        Assert.True(include.Status == HttpStatusCode.OK, $"{include}");
        Assert.Equal([a.BsObservation], include.Json.AllEntryIds());
        AssertNoAData(a, include, "_include");

        // A's Observation names B's Organization as performer.
        var rev = await _b.GetAs($"Organization?_id={Outsider}&_revinclude=Observation:performer");
        Assert.True(rev.Status == HttpStatusCode.OK, $"{rev}");
        Assert.Equal([Outsider], rev.Json.AllEntryIds());
        AssertNoAData(a, rev, "_revinclude");

        var iterate = await _b.GetAs($"Observation?_id={a.BsObservation}&_include=Observation:has-member&_include:iterate=Observation:subject");
        Assert.True(iterate.Status == HttpStatusCode.OK, $"{iterate}");
        AssertNoAData(a, iterate, "_include:iterate");
    }

    [Fact]
    public async Task Update_with_and_without_If_Match_and_update_as_create_on_As_ids_are_refused_and_probe_nothing()
    {
        var a = await SeedAsync();
        foreach (var s in a.All)
        {
            var body = WithId(BsBody(a, s), s.Id);
            var right = await _b.SendAs(HttpMethod.Put, s.Path, content: Body(body), tweak: m => m.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", true)));
            var wrong = await _b.SendAs(HttpMethod.Put, s.Path, content: Body(body), tweak: m => m.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\"", true)));
            var plain = await _b.SendAs(HttpMethod.Put, s.Path, content: Body(body));
            AssertRefusedWrite(a, right, $"PUT {s.Path} If-Match 1");
            AssertRefusedWrite(a, wrong, $"PUT {s.Path} If-Match 7");
            AssertRefusedWrite(a, plain, $"PUT {s.Path}");
            // The current version number is not revealed by a different answer to a right or wrong If-Match.
            Assert.Equal(right.Status, wrong.Status);
            Assert.Equal(right.Body, wrong.Body);
            // Nor is the id's existence: each answer is the one a never-used id of the type gets (ADR 3), text included.
            var unused = Guid.NewGuid().ToString("N");
            var freshBody = WithId(BsBody(a, s), unused);
            AssertAnswersAsNeverUsed(right, s.Id, await _b.SendAs(HttpMethod.Put, $"{s.Type}/{unused}", content: Body(freshBody),
                tweak: m => m.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", true))), unused, $"PUT {s.Path} If-Match 1");
            AssertAnswersAsNeverUsed(plain, s.Id, await _b.SendAs(HttpMethod.Put, $"{s.Type}/{unused}", content: Body(freshBody)), unused, $"PUT {s.Path}");
        }
        await AssertAUnchangedAsync(a);
    }

    [Fact]
    public async Task Json_patch_on_As_resources_is_refused_before_a_test_op_can_probe_a_value()
    {
        var a = await SeedAsync();
        var probes = new (Stored Target, string Path, string TrueValue)[]
        {
            (a.Patient, "/name/0/family", a.Marker),
            (a.Observation, "/valueString", a.Marker),
            (a.Plan, "/description", a.Marker),
        };
        foreach (var (target, path, value) in probes)
        {
            string Doc(string v) => new JsonArray
            {
                new JsonObject { ["op"] = "test", ["path"] = path, ["value"] = v },
                new JsonObject { ["op"] = "replace", ["path"] = path, ["value"] = "Squatter" },
            }.ToJsonString();
            var hit = await _b.SendAs(HttpMethod.Patch, target.Path, content: new StringContent(Doc(value), Encoding.UTF8, JsonPatch));
            var miss = await _b.SendAs(HttpMethod.Patch, target.Path, content: new StringContent(Doc("not-" + value), Encoding.UTF8, JsonPatch));
            var withIfMatch = await _b.SendAs(HttpMethod.Patch, target.Path, content: new StringContent(Doc(value), Encoding.UTF8, JsonPatch),
                tweak: m => m.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", true)));
            AssertRefusedWrite(a, hit, $"PATCH {target.Path} (test true)");
            AssertRefusedWrite(a, miss, $"PATCH {target.Path} (test false)");
            AssertRefusedWrite(a, withIfMatch, $"PATCH {target.Path} If-Match");
            Assert.Equal(hit.Status, miss.Status);
            Assert.Equal(hit.Body, miss.Body);
            var unused = Guid.NewGuid().ToString("N");
            AssertAnswersAsNeverUsed(hit, target.Id, await _b.SendAs(HttpMethod.Patch, $"{target.Type}/{unused}",
                content: new StringContent(Doc(value), Encoding.UTF8, JsonPatch)), unused, $"PATCH {target.Path}");
        }
        await AssertAUnchangedAsync(a);
    }

    [Fact]
    public async Task Delete_of_As_resources_deletes_nothing_and_answers_as_for_a_free_id()
    {
        var a = await SeedAsync();
        foreach (var s in a.All)
        {
            var free = $"{s.Type}/{Guid.NewGuid()}";
            var hidden = await _b.SendAs(HttpMethod.Delete, s.Path);
            var missing = await _b.SendAs(HttpMethod.Delete, free);
            Assert.True(hidden.Status == HttpStatusCode.NoContent, $"DELETE {s.Path} gave {hidden}");
            Assert.Equal(missing.Status, hidden.Status);
            AssertNoAData(a, hidden, $"DELETE {s.Path}");
            var withIfMatch = await _b.SendAs(HttpMethod.Delete, s.Path, tweak: m => m.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", true)));
            var missingWithIfMatch = await _b.SendAs(HttpMethod.Delete, free, tweak: m => m.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", true)));
            Assert.Equal(HttpStatusCode.PreconditionFailed, withIfMatch.Status);
            Assert.Equal(missingWithIfMatch.Body.Replace(free, "{id}"), withIfMatch.Body.Replace(s.Path, "{id}"));
            AssertNoAData(a, withIfMatch, $"DELETE {s.Path} If-Match");
        }
        await AssertAUnchangedAsync(a);
    }

    [Fact]
    public async Task Conditional_delete_patch_create_and_update_by_As_identifiers_only_ever_touch_Bs_own()
    {
        // Fresh A data: this test's B writes must not meet another test's.
        var nhs = Build.NhsNumber();
        var marker = "Quuxle" + Unique();
        var patient = await _a.CreateWithBody("Patient", Build.Patient(nhs: nhs, family: marker, birthDate: Child12()));
        var obsIdentifier = "obs-" + Unique();
        var observation = await _a.CreateWithBody("Observation", ConsentJson.Observation(patient.Id, identifier: obsIdentifier, text: marker));
        var a = new AData(marker, nhs, obsIdentifier, "none", new Stored("Patient", patient.Id, patient.Body),
            new Stored("Observation", observation.Id, observation.Body), (await SeedAsync()).Plan, "none", "none", "");
        var byNhs = $"identifier={IdentifierSystems.NhsNumber}|{nhs}";
        var byObsId = $"identifier=https://example.org/observation-id|{obsIdentifier}";

        // Conditional delete: nothing B may see matches, so nothing is deleted.
        foreach (var url in new[] { $"Patient?{byNhs}", $"Observation?{byObsId}" })
        {
            var r = await _b.SendAs(HttpMethod.Delete, url);
            Assert.True(r.Status is HttpStatusCode.NoContent or HttpStatusCode.NotFound or HttpStatusCode.OK, $"DELETE {url} gave {r}");
            if (r.Body.Length > 0) AssertNoAData(a, r, url);
        }
        // Conditional patch: no match.
        var patch = await _b.SendAs(HttpMethod.Patch, $"Patient?{byNhs}",
            content: new StringContent("""[{"op":"replace","path":"/gender","value":"male"}]""", Encoding.UTF8, JsonPatch));
        AssertRefusedWrite(a, patch, "conditional PATCH");

        // Conditional create: If-None-Exist matching A's creates B's own.
        var bPatient = Build.Patient(nhs: nhs, family: "Squatter", birthDate: Child12());
        var created = await _b.SendAs(HttpMethod.Post, "Patient", content: Body(bPatient), tweak: m => m.Headers.Add("If-None-Exist", byNhs));
        Assert.True(created.Status == HttpStatusCode.Created, $"conditional create gave {created}");
        var bPatientId = created.Json["id"]!.GetValue<string>();
        Assert.NotEqual(patient.Id, bPatientId);
        AssertNoAData(a, created, "conditional create");
        var createdObs = await _b.SendAs(HttpMethod.Post, "Observation",
            content: Body(ConsentJson.Observation(bPatientId, identifier: obsIdentifier, code: "b-copy")), tweak: m => m.Headers.Add("If-None-Exist", byObsId));
        Assert.True(createdObs.Status == HttpStatusCode.Created, $"conditional create gave {createdObs}");
        Assert.NotEqual(observation.Id, createdObs.Json["id"]!.GetValue<string>());

        // Conditional update: matches only B's own copy now.
        var update = await _b.SendAs(HttpMethod.Put, $"Patient?{byNhs}", content: Body(bPatient));
        Assert.True(update.Status is HttpStatusCode.OK or HttpStatusCode.Created, $"conditional update gave {update}");
        Assert.Equal(bPatientId, update.Json["id"]!.GetValue<string>());
        AssertNoAData(a, update, "conditional update");

        foreach (var s in new[] { a.Patient, a.Observation })
        {
            var r = await _a.GetAs(s.Path);
            Assert.True(r.Status == HttpStatusCode.OK, $"A's read of {s.Path} gave {r}");
            Assert.Equal(s.Body, r.Body);
        }
    }

    [Fact]
    public async Task Batch_entries_reading_writing_and_deleting_As_resources_each_fail_alone_without_As_data()
    {
        var a = await SeedAsync();
        var batch = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "batch",
            ["entry"] = new JsonArray
            {
                Entry("GET", a.Patient.Path),
                Entry("GET", $"Observation?_id={a.Observation.Id}"),
                Entry("GET", $"{a.Plan.Path}/_history"),
                Entry("PUT", a.Patient.Path, JsonNode.Parse(WithId(BsBody(a, a.Patient), a.Patient.Id))),
                Entry("DELETE", a.Observation.Path),
                Entry("DELETE", a.Plan.Path),
            },
        };
        var r = await _b.SendAs(HttpMethod.Post, "", content: Body(batch.ToJsonString()));
        Assert.True(r.Status == HttpStatusCode.OK, $"batch gave {r}");
        // The DELETE entries answer as for a free id, whose fullUrl echoes the URL B sent: that is B's input, not A's data.
        var echoed = r.Json.AsObject();
        foreach (var i in new[] { 4, 5 })
        {
            var fullUrl = echoed["entry"]![i]!["fullUrl"];
            Assert.True(fullUrl is null || fullUrl.GetValue<string>().EndsWith(batch["entry"]![i]!["request"]!["url"]!.GetValue<string>(), StringComparison.Ordinal));
            echoed["entry"]![i]!.AsObject().Remove("fullUrl");
        }
        AssertNoAData(a, r with { Body = echoed.ToJsonString() }, "batch");
        var entries = r.Json["entry"]!.AsArray();
        string Status(int i) => entries[i]!["response"]!["status"]!.GetValue<string>();
        Assert.StartsWith("404", Status(0));
        Assert.StartsWith("200", Status(1));
        Assert.Equal(0, entries[1]!["resource"]!["total"]!.GetValue<int>());
        Assert.StartsWith("404", Status(2));
        Assert.True(Status(3).StartsWith("403") || Status(3).StartsWith("404"), $"entry 3: {Status(3)}");
        // A DELETE of a resource B may not see deletes nothing and answers as for a free id.
        for (var i = 4; i < 6; i++) Assert.True(Status(i).StartsWith("204"), $"entry {i}: {Status(i)}");
        await AssertAUnchangedAsync(a);
    }

    [Fact]
    public async Task Transactions_with_PUT_PATCH_or_DELETE_of_As_resources_are_refused_whole()
    {
        var a = await SeedAsync();
        var patch = new JsonObject
        {
            ["resourceType"] = "Binary",
            ["contentType"] = JsonPatch,
            ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/status","value":"cancelled"}]""")),
        };
        var bsMarker = "b-rolled-back-" + Unique();
        var transactions = new[]
        {
            new JsonArray { Entry("PUT", a.Patient.Path, JsonNode.Parse(WithId(BsBody(a, a.Patient), a.Patient.Id))) },
            new JsonArray { Entry("PATCH", a.Observation.Path, patch.DeepClone()) },
            new JsonArray
            {
                Entry("POST", "Observation", JsonNode.Parse(ConsentJson.Observation(a.Patient.Id, identifier: bsMarker))),
                Entry("PUT", a.Plan.Path, JsonNode.Parse(WithId(BsBody(a, a.Plan), a.Plan.Id))),
                Entry("PATCH", a.Observation.Path, patch.DeepClone()),
                Entry("DELETE", a.Patient.Path),
            },
        };
        foreach (var entries in transactions)
        {
            var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };
            var r = await _b.SendAs(HttpMethod.Post, "", content: Body(bundle.ToJsonString()));
            AssertRefusedWrite(a, r, "transaction " + entries.ToJsonString());
        }
        // Nothing of the mixed transaction was stored.
        Assert.Equal(0, (await _b.SearchAs($"Observation?identifier=https://example.org/observation-id|{bsMarker}"))["total"]!.GetValue<int>());
        await AssertAUnchangedAsync(a);
    }

    [Fact]
    public async Task A_client_cannot_plant_data_in_another_organisations_name_or_as_directory_data()
    {
        var a = await SeedAsync();
        var bsPatient = await _b.Create("Patient", Build.Patient(family: "Planter", birthDate: Child12()));
        var planted = JsonNode.Parse(ConsentJson.Observation(bsPatient, code: "planted"))!.AsObject();
        planted["meta"] = new JsonObject
        {
            ["tag"] = new JsonArray
            {
                new JsonObject { ["system"] = OwnershipTags.System, ["code"] = La },
                new JsonObject { ["system"] = DataClasses.System, ["code"] = DataClasses.Directory },
            },
        };
        var viaPost = await _b.Create("Observation", planted.ToJsonString());
        // Through an update of B's own Observation (Observations get server ids, so PUT cannot create one).
        var viaPutId = await _b.Create("Observation", ConsentJson.Observation(bsPatient, code: "to-be-planted"));
        var put = await _b.SendAs(HttpMethod.Put, $"Observation/{viaPutId}", content: Body(WithId(planted.ToJsonString(), viaPutId)));
        Assert.True(put.Status == HttpStatusCode.OK, $"update gave {put}");

        foreach (var id in new[] { viaPost, viaPutId })
        {
            var stored = await _b.AssertReadableAsync("Observation", id);
            var tags = stored["meta"]!["tag"]!.AsArray().Select(t => (t!["system"]!.GetValue<string>(), t["code"]!.GetValue<string>())).ToList();
            Assert.Equal([Outsider], tags.Where(t => t.Item1 == OwnershipTags.System).Select(t => t.Item2));
            Assert.DoesNotContain((DataClasses.System, DataClasses.Directory), tags);
            // Not A's (own records), not directory data (readable by all): A does not see it.
            await _a.AssertReadsAsNonexistentAsync("Observation", id, PurposesOfUse.DirectCare);
            Assert.Equal(0, (await _a.SearchAs($"Observation?_id={id}"))["total"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task B_cannot_take_over_the_id_of_As_deleted_resource()
    {
        var a = await SeedAsync();
        // A fresh deleted resource of A's: if B does take it over, no other test meets it.
        var id = await _a.Create("Observation", ConsentJson.Observation(a.Patient.Id, text: a.Marker));
        Assert.Equal(HttpStatusCode.NoContent, (await _a.DeleteAsync($"Observation/{id}")).StatusCode);
        var r = await _b.SendAs(HttpMethod.Put, $"Observation/{id}", content: Body(WithId(ConsentJson.Observation(a.Patient.Id, code: "squat"), id)));

        // What A sees afterwards: its deleted resource and its history must still be A's.
        var current = await _a.GetAs($"Observation/{id}");
        var history = await _a.GetAs($"Observation/{id}/_history");
        var again = await _a.SendAs(HttpMethod.Put, $"Observation/{id}", content: Body(WithId(ConsentJson.Observation(a.Patient.Id, code: "restored"), id)));
        var aftermath = $"afterwards A's read gave {(int)current.Status}, A's history read {(int)history.Status}, A's own re-create {(int)again.Status}";

        Assert.True(r.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"B's PUT on A's deleted id gave {(int)r.Status}; {aftermath}");
        Assert.Equal(HttpStatusCode.Gone, current.Status);
        Assert.True(history.Status == HttpStatusCode.OK, $"A's history of its deleted Observation gave {history}");
        Assert.Equal(2, history.Json["entry"]!.AsArray().Count);
        Assert.True(again.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"A re-creating its own deleted id gave {again}");
    }

    private static JsonObject Entry(string method, string url, JsonNode? resource = null)
    {
        var entry = new JsonObject();
        if (resource is not null) entry["resource"] = resource;
        entry["request"] = new JsonObject { ["method"] = method, ["url"] = url };
        return entry;
    }
}
