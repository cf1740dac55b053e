using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// The commit handlers' work (master child index, indicator events, statutory Tasks) of an import's committed batches.
/// Each handler takes the batches one at a time in file order (later records' Patients link after earlier ones'), while
/// different handlers run side by side: the index links batch N+1 while the statutory Tasks of batch N are computed, so
/// the import takes as long as its slowest handler rather than the sum of them all. At most <see cref="MaxBatchesBehind"/>
/// batches wait: the import waits for the oldest beyond that, so a large file is not held in memory behind the handlers.
/// </summary>
/// <remarks>Crash-safe as <see cref="DeferredCommitWork"/>: the writes are durable before any handler sees them, and each
/// handler repairs commits it never saw. Handlers are not meant to throw (one that does is logged and its chain goes on);
/// they run on no request token, so committed records are never left half-way through linking when the client goes away.</remarks>
public sealed partial class Sen2CommitHandlerPipeline(IEnumerable<IResourceCommitHandler> handlers, ILogger logger)
{
    public const int MaxBatchesBehind = 2;

    private readonly IResourceCommitHandler[] _handlers = handlers.ToArray();
    private readonly Task[] _tails = handlers.Select(_ => Task.CompletedTask).ToArray();
    private readonly Queue<Task> _batches = new();

    /// <summary>Hands one batch's committed writes to every handler; waits while too many batches are behind.</summary>
    public async Task EnqueueAsync(IReadOnlyList<ResourceWrite> writes)
    {
        if (writes.Count == 0) return;
        for (var i = 0; i < _handlers.Length; i++) _tails[i] = RunAfterAsync(_tails[i], _handlers[i], writes);
        _batches.Enqueue(Task.WhenAll(_tails));
        while (_batches.Count > MaxBatchesBehind) await _batches.Dequeue();
    }

    /// <summary>Waits until every handler has seen every batch handed over.</summary>
    public Task DrainAsync() => Task.WhenAll(_tails);

    /// <summary>One handler's run over one batch, after its run over the batch before. A failure is logged and stops only
    /// that run: the handler still sees the batches after it, and repairs what it missed as it repairs any commit it never
    /// saw (handlers are not meant to throw; this keeps one that does from silently skipping the rest of the file).</summary>
    private async Task RunAfterAsync(Task previous, IResourceCommitHandler handler, IReadOnlyList<ResourceWrite> writes)
    {
        await previous;
        try
        {
            await handler.CommittedAsync(writes, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Type only: a message could quote data.
            LogHandlerFailed(handler.GetType().Name, writes.Count, ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SEN2 import: the {Handler} commit handler failed on a batch of {Writes} writes ({Error}); its own repair covers them")]
    private partial void LogHandlerFailed(string handler, int writes, string error);
}
