using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// Search index rows are written in blocks of rows per statement and flushed at the end of each unit of work. On SQLite
/// several requests share one transaction (group commit, a savepoint each): a request that fails after some of its rows
/// were buffered must take them with it, or they would be flushed with the next request's and index resources that were
/// never stored. Many concurrent requests, every other one failing on its last write, so groups mix both kinds; and
/// large requests among them, which commit alone, so none is lost or kept waiting between groups.
/// </summary>
public abstract class IndexRowBlockTests(GatewayFixture gateway)
{
    private const string TokenSystem = "urn:test:index-row-blocks";

    /// <param name="largeEvery">Every this many requests is a large one (70 writes), which the SQLite group commit puts in a
    /// group of its own (no savepoint), between groups of small ones; 0: all small.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public async Task A_failed_request_leaves_no_index_row_and_its_neighbours_keep_all_theirs(int largeEvery)
    {
        var store = gateway.Services.GetRequiredService<IResourceStore>();
        var run = Guid.NewGuid().ToString("N")[..8];
        const int Requests = 60;
        int PerRequest(int r) => largeEvery > 0 && r % largeEvery == 0 ? 70 : 3;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async r =>
        {
            var writes = Enumerable.Range(0, PerRequest(r)).Select(i => Write($"{run}-{r}-{i}", $"{run}-{r}")).ToList();
            // The failing requests end with an update of a version that does not exist: refused after the others buffered rows.
            if (r % 2 == 1) writes.Add(new ResourceWrite
            {
                ResourceType = "Basic", ResourceId = $"{run}-{r}-missing", Method = "PUT", ExpectedVersion = 7,
                Render = (_, _) => "{}"u8.ToArray(), Index = new ExtractedIndex(),
            });
            try
            {
                await store.WriteAsync(writes);
                return true;
            }
            catch (VersionConflictException)
            {
                return false;
            }
        })).WaitAsync(TimeSpan.FromSeconds(60)); // a request lost between groups would never answer

        Assert.Equal(Requests / 2, outcomes.Count(ok => ok));
        await using var db = gateway.Services.GetRequiredService<FhirDbContextFactory>().Create();
        var rows = await db.TokenIndex.Where(t => t.System == TokenSystem && t.Code.StartsWith(run)).Select(t => t.Code).ToListAsync();
        var expected = Enumerable.Range(0, Requests).Where(r => outcomes[r])
            .SelectMany(r => Enumerable.Range(0, PerRequest(r)).Select(_ => $"{run}-{r}")).Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows.Order(StringComparer.Ordinal));
        // Every row belongs to a stored resource carrying that code.
        var orphans = await db.TokenIndex.Where(t => t.System == TokenSystem && t.Code.StartsWith(run))
            .CountAsync(t => !db.Resources.Any(x => x.Key == t.ResourceKey && x.IsCurrent && x.ResourceId.StartsWith(t.Code + "-")));
        Assert.Equal(0, orphans);
    }

    private static ResourceWrite Write(string id, string code)
    {
        var index = new ExtractedIndex();
        index.Tokens.Add(("identifier", TokenSystem, code));
        index.Strings.Add(("_text", code));
        return new ResourceWrite
        {
            ResourceType = "Basic", ResourceId = id, Method = "POST", MustNotExist = true, Index = index,
            Render = (_, _) => System.Text.Encoding.UTF8.GetBytes($$"""{"resourceType":"Basic","id":"{{id}}"}"""),
        };
    }
}

[Collection("sqlite")]
public sealed class SqliteIndexRowBlockTests(SqliteGateway gateway) : IndexRowBlockTests(gateway), IClassFixture<SqliteGateway>;

[Collection("postgres")]
public sealed class PostgresIndexRowBlockTests(PostgresGateway gateway) : IndexRowBlockTests(gateway), IClassFixture<PostgresGateway>;
