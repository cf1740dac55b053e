using System.Collections.Concurrent;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// A small fixed set of dedicated threads that run profile validation, each owning one <see cref="ValidatorInstance"/>.
/// </summary>
/// <remarks>
/// Why dedicated threads rather than <c>Task.Run</c>:
/// <list type="bullet">
/// <item>The Firely validator is synchronous and, for every required binding, calls the terminology service with
/// <c>Task.Run(...).GetAwaiter().GetResult()</c>. Run on thread-pool threads under load, every validation blocks a pool
/// thread while waiting for another pool thread; with enough concurrent writes the pool is starved and the whole gateway
/// (Kestrel included) stalls until the pool slowly injects threads. Our threads are outside the pool, so the inner
/// <c>Task.Run</c> always finds a free pool thread and request threads are never blocked.</item>
/// <item>The validator and its resolvers are not thread-safe (firely-validator-api issue 381); one instance per thread
/// needs no locks and keeps each thread's schema cache warm.</item>
/// <item>Validation is CPU-bound, so running more at once than there are cores only adds memory and latency; the thread
/// count is the concurrency limit and further requests wait in the queue.</item>
/// </list>
/// </remarks>
internal sealed class ValidationWorkerPool : IDisposable
{
    private readonly BlockingCollection<WorkItem> _shared = new();
    private readonly Worker[] _workers;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <param name="size">Number of threads.</param>
    /// <param name="createInstance">Builds a thread's validator, on that thread, when it first has work.</param>
    public ValidationWorkerPool(int size, Func<ValidatorInstance> createInstance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _workers = new Worker[size];
        for (var i = 0; i < size; i++)
        {
            _workers[i] = new Worker(this, i, createInstance);
        }
    }

    /// <summary>Number of threads, and so of validations that can run at once.</summary>
    public int Size => _workers.Length;

    /// <summary>Number of work items waiting for a thread.</summary>
    public int QueueLength => _shared.Count;

    /// <summary>Runs <paramref name="work"/> on the first free validation thread.</summary>
    public Task<T> RunAsync<T>(Func<ValidatorInstance, T> work, CancellationToken cancellationToken)
    {
        var item = new WorkItem<T>(work, cancellationToken);
        _shared.Add(item, cancellationToken);
        return item.Task;
    }

    /// <summary>Runs <paramref name="work"/> once on every thread (warm-up: builds and exercises each validator).</summary>
    public Task RunOnEveryThreadAsync(Action<ValidatorInstance> work, CancellationToken cancellationToken)
    {
        var tasks = new Task[_workers.Length];
        for (var i = 0; i < _workers.Length; i++)
        {
            var item = new WorkItem<bool>(v => { work(v); return true; }, cancellationToken);
            _workers[i].Own.Add(item, cancellationToken);
            tasks[i] = item.Task;
        }

        return Task.WhenAll(tasks);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // DI may dispose the same singleton through two registrations
        }

        _stopping.Cancel();
        _shared.CompleteAdding();
        foreach (var worker in _workers)
        {
            worker.Own.CompleteAdding();
        }

        foreach (var worker in _workers)
        {
            worker.Join();
        }

        // Whatever is still queued will never run: fail it rather than leave its caller waiting for ever.
        foreach (var queue in _workers.Select(w => w.Own).Append(_shared))
        {
            while (queue.TryTake(out var item))
            {
                item.Abandon();
            }
        }

        _shared.Dispose();
        foreach (var worker in _workers)
        {
            worker.Own.Dispose();
        }

        _stopping.Dispose();
    }

    private sealed class Worker
    {
        // The Firely validator recurses per element level and per referenced schema; 4 MB leaves room for deep bundles.
        private const int StackSize = 4 * 1024 * 1024;

        private readonly ValidationWorkerPool _pool;
        private readonly Func<ValidatorInstance> _createInstance;
        private readonly Thread _thread;
        private ValidatorInstance? _instance;

        public Worker(ValidationWorkerPool pool, int index, Func<ValidatorInstance> createInstance)
        {
            _pool = pool;
            _createInstance = createInstance;
            _thread = new Thread(Run, StackSize) { IsBackground = true, Name = $"fhir-validation-{index}" };
            _thread.Start();
        }

        /// <summary>Items only this thread may run (warm-up), taken before shared ones.</summary>
        public BlockingCollection<WorkItem> Own { get; } = new();

        public void Join() => _thread.Join(TimeSpan.FromSeconds(30));

        private void Run()
        {
            BlockingCollection<WorkItem>[] queues = [Own, _pool._shared];
            while (true)
            {
                WorkItem? item;
                try
                {
                    BlockingCollection<WorkItem>.TakeFromAny(queues, out item, _pool._stopping.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ArgumentException or ObjectDisposedException)
                {
                    // Stopping: CompleteAdding makes TakeFromAny throw ArgumentException once all queues are drained.
                    return;
                }

                item?.Execute(() => _instance ??= _createInstance());
            }
        }
    }

    private abstract class WorkItem
    {
        public abstract void Execute(Func<ValidatorInstance> instance);

        public abstract void Abandon();
    }

    private sealed class WorkItem<T>(Func<ValidatorInstance, T> work, CancellationToken cancellationToken) : WorkItem
    {
        // Continuations must not run on the validation thread: that would hand it request-pipeline work.
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _completion.Task;

        public override void Execute(Func<ValidatorInstance> instance)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(cancellationToken);
                return;
            }

            try
            {
                _completion.TrySetResult(work(instance()));
            }
            catch (Exception ex)
            {
                _completion.TrySetException(ex);
            }
        }

        public override void Abandon() =>
            _completion.TrySetException(new ObjectDisposedException(nameof(ValidationWorkerPool), "The validator shut down before this validation ran."));
    }
}
