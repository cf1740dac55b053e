using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.OpenApi;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Search;
using SendInterop.Storage.Store;
using SendInterop.Storage.Subscriptions;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// Delivers rest-hook notifications. It follows the store's versions in key order, per active subscription from that
/// subscription's durable cursor (<see cref="SubscriptionCursorStore"/>), so nothing written while the gateway was down,
/// or while an endpoint failed, is skipped. For each version of the criteria's type that is still current and meets the
/// criteria, the consent gate decides for the subscriber (<see cref="SubscriptionGrant"/>) exactly as for a read: only a
/// permitted resource is notified, and the decision, permit or deny, is audited as a "subscription-notification". An
/// endpoint that still fails after the retries sets the subscription to <c>error</c> and holds its cursor; set it back
/// to <c>requested</c> and delivery resumes from the first version not delivered.
/// </summary>
/// <remarks>
/// Delivery is at least once: a crash between a delivery and the cursor's advance sends that notification again. A
/// version superseded before its turn is not notified (the newer one is), nor is a deletion (it would disclose nothing
/// the gate could decide on).
/// </remarks>
public sealed partial class SubscriptionDispatcher(
    IResourceStore store,
    SearchRequestParser parser,
    SubscriptionCursorStore cursors,
    DisclosureGate gate,
    AccessAuditor auditor,
    RestHookSender sender,
    SubscriptionRules rules,
    GatewayWrites writes,
    FhirSerialization serialization,
    IOptions<SubscriptionOptions> options,
    FhirDbContextFactory contexts,
    SubscriptionWakeUp wakeUp,
    TimeProvider clock,
    ILogger<SubscriptionDispatcher> logger) : BackgroundService
{
    public const string Interaction = "subscription-notification";

    /// <summary>This replica's name on the leases it takes.</summary>
    private readonly string _replica = Truncate($"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}", 128);

    /// <summary>The newest key seen at each poll, to find the newest one that has settled (<see cref="SubscriptionOptions.SettleMilliseconds"/>).</summary>
    private readonly Queue<(DateTimeOffset At, long Key)> _seen = new();

    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    /// <summary>Subscriptions already warned about (once per process, not every poll).</summary>
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApiDocumentGeneration.IsRunning) return;
        var interval = TimeSpan.FromMilliseconds(Math.Max(20, options.Value.PollMilliseconds));
        var gap = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.MinRoundGapMilliseconds, 0, options.Value.PollMilliseconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollAsync(stoppingToken);
                await Task.Delay(gap, stoppingToken);
                await wakeUp.WaitAsync(interval - gap, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { break; }
            catch (Exception ex)
            {
                // The store is unreachable or failing: cursors have not moved, so the next poll starts where this one did.
                LogPollFailed(ex.GetType().Name);
                try { await Task.Delay(interval, stoppingToken); } catch (OperationCanceledException) { break; }
            }
        }

        foreach (var id in _held)
        {
            try { await cursors.ReleaseAsync(id, _replica, CancellationToken.None); } catch (Exception) { /* the lease lapses on its own */ }
        }
    }

    /// <summary>One round: every active subscription, up to the newest settled key.</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        var settled = await SettledKeyAsync(ct);
        var active = await ActiveSubscriptionsAsync(ct);
        wakeUp.AnyActive = active.Count > 0;
        foreach (var record in active)
        {
            ct.ThrowIfCancellationRequested();
            await DispatchAsync(record, settled, ct);
        }
    }

    /// <summary>
    /// The newest key every version at or below which has committed: the newest key seen at least the settle time ago
    /// (a sample (t, K) says K was the newest visible key at t). With no settle time, the newest key now.
    /// </summary>
    private async Task<long> SettledKeyAsync(CancellationToken ct)
    {
        var latest = await store.LatestKeyAsync(ct);
        var settle = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.SettleMilliseconds
            ?? (contexts.Provider == SendInterop.Storage.StorageProvider.Postgres ? 1000 : 0)));
        if (settle == TimeSpan.Zero) return latest;
        var now = clock.GetUtcNow();
        _seen.Enqueue((now, latest));
        while (_seen.Count > 0 && now - _seen.Peek().At >= settle) _settled = Math.Max(_settled, _seen.Dequeue().Key);
        return _settled;
    }

    private long _settled;

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

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

    private async Task DispatchAsync(ResourceRecord record, long settled, CancellationToken ct)
    {
        if (serialization.ParseStored(record.Json) is not Subscription subscription) return;
        var now = clock.GetUtcNow();
        if (subscription.End is { } endsAt && endsAt <= now) return;
        var grant = SubscriptionGrant.ReadFrom(subscription);
        // The grant is written by the gateway only, for the organisation that owns the Subscription; anything else is not trusted.
        if (grant is null || grant.Organisation != OwnershipTags.GetOwner(subscription)
            || !SubscriptionCriteria.TryParse(subscription.Criteria, parser, out var criteria, out _))
        {
            if (_warned.Add(record.ResourceId)) LogUnusable(record.ResourceId);
            return;
        }
        if (rules.EndpointProblem(subscription.Channel?.Endpoint, grant.Organisation) is not null)
        {
            // Taken out of the configuration since: nothing goes there, and the cursor waits in case it comes back.
            if (_warned.Add(record.ResourceId)) LogEndpointWithdrawn(record.ResourceId);
            return;
        }

        var lease = TimeSpan.FromSeconds(Math.Max(5, options.Value.LeaseSeconds));
        var after = await cursors.ClaimAsync(record.ResourceId, _replica, record.Key, now, lease, ct);
        if (after is not { } cursor)
        {
            _held.Remove(record.ResourceId);
            return; // another replica delivers this one
        }
        _held.Add(record.ResourceId);

        var types = new[] { criteria!.ResourceType };
        while (cursor < settled)
        {
            var changes = (await store.ChangesSinceAsync(cursor, types, Math.Max(1, options.Value.BatchSize), ct)).Where(c => c.Key <= settled).ToList();
            if (changes.Count == 0) break;
            var done = cursor;
            foreach (var change in changes)
            {
                var outcome = await NotifyAsync(subscription, record.ResourceId, grant, criteria, change, ct);
                if (outcome is { Delivered: false } failed)
                {
                    if (done > cursor) await cursors.AdvanceAsync(record.ResourceId, _replica, done, ct);
                    await MarkErrorAsync(record, subscription, failed.Failure!, ct);
                    return;
                }
                done = change.Key;
            }
            if (!await cursors.AdvanceAsync(record.ResourceId, _replica, done, ct)) return; // the lease lapsed: another replica goes on
            cursor = done;
            await cursors.ClaimAsync(record.ResourceId, _replica, cursor, clock.GetUtcNow(), lease, ct); // renew while working
        }
    }

    /// <summary>Notifies one version if it is current, meets the criteria and the gate permits it; null: nothing to send.</summary>
    private async Task<DeliveryResult?> NotifyAsync(Subscription subscription, string subscriptionId, SubscriptionGrant grant, SubscriptionCriteria criteria, ResourceChange change, CancellationToken ct)
    {
        var current = await store.ReadAsync(change.ResourceType, change.ResourceId, ct);
        if (current is null || current.Key != change.Key) return null; // deleted, or a newer version comes later
        if (!await MatchesAsync(criteria, change.ResourceId, ct)) return null;

        var session = AccessSession.For(grant.ToRequester(), $"subscription/{subscriptionId}/{change.Key}");
        session.Interaction = Interaction;
        session.Action = AuditAction.Read;
        bool permitted;
        var scope = session.ScopeFor(change.ResourceType, SmartPermissions.Read);
        if (scope is null)
        {
            gate.RecordOutOfScope(session, current);
            permitted = false;
        }
        else
        {
            permitted = await gate.PermitsWithinScopeAsync(session, current, scope, ct);
        }
        await auditor.FlushAsync(session, ct);
        return permitted ? await sender.SendAsync(subscription, current, ct) : null;
    }

    private async Task<bool> MatchesAsync(SubscriptionCriteria criteria, string id, CancellationToken ct)
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
        subscription.Status = Subscription.SubscriptionStatus.Error;
        subscription.Error = $"Notification not delivered: {failure} after {Math.Max(1, options.Value.MaxAttempts)} attempts. "
            + "Set status to requested to resume from the first notification not delivered.";
        try
        {
            await writes.WriteAsync("subscription-dispatch", [new GatewayWrites.Item(subscription, "PUT", record.VersionId)], ct);
        }
        catch (FhirException)
        {
            // The client changed the Subscription meanwhile: the next round reads its new version.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription dispatch failed ({Error}); retrying at the next poll")]
    private partial void LogPollFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id} has no usable grant or criteria; it is not dispatched")]
    private partial void LogUnusable(string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: its endpoint is no longer registered for its organisation; nothing is delivered")]
    private partial void LogEndpointWithdrawn(string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: {Failure}; set to error")]
    private partial void LogDeliveryFailed(string id, string failure);
}
