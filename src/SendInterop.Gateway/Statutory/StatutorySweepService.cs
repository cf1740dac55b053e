using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// Runs the sweep once the host has started (catching up on days the gateway was down; skipped when today's sweep already
/// completed, <see cref="StatutorySweep.RunUnlessDoneTodayAsync"/>), then daily at
/// <see cref="StatutoryOptions.SweepTimeOfDay"/> (or every <see cref="StatutoryOptions.SweepInterval"/>), and in between
/// retries children queued after failed commits every <see cref="StatutoryOptions.RepairInterval"/>. Waits on the
/// statutory calendar's <see cref="TimeProvider"/>. A failed sweep is logged and tried again at the next tick.
/// </summary>
public sealed partial class StatutorySweepService(
    StatutorySweep sweep,
    StatutoryCalendar calendar,
    IOptions<StatutoryOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<StatutorySweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled || OpenApi.OpenApiDocumentGeneration.IsRunning) return;
        if (!await StartedAsync(stoppingToken)) return;
        try
        {
            if (o.SweepAtStartup) await RunSafelyAsync(async ct => await sweep.RunUnlessDoneTodayAsync(ct), stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var clock = calendar.Clock;
                var sweepAt = clock.GetUtcNow() + (o.SweepInterval is { } every && every > TimeSpan.Zero ? every : calendar.UntilNext(o.SweepTimeOfDay));
                while (clock.GetUtcNow() < sweepAt)
                {
                    var wait = Min(o.RepairInterval > TimeSpan.Zero ? o.RepairInterval : TimeSpan.FromMinutes(1), sweepAt - clock.GetUtcNow());
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, stoppingToken);
                    if (clock.GetUtcNow() < sweepAt) await RunSafelyAsync(async ct => await sweep.RepairAsync(ct), stoppingToken);
                }
                await RunSafelyAsync(async ct => await sweep.RunAsync(ct), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Start-up is never held up: the sweep begins after the host reports it has started.</summary>
    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; } catch (TaskCanceledException) { return false; }
        }
        return true;
    }

    private async Task RunSafelyAsync(Func<CancellationToken, Task<StatutorySweepResult?>> run, CancellationToken ct)
    {
        try
        {
            await run(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex.GetType().Name);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statutory sweep failed ({Error}); it runs again at the next tick")]
    private partial void LogFailed(string error);
}
