using System.Net;
using SendInterop.Gateway.Statutory;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Statutory.EhcRecord;

namespace SendInterop.Gateway.Tests.Statutory;

/// <summary>
/// Several children recomputed together (<see cref="StatutoryTaskWriter.RecomputeManyAsync"/>, the SEN2 import's batches):
/// one search per type for all of them must give each child exactly the Tasks it gets alone.
/// </summary>
[Collection("sqlite")]
public sealed class StatutoryBatchRecomputeTests(StatutoryGateway gateway) : IClassFixture<StatutoryGateway>
{
    private static readonly DateOnly Received = new(2026, 2, 20);
    private readonly HttpClient _la = gateway.As(StatutoryGateway.La);

    private EhcRecord Record => new(_la);

    [Fact]
    public async Task Children_recomputed_together_get_the_same_tasks_as_alone_and_a_missing_one_comes_back()
    {
        gateway.Clock.SetDay(Received.AddDays(10));
        var (first, second, none) = (await Record.ChildAsync(), await Record.ChildAsync(), await Record.ChildAsync());
        var firstRequest = await Record.RequestAsync(first, Received);
        var secondRequest = await Record.RequestAsync(second, Received.AddDays(3));
        await Record.DecisionAsync(second, secondRequest, Received.AddDays(3), Received.AddDays(9));
        var alone = (await StatutoryTasksAsync(_la, first), await StatutoryTasksAsync(_la, second));
        Assert.NotEmpty(alone.Item1);
        Assert.NotEmpty(alone.Item2);

        // The same record read for all three together: nothing to change, so no new versions and no new Tasks.
        var failed = await gateway.Get<StatutoryTaskWriter>().RecomputeManyAsync(
            [new TouchedChild(first, false), new TouchedChild(second, false), new TouchedChild(none, false)], CancellationToken.None);
        Assert.Empty(failed);
        Assert.Equal(Versions(alone.Item1), Versions(await StatutoryTasksAsync(_la, first)));
        Assert.Equal(Versions(alone.Item2), Versions(await StatutoryTasksAsync(_la, second)));
        Assert.Empty(await StatutoryTasksAsync(_la, none));

        // One child's Task deleted by its owner: the batch brings it back for that child only.
        var taskId = IdFor(firstRequest, "decision-to-assess");
        Assert.Equal(HttpStatusCode.NoContent, (await _la.DeleteAsync($"Task/{taskId}")).StatusCode);
        failed = await gateway.Get<StatutoryTaskWriter>().RecomputeManyAsync([new TouchedChild(first, false), new TouchedChild(second, true)], CancellationToken.None);
        Assert.Empty(failed);
        Assert.Equal(taskId, (await StatutoryTasksAsync(_la, first))["decision-to-assess"]["id"]!.GetValue<string>());
        Assert.Equal(Versions(alone.Item2), Versions(await StatutoryTasksAsync(_la, second)));
    }

    private static Dictionary<string, string> Versions(Dictionary<string, System.Text.Json.Nodes.JsonNode> tasks) =>
        tasks.ToDictionary(t => t.Key, t => t.Value["id"]!.GetValue<string>() + "/" + t.Value["meta"]!["versionId"]!.GetValue<string>());
}
