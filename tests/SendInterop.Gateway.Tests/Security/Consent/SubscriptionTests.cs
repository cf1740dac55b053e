using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Gateway.Tests.Security.Authentication;
using SendInterop.Storage.Store;
using SendInterop.Storage.Subscriptions;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentJson;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// Rest-hook subscriptions disclose through the consent gate: a subscriber is notified of exactly the matching resources
/// it may read one by one (the reference is the read endpoint, as for $everything), each decision is audited as a
/// subscription-notification, and notifications go to a real HTTP endpoint (Kestrel on 127.0.0.1) that must have been
/// registered for the subscriber's organisation. A failing endpoint is retried, then the subscription is set to error
/// and resumes, when set back to requested, from the first notification it missed.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class SubscriptionTests(ConsentGateway gateway) : IAsyncLifetime
{
    private HookReceiver _hook = null!;

    public async Task InitializeAsync() => _hook = await HookReceiver.StartAsync();

    public async Task DisposeAsync() => await _hook.DisposeAsync();

    private static string Subscription(string criteria, string endpoint, string? payload = "application/fhir+json", string status = "requested",
        string channelType = "rest-hook", JsonArray? extension = null, string[]? headers = null) => new JsonObject
    {
        ["resourceType"] = "Subscription",
        ["status"] = status,
        ["reason"] = "Keep the child's record in step",
        ["criteria"] = criteria,
        ["extension"] = extension,
        ["channel"] = new JsonObject
        {
            ["type"] = channelType,
            ["endpoint"] = endpoint,
            ["payload"] = payload,
            ["header"] = headers is null ? null : new JsonArray(headers.Select(h => (JsonNode)h).ToArray()),
        }.WithoutNullsNode(),
    }.WithoutNulls();

    private static JsonArray ForgedGrant() =>
    [
        new JsonObject
        {
            ["url"] = "https://fhir.sendinterop.org.uk/StructureDefinition/subscription-grant",
            ["extension"] = new JsonArray
            {
                new JsonObject { ["url"] = "client", ["valueString"] = "forged-client" },
                new JsonObject { ["url"] = "organisation", ["valueString"] = La },
                new JsonObject { ["url"] = "agency", ["valueString"] = "education" },
                new JsonObject { ["url"] = "scope", ["valueString"] = "system/*.cruds forged/scope" },
                new JsonObject { ["url"] = "purpose", ["valueString"] = PurposesOfUse.Safeguarding },
            },
        },
    ];

    private static Dictionary<string, string> GrantOf(JsonNode stored) =>
        stored["extension"]!.AsArray().Single()!["extension"]!.AsArray()
            .ToDictionary(e => e!["url"]!.GetValue<string>(), e => e!["valueString"]!.GetValue<string>());

    /// <summary>The grant must be the writer's on every write path: create, update, patch and a transaction entry.</summary>
    [Fact]
    public async Task A_subscription_is_activated_with_the_grant_of_its_writer_whatever_the_body_claims_on_every_write_path()
    {
        var trust = gateway.As(CommunityTrust, clientId: "trust-subscriber", purposes: "ehc-review direct-care");
        var criteria = $"Observation?code=grant-{Unique()}";
        var (id, body) = await trust.CreateWithBody("Subscription", Subscription(criteria, _hook.BaseUrl + "/fhir", extension: ForgedGrant()));
        var written = new List<JsonNode> { JsonNode.Parse(body)! };

        var update = JsonNode.Parse(Subscription(criteria, _hook.BaseUrl + "/fhir", extension: ForgedGrant()))!.AsObject();
        update["id"] = id;
        var put = await trust.SendAs(HttpMethod.Put, $"Subscription/{id}", content: Body(update.ToJsonString()));
        Assert.True(put.Status == HttpStatusCode.OK, put.ToString());
        written.Add(put.Json);

        var patch = new JsonArray { new JsonObject { ["op"] = "replace", ["path"] = "/extension", ["value"] = ForgedGrant() } }.ToJsonString();
        var patched = await trust.SendAs(HttpMethod.Patch, $"Subscription/{id}",
            content: new StringContent(patch, System.Text.Encoding.UTF8, "application/json-patch+json"));
        Assert.True(patched.Status == HttpStatusCode.OK, patched.ToString());
        written.Add(patched.Json);

        var transaction = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray
            {
                new JsonObject
                {
                    ["resource"] = JsonNode.Parse(Subscription(criteria, _hook.BaseUrl + "/fhir", extension: ForgedGrant())),
                    ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Subscription" },
                },
            },
        }.ToJsonString();
        var committed = await trust.SendAs(HttpMethod.Post, "", content: Body(transaction));
        Assert.True(committed.Status == HttpStatusCode.OK, committed.ToString());
        var location = committed.Json["entry"]![0]!["response"]!["location"]!.GetValue<string>();
        written.Add((await trust.GetAs(location[..location.IndexOf("/_history", StringComparison.Ordinal)])).Json);

        foreach (var stored in written)
        {
            Assert.Equal("active", stored["status"]!.GetValue<string>());
            var grant = GrantOf(stored);
            Assert.Equal("trust-subscriber", grant["client"]);
            Assert.Equal(CommunityTrust, grant["organisation"]);
            Assert.Equal("health", grant["agency"]);
            Assert.Equal("system/*.cruds", grant["scope"]);
            Assert.Equal("ehc-review", grant["purpose"]);
        }
    }

    /// <summary>A Subscription is its owner's set-up (endpoint, credentials, what it watches): nobody else reads it, even under break-glass.</summary>
    [Fact]
    public async Task Only_the_owner_reads_a_subscription_whatever_the_purpose()
    {
        var id = await gateway.As(CommunityTrust).Create("Subscription",
            Subscription($"Observation?code=owner-{Unique()}", _hook.BaseUrl + "/fhir", headers: ["Authorization: Bearer owner-secret"]));
        await gateway.As(CommunityTrust).AssertReadableAsync("Subscription", id);
        foreach (var (organisation, purpose, reason) in new (string, string?, string?)[]
                 {
                     (La, null, null), (Camhs, PurposesOfUse.DirectCare, null), (La, PurposesOfUse.Safeguarding, "Child at risk: checking their notifications"),
                 })
        {
            var client = gateway.As(organisation);
            await client.AssertReadsAsNonexistentAsync("Subscription", id, purpose, reason);
            var search = await client.GetAs("Subscription?_count=100", purpose, reason);
            Assert.DoesNotContain("owner-secret", search.Body, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string, string, int, string> Refused() => new()
    {
        { "endpoint not registered", """{"criteria":"Observation?code=x","endpoint":"https://elsewhere.example/hook"}""", 422, "not an endpoint registered" },
        { "plain http off loopback", """{"criteria":"Observation?code=x","endpoint":"http://10.0.0.5:8080/hook"}""", 422, "must be an https URL" },
        { "user information", """{"criteria":"Observation?code=x","endpoint":"http://user:pw@127.0.0.1:9/hook"}""", 422, "without user information" },
        { "relative endpoint", """{"criteria":"Observation?code=x","endpoint":"/hook"}""", 422, "absolute https URL" },
        { "encoded dots", """{"criteria":"Observation?code=x","endpoint":"HOOK/%2e%2e/admin"}""", 422, "encoded dots" },
        { "no criteria", """{"criteria":null,"endpoint":"HOOK"}""", 400, "criteria" },
        { "unknown type", """{"criteria":"Nonsense?code=x","endpoint":"HOOK"}""", 422, "resource type" },
        { "abstract type", """{"criteria":"DomainResource?_id=x","endpoint":"HOOK"}""", 422, "resource type" },
        { "audit trail", """{"criteria":"AuditEvent?agent=Organization/la-926","endpoint":"HOOK"}""", 422, "cannot be subscribed to" },
        { "result parameter", """{"criteria":"Observation?code=x&_include=Observation:subject","endpoint":"HOOK"}""", 422, "_include" },
        { "padded result parameter", """{"criteria":"Observation?code=x&%20_include=Observation:subject","endpoint":"HOOK"}""", 422, "_include" },
        { "chain", """{"criteria":"Observation?subject.name=Smith","endpoint":"HOOK"}""", 422, "chained" },
        { "unknown parameter", """{"criteria":"Observation?colour=blue","endpoint":"HOOK"}""", 422, "colour" },
        { "value the store cannot search", """{"criteria":"Observation?date=2026-13-45","endpoint":"HOOK"}""", 422, "not a search this server can run" },
        { "iterated include", """{"criteria":"Observation?code=x&_include:iterate=Observation:subject","endpoint":"HOOK"}""", 422, "_include" },
        { "endpoint with a query", """{"criteria":"Observation?code=x","endpoint":"HOOK?tenant=b"}""", 422, "must not have a query" },
        { "forwarding header", """{"criteria":"Observation?code=x","endpoint":"HOOK","header":"X-Forwarded-Host: other-tenant.example"}""", 422, "header" },
        { "email channel", """{"criteria":"Observation?code=x","endpoint":"HOOK","type":"email"}""", 422, "rest-hook" },
        { "xml payload", """{"criteria":"Observation?code=x","endpoint":"HOOK","payload":"application/fhir+xml"}""", 422, "payload" },
        { "status error", """{"criteria":"Observation?code=x","endpoint":"HOOK","status":"error"}""", 422, "status" },
        { "header without colon", """{"criteria":"Observation?code=x","endpoint":"HOOK","header":"no colon here"}""", 422, "header" },
        { "host header", """{"criteria":"Observation?code=x","endpoint":"HOOK","header":"Host: other-tenant.example"}""", 422, "header" },
        { "framing header", """{"criteria":"Observation?code=x","endpoint":"HOOK","header":"Transfer-Encoding: chunked"}""", 422, "header" },
        { "non-ASCII header value", """{"criteria":"Observation?code=x","endpoint":"HOOK","header":"X-Token: caf\u00e9"}""", 422, "header" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_subscription_the_gateway_cannot_honour_is_refused_and_nothing_is_stored(string why, string spec, int status, string expect)
    {
        var s = JsonNode.Parse(spec)!;
        var marker = Unique();
        var endpoint = s["endpoint"]!.GetValue<string>().Replace("HOOK", _hook.BaseUrl + "/" + marker, StringComparison.Ordinal);
        var body = Subscription(s["criteria"]?.GetValue<string>()!, endpoint, status: s["status"]?.GetValue<string>() ?? "requested",
            payload: s["payload"]?.GetValue<string>() ?? "application/fhir+json", channelType: s["type"]?.GetValue<string>() ?? "rest-hook",
            headers: s["header"] is { } h ? [h.GetValue<string>()] : null);
        var trust = gateway.As(CommunityTrust);
        var before = (await trust.SearchAs("Subscription?_summary=count"))["total"]!.GetValue<int>();
        var reply = await trust.SendAs(HttpMethod.Post, "Subscription", content: Body(body));
        // 400 when the body is not a valid R4 Subscription at all (criteria is 1..1), 422 when the gateway cannot honour it;
        // the diagnostics say which rule refused it (each case fails on its own rule, not on another that also applies).
        Assert.True((int)reply.Status == status, $"{why}: {reply}");
        Assert.Equal("OperationOutcome", reply.Json["resourceType"]!.GetValue<string>());
        Assert.Contains(expect, reply.Body, StringComparison.Ordinal);
        Assert.Equal(before, (await trust.SearchAs("Subscription?_summary=count"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_writer_whose_scopes_cannot_search_and_read_the_criteria_type_is_403()
    {
        var narrow = gateway.As(CommunityTrust, scope: "system/Subscription.cruds system/Encounter.rs system/Condition.s system/Goal.r system/Observation.r system/Observation.s");
        foreach (var refused in new[] { "Condition?code=x", "Goal?lifecycle-status=active", "CarePlan?status=active" })
        {
            var reply = await narrow.SendAs(HttpMethod.Post, "Subscription", content: Body(Subscription(refused, _hook.BaseUrl)));
            Assert.True(reply.Status == HttpStatusCode.Forbidden, $"{refused}: {reply}");
        }
        // Read and search granted by one scope, or by two: either is enough.
        foreach (var allowed in new[] { $"Encounter?status=finished&subject=Patient/{Unique()}", $"Observation?code={Unique()}" })
        {
            var reply = await narrow.SendAs(HttpMethod.Post, "Subscription", content: Body(Subscription(allowed, _hook.BaseUrl)));
            Assert.True(reply.Status == HttpStatusCode.Created, $"{allowed}: {reply}");
        }
    }

    [Fact]
    public async Task A_subscriber_is_notified_of_exactly_the_matching_resources_it_may_read()
    {
        var code = "notify-" + Unique();
        var trust = gateway.As(CommunityTrust);
        var subscription = await trust.Create("Subscription", Subscription($"Observation?code={code}", _hook.BaseUrl + "/fhir"));
        var started = DateTimeOffset.UtcNow.AddMilliseconds(-1);

        var la = gateway.As(La);
        var camhs = gateway.As(Camhs);
        var child = await la.Create("Patient", Patient("Subscribed" + Unique(), Child12()));
        var written = new List<string>
        {
            await camhs.Create("Observation", Observation(child, code, labels: ["MH"])),
            await camhs.Create("Observation", Observation(child, code)),
            await trust.Create("Observation", Observation(child, code)),
            await la.Create("Observation", Observation(child, code)),
        };
        var unmatched = await trust.Create("Observation", Observation(child, "other-" + code));
        await CaughtUpAsync(subscription, "Observation", unmatched);

        var notified = _hook.All.Where(r => r.Path.StartsWith("/fhir/Observation/", StringComparison.Ordinal)).ToList();
        var notifiedIds = notified.Select(r => r.Path["/fhir/Observation/".Length..]).ToList();
        // The reference: what the subscriber may read one by one with the same token and purpose.
        var readable = new List<string>();
        foreach (var id in written)
            if ((await trust.GetAs($"Observation/{id}")).Status == HttpStatusCode.OK) readable.Add(id);
        Assert.Equal(readable.Order(StringComparer.Ordinal), notifiedIds.Order(StringComparer.Ordinal));
        // The comparison can fail: some of the matches are readable, some are not.
        Assert.NotEmpty(readable);
        Assert.True(readable.Count < written.Count, "every match is readable: the fixture does not exercise the gate");
        Assert.DoesNotContain(unmatched, notifiedIds);

        // Each notification is a PUT of the resource as its read returns it.
        foreach (var r in notified)
        {
            Assert.Equal("PUT", r.Method);
            Assert.StartsWith("application/fhir+json", r.ContentType, StringComparison.Ordinal);
            var read = (await trust.GetAs(r.Path["/fhir/".Length..])).Json;
            Assert.True(JsonNode.DeepEquals(read, JsonNode.Parse(r.Body)), r.Body);
        }

        // Every decision, permit and deny, is audited as a subscription notification: the child's side (subject access)
        // sees them all (the subscriber's own view leaves its denials out, as for any request).
        var since = Uri.EscapeDataString("ge" + started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        var app = gateway.As(SubjectAccessApp, scope: "patient/*.rs", purposes: PurposesOfUse.SubjectAccess, patient: child);
        var audit = await app.SearchAs($"AuditEvent?patient=Patient/{child}&agent=Organization/{CommunityTrust}&date={since}&_count=1000", PurposesOfUse.SubjectAccess);
        var outcomes = (audit["entry"]?.AsArray() ?? [])
            .Select(e => e!["resource"]!)
            .Where(a => a["subtype"]?.AsArray().Any(c => c!["code"]?.GetValue<string>() == "subscription-notification") == true)
            .Select(a => a["outcome"]!.GetValue<string>())
            .ToList();
        // One entry per notification decided (the child's view names the child, not other organisations' hidden records).
        Assert.Equal(readable.Count, outcomes.Count(o => o == "0"));
        Assert.Equal(written.Count - readable.Count, outcomes.Count(o => o == "4"));
    }

    [Fact]
    public async Task An_empty_payload_notification_is_a_post_without_the_resource_with_the_subscribers_headers()
    {
        var code = "ping-" + Unique();
        var trust = gateway.As(CommunityTrust);
        var subscription = await trust.Create("Subscription",
            Subscription($"Observation?code={code}", _hook.BaseUrl + "/ping", payload: null, headers: ["Authorization: Bearer hook-secret"]));
        var child = await gateway.As(La).Create("Patient", Patient("Pinged" + Unique(), Child12()));
        var own = await trust.Create("Observation", Observation(child, code));
        await CaughtUpAsync(subscription, "Observation", own);

        var ping = Assert.Single(_hook.All, r => r.Path == "/ping");
        Assert.Equal("POST", ping.Method);
        Assert.Equal("", ping.Body);
        Assert.Equal("Bearer hook-secret", ping.Headers["Authorization"]);
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_then_errors_and_resumes_without_losing_a_notification()
    {
        var code = "retry-" + Unique();
        var trust = gateway.As(CommunityTrust);
        var subscription = await trust.Create("Subscription", Subscription($"Observation?code={code}", _hook.BaseUrl + "/fhir"));
        var child = await gateway.As(La).Create("Patient", Patient("Retried" + Unique(), Child12()));

        // Two transient failures, then success: one delivery after three attempts.
        var attempts = 0;
        _hook.Answer = _ => Interlocked.Increment(ref attempts) <= 2 ? 503 : 200;
        var first = await trust.Create("Observation", Observation(child, code));
        await CaughtUpAsync(subscription, "Observation", first);
        Assert.Equal(3, _hook.All.Count(r => r.Path == $"/fhir/Observation/{first}"));

        // The endpoint keeps failing: after its attempts the subscription is set to error, and what follows waits.
        _hook.Answer = _ => 500;
        var second = await trust.Create("Observation", Observation(child, code));
        await Poll.UntilAsync(async () => (await trust.GetAs($"Subscription/{subscription}")).Json["status"]?.GetValue<string>() == "error",
            TimeSpan.FromSeconds(30), "the subscription was not set to error");
        var errored = (await trust.GetAs($"Subscription/{subscription}")).Json;
        Assert.Contains("500", errored["error"]!.GetValue<string>(), StringComparison.Ordinal);
        var third = await trust.Create("Observation", Observation(child, code));
        await Task.Delay(500); // several polls: an errored subscription sends nothing
        Assert.DoesNotContain(_hook.All, r => r.Path == $"/fhir/Observation/{third}");

        // Fixed and set back to requested: both missed notifications arrive, in the order written.
        _hook.Answer = _ => 200;
        var resumed = errored.AsObject();
        resumed["status"] = "requested";
        resumed.Remove("error");
        var put = await trust.SendAs(HttpMethod.Put, $"Subscription/{subscription}", content: Body(resumed.ToJsonString()));
        Assert.True(put.Status == HttpStatusCode.OK, put.ToString());
        Assert.Equal("active", put.Json["status"]!.GetValue<string>());
        await CaughtUpAsync(subscription, "Observation", third);
        var delivered = _hook.All.Where(r => r.Method == "PUT" && r.Status == 200).Select(r => r.Path).ToList();
        var secondAt = delivered.LastIndexOf($"/fhir/Observation/{second}");
        var thirdAt = delivered.IndexOf($"/fhir/Observation/{third}");
        Assert.True(secondAt >= 0 && thirdAt > secondAt, string.Join(", ", delivered));
    }

    [Fact]
    public async Task Turned_off_and_on_again_a_subscription_notifies_from_then_not_what_was_written_while_off()
    {
        var code = "offon-" + Unique();
        var trust = gateway.As(CommunityTrust);
        var (id, body) = await trust.CreateWithBody("Subscription", Subscription($"Observation?code={code}", _hook.BaseUrl + "/fhir"));
        var child = await gateway.As(La).Create("Patient", Patient("OffOn" + Unique(), Child12()));
        var before = await trust.Create("Observation", Observation(child, code));
        await CaughtUpAsync(id, "Observation", before);

        var subscription = JsonNode.Parse(body)!.AsObject();
        subscription["status"] = "off";
        Assert.Equal(HttpStatusCode.OK, (await trust.SendAs(HttpMethod.Put, $"Subscription/{id}", content: Body(subscription.ToJsonString()))).Status);
        var whileOff = await trust.Create("Observation", Observation(child, code));
        subscription["status"] = "requested";
        Assert.Equal(HttpStatusCode.OK, (await trust.SendAs(HttpMethod.Put, $"Subscription/{id}", content: Body(subscription.ToJsonString()))).Status);
        var after = await trust.Create("Observation", Observation(child, code));
        await CaughtUpAsync(id, "Observation", after);

        var delivered = _hook.All.Where(r => r.Status == 200).Select(r => r.Path).ToList();
        Assert.Contains($"/fhir/Observation/{before}", delivered);
        Assert.Contains($"/fhir/Observation/{after}", delivered);
        Assert.DoesNotContain($"/fhir/Observation/{whileOff}", delivered);
    }

    [Fact]
    public async Task The_cursor_of_a_subscription_to_a_type_nobody_writes_keeps_up_with_the_store()
    {
        // Otherwise every round would read the store from the subscription's creation onwards, a read that only grows.
        var trust = gateway.As(CommunityTrust);
        var id = await trust.Create("Subscription", Subscription($"Encounter?status=finished&subject=Patient/{Unique()}", _hook.BaseUrl + "/fhir"));
        var child = await gateway.As(La).Create("Patient", Patient("Quiet" + Unique(), Child12()));
        var other = await trust.Create("Observation", Observation(child, "quiet-" + Unique()));
        await CaughtUpAsync(id, "Observation", other);
    }

    [Fact]
    public async Task A_new_version_asking_for_the_same_thing_keeps_the_backlog()
    {
        // A rotated credential while notifications are still queued: the receiver holds the first one until the rotation
        // is stored, and a round serves two, so three or more wait behind it. They are still delivered, with the new header.
        var code = "rotate-" + Unique();
        var trust = gateway.As(CommunityTrust);
        var (id, body) = await trust.CreateWithBody("Subscription",
            Subscription($"Observation?code={code}", _hook.BaseUrl + "/fhir", headers: ["Authorization: Bearer old"]));
        var child = await gateway.As(La).Create("Patient", Patient("Rotated" + Unique(), Child12()));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hook.Hold = release.Task;
        var written = new List<string>();
        for (var i = 0; i < 5; i++) written.Add(await trust.Create("Observation", Observation(child, code)));
        var rotated = JsonNode.Parse(body)!.AsObject();
        rotated["channel"]!["header"] = new JsonArray { "Authorization: Bearer new" };
        Assert.Equal(HttpStatusCode.OK, (await trust.SendAs(HttpMethod.Put, $"Subscription/{id}", content: Body(rotated.ToJsonString()))).Status);
        release.SetResult();

        await Poll.UntilAsync(() => Task.FromResult(written.All(w => _hook.All.Any(r => r.Path == $"/fhir/Observation/{w}" && r.Status == 200))),
            TimeSpan.FromSeconds(30), "a notification due before the rotation was dropped");
        // The last write is served by a round that started after the rotation was stored.
        Assert.Equal("Bearer new", _hook.All.Last(r => r.Path == $"/fhir/Observation/{written[^1]}").Headers["Authorization"]);
    }

    [Fact]
    public async Task The_cursor_of_a_deleted_subscription_is_removed_and_a_live_ones_kept()
    {
        var trust = gateway.As(CommunityTrust);
        var child = await gateway.As(La).Create("Patient", Patient("Swept" + Unique(), Child12()));
        var live = await trust.Create("Subscription", Subscription($"Observation?code=live-{Unique()}", _hook.BaseUrl + "/fhir"));
        var gone = await trust.Create("Subscription", Subscription($"Observation?code=gone-{Unique()}", _hook.BaseUrl + "/fhir"));
        var written = await trust.Create("Observation", Observation(child, "sweep-" + Unique()));
        await CaughtUpAsync(live, "Observation", written);
        await CaughtUpAsync(gone, "Observation", written);
        Assert.Equal(HttpStatusCode.NoContent, (await trust.SendAs(HttpMethod.Delete, $"Subscription/{gone}")).Status);

        // A round that listed the Subscription before its deletion may still touch its cursor: sweep until it is gone.
        var cursors = gateway.Services.GetRequiredService<SubscriptionCursorStore>();
        await Poll.UntilAsync(async () =>
        {
            await cursors.RemoveOrphansAsync(CancellationToken.None);
            return await cursors.AfterKeyAsync(gone, CancellationToken.None) is null;
        }, TimeSpan.FromSeconds(30), "the deleted subscription's cursor was not removed");
        Assert.NotNull(await cursors.AfterKeyAsync(live, CancellationToken.None));
    }

    [Fact]
    public async Task A_registered_client_narrowed_or_removed_after_subscribing_is_no_longer_notified()
    {
        // The grant is fixed when the Subscription is written; the registration is read at each notification.
        var registered = TestClient.Es384("trust-registered-" + Unique());
        TokenRequests.Register(gateway, registered.Registration(scope: "system/*.cruds", organisation: CommunityTrust, agency: "health", purposes: "direct-care ehc-review"));
        try
        {
            var code = "registered-" + Unique();
            var trust = gateway.As(CommunityTrust, clientId: registered.ClientId, purposes: "direct-care ehc-review");
            var (id, body) = await trust.CreateWithBody("Subscription", Subscription($"Observation?code={code}", _hook.BaseUrl + "/fhir"));
            Assert.Equal("true", GrantOf(JsonNode.Parse(body)!)["registered"]);
            var child = await gateway.As(La).Create("Patient", Patient("Registered" + Unique(), Child12()));

            var whileRegistered = await trust.Create("Observation", Observation(child, code));
            await CaughtUpAsync(id, "Observation", whileRegistered);

            // The purpose the subscription stated is taken away, then the client is removed altogether.
            TokenRequests.Register(gateway, registered.Registration(scope: "system/*.cruds", organisation: CommunityTrust, agency: "health", purposes: "ehc-review"));
            var narrowed = await trust.Create("Observation", Observation(child, code));
            await CaughtUpAsync(id, "Observation", narrowed);
            TokenRequests.Register(gateway);
            var removed = await gateway.As(CommunityTrust).Create("Observation", Observation(child, code));
            await CaughtUpAsync(id, "Observation", removed);

            var delivered = _hook.All.Where(r => r.Status == 200).Select(r => r.Path).ToList();
            Assert.Contains($"/fhir/Observation/{whileRegistered}", delivered);
            Assert.DoesNotContain($"/fhir/Observation/{narrowed}", delivered);
            Assert.DoesNotContain($"/fhir/Observation/{removed}", delivered);
        }
        finally
        {
            TokenRequests.Register(gateway);
        }
    }

    [Fact]
    public async Task A_subscription_past_its_end_is_turned_off_and_notifies_nothing_more()
    {
        var code = "ending-" + Unique();
        var trust = gateway.As(CommunityTrust);
        var (id, body) = await trust.CreateWithBody("Subscription", Subscription($"Observation?code={code}", _hook.BaseUrl + "/fhir"));
        var child = await gateway.As(La).Create("Patient", Patient("Ending" + Unique(), Child12()));
        var before = await trust.Create("Observation", Observation(child, code));
        await CaughtUpAsync(id, "Observation", before);

        var ended = JsonNode.Parse(body)!.AsObject();
        ended["end"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, (await trust.SendAs(HttpMethod.Put, $"Subscription/{id}", content: Body(ended.ToJsonString()))).Status);
        var after = await trust.Create("Observation", Observation(child, code));
        await Poll.UntilAsync(async () => (await trust.GetAs($"Subscription/{id}")).Json["status"]?.GetValue<string>() == "off",
            TimeSpan.FromSeconds(30), "the subscription past its end was not turned off");
        var delivered = _hook.All.Where(r => r.Status == 200).Select(r => r.Path).ToList();
        Assert.Contains($"/fhir/Observation/{before}", delivered);
        Assert.DoesNotContain($"/fhir/Observation/{after}", delivered);
    }

    [Fact]
    public async Task A_client_removed_from_the_registry_cannot_subscribe_with_a_token_it_still_holds()
    {
        // A token from the token endpoint outlives its client's registration by up to 15 minutes: a Subscription would
        // outlive it for good.
        var client = TestClient.Es384("trust-revoked-" + Unique());
        TokenRequests.Register(gateway, client.Registration(scope: "system/*.cruds", organisation: CommunityTrust, agency: "health", purposes: "direct-care"));
        try
        {
            var http = gateway.CreateClient();
            const string tokenUrl = "http://localhost/auth/token";
            var (status, issued) = await TokenRequests.PostAsync(http, tokenUrl, TokenRequests.Form(client.Assertion(tokenUrl)));
            Assert.Equal(HttpStatusCode.OK, status);
            var fhir = gateway.CreateClient();
            fhir.BaseAddress = new Uri("http://localhost/fhir/");
            fhir.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", issued["access_token"]!.GetValue<string>());
            var spec = Subscription($"Observation?code=revoked-{Unique()}", _hook.BaseUrl + "/fhir");

            var allowed = await fhir.SendAs(HttpMethod.Post, "Subscription", content: Body(spec));
            Assert.True(allowed.Status == HttpStatusCode.Created, allowed.ToString());
            Assert.Equal("true", GrantOf(allowed.Json)["registered"]);

            TokenRequests.Register(gateway);
            var refused = await fhir.SendAs(HttpMethod.Post, "Subscription", content: Body(spec));
            Assert.True(refused.Status == HttpStatusCode.Forbidden, refused.ToString());
        }
        finally
        {
            TokenRequests.Register(gateway);
        }
    }

    /// <summary>Waits until the subscription's cursor has passed the current version of <paramref name="type"/>/<paramref name="id"/>.</summary>
    private async Task CaughtUpAsync(string subscription, string type, string id)
    {
        var store = gateway.Services.GetRequiredService<IResourceStore>();
        var cursors = gateway.Services.GetRequiredService<SubscriptionCursorStore>();
        var key = (await store.ReadAsync(type, id))!.Key;
        await Poll.UntilAsync(async () => await cursors.AfterKeyAsync(subscription, CancellationToken.None) >= key,
            TimeSpan.FromSeconds(30), $"the dispatcher did not reach {type}/{id}");
    }
}
