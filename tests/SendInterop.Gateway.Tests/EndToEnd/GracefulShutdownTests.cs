using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.EndToEnd;

/// <summary>Stopping the gateway lets the requests already in flight finish (and commit) before it exits.</summary>
[Collection("http")]
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task A_transaction_in_flight_when_shutdown_starts_completes_and_is_answered()
    {
        var gateway = new RealHttpGateway();
        await gateway.InitializeAsync();
        try
        {
            using var http = gateway.RealClient();
            var entries = new JsonArray(Enumerable.Range(0, 3000).Select(i => (JsonNode)new JsonObject
            {
                ["fullUrl"] = "urn:uuid:" + Guid.NewGuid(),
                ["resource"] = JsonNode.Parse(Build.Organization($"Shutdown {i}")),
                ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Organization" },
            }).ToArray());
            var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString();

            using var arrival = new RequestArrival(gateway.FhirBase.Port, "POST");
            var inFlight = http.PostAsync("", FhirHttp.Body(bundle));
            // Stopped once the gateway has begun the request (a fixed delay raced the request's arrival on a busy machine).
            await arrival.Arrived.WaitAsync(TimeSpan.FromSeconds(60));
            gateway.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

            var response = await inFlight;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var results = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["entry"]!.AsArray();
            Assert.Equal(3000, results.Count);
            Assert.All(results, e => Assert.Equal("201", e!["response"]!["status"]!.GetValue<string>()));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }
}
