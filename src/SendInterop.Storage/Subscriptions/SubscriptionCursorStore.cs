using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Subscriptions;

/// <summary>Where a subscription's notifications have got to, and which replica is delivering them.</summary>
public sealed class SubscriptionCursorRow
{
    public required string SubscriptionId { get; set; }

    /// <summary>Every version with a key at or below this has been notified (or did not need to be).</summary>
    public long AfterKey { get; set; }

    /// <summary>The replica delivering now, until <see cref="LeaseUntil"/> (Unix milliseconds UTC).</summary>
    public string? LeaseOwner { get; set; }

    public long LeaseUntil { get; set; }
}

/// <summary>
/// The subscription dispatcher's durable state in the resource database (subscription_cursor): one row per
/// subscription with the key it has notified up to, so a restart neither loses nor repeats what was delivered, and a
/// lease so that of several replicas sharing the database exactly one delivers a subscription's notifications at a time.
/// </summary>
public sealed class SubscriptionCursorStore(FhirDbContextFactory contexts)
{
    public const string Table = "subscription_cursor";

    /// <summary>
    /// Takes (or renews) the lease on <paramref name="subscriptionId"/> for <paramref name="owner"/> unless another
    /// replica holds an unexpired one, creating the row at <paramref name="startAfterKey"/> on first use. Returns the key
    /// to continue after, or null when another replica holds it.
    /// </summary>
    public async Task<long?> ClaimAsync(string subscriptionId, string owner, long startAfterKey, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var nowMs = now.ToUnixTimeMilliseconds();
        // Same text on SQLite 3.24+ and PostgreSQL: one statement creates the row or takes a lapsed (or our own) lease.
        var affected = await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO " + Table + " (subscription_id, after_key, lease_owner, lease_until) VALUES ({0}, {1}, {2}, {3}) "
            + "ON CONFLICT (subscription_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until "
            + "WHERE " + Table + ".lease_owner = excluded.lease_owner OR " + Table + ".lease_until < {4}",
            [subscriptionId, startAfterKey, owner, nowMs + (long)lease.TotalMilliseconds, nowMs], ct);
        if (affected == 0) return null;
        return await db.Set<SubscriptionCursorRow>().Where(r => r.SubscriptionId == subscriptionId).Select(r => (long?)r.AfterKey).FirstOrDefaultAsync(ct);
    }

    /// <summary>Moves the cursor forward, only while <paramref name="owner"/> holds the lease (false: it was lost).</summary>
    public async Task<bool> AdvanceAsync(string subscriptionId, string owner, long afterKey, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var affected = await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + Table + " SET after_key = {0} WHERE subscription_id = {1} AND lease_owner = {2} AND after_key < {0}",
            [afterKey, subscriptionId, owner], ct);
        return affected == 1;
    }

    /// <summary>Gives the lease up (on shutdown), so another replica need not wait for it to lapse.</summary>
    public async Task ReleaseAsync(string subscriptionId, string owner, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + Table + " SET lease_owner = NULL, lease_until = 0 WHERE subscription_id = {0} AND lease_owner = {1}", [subscriptionId, owner], ct);
    }

    /// <summary>The cursor of a subscription, or null before its first notification round.</summary>
    public async Task<long?> AfterKeyAsync(string subscriptionId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.Set<SubscriptionCursorRow>().Where(r => r.SubscriptionId == subscriptionId).Select(r => (long?)r.AfterKey).FirstOrDefaultAsync(ct);
    }

    internal static void Configure(ModelBuilder b) => b.Entity<SubscriptionCursorRow>(e =>
    {
        e.ToTable(Table);
        e.HasKey(r => r.SubscriptionId);
        e.Property(r => r.SubscriptionId).HasMaxLength(64).HasColumnName("subscription_id");
        e.Property(r => r.AfterKey).HasColumnName("after_key");
        e.Property(r => r.LeaseOwner).HasMaxLength(128).HasColumnName("lease_owner");
        e.Property(r => r.LeaseUntil).HasColumnName("lease_until");
    });
}
