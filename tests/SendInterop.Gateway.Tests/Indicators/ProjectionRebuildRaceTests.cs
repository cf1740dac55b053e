using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Gateway.Indicators;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Indicators;
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
    [Fact]
    public async Task A_child_written_during_a_rebuild_behind_its_walk_keeps_its_rows()
    {
        var fhir = gateway.Fhir();
        await PutAsync(fhir, IndicatorGateway.La("873", "Cambridgeshire County Council"));
        foreach (var i in Enumerable.Range(0, 3)) await PutAsync(fhir, IndicatorGateway.Child($"walk-{i:D3}", "2014-05-01"));

        var worker = gateway.Services.GetRequiredService<IndicatorProjectionWorker>();
        // The Organization write asked for a rebuild of its own: let it finish, so the one held below is this test's.
        await worker.RebuildAsync().WaitAsync(TimeSpan.FromMinutes(2));

        // Hold the rebuild as it asks for its second batch: its first (walk-000) has been projected, and "early" sorts
        // before every walk-* id, so the walk has passed it for good. No timing: the rebuild waits for the release.
        var hold = gateway.Walk.HoldBeforeSecondBatch();
        var rebuild = worker.RebuildAsync();
        await hold.Reached.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(worker.Rebuilding);

        await PutAsync(fhir, IndicatorGateway.Child("early", "2014-06-01"));
        await PutAsync(fhir, IndicatorGateway.Plan("plan-early", "early", "873", "2024-02-01"));
        Assert.False(rebuild.IsCompleted, "the rebuild ended while held: the test proves nothing");
        hold.Release();
        await rebuild.WaitAsync(TimeSpan.FromMinutes(2));

        // The plan's event was queued while the rebuild was held, so the rebuild applied it between its batches; without
        // the fix the row was there during the rebuild and removed as unseen at its end (until the next daily rebuild).
        // Poll all the same: a row applied after the rebuild is as good, and one missing for 10 s is the bug.
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

/// <summary>The indicator gateway's settings with a rebuild of one child per batch and a walk a test can hold.</summary>
public sealed class SlowRebuildGateway() : SqliteGatewayFixture("sendinterop-rebuild-")
{
    public HoldableWalk Walk { get; private set; } = null!;

    protected override Dictionary<string, string?> MoreSettings() => new()
    {
        ["Indicators:ChangeBatchWindow"] = "00:00:00.010",
        ["Indicators:RebuildBatchSize"] = "1",
        ["Access:ClientAssignedIds"] = "Any",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<ChildRecordSource>(sp => Walk = new HoldableWalk(sp.GetRequiredService<FhirDbContextFactory>())));
    }
}

/// <summary>The real child walk, which a test can hold once at a rebuild's second batch until it releases it.</summary>
public sealed class HoldableWalk(FhirDbContextFactory contexts) : ChildRecordSource(contexts)
{
    private Hold? _armed;

    public Hold HoldBeforeSecondBatch()
    {
        var hold = new Hold();
        Volatile.Write(ref _armed, hold);
        return hold;
    }

    public override async Task<IReadOnlyList<string>> PatientIdsAsync(string? afterId, int limit, CancellationToken ct = default)
    {
        // A walk's second batch is the first asked for after an id; the hold is taken once.
        if (afterId is not null && Interlocked.Exchange(ref _armed, null) is { } hold)
        {
            hold.Reached.TrySetResult();
            await hold.Released.Task.WaitAsync(ct);
        }

        return await base.PatientIdsAsync(afterId, limit, ct);
    }

    public sealed class Hold
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
