using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
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

    [Fact]
    public async Task A_subscription_is_activated_with_the_grant_of_its_writer_whatever_the_body_claims()
    {
        var forged = new JsonArray
        {
            new JsonObject
            {
                ["url"] = "https://fhir.sendinterop.org.uk/StructureDefinition/subscription-grant",
                ["extension"] = new JsonArray
                {
                    new JsonObject { ["url"] = "organisation", ["valueString"] = La },
                    new JsonObject { ["url"] = "scope", ["valueString"] = "system/*.cruds" },
                },
            },
        };
        var (id, body) = await gateway.As(CommunityTrust).CreateWithBody("Subscription",
            Subscription($"Observation?code=grant-{Unique()}", _hook.BaseUrl + "/fhir", extension: forged));
        var stored = JsonNode.Parse(body)!;
        Assert.Equal("active", stored["status"]!.GetValue<string>());
        var grant = stored["extension"]!.AsArray().Single()!["extension"]!.AsArray()
            .ToDictionary(e => e!["url"]!.GetValue<string>(), e => e!["valueString"]!.GetValue<string>());
        Assert.Equal(CommunityTrust, grant["organisation"]);
        Assert.Equal("health", grant["agency"]);
        Assert.Equal("system/*.cruds", grant["scope"]);
        Assert.False(string.IsNullOrEmpty(grant["purpose"]));
        // Its owner reads it; another organisation does not see it exists.
        await gateway.As(CommunityTrust).AssertReadableAsync("Subscription", id);
        Assert.NotEqual(HttpStatusCode.OK, (await gateway.As(La).GetAs($"Subscription/{id}")).Status);
    }

    public static TheoryData<string, string, int> Refused() => new()
    {
        { "endpoint not registered", """{"criteria":"Observation?code=x","endpoint":"https://elsewhere.example/hook"}""", 422 },
        { "plain http off loopback", """{"criteria":"Observation?code=x","endpoint":"http://10.0.0.5:8080/hook"}""", 422 },
        { "user information", """{"criteria":"Observation?code=x","endpoint":"http://user:pw@127.0.0.1:9/hook"}""", 422 },
        { "relative endpoint", """{"criteria":"Observation?code=x","endpoint":"/hook"}""", 422 },
        { "no criteria", """{"criteria":null,"endpoint":"HOOK"}""", 400 },
        { "unknown type", """{"criteria":"Nonsense?code=x","endpoint":"HOOK"}""", 422 },
        { "audit trail", """{"criteria":"AuditEvent?agent=Organization/la-926","endpoint":"HOOK"}""", 422 },
        { "result parameter", """{"criteria":"Observation?code=x&_include=Observation:subject","endpoint":"HOOK"}""", 422 },
        { "chain", """{"criteria":"Observation?subject.name=Smith","endpoint":"HOOK"}""", 422 },
        { "unknown parameter", """{"criteria":"Observation?colour=blue","endpoint":"HOOK"}""", 422 },
        { "email channel", """{"criteria":"Observation?code=x","endpoint":"HOOK","type":"email"}""", 422 },
        { "xml payload", """{"criteria":"Observation?code=x","endpoint":"HOOK","payload":"application/fhir+xml"}""", 422 },
        { "status error", """{"criteria":"Observation?code=x","endpoint":"HOOK","status":"error"}""", 422 },
        { "bad header", """{"criteria":"Observation?code=x","endpoint":"HOOK","header":"no colon here"}""", 422 },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_subscription_the_gateway_cannot_honour_is_refused_and_nothing_is_stored(string why, string spec, int status)
    {
        var s = JsonNode.Parse(spec)!;
        var marker = Unique();
        var endpoint = s["endpoint"]!.GetValue<string>().Replace("HOOK", _hook.BaseUrl + "/" + marker, StringComparison.Ordinal);
        var body = Subscription(s["criteria"]?.GetValue<string>()!, endpoint, status: s["status"]?.GetValue<string>() ?? "requested",
            payload: s["payload"]?.GetValue<string>() ?? "application/fhir+json", channelType: s["type"]?.GetValue<string>() ?? "rest-hook",
            headers: s["header"] is { } h ? [h.GetValue<string>()] : null);
        if (s["criteria"] is null) body = JsonNode.Parse(body)!.AsObject().Also(o => o.Remove("criteria")).ToJsonString();
        var trust = gateway.As(CommunityTrust);
        var before = (await trust.SearchAs("Subscription?_summary=count"))["total"]!.GetValue<int>();
        var reply = await trust.SendAs(HttpMethod.Post, "Subscription", content: Body(body));
        // 400 when the body is not a valid R4 Subscription at all (criteria is 1..1), 422 when the gateway cannot honour it.
        Assert.True((int)reply.Status == status, $"{why}: {reply}");
        Assert.Equal("OperationOutcome", reply.Json["resourceType"]!.GetValue<string>());
        Assert.Equal(before, (await trust.SearchAs("Subscription?_summary=count"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_writer_whose_scopes_cannot_search_the_criteria_type_is_403()
    {
        var narrow = gateway.As(CommunityTrust, scope: "system/Subscription.cruds system/Encounter.rs");
        var reply = await narrow.SendAs(HttpMethod.Post, "Subscription", content: Body(Subscription("Observation?code=x", _hook.BaseUrl)));
        Assert.True(reply.Status == HttpStatusCode.Forbidden, reply.ToString());
        var allowed = await narrow.SendAs(HttpMethod.Post, "Subscription", content: Body(Subscription($"Encounter?status=finished&subject=Patient/{Unique()}", _hook.BaseUrl)));
        Assert.True(allowed.Status == HttpStatusCode.Created, allowed.ToString());
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

internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject o, Action<JsonObject> change)
    {
        change(o);
        return o;
    }
}
