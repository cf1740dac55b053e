using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Search;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.OpenApi;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage;
using SendInterop.Storage.Model;
using SendInterop.Storage.Search;
using SendInterop.Storage.Store;
using SendInterop.Storage.Subscriptions;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// Delivers rest-hook notifications. It follows the store's versions in key order, per active subscription from that
/// subscription's durable cursor (<see cref="SubscriptionCursorStore"/>), so nothing written while the gateway was down,
/// or while an endpoint failed, is skipped. For each version of the criteria's type that is still current and meets the
/// criteria, the consent gate decides for the subscriber (<see cref="SubscriptionGrant"/>) exactly as for a read: only a
/// permitted resource is notified, and the decision, permit or deny, is audited as a "subscription-notification". An
/// endpoint that still fails after the retries sets the subscription to <c>error</c> and holds its cursor; set it back
/// to <c>requested</c> and delivery resumes from the first version not delivered. Any other new version of the
/// Subscription (turned off and on, new criteria or endpoint, deleted and created again) starts from that version.
/// </summary>
/// <remarks>
/// <para>Delivery is at least once: a crash between a delivery and the cursor's advance sends that notification again.
/// A version superseded before its turn is not notified (the newer one is), nor is a deletion (it would disclose
/// nothing the gate could decide on).</para>
/// <para>Each round serves every subscription at most <see cref="SubscriptionOptions.BatchSize"/> notifications, then
/// starts another round at once, so a long backlog neither holds up other subscriptions nor outlives a change to its
/// own Subscription; a subscription that fails unexpectedly is logged and the round goes on with the next.</para>
/// <para>On PostgreSQL a transaction can make a key visible after a higher one: versions wait
/// <see cref="SubscriptionOptions.SettleMilliseconds"/> before their turn, and each round also looks again at the
/// <see cref="Overlap"/> keys below the cursor for ones that appeared late (remembering in memory which it handled).</para>
/// </remarks>
public sealed partial class SubscriptionDispatcher(
    IResourceStore store,
    SearchRequestParser parser,
    SubscriptionCursorStore cursors,
    AccessAuditor auditor,
    RestHookSender sender,
    SubscriptionRules rules,
    SubscriptionVersions versions,
    GatewayWrites writes,
    FhirSerialization serialization,
    IOptions<SubscriptionOptions> options,
    FhirDbContextFactory contexts,
    SubscriptionWakeUp wakeUp,
    StandingDisclosure disclosure,
    TimeProvider clock,
    ILogger<SubscriptionDispatcher> logger) : BackgroundService
{
    public const string Interaction = "subscription-notification";

    /// <summary>How far below a cursor each round looks again on PostgreSQL, for keys that committed late.</summary>
    public const long Overlap = 1000;

    /// <summary>Orphaned cursors (of deleted Subscriptions) are removed every this many rounds.</summary>
    private const int SweepEvery = 200;

    /// <summary>This replica's name on the leases it takes.</summary>
    private readonly string _replica = Hosting.ReplicaName.New();

    /// <summary>The newest key seen at each poll, to find the newest one that has settled (<see cref="SubscriptionOptions.SettleMilliseconds"/>).</summary>
    private readonly Queue<(DateTimeOffset At, long Key)> _seen = new();
    private long _settled;

    /// <summary>Per subscription served by this replica: the keys handled within the overlap window below its cursor.</summary>
    private readonly Dictionary<string, HashSet<long>> _handled = new(StringComparer.Ordinal);

    /// <summary>Subscriptions already warned about (once per process, not every poll).</summary>
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    private int _rounds;

    /// <summary>Since when each subscription has failed every round (an exception, not an endpoint's answer).</summary>
    private readonly Dictionary<string, DateTimeOffset> _failures = new(StringComparer.Ordinal);

    /// <summary>How long a subscription may fail every round before it is set to error (a passing database hiccup is not enough).</summary>
    private static readonly TimeSpan MaxFailingTime = TimeSpan.FromMinutes(5);

    private bool IsPostgres => contexts.Provider == StorageProvider.Postgres;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApiDocumentGeneration.IsRunning) return;
        var interval = TimeSpan.FromMilliseconds(Math.Max(20, options.Value.PollMilliseconds));
        var gap = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.MinRoundGapMilliseconds, 0, interval.TotalMilliseconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var more = await PollAsync(stoppingToken);
                await Task.Delay(gap, stoppingToken);
                if (!more) await wakeUp.WaitAsync(interval - gap, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                // The store is unreachable or failing: cursors have not moved, so the next round starts where this one did.
                LogPollFailed(ex.GetType().Name);
                try { await Task.Delay(interval, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }

        foreach (var id in _handled.Keys)
        {
            try { await cursors.ReleaseAsync(id, _replica, CancellationToken.None); } catch (Exception) { /* the lease lapses on its own */ }
        }
    }

    /// <summary>One round: every active subscription, up to the newest settled key. True when one has more waiting.</summary>
    public async Task<bool> PollAsync(CancellationToken ct)
    {
        var settled = await SettledKeyAsync(ct);
        var active = await ActiveSubscriptionsAsync(ct);
        wakeUp.AnyActive = active.Count > 0;
        var more = false;
        foreach (var record in active)
        {
            try
            {
                more |= await DispatchAsync(record, settled, ct);
                _failures.Remove(record.ResourceId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // One subscription's failure (its store reads, the gate, its cursor) must not hold up the others; one that
                // fails round after round is set to error, so its owner sees it rather than a silent stall.
                LogSubscriptionFailed(record.ResourceId, ex.GetType().Name);
                var since = _failures.TryGetValue(record.ResourceId, out var first) ? first : _failures[record.ResourceId] = clock.GetUtcNow();
                if (clock.GetUtcNow() - since >= MaxFailingTime && serialization.ParseStored(record.Json) is Subscription stuck)
                {
                    _failures.Remove(record.ResourceId);
                    try { await MarkErrorAsync(record, stuck, "the gateway could not prepare a notification", ct); }
                    catch (Exception markFailed) when (markFailed is not OperationCanceledException) { LogSubscriptionFailed(record.ResourceId, markFailed.GetType().Name); }
                }
            }
        }
        if (++_rounds % SweepEvery == 0) await cursors.RemoveOrphansAsync(ct);
        return more;
    }

    /// <summary>
    /// The newest key every version at or below which has committed: the newest key seen at least the settle time ago
    /// (a sample (t, K) says K was the newest visible key at t). With no settle time, the newest key now.
    /// </summary>
    private async Task<long> SettledKeyAsync(CancellationToken ct)
    {
        var latest = await store.LatestKeyAsync(ct);
        var settle = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.SettleMilliseconds ?? (IsPostgres ? 1000 : 0)));
        if (settle == TimeSpan.Zero) return latest;
        var now = clock.GetUtcNow();
        _seen.Enqueue((now, latest));
        while (_seen.Count > 0 && now - _seen.Peek().At >= settle) _settled = Math.Max(_settled, _seen.Dequeue().Key);
        return _settled;
    }

    private async Task<IReadOnlyList<ResourceRecord>> ActiveSubscriptionsAsync(CancellationToken ct)
    {
        var result = new List<ResourceRecord>();
        var request = parser.Parse("Subscription", [new("status", "active"), new("_count", SearchDefaults.MaxCount.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        while (true)
        {
            var page = await store.SearchAsync(request, ct);
            result.AddRange(page.Matches);
            if (page.NextCursor is null) return result;
            request.Cursor = page.NextCursor;
        }
    }

    /// <summary>Serves one subscription for this round; true when it has more waiting than one round serves.</summary>
    private async Task<bool> DispatchAsync(ResourceRecord record, long settled, CancellationToken ct)
    {
        if (serialization.ParseStored(record.Json) is not Subscription subscription) return false;
        var now = clock.GetUtcNow();
        if (subscription.End is { } endsAt && endsAt <= now)
        {
            // Past its end (R4: when the server turns it off): off, so its owner sees it has stopped.
            await SetStatusAsync(record, subscription, Subscription.SubscriptionStatus.Off, null, ct);
            return false;
        }
        var grant = SubscriptionGrant.ReadFrom(subscription);
        // The grant is written by the gateway only, for the organisation that owns the Subscription; anything else is not trusted.
        if (grant is null || grant.Organisation != OwnershipTags.GetOwner(subscription)
            || !SubscriptionRules.TryParseCriteria(subscription.Criteria, parser, out var criteria, out _))
        {
            if (_warned.Add(record.ResourceId)) LogUnusable(record.ResourceId);
            return false;
        }
        if (rules.EndpointProblem(subscription.Channel?.Endpoint, grant.Organisation) is not null)
        {
            // Taken out of the configuration since: nothing goes there, and the cursor waits in case it comes back.
            if (_warned.Add(record.ResourceId)) LogEndpointWithdrawn(record.ResourceId);
            return false;
        }

        var id = record.ResourceId;
        // The round's list of subscriptions may be minutes old by now: serve only the version that is current (a
        // Subscription turned off, deleted or changed since waits for the next round). Read once, before the claim: a
        // change between the two would need another replica to hold and lose the lease in those milliseconds.
        if ((await store.ReadAsync("Subscription", id, ct))?.Key != record.Key) return false;
        var lease = Lease;
        var generation = SubscriptionVersions.Generation(subscription);
        // A subscription served for the first time starts where it became active asking for this, not at this version:
        // an edit before its first round (a rotated header) must not skip what was written since it was created.
        var start = _handled.ContainsKey(id) || await cursors.AfterKeyAsync(id, ct) is not null
            ? record.Key
            : await versions.ActiveSinceKeyAsync(record, generation, ct);
        var claim = await cursors.ClaimAsync(id, _replica, start, record.VersionId, generation, now, lease, ct);
        if (claim is null)
        {
            _handled.Remove(id); // another replica delivers this one; if it comes back here, it starts from the stored cursor
            return false;
        }
        var cursor = claim.AfterKey;
        if (claim.SubscriptionVersion != record.VersionId || claim.Generation != generation)
        {
            // A new version asking for the same thing (a rotated header, a new reason, a resume after error) goes on
            // from the cursor; one asking for something else, or after the subscription was off or deleted, starts afresh.
            var resume = claim.Generation == generation && await versions.ContinuousSinceAsync(record, claim.SubscriptionVersion, ct);
            if (!resume) cursor = record.Key;
            if (!await cursors.ResetAsync(id, _replica, cursor, record.VersionId, generation, clock.GetUtcNow(), ct)) return false;
            _handled.Remove(id);
        }

        var overlap = IsPostgres ? Overlap : 0;
        if (!_handled.TryGetValue(id, out var handled))
        {
            // First round here: what lies in the overlap window below the cursor was handled before (by this replica
            // before a restart, or by another).
            _handled[id] = handled = [];
            if (overlap > 0)
                foreach (var c in await store.ChangesSinceAsync(Math.Max(0, cursor - overlap), [criteria!.ResourceType], (int)overlap, ct))
                    if (c.Key <= cursor) handled.Add(c.Key);
        }

        var batch = Math.Max(1, options.Value.BatchSize);
        var from = Math.Max(0, cursor - overlap);
        var done = cursor;
        var served = 0;
        var renewedAt = now;
        try
        {
            return await ServeAsync();
        }
        catch when (done > cursor)
        {
            // Whatever went wrong, what was delivered stays delivered (best effort: a failure here only repeats it).
            try { await cursors.AdvanceAsync(id, _replica, done, clock.GetUtcNow(), CancellationToken.None); } catch (Exception) { }
            throw;
        }

        async Task<bool> ServeAsync()
        {
            while (true)
            {
                var page = await store.ChangesSinceAsync(from, [criteria!.ResourceType], batch, ct);
                foreach (var change in page)
                {
                    if (change.Key > settled) break;
                    from = change.Key;
                    if (handled.Contains(change.Key)) continue;
                    if (clock.GetUtcNow() - renewedAt > lease - 2 * WorstCaseSend)
                    {
                        // Renewed before any send that could outlast the lease, so no other replica takes over mid-delivery.
                        renewedAt = clock.GetUtcNow();
                        if (await cursors.ClaimAsync(id, _replica, cursor, record.VersionId, generation, renewedAt, lease, ct) is null) return false;
                    }
                    var outcome = await NotifyAsync(subscription, id, grant, criteria, change, ct);
                    if (outcome is { Delivered: false } failed)
                    {
                        if (change.Key <= cursor)
                        {
                            // A late-committed version below the cursor failed: the cursor goes back before it, so the
                            // resume delivers it (and, at least once, what follows it).
                            if (!await cursors.ResetAsync(id, _replica, change.Key - 1, record.VersionId, generation, clock.GetUtcNow(), ct)) return false;
                            _handled.Remove(id);
                        }
                        else if (done > cursor && !await cursors.AdvanceAsync(id, _replica, done, clock.GetUtcNow(), ct))
                        {
                            return false; // the lease was lost: the replica holding it decides
                        }
                        cursor = done;
                        await MarkErrorAsync(record, subscription, failed.Failure!, ct);
                        return false;
                    }
                    handled.Add(change.Key);
                    if (change.Key > done) done = change.Key;
                    if (++served >= batch)
                    {
                        if (!await cursors.AdvanceAsync(id, _replica, done, clock.GetUtcNow(), ct)) return false;
                        cursor = done;
                        handled.RemoveWhere(k => k <= done - overlap);
                        return true;
                    }
                }
                if (page.Count < batch || page[^1].Key > settled) break;
            }

            // Everything of the type up to the settled key has been seen: the cursor moves there, so the next round's read
            // starts near the end of the store even when the type is rarely written.
            var advanced = Math.Max(done, settled);
            if (advanced > cursor) await cursors.AdvanceAsync(id, _replica, advanced, clock.GetUtcNow(), ct);
            handled.RemoveWhere(k => k <= advanced - overlap);
            return false;
        }
    }

    /// <summary>The longest one notification can take: every attempt timing out, plus the backoff between them (jitter up to 1.5x).</summary>
    private TimeSpan WorstCaseSend
    {
        get
        {
            var o = options.Value;
            var attempts = Math.Max(1, o.MaxAttempts);
            var backoff = Enumerable.Range(0, attempts - 1).Sum(i => Math.Max(1, o.RetryDelayMilliseconds) * Math.Pow(2, i) * 1.5);
            return TimeSpan.FromMilliseconds(attempts * (double)Math.Max(100, o.AttemptTimeoutMilliseconds) + backoff);
        }
    }

    /// <summary>The lease: as configured, but never shorter than three worst-case sends, so a renewal always comes in time.</summary>
    private TimeSpan Lease => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(Math.Max(5, options.Value.LeaseSeconds)).Ticks, 3 * WorstCaseSend.Ticks));

    /// <summary>Notifies one version if it is current, meets the criteria and the gate permits it; null: nothing to send.</summary>
    private async Task<DeliveryResult?> NotifyAsync(Subscription subscription, string subscriptionId, StandingGrant grant, PlainCriteria criteria, ResourceChange change, CancellationToken ct)
    {
        var current = await store.ReadAsync(change.ResourceType, change.ResourceId, ct);
        if (current is null || current.Key != change.Key) return null; // deleted, or a newer version comes later
        if (!await MatchesAsync(criteria, change.ResourceId, ct)) return null;

        // The correlation id names the subscription, never a store key (keys would count everyone's writes).
        var session = AccessSession.For(grant.ToRequester(), $"subscription/{subscriptionId}/{Guid.NewGuid():N}");
        session.Interaction = Interaction;
        session.Action = AuditAction.Read;
        var permitted = await disclosure.PermitsAsync(session, grant, current, SmartPermissions.Read, ct);
        await auditor.FlushAsync(session, ct);
        // Before a retry, the version must still be current: a newer one (a label added, say) is decided and notified on
        // its own, and this one is no longer what the gate permitted to be sent.
        return permitted
            ? await sender.SendAsync(subscription, current, async token => (await store.ReadAsync(change.ResourceType, change.ResourceId, token))?.Key == change.Key, ct)
            : null;
    }

    private async Task<bool> MatchesAsync(PlainCriteria criteria, string id, CancellationToken ct)
    {
        try
        {
            return (await store.SearchAsync(criteria.ForResource(parser, id), ct)).Matches.Count > 0;
        }
        catch (SearchValueException)
        {
            return false; // a value the store cannot search by matches nothing, as in a search
        }
    }

    private async Task MarkErrorAsync(ResourceRecord record, Subscription subscription, string failure, CancellationToken ct)
    {
        LogDeliveryFailed(record.ResourceId, failure);
        await SetStatusAsync(record, subscription, Subscription.SubscriptionStatus.Error,
            $"Notification not delivered: {failure} after {Math.Max(1, options.Value.MaxAttempts)} attempts. "
            + "Set status to requested to resume from the first notification not delivered.", ct);
    }

    /// <summary>The gateway's own status change, on the version it read (a client's change meanwhile wins).</summary>
    private async Task SetStatusAsync(ResourceRecord record, Subscription subscription, Subscription.SubscriptionStatus status, string? error, CancellationToken ct)
    {
        subscription.Status = status;
        subscription.Error = error;
        try
        {
            await writes.WriteAsync("subscription-dispatch", [new GatewayWrites.Item(subscription, "PUT", record.VersionId)], ct);
        }
        catch (FhirException ex) when (ex.Status is 409 or 412)
        {
            // The client changed the Subscription meanwhile: the next round reads its new version.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription dispatch failed ({Error}); retrying at the next poll")]
    private partial void LogPollFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: dispatch failed ({Error}); retried at the next round")]
    private partial void LogSubscriptionFailed(string id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id} has no usable grant or criteria; it is not dispatched")]
    private partial void LogUnusable(string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: its endpoint is no longer registered for its organisation; nothing is delivered")]
    private partial void LogEndpointWithdrawn(string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: {Failure}; set to error")]
    private partial void LogDeliveryFailed(string id, string failure);
}
