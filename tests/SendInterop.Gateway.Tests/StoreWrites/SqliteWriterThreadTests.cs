using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Search;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// On SQLite every write is applied by the group commit's loop, which has a thread of its own: a write's statements
/// block the thread that runs them, and on the thread pool that would be a request's worker. Disposing the store lets
/// what is queued commit, then ends the loop; a write after that is refused, never left waiting.
/// </summary>
public sealed class SqliteWriterThreadTests : SqliteStorageTest
{
    private IResourceStore Store => Services.GetRequiredService<IResourceStore>();

    [Fact]
    public async Task Writes_are_applied_on_the_store_writers_own_thread_not_the_pool()
    {
        // The stored JSON is rendered inside the writer, in the group's transaction: where it runs is where the group commits.
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string? Name, bool Pool)>();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Store.WriteAsync([Write($"t-{i}", () => seen.Add((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread)))])))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(20, seen.Count);
        Assert.All(seen, s => Assert.False(s.Pool));
        Assert.All(seen, s => Assert.Equal("store-writer", s.Name));
    }

    [Fact]
    public async Task Disposing_the_store_commits_what_is_queued_and_then_refuses_writes()
    {
        var store = (ResourceStore)Store;
        var queued = Enumerable.Range(0, 50).Select(i => store.WriteAsync([Write($"q-{i}")])).ToList();
        // Completes only once the loop has ended: a loop left running would hold this (and its thread) forever.
        await store.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        var results = await Task.WhenAll(queued);
        Assert.All(results, r => Assert.Equal(1, Assert.Single(r).VersionId));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.WriteAsync([Write("after")]).WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static ResourceWrite Write(string id, Action? rendered = null) => new()
    {
        ResourceType = "Basic", ResourceId = id, Method = "POST", MustNotExist = true, Index = new ExtractedIndex(),
        Render = (_, _) =>
        {
            rendered?.Invoke();
            return System.Text.Encoding.UTF8.GetBytes($$"""{"resourceType":"Basic","id":"{{id}}"}""");
        },
    };
}
