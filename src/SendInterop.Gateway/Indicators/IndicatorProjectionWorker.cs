using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// The one consumer of change events: keeps the indicator projection current. Everything that writes the projection
/// runs on this single loop, in order, which is what makes it correct: a child re-projected because of an event is
/// always projected after any rebuild batch that read the child's older state, so the newest state wins.
/// <list type="bullet">
/// <item>A <see cref="ChildRecordChanged"/> re-projects that child, gathered with others arriving within
/// <see cref="IndicatorOptions.ChangeBatchWindow"/> (a transaction Bundle of 30 resources is one child, once).</item>
/// <item>A full rebuild runs once the host has started when the projection has never been built, was built by another
/// projector version, or was built on an earlier day (rows age: reviews fall due without any write); then daily; after an
/// <see cref="OrganisationDirectoryChanged"/> that can change projected rows (<see cref="OrganisationDirectoryCache.MayAffectProjectionsAsync"/>:
/// an Organization some projection looked up, or one that now answers a lookup that found nothing); and on demand
/// (<see cref="RebuildAsync"/>). Events arriving during a rebuild are applied between its batches.</item>
/// </list>
/// A failure is logged (no personal data: counts and error types) and retried on the next tick; a lost event is
/// repaired by the next daily rebuild.
/// </summary>
public sealed partial class IndicatorProjectionWorker(
    ChildProjector projector,
    ChildRecordSource source,
    IndicatorProjectionStore projection,
    OrganisationDirectoryCache directory,
    IOptions<IndicatorOptions> options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<IndicatorProjectionWorker> logger) : BackgroundService
{
    private readonly Channel<object> _work = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedOrganisations = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _rebuildWaiters = [];
    private bool _rebuildRequested;
    private DateOnly? _builtFor;

    /// <summary>When the last full rebuild completed (null: not in this process yet).</summary>
    public DateTimeOffset? LastRebuild { get; private set; }

    /// <summary>When change events were last applied.</summary>
    public DateTimeOffset? LastApplied { get; private set; }

    public void Enqueue(ChildRecordChanged change) => _work.Writer.TryWrite(change);

    public void Enqueue(OrganisationDirectoryChanged change) => _work.Writer.TryWrite(change);

    /// <summary>Asks for a full rebuild and completes when it has run (on demand, and in tests).</summary>
    public Task RebuildAsync(CancellationToken ct = default)
    {
        var request = new RebuildRequest(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _work.Writer.TryWrite(request);
        return request.Done.Task.WaitAsync(ct);
    }

    private sealed record RebuildRequest(TaskCompletionSource Done);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApi.OpenApiDocumentGeneration.IsRunning || !options.Value.ProjectionEnabled) return;
        if (!await StartedAsync(stoppingToken)) return;

        await RunSafelyAsync(CheckStateAsync, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForWorkAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await RunSafelyAsync(StepAsync, stoppingToken);
        }

        foreach (var waiter in _rebuildWaiters) waiter.TrySetCanceled(stoppingToken);
    }

    /// <summary>Waits for the first event or the schedule tick, then gathers what else arrives within the batch window.</summary>
    private async Task WaitForWorkAsync(CancellationToken ct)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(ct);
        tick.CancelAfter(options.Value.ScheduleCheckInterval);
        try
        {
            if (await _work.Reader.WaitToReadAsync(tick.Token)) await Task.Delay(options.Value.ChangeBatchWindow, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The schedule tick: fall through to the daily check.
        }

        Drain();
    }

    private void Drain()
    {
        while (_work.Reader.TryRead(out var item))
        {
            switch (item)
            {
                case ChildRecordChanged c:
                    _pending.Add(c.ChildId);
                    break;
                case OrganisationDirectoryChanged o:
                    directory.Invalidate(); // projections from here on see the new versions
                    _changedOrganisations.UnionWith(o.OrganisationIds);
                    break;
                case RebuildRequest r:
                    _rebuildWaiters.Add(r.Done);
                    _rebuildRequested = true;
                    break;
            }
        }
    }

    private async Task StepAsync(CancellationToken ct)
    {
        if (_changedOrganisations.Count > 0)
        {
            // Cleared only once decided: a failed look-up leaves them for the next step.
            var changed = _changedOrganisations.ToList();
            if (await directory.MayAffectProjectionsAsync(changed, ct)) _rebuildRequested = true;
            _changedOrganisations.ExceptWith(changed);
        }
        if (_rebuildRequested || _builtFor != projector.Today)
        {
            await RebuildNowAsync(ct);
            return;
        }

        await ApplyPendingAsync(ct);
    }

    /// <summary>At start-up: rebuild unless the stored projection was built by this version for today.</summary>
    private async Task CheckStateAsync(CancellationToken ct)
    {
        var state = await projection.GetStateAsync(ct);
        if (state is not null && state.Version == ChildProjector.Version && state.AsOfDay == projector.Today.DayNumber && state.RebuiltAt > 0)
        {
            _builtFor = projector.Today;
            return;
        }

        LogRebuildReason(state is null ? "never built" : state.Version != ChildProjector.Version ? "projector version changed" : "built on an earlier day");
        await RebuildNowAsync(ct);
    }

    private async Task ApplyPendingAsync(CancellationToken ct)
    {
        if (_pending.Count == 0) return;
        var children = _pending.ToList();
        await projector.ProjectAsync(children, ct);
        // Only once projected: a failure leaves them pending for the next tick.
        _pending.ExceptWith(children);
        LastApplied = clock.GetUtcNow();
        LogApplied(children.Count);
    }

    /// <summary>
    /// Whether a full rebuild is rewriting the projection now: every LA's rows change batch after batch, so the stored
    /// tallies' background refresh waits for the end rather than recount the country after each batch (<see cref="IndicatorTallyRefresher"/>).
    /// </summary>
    public bool Rebuilding => Volatile.Read(ref _rebuilding);

    private bool _rebuilding;

    private async Task RebuildNowAsync(CancellationToken ct)
    {
        Volatile.Write(ref _rebuilding, true);
        try
        {
            await RebuildAllAsync(ct);
        }
        finally
        {
            Volatile.Write(ref _rebuilding, false);
        }
    }

    private async Task RebuildAllAsync(CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var asOf = projector.Today;
        var waiters = _rebuildWaiters.ToList();
        _rebuildWaiters.Clear();
        _rebuildRequested = false;
        directory.Invalidate();
        directory.BeginFullProjection();
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            string? after = null;
            while (true)
            {
                var batch = await source.PatientIdsAsync(after, Math.Max(1, options.Value.RebuildBatchSize), ct);
                if (batch.Count == 0) break;
                await projector.ProjectAsync(batch, ct);
                seen.UnionWith(batch);
                after = batch[^1];
                // Keep near-real-time updates flowing during a long rebuild. The children they project are current
                // too: one created after the scan passed its id must not be removed as unseen below.
                Drain();
                seen.UnionWith(_pending);
                await ApplyPendingAsync(ct);
            }
            directory.EndFullProjection();

            var removed = await projection.RemoveOthersAsync(seen, ct);
            await projection.SetStateAsync(ChildProjector.Version, asOf, clock.GetUtcNow(), seen.Count, ct);
            _builtFor = asOf;
            LastRebuild = clock.GetUtcNow();
            LogRebuilt(seen.Count, removed, (long)(LastRebuild.Value - started).TotalMilliseconds);
            foreach (var w in waiters) w.TrySetResult();
        }
        catch (Exception ex)
        {
            foreach (var w in waiters) w.TrySetException(ex);
            // Asked for again, so the next step retries it: an Organization write's rebuild must not wait for tomorrow's.
            _rebuildRequested = true;
            throw;
        }
    }

    private async Task RunSafelyAsync(Func<CancellationToken, Task> step, CancellationToken ct)
    {
        try
        {
            await step(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(ex.GetType().Name, _pending.Count);
            // Back off a little so a database outage does not spin the loop.
            try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { }
        }
    }

    private async Task<bool> StartedAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (ct.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; } catch (TaskCanceledException) { return false; }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Indicator projection: full rebuild ({Reason})")]
    private partial void LogRebuildReason(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Indicator projection rebuilt: {Children} children, {Removed} removed, {ElapsedMs} ms")]
    private partial void LogRebuilt(int children, int removed, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Indicator projection: {Children} children re-projected from change events")]
    private partial void LogApplied(int children);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicator projection step failed ({Error}); {Pending} children pending, retried on the next tick")]
    private partial void LogFailed(string error, int pending);
}
