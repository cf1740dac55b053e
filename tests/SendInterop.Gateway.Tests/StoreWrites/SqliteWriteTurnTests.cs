using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Indicators;
using SendInterop.Domain.Search;
using SendInterop.Storage.Identity;
using SendInterop.Storage.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// Every writer of the SQLite database in the process takes a turn at its write lock (<see cref="SqliteWriteTurns"/>)
/// instead of meeting the lock taken and sleeping in SQLite's busy handler. While the test holds the turn, no writer
/// may start its transaction; once it lets go, each one completes, in turn.
/// </summary>
public sealed class SqliteWriteTurnTests : SqliteStorageTest
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    private FhirDbContextFactory Contexts => Services.GetRequiredService<FhirDbContextFactory>();

    [Fact]
    public async Task Resource_writes_link_saves_and_projection_writes_wait_for_the_turn_then_all_complete()
    {
        var store = Services.GetRequiredService<IResourceStore>();
        var links = Services.GetRequiredService<MasterIndexStore>();
        var projections = Services.GetRequiredService<IndicatorProjectionStore>();

        Task write, link, project;
        using (await Contexts.TakeWriteTurnAsync())
        {
            write = store.WriteAsync([Basic("held")]);
            link = links.SaveAsync([new MasterLinkRow { PatientId = "p-1", MasterId = "mci-1", Method = "new-master", PatientVersion = 1 }]);
            project = projections.ReplaceAsync([new ChildProjection("p-1", new ProjectedRecord([], [], [], [], []))], DateTimeOffset.UtcNow);
            await Task.Delay(Settle);

            // Without turns, each of these would have begun (and, on a free lock, finished) its transaction by now.
            Assert.False(write.IsCompleted, "A resource write committed while another writer held the turn.");
            Assert.False(link.IsCompleted, "A link save committed while another writer held the turn.");
            Assert.False(project.IsCompleted, "A projection write committed while another writer held the turn.");
            Assert.True(await LockIsFreeAsync(), "A writer took the database's write lock while another writer held the turn.");
        }

        await Task.WhenAll(write, link, project).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("mci-1", (await links.GetAsync("p-1"))?.MasterId);
        Assert.NotNull(await store.ReadAsync("Basic", "held"));
    }

    /// <summary>Whether another connection could take the write lock at once (busy_timeout 0: no waiting).</summary>
    private async Task<bool> LockIsFreeAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=0; BEGIN IMMEDIATE; ROLLBACK;";
        try
        {
            await cmd.ExecuteNonQueryAsync();
            return true;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            return false;
        }
    }

    private static ResourceWrite Basic(string id) => new()
    {
        ResourceType = "Basic", ResourceId = id, Method = "POST", MustNotExist = true, Index = new ExtractedIndex(),
        Render = (_, _) => System.Text.Encoding.UTF8.GetBytes($$"""{"resourceType":"Basic","id":"{{id}}"}"""),
    };
}
