using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Subscriptions;

/// <summary>Where a subscription's notifications have got to, and which replica is delivering them.</summary>
public sealed class SubscriptionCursorRow
{
    public required string SubscriptionId { get; set; }

    /// <summary>Every version with a key at or below this has been notified (or did not need to be).</summary>
    public long AfterKey { get; set; }

    /// <summary>The Subscription version the cursor was last set for: a newer one may start afresh (see the dispatcher).</summary>
    public int SubscriptionVersion { get; set; }

    /// <summary>A digest of what the subscription asks for (criteria, endpoint, payload): a change starts afresh.</summary>
    public required string Generation { get; set; }

    /// <summary>The replica delivering now, until <see cref="LeaseUntil"/> (Unix milliseconds UTC).</summary>
    public string? LeaseOwner { get; set; }

    public long LeaseUntil { get; set; }
}

/// <summary>A lease taken: where to go on from, and what the cursor was set for.</summary>
public sealed record SubscriptionCursor(long AfterKey, int SubscriptionVersion, string Generation);

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
    /// replica holds an unexpired one, creating the row at <paramref name="startAfterKey"/> (for
    /// <paramref name="version"/> and <paramref name="generation"/>) on first use. Null when another replica holds it.
    /// </summary>
    public async Task<SubscriptionCursor?> ClaimAsync(string subscriptionId, string owner, long startAfterKey, int version, string generation,
        DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var nowMs = now.ToUnixTimeMilliseconds();
        // Same text on SQLite 3.24+ and PostgreSQL: one statement creates the row or takes a lapsed (or our own) lease.
        var affected = await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO " + Table + " (subscription_id, after_key, subscription_version, generation, lease_owner, lease_until) "
            + "VALUES ({0}, {1}, {2}, {3}, {4}, {5}) "
            + "ON CONFLICT (subscription_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until "
            + "WHERE " + Table + ".lease_owner = excluded.lease_owner OR " + Table + ".lease_until < {6}",
            [subscriptionId, startAfterKey, version, generation, owner, nowMs + (long)lease.TotalMilliseconds, nowMs], ct);
        if (affected == 0) return null;
        return await db.Set<SubscriptionCursorRow>().Where(r => r.SubscriptionId == subscriptionId)
            .Select(r => new SubscriptionCursor(r.AfterKey, r.SubscriptionVersion, r.Generation)).FirstOrDefaultAsync(ct);
    }

    /// <summary>Moves the cursor forward, only while <paramref name="owner"/> holds an unexpired lease (false: it was lost).</summary>
    public async Task<bool> AdvanceAsync(string subscriptionId, string owner, long afterKey, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var affected = await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + Table + " SET after_key = {0} WHERE subscription_id = {1} AND lease_owner = {2} AND lease_until >= {3} AND after_key < {0}",
            [afterKey, subscriptionId, owner, now.ToUnixTimeMilliseconds()], ct);
        return affected == 1;
    }

    /// <summary>Sets the cursor (forward or back) for a new version of the subscription, while <paramref name="owner"/> holds the lease.</summary>
    public async Task<bool> ResetAsync(string subscriptionId, string owner, long afterKey, int version, string generation, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var affected = await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + Table + " SET after_key = {0}, subscription_version = {1}, generation = {2} "
            + "WHERE subscription_id = {3} AND lease_owner = {4} AND lease_until >= {5}",
            [afterKey, version, generation, subscriptionId, owner, now.ToUnixTimeMilliseconds()], ct);
        return affected == 1;
    }

    /// <summary>Gives the lease up (on shutdown), so another replica need not wait for it to lapse.</summary>
    public async Task ReleaseAsync(string subscriptionId, string owner, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + Table + " SET lease_owner = NULL, lease_until = 0 WHERE subscription_id = {0} AND lease_owner = {1}", [subscriptionId, owner], ct);
    }

    /// <summary>Deletes the cursors of Subscriptions that no longer exist (deleted): a new one of the same id starts afresh anyway.</summary>
    public async Task<int> RemoveOrphansAsync(CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.Set<SubscriptionCursorRow>()
            .Where(c => !db.Resources.Any(r => r.ResourceType == "Subscription" && r.ResourceId == c.SubscriptionId && r.IsCurrent && !r.IsDeleted))
            .ExecuteDeleteAsync(ct);
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
        e.Property(r => r.SubscriptionVersion).HasColumnName("subscription_version");
        e.Property(r => r.Generation).HasMaxLength(64).HasColumnName("generation");
        e.Property(r => r.LeaseOwner).HasMaxLength(128).HasColumnName("lease_owner");
        e.Property(r => r.LeaseUntil).HasColumnName("lease_until");
    });
}
