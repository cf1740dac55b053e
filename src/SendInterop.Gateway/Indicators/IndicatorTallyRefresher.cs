using Microsoft.Extensions.Options;
using SendInterop.Storage.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// Keeps the stored per-LA tallies current in the background: when the projection's write counter has moved, it
/// recounts the LAs written since, for the count queries reports have asked for (<see cref="SqlIndicatorEvaluator.RefreshStaleAsync"/>).
/// A report never depends on it (it recounts what is stale itself); it only moves that cost off the next report,
/// so a dashboard opened after the daily rebuild or a burst of NHS updates reads stored counts.
/// </summary>
/// <remarks>
/// Its own loop, not the projection worker's: a national recount after a rebuild took 13.7 s at full scale
/// (docs/performance.md), and change events must not wait behind it. It pauses while this replica's worker runs a full rebuild. Several replicas may refresh the
/// same LA; the tally kept is the newest either way.
/// </remarks>
public sealed partial class IndicatorTallyRefresher(
    SqlIndicatorEvaluator evaluator,
    IndicatorProjectionWorker worker,
    FhirDbContextFactory contexts,
    IOptions<IndicatorOptions> options,
    ILogger<IndicatorTallyRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApi.OpenApiDocumentGeneration.IsRunning || options.Value.TallyRefreshInterval <= TimeSpan.Zero) return;
        var refreshedAt = -1L;
        using var timer = new PeriodicTimer(options.Value.TallyRefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    // During a full rebuild every LA changes batch after batch: refresh once it is over.
                    if (worker.Rebuilding) continue;
                    var version = await ProjectionVersion.ReadAsync(contexts, stoppingToken);
                    if (version == refreshedAt) continue;
                    var leaves = await evaluator.RefreshStaleAsync(stoppingToken);
                    refreshedAt = version;
                    if (leaves > 0) LogRefreshed(leaves);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Tried again at the next tick; reports recount what is stale meanwhile.
                    LogFailed(ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Indicator tallies: {Leaves} LA tallies recounted")]
    private partial void LogRefreshed(int leaves);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicator tallies: refresh failed ({Error}); retried at the next tick")]
    private partial void LogFailed(string error);
}
