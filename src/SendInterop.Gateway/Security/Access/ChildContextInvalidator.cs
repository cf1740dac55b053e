using Microsoft.Extensions.Options;
using SendInterop.Gateway.OpenApi;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Follows the store's changes to Patients, Consents and ServiceRequests and drops the child contexts they concern, so
/// a consent withdrawn through another replica sharing the database reaches this one's gate within
/// <see cref="AccessOptions.ChildContextPollMilliseconds"/>. Why: a context used to be reloaded every 30 s whatever
/// happened, which both left other replicas' changes unseen for that long and made context loads a quarter of a read's
/// CPU (docs/performance.md); now an unchanged child's context stays until the backstop age.
/// <para>
/// Keys are assigned when a version is inserted but become visible when its transaction commits, and on PostgreSQL
/// concurrent transactions commit in any order, so a key below the newest one seen can still appear. Each poll reads
/// again from <see cref="Overlap"/> keys below the newest seen and skips the keys it has already handled.
/// </para>
/// </summary>
public sealed partial class ChildContextInvalidator(
    IResourceStore store,
    ChildContextProvider contexts,
    IOptions<AccessOptions> options,
    ILogger<ChildContextInvalidator> logger) : BackgroundService
{
    /// <summary>How far below the newest key each poll looks again, for transactions that committed late.</summary>
    public const long Overlap = 1000;

    private const int Page = 5000;

    private static readonly string[] Types = [.. ChildContextProvider.ContextTypes];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApiDocumentGeneration.IsRunning) return;
        var interval = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.ChildContextPollMilliseconds));
        long? newest = null;
        var handled = new HashSet<long>();
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                newest = await PollAsync(newest, handled, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                // The store is unreachable or failing: the backstop age still bounds staleness; try again next tick.
                LogPollFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>
    /// Handles every change after <c>newest - Overlap</c> not handled before; returns the new newest key. The newest
    /// key of any type moves the window too, so writes of other types (most of them) never widen the range read. The
    /// first poll (<paramref name="newest"/> null) starts from the present: contexts loaded from then on already reflect
    /// everything before it.
    /// </summary>
    private async Task<long> PollAsync(long? newest, HashSet<long> handled, CancellationToken ct)
    {
        var latest = await store.LatestKeyAsync(ct);
        var known = newest ?? latest;
        var from = Math.Max(0, known - Overlap);
        while (true)
        {
            var changes = await store.ChangesSinceAsync(from, Types, Page, ct);
            foreach (var change in changes)
            {
                if (handled.Add(change.Key)) contexts.Changed(change);
                known = Math.Max(known, change.Key);
            }
            if (changes.Count < Page) break;
            from = changes[^1].Key;
        }
        known = Math.Max(known, latest);
        handled.RemoveWhere(k => k <= known - Overlap); // below the window: never read again
        return known;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the store's changes for the consent gate's child contexts failed; retrying at the next interval")]
    private partial void LogPollFailed(Exception ex);
}
