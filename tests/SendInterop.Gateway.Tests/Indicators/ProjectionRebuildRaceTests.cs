using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Gateway.Indicators;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Store;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// A full rebuild walks the children in id order and, at the end, removes the rows of every child it did not see. A
/// child written while it runs, with an id the walk had already passed, is projected from its change event between the
/// rebuild's batches: its rows must survive the end of the rebuild. (They did not: an LA's subject list once lost a
/// child written just after an Organization write had started a rebuild, and a CI run failed on it.)
/// </summary>
public sealed class ProjectionRebuildRaceTests(SlowRebuildGateway gateway) : IClassFixture<SlowRebuildGateway>
{
    private static readonly FhirJsonSerializer Serializer = new();

    [Fact]
    public async Task A_child_written_during_a_rebuild_behind_its_walk_keeps_its_rows()
    {
        var fhir = gateway.Fhir();
        await PutAsync(fhir, IndicatorGateway.La("873", "Cambridgeshire County Council"));
        // Enough children that the rebuild, one child per batch, is still walking when the late child's events arrive.
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray(Enumerable.Range(0, 300).Select(i => (JsonNode)new JsonObject
            {
                ["resource"] = JsonNode.Parse(Serializer.SerializeToString(IndicatorGateway.Child($"walk-{i:D3}", "2014-05-01"))),
                ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"Patient/walk-{i:D3}" },
            }).ToArray()),
        };
        var loaded = await fhir.PostAsync("", FhirHttp.Body(bundle.ToJsonString()));
        Assert.True(loaded.IsSuccessStatusCode, await loaded.Content.ReadAsStringAsync());

        var worker = gateway.Services.GetRequiredService<IndicatorProjectionWorker>();
        // The Organization write asked for a rebuild of its own: let it finish, so the one watched below is this test's.
        await worker.RebuildAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var rebuild = worker.RebuildAsync();
        var clock = Stopwatch.StartNew();
        while (!worker.Rebuilding)
        {
            if (rebuild.IsCompleted) await rebuild; // a failed rebuild throws here, with its reason
            Assert.False(rebuild.IsCompleted, "the rebuild ran and ended between two looks: the test proves nothing");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the rebuild did not start");
            await Task.Delay(1);
        }

        // "early" sorts before every walk-* id: the walk's first batch, read as the rebuild started, has passed it.
        await PutAsync(fhir, IndicatorGateway.Child("early", "2014-06-01"));
        await PutAsync(fhir, IndicatorGateway.Plan("plan-early", "early", "873", "2024-02-01"));
        Assert.True(worker.Rebuilding, "the rebuild ended before the late child was written: the test proves nothing");
        await rebuild.WaitAsync(TimeSpan.FromMinutes(2));

        // The plan's event may have come after the rebuild's last look at its queue (then it is applied next): wait for
        // the row. Without the fix it was there during the rebuild and gone for good (until the next daily rebuild).
        var contexts = gateway.Services.GetRequiredService<FhirDbContextFactory>();
        await Poll.UntilAsync(async () =>
        {
            await using var db = contexts.Create();
            return await db.IndicatorPlans.CountAsync(p => p.ChildId == "early") == 1;
        }, TimeSpan.FromSeconds(10), "the late child's plan row is missing after the rebuild");
    }

    private static async Task PutAsync(HttpClient fhir, Resource resource)
    {
        var response = await fhir.PutAsync($"{resource.TypeName}/{resource.Id}", FhirHttp.Body(resource));
        Assert.True(response.IsSuccessStatusCode, $"{resource.TypeName}/{resource.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

/// <summary>The indicator gateway's settings with a rebuild of one child per batch, so a rebuild takes long enough to race.</summary>
public sealed class SlowRebuildGateway() : SqliteGatewayFixture("sendinterop-rebuild-")
{
    protected override Dictionary<string, string?> MoreSettings() => new()
    {
        ["Indicators:ChangeBatchWindow"] = "00:00:00.010",
        ["Indicators:RebuildBatchSize"] = "1",
        ["Access:ClientAssignedIds"] = "Any",
    };
}
