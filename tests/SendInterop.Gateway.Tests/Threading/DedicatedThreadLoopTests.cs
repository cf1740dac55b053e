using SendInterop.Gateway.Tests.Audit;
using SendInterop.Storage.Threading;

namespace SendInterop.Gateway.Tests.Threading;

/// <summary>
/// A loop started on its own thread stays there: every await comes back to that thread, never to the thread pool,
/// whatever completed the awaited task. Its outcome (result or failure) is the started task's; work posted to it
/// after it ended is still run.
/// </summary>
public sealed class DedicatedThreadLoopTests
{
    [Fact]
    public async Task Every_continuation_of_the_loop_runs_on_its_own_thread()
    {
        var seen = new List<(int Thread, bool Pool, string? Name)>();
        void Note() => seen.Add((Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name));
        var fromPool = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await DedicatedThreadLoop.Start("test-loop", async () =>
        {
            Note();
            await Task.Delay(5); // completed by a timer thread
            Note();
            await Task.Yield();
            Note();
            _ = Task.Run(async () => { await Task.Delay(5); fromPool.SetResult(); });
            await fromPool.Task; // completed on a pool thread
            Note();
            await NestedAsync(Note);
            Note();
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(6, seen.Count);
        Assert.All(seen, s => Assert.False(s.Pool));
        Assert.All(seen, s => Assert.Equal("test-loop", s.Name));
        Assert.Single(seen.Select(s => s.Thread).Distinct());
    }

    private static async Task NestedAsync(Action note)
    {
        await Task.Delay(1);
        note();
    }

    [Fact]
    public async Task A_failure_of_the_loop_fails_the_started_task()
    {
        var afterAwait = DedicatedThreadLoop.Start("test-loop", async () =>
        {
            await Task.Delay(1);
            throw new InvalidOperationException("after an await");
        });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => afterAwait.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("after an await", ex.Message);

        var beforeAwait = DedicatedThreadLoop.Start("test-loop", () => throw new ArgumentException("at once"));
        Assert.Equal("at once", (await Assert.ThrowsAsync<ArgumentException>(() => beforeAwait.WaitAsync(TimeSpan.FromSeconds(10)))).Message);
    }

    private static readonly AsyncLocal<string?> RequestLocal = new();

    [Fact]
    public async Task The_loop_does_not_keep_its_starters_async_locals()
    {
        // As a request that writes the first audit entry starts the writer: nothing of that request may live on in the loop.
        RequestLocal.Value = "the starting request";
        string? inLoop = "unset", afterAwait = "unset";
        await DedicatedThreadLoop.Start("test-loop", async () =>
        {
            inLoop = RequestLocal.Value;
            await Task.Delay(1);
            afterAwait = RequestLocal.Value;
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(inLoop);
        Assert.Null(afterAwait);
        Assert.Equal("the starting request", RequestLocal.Value);
    }

    [Fact]
    public async Task Work_posted_after_the_loop_ended_still_runs()
    {
        SynchronizationContext? context = null;
        await DedicatedThreadLoop.Start("test-loop", async () =>
        {
            context = SynchronizationContext.Current;
            await Task.Yield();
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.IsType<DedicatedThreadLoop>(context);
        var ran = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        context!.Post(_ => ran.SetResult(Thread.CurrentThread.IsThreadPoolThread), null);
        Assert.True(await ran.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Send_from_another_thread_runs_on_the_loop_and_waits_for_it()
    {
        SynchronizationContext? context = null;
        var loopThread = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = DedicatedThreadLoop.Start("test-loop", async () =>
        {
            context = SynchronizationContext.Current;
            loopThread = Environment.CurrentManagedThreadId;
            started.SetResult();
            await release.Task;
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var ranOn = await Task.Run(() =>
        {
            var thread = 0;
            context!.Send(_ => thread = Environment.CurrentManagedThreadId, null);
            return thread; // set before Send returned
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(loopThread, ranOn);

        release.SetResult();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_audit_writer_loop_has_a_thread_of_its_own()
    {
        // Linux names a thread after the managed name (truncated to 15 bytes): once the writer has committed, its loop
        // must be one of them, not a thread-pool worker.
        await using var stack = await AuditStack.CreateAsync(postgres: false);
        await stack.Writer.WriteAsync(AuditRecords.Record()).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("audit-writer", ThreadNames());
    }

    /// <summary>The names of this process's threads; a thread that ends while they are read is left out.</summary>
    private static List<string> ThreadNames()
    {
        var names = new List<string>();
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            try { names.Add(File.ReadAllText(Path.Combine(task, "comm")).Trim()); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { /* ended meanwhile */ }
        }
        return names;
    }
}
