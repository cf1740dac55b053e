using Microsoft.Extensions.Options;
using SendInterop.Storage.Export;

namespace SendInterop.Gateway.Export;

/// <summary>
/// Runs queued exports one at a time on this replica (<see cref="ExportRun"/>), started at once by a kick-off here
/// (<see cref="ExportWakeUp"/>) or at the next poll for one made on another replica, and deletes expired jobs and their
/// files. A job is claimed with a lease kept on a timer (<see cref="ExportLease"/>); if this replica stops, the job goes
/// back to the queue (or its lease lapses) and it runs again from the start elsewhere, its partial files deleted first.
/// A run that throws goes back to the queue too; after <see cref="ExportOptions.MaxAttempts"/> starts it is failed.
/// </summary>
public sealed partial class ExportWorker(
    BulkExportStore jobs,
    ExportRun run,
    ExportWakeUp wakeUp,
    IOptions<ExportOptions> options,
    TimeProvider clock,
    ILogger<ExportWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromMinutes(1);

    /// <summary>This replica's name on the leases it takes.</summary>
    private readonly string _replica = Hosting.ReplicaName.New();

    private TimeSpan Lease => TimeSpan.FromSeconds(Math.Max(5, options.Value.LeaseSeconds));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunJobs) return; // an API-only replica: the replicas that run jobs also purge them
        var nextPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() >= nextPurge)
                {
                    await jobs.PurgeExpiredAsync(clock.GetUtcNow(), stoppingToken);
                    nextPurge = clock.GetUtcNow() + PurgeEvery;
                }
                if (await jobs.ClaimNextAsync(_replica, clock.GetUtcNow(), Lease, stoppingToken) is { } job && await RunAsync(job, stoppingToken))
                    continue; // another may be waiting
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(ex.GetType().Name);
            }
            try
            {
                await wakeUp.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(50, options.Value.PollMilliseconds)), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <returns>False when the run threw: the worker waits a poll before it claims again.</returns>
    private async Task<bool> RunAsync(ExportJobRow job, CancellationToken stoppingToken)
    {
        if (job.Attempts > Math.Max(1, options.Value.MaxAttempts))
        {
            // Started this many times without finishing: its runners stopped (or ran out of memory) on it each time.
            await run.FailAsync(job, _replica, $"started {job.Attempts} times without finishing", CancellationToken.None);
            return true;
        }
        try
        {
            var outcome = await run.RunAsync(job, _replica, Lease, stoppingToken);
            LogRan(job.JobId, outcome);
            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await jobs.ReleaseAsync(job.JobId, _replica, CancellationToken.None, refund: true);
            return true;
        }
        catch (Exception ex)
        {
            // Perhaps passing (the database briefly away): back to the queue, until its attempts are spent.
            if (job.Attempts >= Math.Max(1, options.Value.MaxAttempts)) await run.FailAsync(job, _replica, ex.GetType().Name, CancellationToken.None);
            else await jobs.ReleaseAsync(job.JobId, _replica, CancellationToken.None);
            LogRunThrew(job.JobId, ex.GetType().Name);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {JobId}: {Outcome}")]
    private partial void LogRan(string jobId, ExportRun.Outcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {JobId}: the run failed ({Error})")]
    private partial void LogRunThrew(string jobId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export queue poll failed ({Error}); retrying at the next poll")]
    private partial void LogPollFailed(string error);
}
