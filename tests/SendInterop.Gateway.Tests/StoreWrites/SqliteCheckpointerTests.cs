using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Search;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// The store's write-ahead log is copied back into the database file by its own checkpointer thread
/// (<see cref="SqliteCheckpointer"/>), not by the commit that happens to take the log past SQLite's default 1,000 pages;
/// every connection's automatic checkpoint, at a higher backstop, is what lets the log restart under steady writes.
/// </summary>
public sealed class SqliteCheckpointerTests : SqliteStorageTest
{
    [Fact]
    public async Task The_stores_connections_checkpoint_by_themselves_only_as_a_backstop()
    {
        await using var db = Services.GetRequiredService<FhirDbContextFactory>().Create();
        await db.Database.OpenConnectionAsync();
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = "PRAGMA wal_autocheckpoint;";
        Assert.Equal((long)SqliteCheckpointer.BackstopPages, Convert.ToInt64(await cmd.ExecuteScalarAsync()));
    }

    [Fact]
    public async Task Committed_writes_reach_the_database_file_though_no_commit_checkpoints()
    {
        var store = Services.GetRequiredService<IResourceStore>();
        var before = new FileInfo(DatabasePath).Length;

        // About 2.5 MB of log: under the backstop and under SQLite's default of 1,000 pages, so no commit checkpoints.
        for (var batch = 0; batch < 5; batch++)
            await store.WriteAsync(Enumerable.Range(0, 100).Select(i => Basic($"b{batch}-{i}")).ToList());

        // Only the checkpointer copies pages into the database file, so only it can make the file grow.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (new FileInfo(DatabasePath).Length < before + 1_000_000 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.True(new FileInfo(DatabasePath).Length >= before + 1_000_000,
            $"The database file stayed at {new FileInfo(DatabasePath).Length} bytes (from {before}): the log was not checkpointed.");
        Assert.NotNull(await store.ReadAsync("Basic", "b4-99"));
    }

    [Fact]
    public async Task Under_a_steady_stream_of_writes_the_log_starts_again_instead_of_only_growing()
    {
        var store = Services.GetRequiredService<IResourceStore>();
        // The backstop is 4,000 pages (16.4 MB); a commit skips its checkpoint while the checkpointer holds the lock, so the
        // log can run a few commits past it (17-20 MB usual, 37 MB seen once). A fixed number on purpose: with a backstop
        // of 20,000 pages the log reached 75 MB here (the checkpointer copies, but cannot restart it).
        const long bound = 48_000_000;

        // About four times the backstop, in commits that follow each other as an import's do. The checkpointer alone cannot
        // restart the log (each transaction begins with the last one's pages not yet copied); the backstop's commit can.
        long largest = 0;
        for (var batch = 0; batch < 26; batch++)
        {
            await store.WriteAsync(Enumerable.Range(0, 500).Select(i => Basic($"s{batch}-{i}")).ToList());
            largest = Math.Max(largest, LogLength());
        }
        Assert.True(largest < bound,
            $"The log reached {largest} bytes while {26 * 500 * 5} kB were written: it was never started again.");
    }

    private long LogLength() => File.Exists(DatabasePath + "-wal") ? new FileInfo(DatabasePath + "-wal").Length : 0;

    private static readonly string Padding = new('x', 5000);

    /// <summary>A Basic with about 5 kB of text: a few log pages per resource.</summary>
    private static ResourceWrite Basic(string id) => new()
    {
        ResourceType = "Basic", ResourceId = id, Method = "POST", MustNotExist = true, Index = new ExtractedIndex(),
        Render = (_, _) => Encoding.UTF8.GetBytes($$$"""{"resourceType":"Basic","id":"{{{id}}}","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">{{{Padding}}}</div>"}}"""),
    };
}
