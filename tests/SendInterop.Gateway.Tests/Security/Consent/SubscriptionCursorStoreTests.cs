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
        Task<SubscriptionCursor?> Claim(string owner, int seconds, long start = 0) => store.ClaimAsync(id, owner, start, 1, "g1", Now.AddSeconds(seconds), Lease, default);
        Task<bool> Advance(string owner, long key, int seconds) => store.AdvanceAsync(id, owner, key, Now.AddSeconds(seconds), default);

        Assert.Equal(new SubscriptionCursor(41, 1, "g1"), await Claim("replica-a", 0, start: 41)); // created at the start key
        Assert.Null(await Claim("replica-b", 30)); // held by a
        Assert.Equal(41, (await Claim("replica-a", 30))!.AfterKey); // a renews (to +90); the start key is ignored
        Assert.True(await Advance("replica-a", 57, 31));
        Assert.False(await Advance("replica-b", 90, 32)); // not b's to move
        Assert.False(await Advance("replica-a", 50, 33)); // never backwards

        Assert.Null(await Claim("replica-b", 89));
        Assert.False(await Advance("replica-a", 60, 91)); // a's lease has lapsed: it may not move the cursor any more
        Assert.Equal(57, (await Claim("replica-b", 91))!.AfterKey); // b takes over from 57
        Assert.False(await Advance("replica-a", 70, 92)); // a lost it

        await store.ReleaseAsync(id, "replica-b", default);
        Assert.Equal(57, (await Claim("replica-a", 93))!.AfterKey); // released: no wait
        Assert.Equal(57, await store.AfterKeyAsync(id, default));
    }

    [Fact]
    public async Task A_reset_records_the_new_version_and_may_move_the_cursor_back_but_only_for_the_holder()
    {
        var store = new SubscriptionCursorStore(storage.Contexts);
        var id = "reset-" + Guid.NewGuid().ToString("N")[..12];
        await store.ClaimAsync(id, "replica-a", 100, 1, "g1", Now, Lease, default);
        Assert.False(await store.ResetAsync(id, "replica-b", 20, 3, "g2", Now, default));
        Assert.True(await store.ResetAsync(id, "replica-a", 20, 3, "g2", Now, default));
        Assert.Equal(new SubscriptionCursor(20, 3, "g2"), await store.ClaimAsync(id, "replica-a", 999, 4, "g9", Now, Lease, default));
    }

    [Fact]
    public async Task Replicas_racing_for_a_new_subscription_give_it_to_one()
    {
        var id = "race-" + Guid.NewGuid().ToString("N")[..12];
        var claims = Enumerable.Range(0, 12)
            .Select(i => Task.Run(() => new SubscriptionCursorStore(storage.Contexts).ClaimAsync(id, $"replica-{i}", 7, 1, "g", Now, Lease, default)));
        var results = await Task.WhenAll(claims);
        Assert.Equal(1, results.Count(r => r is not null));
    }

    [Fact]
    public async Task Cursors_of_subscriptions_that_do_not_exist_are_removed()
    {
        var store = new SubscriptionCursorStore(storage.Contexts);
        var id = "orphan-" + Guid.NewGuid().ToString("N")[..12];
        await store.ClaimAsync(id, "replica-a", 5, 1, "g", Now, Lease, default);
        Assert.True(await store.RemoveOrphansAsync(default) >= 1);
        Assert.Null(await store.AfterKeyAsync(id, default));
    }
}

public sealed class SqliteSubscriptionCursorStorage() : SqliteIndicatorStorage([]);

public sealed class PostgresSubscriptionCursorStorage() : PostgresIndicatorStorage([]);

public sealed class SqliteSubscriptionCursorStoreTests(SqliteSubscriptionCursorStorage storage) : SubscriptionCursorStoreTests(storage), IClassFixture<SqliteSubscriptionCursorStorage>;

public sealed class PostgresSubscriptionCursorStoreTests(PostgresSubscriptionCursorStorage storage) : SubscriptionCursorStoreTests(storage), IClassFixture<PostgresSubscriptionCursorStorage>;
