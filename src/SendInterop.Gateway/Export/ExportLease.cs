using SendInterop.Storage.Export;

namespace SendInterop.Gateway.Export;

/// <summary>
/// Keeps a runner's lease on a job while it runs: renewed every third of the lease on a timer, whatever the walk is
/// doing (a stretch that finds nothing to export still holds the job). When a renewal fails (the job was cancelled,
/// or another replica took it after a stall), <see cref="Token"/> is cancelled and the run stops.
/// </summary>
internal sealed class ExportLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly Task _renewals;

    public ExportLease(BulkExportStore jobs, string jobId, string owner, TimeSpan lease, TimeProvider clock, CancellationToken stopping)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _renewals = RenewAsync(jobs, jobId, owner, lease, clock, _cts.Token);
    }

    /// <summary>Cancelled when the lease is lost or the gateway stops.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The lease was lost (not the gateway stopping).</summary>
    public bool Lost { get; private set; }

    private async Task RenewAsync(BulkExportStore jobs, string jobId, string owner, TimeSpan lease, TimeProvider clock, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                bool renewed;
                try
                {
                    renewed = await jobs.RenewAsync(jobId, owner, clock.GetUtcNow(), lease, ct);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    continue; // a failed renewal (the database briefly away) is tried again at the next tick, inside the lease
                }
                if (renewed) continue;
                Lost = true;
                await _cts.CancelAsync();
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended, or the gateway is stopping
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        await _renewals;
        _cts.Dispose();
    }
}
