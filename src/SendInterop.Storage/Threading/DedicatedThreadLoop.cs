namespace SendInterop.Storage.Threading;

/// <summary>
/// Runs an asynchronous loop on a thread of its own: the loop starts there and every continuation of its awaits
/// comes back there (it is the thread's <see cref="SynchronizationContext"/>), so the loop never occupies a
/// thread-pool thread. Why: a background writer on SQLite blocks whichever thread runs it, in every statement,
/// commit and disk flush (Microsoft.Data.Sqlite's "async" methods run synchronously). On a thread-pool thread that is
/// a worker taken from the requests for milliseconds at a time, hundreds of times a second. Moving the audit writer
/// off the pool took the gated read's CPU per request relative to the ungated build from 1.34-1.35 to 1.04-1.28, with
/// the writer's own work unchanged (docs/performance.md, "Consent gate cost", session 16).
/// <para>
/// Work posted after the loop has finished (a stray continuation) runs on the thread pool instead of being lost.
/// A synchronous <see cref="Send"/> from the loop's own thread runs at once; from any other thread it is posted and
/// waited for.
/// </para>
/// The thread waits for work with <see cref="Monitor.Wait(object)"/>, which blocks at once. A
/// <c>BlockingCollection</c> (its <c>SemaphoreSlim</c>) spins with <c>sched_yield</c> before it blocks, every time the
/// queue runs dry: the audit writer, idle between batches 200 times a second, spent 2-4 µs a gated read yielding
/// (perf, docs/performance.md, "Consent gate cost", session 20), CPU taken from the requests on two cores.
/// </summary>
internal sealed class DedicatedThreadLoop : SynchronizationContext
{
    private readonly object _lock = new();
    private Queue<(SendOrPostCallback Callback, object? State)> _work = new();
    private Queue<(SendOrPostCallback Callback, object? State)> _running = new();
    private bool _completed;

    private DedicatedThreadLoop() { }

    /// <summary>
    /// Starts <paramref name="loop"/> on a new background thread named <paramref name="name"/>; the task completes as
    /// the loop's own task does (with its exception, if it fails), after which the thread ends.
    /// </summary>
    public static Task Start(string name, Func<Task> loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        var context = new DedicatedThreadLoop();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => context.Run(loop, done)) { IsBackground = true, Name = name };
        // Without the starter's execution context: a loop started inside a request (the audit writer starts on its
        // first entry) would otherwise keep that request's async-locals, its Activity among them, for its whole life.
        using (ExecutionContext.SuppressFlow()) thread.Start();
        return done.Task;
    }

    private void Run(Func<Task> loop, TaskCompletionSource done)
    {
        SetSynchronizationContext(this);
        Task task;
        try { task = loop(); }
        catch (Exception ex) { task = Task.FromException(ex); }
        // Ends the pump once the loop's task is over, whichever thread finishes it.
        task.ContinueWith(_ => Complete(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        while (TakeAll() is { } batch)
            while (batch.TryDequeue(out var item)) item.Callback(item.State);
        SetSynchronizationContext(null);
        if (task.IsFaulted) done.SetException(task.Exception!.InnerExceptions);
        else if (task.IsCanceled) done.SetCanceled();
        else done.SetResult();
    }

    /// <summary>
    /// Everything posted so far, in order, swapped out under the lock (so posters are held only for an enqueue); null
    /// once the loop is over and nothing is left. Blocks, without spinning, while there is nothing to run.
    /// </summary>
    private Queue<(SendOrPostCallback Callback, object? State)>? TakeAll()
    {
        lock (_lock)
        {
            while (_work.Count == 0)
            {
                if (_completed) return null;
                Monitor.Wait(_lock);
            }
            (_work, _running) = (_running, _work);
            return _running;
        }
    }

    private void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.Pulse(_lock); // no system call when the thread is not waiting
        }
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_lock)
        {
            if (!_completed)
            {
                _work.Enqueue((d, state));
                Monitor.Pulse(_lock);
                return;
            }
        }
        // Posted after the loop ended (a stray continuation): the pool runs it rather than nobody.
        ThreadPool.UnsafeQueueUserWorkItem(s => d(s), state, preferLocal: false);
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (Current == this)
        {
            d(state);
            return;
        }
        using var ran = new ManualResetEventSlim();
        Exception? failure = null;
        Post(_ =>
        {
            try { d(state); }
            catch (Exception ex) { failure = ex; }
            finally { ran.Set(); }
        }, null);
        ran.Wait();
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    public override SynchronizationContext CreateCopy() => this;
}
