using System.Net;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Gateway.Tests.Security.Consent;

namespace SendInterop.Gateway.Tests.Api;

/// <summary>A replica that takes kick-offs but runs no jobs (Export:RunJobs false), so jobs stay queued.</summary>
public sealed class QueueOnlyGateway() : SqliteGatewayFixture("sendinterop-export-queue-")
{
    protected override Dictionary<string, string?> MoreSettings() => new()
    {
        ["Export:RunJobs"] = "false",
        ["Export:MaxUnfinishedPerClient"] = "2",
        ["Export:RetryAfterSeconds"] = "7",
    };
}

/// <summary>
/// The export queue as a client sees it: a queued job answers 202 with its progress and when to poll again; a client
/// may have only so many unfinished exports (429 beyond, with an outcome), and cancelling one frees its place.
/// </summary>
public sealed class BulkExportQueueTests(QueueOnlyGateway gateway) : IClassFixture<QueueOnlyGateway>
{
    private static Task<Reply> KickOff(HttpClient client) =>
        client.SendAs(HttpMethod.Get, "$export?_type=Patient", tweak: m => m.Headers.Add("Prefer", "respond-async"));

    [Fact]
    public async Task A_client_has_at_most_its_limit_of_unfinished_exports_and_cancelling_one_frees_its_place()
    {
        var client = gateway.Fhir(TokenSpec.Default with { ClientId = "queued-" + FhirHttp.Unique() });
        var first = await KickOff(client);
        var second = await KickOff(client);
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.Status, second.Status));

        var status = first.Raw.Content.Headers.ContentLocation!.ToString();
        var poll = await client.SendAs(HttpMethod.Get, status);
        Assert.Equal(HttpStatusCode.Accepted, poll.Status);
        Assert.Equal("queued", string.Join(",", poll.Raw.Headers.GetValues("X-Progress")));
        Assert.Equal(TimeSpan.FromSeconds(7), poll.Raw.Headers.RetryAfter!.Delta);

        var third = await KickOff(client);
        Assert.True(third.Status == HttpStatusCode.TooManyRequests, third.ToString());
        Assert.Contains("poll or cancel", third.Body, StringComparison.Ordinal);
        // Another client is not held back by this one's queue.
        Assert.Equal(HttpStatusCode.Accepted, (await KickOff(gateway.Fhir(TokenSpec.Default with { ClientId = "other-" + FhirHttp.Unique() }))).Status);

        Assert.Equal(HttpStatusCode.Accepted, (await client.SendAs(HttpMethod.Delete, status)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAs(HttpMethod.Get, status)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await KickOff(client)).Status);
    }
}
