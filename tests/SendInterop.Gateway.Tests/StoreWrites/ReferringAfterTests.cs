using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// <see cref="IResourceStore.ReferringAfterAsync"/> ($everything's walk over a Patient's compartment) on both databases:
/// current versions only, any reference parameter, key order, keyset paging, and the type and last-updated filters.
/// </summary>
public abstract class ReferringAfterTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Walks_current_referrers_in_key_order_with_type_since_and_paging()
    {
        var store = gateway.Services.GetRequiredService<IResourceStore>();
        var run = Guid.NewGuid().ToString("N")[..8];
        var child = $"child-{run}";
        var other = $"other-{run}";
        // Basics referring by "subject", by "author", one to another child, one to both, and one later deleted.
        await store.WriteAsync([Write($"{run}-a", ("subject", child))]);
        await store.WriteAsync([Write($"{run}-b", ("author", child))]);
        await store.WriteAsync([Write($"{run}-c", ("subject", other))]);
        // A reference to another type with the child's id: not the child's.
        var group = Write($"{run}-g", ("member", child));
        group.Index!.References.Clear();
        group.Index.References.Add(("member", "Group", child));
        await store.WriteAsync([group]);
        await store.WriteAsync([Write($"{run}-d", ("subject", child), ("author", other))]);
        await store.WriteAsync([Write($"{run}-e", ("subject", child))]);
        await store.WriteAsync([new ResourceWrite { ResourceType = "Basic", ResourceId = $"{run}-e", Method = "DELETE" }]);
        var midpoint = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await store.WriteAsync([Write($"{run}-f", ("subject", child), ("subject", child))]);
        // A second version of a: the walk sees it once, at its new key.
        await store.WriteAsync([Write($"{run}-a", "PUT", ("subject", child))]);

        var all = await store.ReferringAfterAsync("Patient", [child], null, null, long.MinValue, 100);
        Assert.Equal([$"{run}-b", $"{run}-d", $"{run}-f", $"{run}-a"], all.Select(r => r.ResourceId));
        Assert.All(all, r => Assert.True(r.IsCurrent));
        Assert.Equal(all.Select(r => r.Key).Order(), all.Select(r => r.Key));

        var paged = new List<string>();
        for (var after = long.MinValue; ;)
        {
            var page = await store.ReferringAfterAsync("Patient", [child], null, null, after, 1);
            if (page.Count == 0) break;
            paged.Add(page[0].ResourceId);
            after = page[0].Key;
        }
        Assert.Equal(all.Select(r => r.ResourceId), paged);

        Assert.Empty(await store.ReferringAfterAsync("Patient", [child], ["Observation"], null, long.MinValue, 100));
        Assert.Equal(4, (await store.ReferringAfterAsync("Patient", [child], ["Basic", "Observation"], null, long.MinValue, 100)).Count);
        var recent = await store.ReferringAfterAsync("Patient", [child], null, midpoint.UtcTicks, long.MinValue, 100);
        Assert.Equal([$"{run}-f", $"{run}-a"], recent.Select(r => r.ResourceId));

        // Two children at once: each referrer once (d refers to both), still in key order.
        var both = await store.ReferringAfterAsync("Patient", [child, other], null, null, long.MinValue, 100);
        Assert.Equal([$"{run}-b", $"{run}-c", $"{run}-d", $"{run}-f", $"{run}-a"], both.Select(r => r.ResourceId));
    }

    private static ResourceWrite Write(string id, params (string Param, string Patient)[] references) => Write(id, "POST", references);

    private static ResourceWrite Write(string id, string method, params (string Param, string Patient)[] references)
    {
        var index = new ExtractedIndex();
        foreach (var (param, patient) in references) index.References.Add((param, "Patient", patient));
        return new ResourceWrite
        {
            ResourceType = "Basic", ResourceId = id, Method = method, MustNotExist = method == "POST", Index = index,
            Render = (_, _) => System.Text.Encoding.UTF8.GetBytes($$"""{"resourceType":"Basic","id":"{{id}}"}"""),
        };
    }
}

[Collection("sqlite")]
public sealed class SqliteReferringAfterTests(SqliteGateway gateway) : ReferringAfterTests(gateway), IClassFixture<SqliteGateway>;

[Collection("postgres")]
public sealed class PostgresReferringAfterTests(PostgresGateway gateway) : ReferringAfterTests(gateway), IClassFixture<PostgresGateway>;
