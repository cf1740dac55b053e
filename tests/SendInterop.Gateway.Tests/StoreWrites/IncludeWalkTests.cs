using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// <see cref="IResourceStore.IncludeAfterAsync"/> and <see cref="IResourceStore.RevIncludeAfterAsync"/> (driven by the
/// reference index since session 9) on both databases: current, non-deleted targets only, each once however often it is
/// referred to, in key order, paged with a limit of one, and filtered by parameter, target type and source.
/// </summary>
public abstract class IncludeWalkTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Includes_and_revincludes_walk_the_reference_index_in_key_order()
    {
        var store = gateway.Services.GetRequiredService<IResourceStore>();
        var run = Guid.NewGuid().ToString("N")[..8];
        string T(int n) => $"{run}-t{n}";
        foreach (var n in new[] { 1, 2, 3, 4 }) await store.WriteAsync([Write("Basic", T(n))]);
        await store.WriteAsync([new ResourceWrite { ResourceType = "Basic", ResourceId = T(3), Method = "DELETE" }]); // deleted target
        await store.WriteAsync([Write("Basic", T(4), "PUT")]); // a second version: found once, as current
        await store.WriteAsync([Write("Basic", $"{run}-s1", "POST", ("a", "Basic", T(1)), ("b", "Basic", T(1)), ("a", "Basic", T(2)))]);
        await store.WriteAsync([Write("Basic", $"{run}-s2", "POST", ("a", "Basic", T(1)), ("a", "Basic", T(3)), ("b", "Basic", T(4)), ("a", "Group", T(2)))]);
        await store.WriteAsync([Write("Observation", $"{run}-s3", "POST", ("a", "Basic", T(2)))]);
        var s1 = (await store.ReadAsync("Basic", $"{run}-s1"))!;
        var s2 = (await store.ReadAsync("Basic", $"{run}-s2"))!;
        var s3 = (await store.ReadAsync("Observation", $"{run}-s3"))!;
        var t1 = (await store.ReadAsync("Basic", T(1)))!;
        var t2 = (await store.ReadAsync("Basic", T(2)))!;
        var t4 = (await store.ReadAsync("Basic", T(4)))!;

        async Task<List<string>> Walk(Func<long, int, Task<IReadOnlyList<ResourceRecord>>> fetch)
        {
            var all = (await fetch(long.MinValue, 100)).Select(r => r.ResourceId).ToList();
            var paged = new List<string>();
            for (var after = long.MinValue; ;)
            {
                var page = await fetch(after, 1);
                if (page.Count == 0) break;
                paged.Add(page[0].ResourceId);
                after = page[0].Key;
            }
            Assert.Equal(all, paged);
            return all;
        }

        IReadOnlyList<ResourceRecord> sources = [s1, s2, s3];
        Assert.Equal([T(1), T(2), T(4)], await Walk((after, limit) => store.IncludeAfterAsync(sources, new IncludeSpec("Basic", "*", null), after, limit)));
        Assert.Equal([T(1), T(2)], await Walk((after, limit) => store.IncludeAfterAsync(sources, new IncludeSpec("Basic", "a", null), after, limit)));
        Assert.Equal([T(1), T(2), T(4)], await Walk((after, limit) => store.IncludeAfterAsync(sources, new IncludeSpec("Basic", "*", "Basic"), after, limit)));
        Assert.Equal([T(2)], await Walk((after, limit) => store.IncludeAfterAsync(sources, new IncludeSpec("Observation", "*", null), after, limit)));
        Assert.Equal([T(1), T(2), T(4)], await Walk((after, limit) => store.IncludeAfterAsync(sources, new IncludeSpec(IncludeSpec.AnySource, "*", null), after, limit)));

        // s2 refers to Group/{t2's id}: not Basic t2, either way round.
        Assert.Equal([T(1)], await Walk((after, limit) => store.IncludeAfterAsync([s2], new IncludeSpec("Basic", "a", null), after, limit)));
        Assert.Equal([$"{run}-s1"], await Walk((after, limit) => store.RevIncludeAfterAsync([t2], new IncludeSpec("Basic", "a", null), after, limit)));

        IReadOnlyList<ResourceRecord> targets = [t1, t2, t4];
        Assert.Equal([$"{run}-s1", $"{run}-s2"], await Walk((after, limit) => store.RevIncludeAfterAsync(targets, new IncludeSpec("Basic", "*", null), after, limit)));
        Assert.Equal([$"{run}-s2"], await Walk((after, limit) => store.RevIncludeAfterAsync([t4], new IncludeSpec("Basic", "b", null), after, limit)));
        Assert.Equal([$"{run}-s3"], await Walk((after, limit) => store.RevIncludeAfterAsync(targets, new IncludeSpec("Observation", "*", null), after, limit)));
    }

    private static ResourceWrite Write(string type, string id, string method = "POST", params (string Param, string TargetType, string TargetId)[] references)
    {
        var index = new ExtractedIndex();
        foreach (var r in references) index.References.Add(r);
        return new ResourceWrite
        {
            ResourceType = type, ResourceId = id, Method = method, MustNotExist = method == "POST", Index = index,
            Render = (_, _) => System.Text.Encoding.UTF8.GetBytes($$"""{"resourceType":"{{type}}","id":"{{id}}"}"""),
        };
    }
}

[Collection("sqlite")]
public sealed class SqliteIncludeWalkTests(SqliteGateway gateway) : IncludeWalkTests(gateway), IClassFixture<SqliteGateway>;

[Collection("postgres")]
public sealed class PostgresIncludeWalkTests(PostgresGateway gateway) : IncludeWalkTests(gateway), IClassFixture<PostgresGateway>;
