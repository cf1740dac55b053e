namespace SendInterop.Gateway.Subscriptions;

/// <summary>Settings under <c>Subscriptions</c>: where rest-hooks may point, and how notifications are delivered.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>
    /// Per organisation id, the endpoint URL prefixes its subscriptions may deliver to (its own systems). An organisation
    /// with none configured cannot subscribe: the gateway never posts a child's data to an address nobody vouched for.
    /// </summary>
    public Dictionary<string, List<string>> AllowedEndpoints { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Plain http to a loopback address (tests, a developer's machine). Every other endpoint must be https.</summary>
    public bool AllowHttpLoopback { get; set; }

    /// <summary>How often the dispatcher looks for new versions to notify.</summary>
    public int PollMilliseconds { get; set; } = 500;

    /// <summary>
    /// Versions are notified only once this long has passed since they were first seen as the newest: on PostgreSQL a
    /// transaction can commit a key lower than one already visible, and this window lets it appear before the cursor
    /// moves past. Unset: 1000 on PostgreSQL, 0 on SQLite (one writer at a time: keys become visible in order).
    /// </summary>
    public int? SettleMilliseconds { get; set; }

    /// <summary>The shortest time between two rounds when writes wake the dispatcher, so a busy store is not polled back to back.</summary>
    public int MinRoundGapMilliseconds { get; set; } = 50;

    /// <summary>Attempts per notification (the first plus retries with backoff) before the subscription is set to error.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; later ones double it.</summary>
    public int RetryDelayMilliseconds { get; set; } = 500;

    /// <summary>Timeout of one delivery attempt.</summary>
    public int AttemptTimeoutMilliseconds { get; set; } = 10_000;

    /// <summary>How long a replica holds a subscription while it delivers (another replica takes over once it lapses).</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Versions read per subscription per poll.</summary>
    public int BatchSize { get; set; } = 200;
}
