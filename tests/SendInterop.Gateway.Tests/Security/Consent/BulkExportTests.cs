using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Access.Gate;
using SendInterop.Storage.Export;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentJson;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// FHIR Bulk Data <c>$export</c> discloses through the consent gate: every kind of export (Group, Patient, system) holds
/// exactly the resources the requester may read one by one with the same token and purpose, each as its read returns
/// it; every decision is audited; a job, its manifest and its files are the requester's alone.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class BulkExportTests(ConsentGateway gateway)
{
    private const string Ndjson = "application/fhir+ndjson";

    /// <summary>What the tests write: two children in a Group of the trust's, one child outside it, and who wrote what.</summary>
    /// <param name="About">The child each written resource is about (null for the Group).</param>
    private sealed record Scene(DateTimeOffset Started, string Group, string InGroup, string OtherInGroup, string Outside, List<(string Type, string Id)> Written,
        Dictionary<string, string> About);

    private async Task<Scene> SceneAsync()
    {
        var started = DateTimeOffset.UtcNow.AddMilliseconds(-5);
        var la = gateway.As(La);
        var camhs = gateway.As(Camhs);
        var trust = gateway.As(CommunityTrust);
        var first = await la.Create("Patient", Patient("Exported" + Unique(), Child12()));
        var second = await la.Create("Patient", Patient("Exported" + Unique(), YoungPerson17()));
        var outside = await la.Create("Patient", Patient("NotInGroup" + Unique(), Child12()));
        var written = new List<(string, string)>();
        var about = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string type, string id, string child)
        {
            written.Add((type, id));
            about[$"{type}/{id}"] = child;
        }
        foreach (var child in new[] { first, second, outside }) Add("Patient", child, child);
        foreach (var child in new[] { first, second })
        {
            Add("Observation", await camhs.Create("Observation", Observation(child, "mh-" + Unique(), labels: ["MH"])), child);
            Add("Observation", await camhs.Create("Observation", Observation(child, "camhs-" + Unique())), child);
            Add("Observation", await trust.Create("Observation", Observation(child, "own-" + Unique())), child);
            Add("Observation", await la.Create("Observation", Observation(child, "la-" + Unique())), child);
            Add("DocumentReference", await la.Create("DocumentReference", Document(child, "Advice", "MH")), child);
            Add("Encounter", await trust.Create("Encounter", Encounter(child)), child);
        }
        Add("Observation", await trust.Create("Observation", Observation(outside, "own-" + Unique())), outside);
        var group = await trust.Create("Group", new JsonObject
        {
            ["resourceType"] = "Group", ["type"] = "person", ["actual"] = true, ["name"] = "Caseload " + Unique(),
            ["member"] = new JsonArray
            {
                new JsonObject { ["entity"] = Ref($"Patient/{first}") },
                new JsonObject { ["entity"] = Ref($"Patient/{second}") },
                new JsonObject { ["entity"] = Ref($"Patient/{outside}"), ["inactive"] = true },
            },
        }.ToJsonString());
        written.Add(("Group", group));
        return new Scene(started, group, first, second, outside, written, about);
    }

    [Fact]
    public async Task A_group_export_holds_exactly_the_group_childrens_resources_the_requester_may_read_one_by_one()
    {
        var scene = await SceneAsync();
        var trust = gateway.As(CommunityTrust);
        var files = await ExportAsync(trust, $"Group/{scene.Group}/$export?_type=Patient,Observation,DocumentReference,Encounter");

        var members = new HashSet<string>(StringComparer.Ordinal) { scene.InGroup, scene.OtherInGroup };
        var aboutMembers = scene.Written.Where(w => scene.About.TryGetValue($"{w.Type}/{w.Id}", out var child) && members.Contains(child)).ToList();
        var readable = await ReadableAsync(trust, aboutMembers);
        await AssertExportEqualsReadsAsync(trust, files, readable);
        // The comparison can fail both ways: some of the children's resources are readable, some are not.
        Assert.True(readable.Count >= 4 && readable.Count < aboutMembers.Count, $"{readable.Count} of {aboutMembers.Count} readable: the fixture does not exercise the gate");
        Assert.DoesNotContain(files.SelectMany(f => f.Lines), l => l.Body.Contains(scene.Outside, StringComparison.Ordinal));

        // The lines sent were decided again at download and audited as an export: the child's side (subject access) sees them.
        var since = Uri.EscapeDataString("ge" + scene.Started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        var app = gateway.As(SubjectAccessApp, scope: "patient/*.rs", purposes: PurposesOfUse.SubjectAccess, patient: scene.InGroup);
        var audit = await app.SearchAs($"AuditEvent?patient=Patient/{scene.InGroup}&agent=Organization/{CommunityTrust}&date={since}&_count=1000", PurposesOfUse.SubjectAccess);
        var outcomes = (audit["entry"]?.AsArray() ?? [])
            .Select(e => e!["resource"]!)
            .Where(a => a["subtype"]?.AsArray().Any(c => c!["code"]?.GetValue<string>() == "export") == true)
            .Select(a => a["outcome"]!.GetValue<string>())
            .ToList();
        Assert.Contains("0", outcomes);
    }

    [Fact]
    public async Task Each_line_is_decided_again_for_the_request_that_downloads_the_file()
    {
        var scene = await SceneAsync();
        var trust = gateway.As(CommunityTrust, clientId: "trust-redecides", purposes: "direct-care commissioning");
        var files = await ExportAsync(trust, $"Group/{scene.Group}/$export?_type=Observation");
        var file = Assert.Single(files);
        Assert.True(file.Lines.Count >= 2, $"{file.Lines.Count} lines: the trust's own Observations should be there");

        // Deleted since the file was written: no longer sent, the other lines still are.
        var deleted = file.Lines[0].Id;
        Assert.Equal(HttpStatusCode.NoContent, (await trust.SendAs(HttpMethod.Delete, $"Observation/{deleted}")).Status);
        var again = await trust.GetAs(file.Url);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(file.Lines.Skip(1).Select(l => l.Body), again.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The same client downloading for a purpose that sees no person-level data gets an empty file, the refusals audited.
        var started = DateTimeOffset.UtcNow.AddMilliseconds(-5);
        var commissioning = await trust.GetAs(file.Url, PurposesOfUse.Commissioning);
        Assert.Equal(HttpStatusCode.OK, commissioning.Status);
        Assert.Equal("", commissioning.Body);
        var since = Uri.EscapeDataString("ge" + started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        // The child the lines still sent are about (the deleted line's child has no line left).
        var child = JsonNode.Parse(file.Lines[1].Body)!["subject"]!["reference"]!.GetValue<string>()["Patient/".Length..];
        var app = gateway.As(SubjectAccessApp, scope: "patient/*.rs", purposes: PurposesOfUse.SubjectAccess, patient: child);
        var audit = await app.SearchAs($"AuditEvent?patient=Patient/{child}&agent=Organization/{CommunityTrust}&date={since}&_count=1000", PurposesOfUse.SubjectAccess);
        Assert.True(audit["entry"]!.AsArray().Any(e => e!["resource"]!["outcome"]!.GetValue<string>() == "4"
            && e["resource"]!["subtype"]!.AsArray().Any(c => c!["code"]!.GetValue<string>() == "export")), audit.ToJsonString());

        // Changed since the file was written: sent as written to the same token (both versions permitted), but not to a
        // token whose scope carries a constraint (checked on the current version only, it says nothing of the old one).
        var changed = file.Lines[1];
        var edited = JsonNode.Parse(changed.Body)!.AsObject();
        edited.Remove("meta");
        edited["valueString"] = "edited after the export";
        Assert.Equal(HttpStatusCode.OK, (await trust.SendAs(HttpMethod.Put, $"Observation/{changed.Id}", content: Body(edited.ToJsonString()))).Status);
        Assert.Contains(changed.Body, (await trust.GetAs(file.Url)).Body.Split('\n'));
        var constrained = gateway.As(CommunityTrust, clientId: "trust-redecides", scope: "system/Observation.rs?category=survey", purposes: "direct-care commissioning");
        var narrowed = await constrained.GetAs(file.Url);
        Assert.Equal(HttpStatusCode.OK, narrowed.Status);
        Assert.DoesNotContain(changed.Id, narrowed.Body, StringComparison.Ordinal);
        Assert.Equal(file.Lines.Count - 2, narrowed.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Break-glass may not fetch a bulk export, whatever the client.
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.As(CommunityTrust, clientId: "trust-redecides").GetAs(file.Url, PurposesOfUse.Safeguarding, "Child at risk")).Status);

        // A token of the same client with a patient in context is another requester: the job is not its.
        var patientToken = gateway.As(CommunityTrust, clientId: "trust-redecides", scope: "patient/*.rs", patient: scene.InGroup);
        Assert.Equal(HttpStatusCode.NotFound, (await patientToken.GetAs(file.Url)).Status);
    }

    [Fact]
    public async Task A_patient_export_and_a_system_export_since_a_time_hold_exactly_what_the_requester_may_read()
    {
        var scene = await SceneAsync();
        var trust = gateway.As(CommunityTrust);
        var since = Uri.EscapeDataString(scene.Started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

        // Patient level: every child's compartment (the Group is in it: it names the children as members).
        var patientLevel = await ExportAsync(trust, $"Patient/$export?_since={since}&_type=Patient,Observation,DocumentReference,Encounter,Group");
        await AssertExportEqualsReadsAsync(trust, patientLevel, await ReadableAsync(trust, scene.Written));

        // System level: every type asked for, the Group included.
        var systemLevel = await ExportAsync(trust, $"$export?_since={since}&_type=Patient,Observation,DocumentReference,Encounter,Group&_outputFormat=application%2Ffhir%2Bndjson");
        var readable = await ReadableAsync(trust, scene.Written);
        await AssertExportEqualsReadsAsync(trust, systemLevel, readable);
        Assert.Contains(("Group", scene.Group), readable);
        Assert.True(readable.Count < scene.Written.Count, "every resource is readable: the fixture does not exercise the gate");

        // Another organisation's export of the same resources holds what it may read, which is not the trust's.
        var school = gateway.As(OtherSchool);
        var theirs = await ExportAsync(school, $"$export?_since={since}&_type=Patient,Observation,DocumentReference,Encounter,Group");
        await AssertExportEqualsReadsAsync(school, theirs, await ReadableAsync(school, scene.Written));
    }

    [Fact]
    public async Task A_type_filter_keeps_only_the_matching_resources_of_its_type_at_every_level()
    {
        var scene = await SceneAsync();
        var trust = gateway.As(CommunityTrust);
        var since = Uri.EscapeDataString(scene.Started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        // The trust's own Observations have codes own-...; two filters (either matches) name the first child's only.
        var own = new List<string>();
        foreach (var (type, id) in scene.Written.Where(w => w.Type == "Observation"))
            if ((await trust.GetAs($"Observation/{id}")).Json["code"]?["coding"]?[0]?["code"]?.GetValue<string>() is { } code && code.StartsWith("own-", StringComparison.Ordinal))
                own.Add(id);
        var first = (await trust.GetAs($"Observation/{own[0]}")).Json["code"]!["coding"]![0]!["code"]!.GetValue<string>();
        var filter = Uri.EscapeDataString($"Observation?code={first},Observation?code=no-such-code");
        var expected = new List<(string, string)> { ("Observation", own[0]) };
        expected.AddRange((await ReadableAsync(trust, scene.Written)).Where(r => r.Type == "Encounter"));

        foreach (var kickOff in new[] { $"$export", "Patient/$export", $"Group/{scene.Group}/$export" })
        {
            var files = await ExportAsync(trust, $"{kickOff}?_since={since}&_type=Observation,Encounter&_typeFilter={filter}");
            // Observations filtered, Encounters (no filter) all there.
            await AssertExportEqualsReadsAsync(trust, files, expected);
        }
    }

    [Fact]
    public async Task A_job_its_manifest_and_its_files_are_the_requesters_alone()
    {
        var scene = await SceneAsync();
        var trust = gateway.As(CommunityTrust, clientId: "trust-exporter");
        var status = await KickOffAsync(trust, $"Group/{scene.Group}/$export?_type=Encounter");
        await CompleteAsync(trust, status);
        var manifest = (await trust.GetAs(status)).Json;
        var file = manifest["output"]![0]!["url"]!.GetValue<string>();

        foreach (var other in new[]
                 {
                     gateway.As(CommunityTrust), // same organisation, another client
                     gateway.As(La, clientId: "trust-exporter"), // same client id, another organisation
                     gateway.As(Camhs),
                 })
        {
            foreach (var (method, url) in new[] { (HttpMethod.Get, status), (HttpMethod.Get, file), (HttpMethod.Delete, status) })
            {
                var reply = await other.SendAs(method, url);
                Assert.True(reply.Status == HttpStatusCode.NotFound, $"{method} {url}: {reply}");
                Assert.Equal("OperationOutcome", reply.Json["resourceType"]!.GetValue<string>());
            }
        }
        // Still there for its owner; a DELETE removes it and its files.
        Assert.Equal(HttpStatusCode.OK, (await trust.GetAs(file)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await trust.SendAs(HttpMethod.Delete, status)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await trust.GetAs(status)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await trust.GetAs(file)).Status);
    }

    [Fact]
    public async Task A_client_downloading_as_many_files_as_it_may_gets_429_with_retry_after_until_one_finishes()
    {
        var scene = await SceneAsync();
        var trust = gateway.As(CommunityTrust, clientId: "busy-downloader-" + Unique());
        var status = await KickOffAsync(trust, $"Group/{scene.Group}/$export?_type=Encounter");
        await CompleteAsync(trust, status);
        var file = (await trust.GetAs(status)).Json["output"]![0]!["url"]!.GetValue<string>();
        var job = (await gateway.Services.GetRequiredService<BulkExportStore>().FindAsync(status.Split('/')[^1], default))!;
        var slots = gateway.Services.GetRequiredService<SendInterop.Gateway.Export.ExportDownloadSlots>();
        var limit = gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SendInterop.Gateway.Export.ExportOptions>>().Value.MaxConcurrentDownloadsPerClient;

        // The client's other downloads, still running, hold every slot it has.
        var held = Enumerable.Range(0, limit).Select(_ => slots.TryTake(job.ClientId, job.Organisation)!).ToList();
        Assert.Null(slots.TryTake(job.ClientId, job.Organisation));
        var busy = await trust.GetAs(file);
        Assert.True(busy.Status == HttpStatusCode.TooManyRequests, busy.ToString());
        Assert.Equal("throttled", busy.Json["issue"]![0]!["code"]!.GetValue<string>());
        Assert.NotNull(busy.Raw.Headers.RetryAfter?.Delta);
        Assert.Equal(limit, slots.InUse(job.ClientId, job.Organisation)); // the refused request took none

        held[0].Dispose();
        Assert.Equal(HttpStatusCode.OK, (await trust.GetAs(file)).Status);
        foreach (var slot in held) slot.Dispose(); // disposing twice releases once
        Assert.Equal(0, slots.InUse(job.ClientId, job.Organisation));
    }

    public static TheoryData<string, string, string?, int, string> Refused() => new()
    {
        { "no Prefer: respond-async", "$export", null, 400, "respond-async" },
        { "csv output", "$export?_outputFormat=text/csv", "respond-async", 400, "_outputFormat" },
        { "unknown type", "$export?_type=Spaceship", "respond-async", 400, "Spaceship" },
        { "audit trail", "$export?_type=AuditEvent", "respond-async", 400, "AuditEvent is not exported" },
        { "empty type entry", "$export?_type=Patient,,Goal", "respond-async", 400, "empty entry" },
        { "date without time", "$export?_since=2026-01-01", "respond-async", 400, "instant" },
        { "time without zone", "$export?_since=2026-01-01T10:00:00", "respond-async", 400, "instant" },
        { "not a date", "$export?_since=yesterday", "respond-async", 400, "instant" },
        { "chained type filter", "$export?_type=Observation&_typeFilter=Observation%3Fsubject.name%3DSmith", "respond-async", 400, "chained" },
        { "type filter off the types", "$export?_type=Observation&_typeFilter=Goal%3Flifecycle-status%3Dactive", "respond-async", 400, "not among the types" },
        { "type filter the store cannot run", "$export?_type=Observation&_typeFilter=Observation%3Fdate%3D2026-13-45", "respond-async", 400, "_typeFilter" },
        { "type filter with a result parameter", "$export?_type=Observation&_typeFilter=Observation%3F_count%3D5", "respond-async", 400, "criteria only" },
        { "elements", "Patient/$export?_elements=id", "respond-async", 400, "not supported" },
        { "unknown parameter", "$export?_count=10", "respond-async", 400, "not a parameter" },
        { "since twice", "$export?_since=2026-01-01T00:00:00Z&_since=2026-02-01T00:00:00Z", "respond-async", 400, "more than once" },
        { "bad type even when lenient", "$export?_type=Spaceship", "respond-async, handling=lenient", 400, "Spaceship" },
        { "missing group", "Group/no-such-group/$export", "respond-async", 404, "does not exist" },
        { "bad group id", "Group/bad$id!/$export", "respond-async", 400, "not a valid" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_kick_off_that_cannot_be_carried_out_is_refused_with_an_outcome_and_queues_nothing(string why, string url, string? prefer, int status, string expect)
    {
        var client = gateway.As(CommunityTrust, clientId: "refused-" + Unique());
        var reply = await client.SendAs(HttpMethod.Get, url, tweak: m => { if (prefer is not null) m.Headers.Add("Prefer", prefer); });
        Assert.True((int)reply.Status == status, $"{why}: {reply}");
        Assert.Equal("OperationOutcome", reply.Json["resourceType"]!.GetValue<string>());
        Assert.Contains(expect, reply.Body, StringComparison.Ordinal);
        Assert.Null(reply.Raw.Content.Headers.ContentLocation);
    }

    [Fact]
    public async Task Scopes_purposes_and_a_hidden_group_are_refused_before_anything_is_queued()
    {
        var narrow = gateway.As(CommunityTrust, scope: "system/Patient.rs system/Observation.r");
        // A type asked for without read and search: 403; a Patient export without Patient scope: 403.
        Assert.Equal(HttpStatusCode.Forbidden, (await KickOffReplyAsync(narrow, "$export?_type=Observation")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await KickOffReplyAsync(gateway.As(CommunityTrust, scope: "system/Observation.rs"), "Patient/$export")).Status);
        // Without _type, only the types the scopes reach are exported.
        var status = await KickOffAsync(narrow, "$export?_since=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));
        await CompleteAsync(narrow, status);
        Assert.Empty((await narrow.GetAs(status)).Json["output"]!.AsArray());

        // Break-glass is for one child; commissioning gets aggregates only.
        var reply = await KickOffReplyAsync(gateway.As(La), "$export", PurposesOfUse.Safeguarding, "Child at risk: everything");
        Assert.True(reply.Status == HttpStatusCode.Forbidden && reply.Body.Contains("Break-glass", StringComparison.Ordinal), reply.ToString());
        var commissioner = gateway.As(Icb, purposes: PurposesOfUse.Commissioning);
        reply = await KickOffReplyAsync(commissioner, "$export", PurposesOfUse.Commissioning);
        Assert.True(reply.Status == HttpStatusCode.Forbidden && reply.Body.Contains("aggregates", StringComparison.Ordinal), reply.ToString());

        // Another organisation's Group answers as one that does not exist.
        var scene = await SceneAsync();
        var hidden = await KickOffReplyAsync(gateway.As(Outsider), $"Group/{scene.Group}/$export");
        Assert.True(hidden.Status == HttpStatusCode.NotFound, hidden.ToString());
        var missing = await KickOffReplyAsync(gateway.As(Outsider), "Group/never-was/$export");
        Assert.Equal(missing.Json["issue"]![0]!["code"]!.GetValue<string>(), hidden.Json["issue"]![0]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_job_its_runners_keep_dropping_is_given_up_with_a_500_outcome_not_retried_for_ever()
    {
        var jobs = gateway.Services.GetRequiredService<BulkExportStore>();
        var now = DateTimeOffset.UtcNow;
        // As the queue holds a job whose runners stopped three times (each claim counted): its lease lapsed long ago.
        var job = new ExportJobRow
        {
            JobId = Guid.NewGuid().ToString("N"), ClientId = "test-" + CommunityTrust, Organisation = CommunityTrust, Agency = "health",
            Scopes = "system/*.cruds", Purpose = PurposesOfUse.DirectCare, Kind = ExportKinds.System, Types = "Encounter",
            RequestUrl = "http://localhost/fhir/$export", Status = ExportStatuses.Running, Attempts = 3, LeaseOwner = "a-stopped-replica",
            CreatedAt = now.AddMinutes(-30).ToUnixTimeMilliseconds(), LeaseUntil = now.AddMinutes(-1).ToUnixTimeMilliseconds(),
            ExpiresAt = now.AddHours(1).ToUnixTimeMilliseconds(),
        };
        Assert.True(await jobs.TryCreateAsync(job, int.MaxValue, default));
        var trust = gateway.As(CommunityTrust);
        var status = $"$export-status/{job.JobId}";
        await Poll.UntilAsync(async () => (await trust.GetAs(status)).Status != HttpStatusCode.Accepted, TimeSpan.FromSeconds(30), "the job was not taken up");
        var reply = await trust.GetAs(status);
        Assert.True(reply.Status == HttpStatusCode.InternalServerError, reply.ToString());
        Assert.Equal("OperationOutcome", reply.Json["resourceType"]!.GetValue<string>());
        Assert.Empty(await jobs.FilesAsync(job.JobId, default));
    }

    [Fact]
    public async Task A_posted_kick_off_takes_a_parameters_body_and_patient_limits_the_children()
    {
        var scene = await SceneAsync();
        var trust = gateway.As(CommunityTrust);
        var body = new JsonObject
        {
            ["resourceType"] = "Parameters",
            ["parameter"] = new JsonArray
            {
                new JsonObject { ["name"] = "_type", ["valueString"] = "Observation,Encounter" },
                new JsonObject { ["name"] = "_since", ["valueInstant"] = scene.Started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) },
                new JsonObject { ["name"] = "_outputFormat", ["valueString"] = Ndjson },
                new JsonObject { ["name"] = "patient", ["valueReference"] = Ref($"Patient/{scene.InGroup}") },
            },
        }.ToJsonString();
        var expected = (await ReadableAsync(trust, scene.Written.Where(w => w.Type is "Observation" or "Encounter").ToList()))
            .Where(w => scene.About[$"{w.Type}/{w.Id}"] == scene.InGroup).ToList();
        Assert.NotEmpty(expected);
        foreach (var kickOff in new[] { "Patient/$export", $"Group/{scene.Group}/$export" })
        {
            var started = await trust.SendAs(HttpMethod.Post, kickOff, content: Body(body), tweak: m => m.Headers.Add("Prefer", "respond-async"));
            Assert.True(started.Status == HttpStatusCode.Accepted, $"{kickOff}: {started}");
            var status = started.Raw.Content.Headers.ContentLocation!.ToString();
            await CompleteAsync(trust, status);
            var lines = new List<(string, string)>();
            foreach (var output in (await trust.GetAs(status)).Json["output"]!.AsArray())
                foreach (var line in (await trust.GetAs(output!["url"]!.GetValue<string>())).Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    var r = JsonNode.Parse(line)!;
                    lines.Add((r["resourceType"]!.GetValue<string>(), r["id"]!.GetValue<string>()));
                }
            Assert.Equal(expected.Select(e => $"{e.Type}/{e.Id}").Order(StringComparer.Ordinal), lines.Select(l => $"{l.Item1}/{l.Item2}").Order(StringComparer.Ordinal));
        }
    }

    public static TheoryData<string, string, string?, int, string> PostRefused() => new()
    {
        { "not Parameters", "$export", """{"resourceType":"Basic","code":{"text":"x"}}""", 400, "takes a Parameters resource" },
        { "patient on a system export", "$export", """{"resourceType":"Parameters","parameter":[{"name":"patient","valueReference":{"reference":"Patient/p1"}}]}""", 400, "not to a system export" },
        { "patient not a Patient", "Patient/$export", """{"resourceType":"Parameters","parameter":[{"name":"patient","valueReference":{"reference":"Group/g1"}}]}""", 400, "Patient/[id]" },
        { "a complex value", "Patient/$export", """{"resourceType":"Parameters","parameter":[{"name":"_type","valueCoding":{"code":"Patient"}}]}""", 400, "primitive value" },
        { "bad type in the body", "Patient/$export", """{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Spaceship"}]}""", 400, "Spaceship" },
        { "not FHIR", "Patient/$export", "{not json", 400, "" },
        { "not a FHIR media type", "Patient/$export", null, 415, "Parameters resource" },
    };

    [Theory]
    [MemberData(nameof(PostRefused))]
    public async Task A_posted_kick_off_that_cannot_be_carried_out_is_refused_with_an_outcome(string why, string url, string? json, int status, string expect)
    {
        var content = json is null ? new StringContent("_type=Patient", System.Text.Encoding.UTF8, "text/plain") : Body(json);
        var reply = await gateway.As(CommunityTrust).SendAs(HttpMethod.Post, url, content: content, tweak: m => m.Headers.Add("Prefer", "respond-async"));
        Assert.True((int)reply.Status == status, $"{why}: {reply}");
        Assert.Equal("OperationOutcome", reply.Json["resourceType"]!.GetValue<string>());
        Assert.Contains(expect, reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patient_in_the_query_and_other_methods_are_refused_with_an_outcome()
    {
        var query = await gateway.As(La).SendAs(HttpMethod.Get, "Patient/$export?patient=Patient/p1", tweak: m => m.Headers.Add("Prefer", "respond-async"));
        Assert.True(query.Status == HttpStatusCode.BadRequest && query.Body.Contains("POSTed Parameters body", StringComparison.Ordinal), query.ToString());
        var put = await gateway.As(La).SendAs(HttpMethod.Put, "$export", content: Body("""{"resourceType":"Parameters"}"""));
        Assert.True(put.Status == HttpStatusCode.MethodNotAllowed, put.ToString());
        Assert.Equal("OperationOutcome", put.Json["resourceType"]!.GetValue<string>());
    }

    // --- helpers ---

    private sealed record ExportedLine(string Type, string Id, string Body);

    private sealed record ExportedFile(string Type, int Count, string Url, List<ExportedLine> Lines);

    private static Task<Reply> KickOffReplyAsync(HttpClient client, string url, string? purpose = null, string? reason = null) =>
        client.SendAs(HttpMethod.Get, url, purpose, reason, tweak: m => m.Headers.Add("Prefer", "respond-async"));

    /// <summary>Kicks off an export (202 with Content-Location) and returns its status URL.</summary>
    private static async Task<string> KickOffAsync(HttpClient client, string url)
    {
        var reply = await KickOffReplyAsync(client, url);
        Assert.True(reply.Status == HttpStatusCode.Accepted, $"{url}: {reply}");
        return reply.Raw.Content.Headers.ContentLocation!.ToString();
    }

    private static async Task CompleteAsync(HttpClient client, string status)
    {
        await Poll.UntilAsync(async () =>
        {
            var reply = await client.GetAs(status);
            Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, reply.ToString());
            if (reply.Status == HttpStatusCode.Accepted) Assert.NotNull(reply.Raw.Headers.RetryAfter);
            return reply.Status == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), $"{status} did not complete");
    }

    /// <summary>Runs an export to completion and downloads every file it lists, checking each against the manifest.</summary>
    private static async Task<List<ExportedFile>> ExportAsync(HttpClient client, string url)
    {
        var status = await KickOffAsync(client, url);
        await CompleteAsync(client, status);
        var manifest = await client.GetAs(status);
        Assert.StartsWith("application/json", manifest.Raw.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.True(manifest.Json["requiresAccessToken"]!.GetValue<bool>());
        Assert.Empty(manifest.Json["error"]!.AsArray());
        Assert.EndsWith(url.Replace("%2F", "/").Replace("%2B", "+").Split('?')[0], manifest.Json["request"]!.GetValue<string>().Split('?')[0], StringComparison.Ordinal);
        var files = new List<ExportedFile>();
        foreach (var output in manifest.Json["output"]!.AsArray())
        {
            var type = output!["type"]!.GetValue<string>();
            var reply = await client.GetAs(output["url"]!.GetValue<string>());
            Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
            Assert.Equal(Ndjson, reply.Raw.Content.Headers.ContentType!.MediaType);
            var lines = reply.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => (Line: l, Json: JsonNode.Parse(l)!))
                .Select(x => new ExportedLine(x.Json["resourceType"]!.GetValue<string>(), x.Json["id"]!.GetValue<string>(), x.Line)).ToList();
            Assert.All(lines, l => Assert.Equal(type, l.Type));
            Assert.Equal(output["count"]!.GetValue<int>(), lines.Count);
            files.Add(new ExportedFile(type, lines.Count, output["url"]!.GetValue<string>(), lines));
        }
        return files;
    }

    /// <summary>The reference: what the requester may read one by one with the same token and purpose.</summary>
    private static async Task<List<(string Type, string Id)>> ReadableAsync(HttpClient client, IReadOnlyList<(string Type, string Id)> written)
    {
        var readable = new List<(string, string)>();
        foreach (var (type, id) in written)
            if ((await client.GetAs($"{type}/{id}")).Status == HttpStatusCode.OK) readable.Add((type, id));
        return readable;
    }

    /// <summary>The export holds each readable resource once, as its read returns it, and nothing else.</summary>
    private static async Task AssertExportEqualsReadsAsync(HttpClient client, List<ExportedFile> files, List<(string Type, string Id)> readable)
    {
        var exported = files.SelectMany(f => f.Lines).ToList();
        Assert.Equal(readable.Select(r => $"{r.Type}/{r.Id}").Order(StringComparer.Ordinal), exported.Select(l => $"{l.Type}/{l.Id}").Order(StringComparer.Ordinal));
        foreach (var line in exported)
        {
            var read = (await client.GetAs($"{line.Type}/{line.Id}")).Json;
            Assert.True(JsonNode.DeepEquals(read, JsonNode.Parse(line.Body)), line.Body);
        }
    }
}
