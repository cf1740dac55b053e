using SendInterop.Gateway.Tests.Indicators;
using SendInterop.Storage.Subscriptions;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// The subscription dispatcher's cursors and leases on both providers: one replica at a time delivers a subscription,
/// another takes over only once the lease has lapsed, and the cursor only moves forward, and only for the lease holder.
/// </summary>
public abstract class SubscriptionCursorStoreTests(IndicatorStorage storage)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_replica_holds_a_subscription_until_its_lease_lapses_and_the_cursor_survives_the_handover()
    {
        var store = new SubscriptionCursorStore(storage.Contexts);
        var id = "sub-" + Guid.NewGuid().ToString("N")[..12];

        Assert.Equal(41, await store.ClaimAsync(id, "replica-a", 41, Now, Lease, default)); // created at the start key
        Assert.Null(await store.ClaimAsync(id, "replica-b", 0, Now.AddSeconds(30), Lease, default)); // held by a
        Assert.Equal(41, await store.ClaimAsync(id, "replica-a", 0, Now.AddSeconds(30), Lease, default)); // a renews; the start key is ignored
        Assert.True(await store.AdvanceAsync(id, "replica-a", 57, default));
        Assert.False(await store.AdvanceAsync(id, "replica-b", 90, default)); // not b's to move
        Assert.False(await store.AdvanceAsync(id, "replica-a", 50, default)); // never backwards

        Assert.Null(await store.ClaimAsync(id, "replica-b", 0, Now.AddSeconds(89), Lease, default)); // renewed at +30: held to +90
        Assert.Equal(57, await store.ClaimAsync(id, "replica-b", 0, Now.AddSeconds(91), Lease, default)); // lapsed: b goes on from 57
        Assert.False(await store.AdvanceAsync(id, "replica-a", 70, default)); // a lost it

        await store.ReleaseAsync(id, "replica-b", default);
        Assert.Equal(57, await store.ClaimAsync(id, "replica-a", 0, Now.AddSeconds(92), Lease, default)); // released: no wait
        Assert.Equal(57, await store.AfterKeyAsync(id, default));
    }

    [Fact]
    public async Task Replicas_racing_for_a_new_subscription_give_it_to_one()
    {
        var id = "race-" + Guid.NewGuid().ToString("N")[..12];
        var claims = Enumerable.Range(0, 12)
            .Select(i => Task.Run(() => new SubscriptionCursorStore(storage.Contexts).ClaimAsync(id, $"replica-{i}", 7, Now, Lease, default)));
        var results = await Task.WhenAll(claims);
        Assert.Equal(1, results.Count(r => r is not null));
    }
}

public sealed class SqliteSubscriptionCursorStorage() : SqliteIndicatorStorage([]);

public sealed class PostgresSubscriptionCursorStorage() : PostgresIndicatorStorage([]);

public sealed class SqliteSubscriptionCursorStoreTests(SqliteSubscriptionCursorStorage storage) : SubscriptionCursorStoreTests(storage), IClassFixture<SqliteSubscriptionCursorStorage>;

public sealed class PostgresSubscriptionCursorStoreTests(PostgresSubscriptionCursorStorage storage) : SubscriptionCursorStoreTests(storage), IClassFixture<PostgresSubscriptionCursorStorage>;
