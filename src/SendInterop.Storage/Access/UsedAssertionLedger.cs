using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Access;

/// <summary>A client assertion's jti as used once: until <see cref="Expires"/> the same client may not use it again.</summary>
public sealed class UsedAssertionRow
{
    public required string ClientId { get; set; }

    public required string Jti { get; set; }

    /// <summary>The assertion's exp plus the clock skew allowed, Unix milliseconds UTC.</summary>
    public long Expires { get; set; }
}

/// <summary>
/// The token endpoint's replay ledger in the resource database (auth_used_assertion), shared by every replica: a client
/// assertion's jti is accepted by exactly one token request across the deployment while the assertion is valid. The
/// insert is the check, one statement that only a first use (or the reuse of a jti whose assertion has expired) can
/// complete, so two replicas racing on the same assertion cannot both accept it.
/// </summary>
public sealed class UsedAssertionLedger(FhirDbContextFactory contexts)
{
    public const string Table = "auth_used_assertion";

    /// <summary>Same text on SQLite 3.24+ and PostgreSQL: a row inserted, or an expired one taken over, is 1 row affected.</summary>
    private const string UseSql =
        "INSERT INTO " + Table + " (client_id, jti, expires) VALUES ({0}, {1}, {2}) "
        + "ON CONFLICT (client_id, jti) DO UPDATE SET expires = excluded.expires WHERE " + Table + ".expires <= {3}";

    /// <summary>Expired rows are deleted every this many uses (they are refused by <see cref="UseSql"/> anyway; this bounds the table).</summary>
    private const int SweepEvery = 500;

    private int _uses;

    /// <summary>True when this is the jti's first use (while unexpired) across every replica; false: a replay.</summary>
    public async Task<bool> TryUseAsync(string clientId, string jti, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = contexts.Create();
        if (Interlocked.Increment(ref _uses) % SweepEvery == 0)
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("DELETE FROM " + Table + " WHERE expires <= {0}", [now.ToUnixTimeMilliseconds()], ct);
            }
            catch (System.Data.Common.DbException)
            {
                // Housekeeping only (expired rows are refused anyway): a failed sweep must not fail the token request;
                // the next one in SweepEvery tries again.
            }
        }
        var affected = await db.Database.ExecuteSqlRawAsync(UseSql, [clientId, jti, expires.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds()], ct);
        return affected == 1;
    }

    internal static void Configure(ModelBuilder b) => b.Entity<UsedAssertionRow>(e =>
    {
        e.ToTable(Table);
        e.HasKey(r => new { r.ClientId, r.Jti });
        e.Property(r => r.ClientId).HasColumnName("client_id").HasMaxLength(128);
        e.Property(r => r.Jti).HasColumnName("jti").HasMaxLength(256);
        e.Property(r => r.Expires).HasColumnName("expires");
    });
}
