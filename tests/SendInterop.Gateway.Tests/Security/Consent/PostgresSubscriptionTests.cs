using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// Rest-hook delivery on PostgreSQL with two gateway replicas sharing the database, both running their dispatcher:
/// versions written by concurrent transactions (keys committed out of order) are each notified, once, by whichever
/// replica holds the subscription's lease, after the default settle window.
/// </summary>
public sealed class PostgresSubscriptionTests(PostgresSubscriptionGateway gateway) : IClassFixture<PostgresSubscriptionGateway>, IAsyncLifetime
{
    private HookReceiver _hook = null!;
    private PostgresSubscriptionGateway _replica = null!;

    public async Task InitializeAsync()
    {
        _hook = await HookReceiver.StartAsync();
        _replica = PostgresSubscriptionGateway.ReplicaOf(gateway);
        await _replica.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _replica.DisposeAsync();
        await _hook.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_writes_are_each_notified_once_across_two_replicas()
    {
        var code = "pg-" + Unique();
        var fhir = gateway.Fhir();
        var subscription = new JsonObject
        {
            ["resourceType"] = "Subscription", ["status"] = "requested", ["reason"] = "replica test", ["criteria"] = $"Observation?code={code}",
            ["channel"] = new JsonObject { ["type"] = "rest-hook", ["endpoint"] = _hook.BaseUrl + "/fhir", ["payload"] = "application/fhir+json" },
        }.ToJsonString();
        await fhir.CreateAsync("Subscription", subscription);
        var child = await fhir.CreateAsync("Patient", Build.Patient(family: "Replicated" + Unique()));

        // Half through each replica, all at once: concurrent transactions on the shared database.
        var replicaFhir = _replica.Fhir();
        var writes = Enumerable.Range(0, 24).Select(i => (i % 2 == 0 ? fhir : replicaFhir).CreateAsync("Observation", Build.Observation(child, code: code)));
        var ids = await Task.WhenAll(writes);

        await Poll.UntilAsync(() => Task.FromResult(ids.All(id => _hook.All.Any(r => r.Path == $"/fhir/Observation/{id}" && r.Status == 200))),
            TimeSpan.FromSeconds(60), "not every write was notified");
        await Task.Delay(1500); // longer than a settle window and several polls: a second delivery would show by now
        foreach (var id in ids) Assert.Single(_hook.All, r => r.Path == $"/fhir/Observation/{id}");
    }
}

/// <summary>The PostgreSQL gateway with rest-hooks allowed to this machine, and a way to start a second replica on its database.</summary>
public class PostgresSubscriptionGateway : PostgresGateway
{
    public PostgresSubscriptionGateway() : base(null) { }

    private PostgresSubscriptionGateway(string database) : base(database) { }

    public static PostgresSubscriptionGateway ReplicaOf(PostgresSubscriptionGateway primary) => new(primary.DatabaseName);

    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Subscriptions:AllowHttpLoopback"] = "true";
        s[$"Subscriptions:AllowedEndpoints:{TokenSpec.Default.Organisation}:0"] = "http://127.0.0.1:";
        s["Subscriptions:PollMilliseconds"] = "100";
        s["Subscriptions:RetryDelayMilliseconds"] = "20";
        return s;
    }
}
