using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>
/// The projection's write counter: one row of ind_state ("indicators-writes") whose <c>writes</c> column every
/// transaction that changes projection rows increments before it commits. Because the increment commits atomically
/// with the rows, a reader that sees N and then counts sees every write up to N (and perhaps later ones, never fewer):
/// counts cached under N are never older than N. Reading it is one primary-key lookup.
/// </summary>
/// <remarks>
/// Every writer of ind_case … ind_wait must call <see cref="BumpAsync"/> in its transaction; a writer that does not
/// (a bulk COPY outside <see cref="IndicatorProjectionStore"/>) must run <see cref="BumpSql"/> afterwards, or cached counts go stale.
/// On PostgreSQL the upsert takes the row's lock until commit, so concurrent projection transactions commit one
/// after another; it runs last in each transaction to keep that window short.
/// </remarks>
public static class ProjectionVersion
{
    public const string RowName = "indicators-writes";

    /// <summary>The increment as SQL, for a writer outside EF (a bulk COPY); same text on SQLite (3.24+) and PostgreSQL; the first write creates the row.</summary>
    public const string BumpSql =
        "INSERT INTO " + IndicatorProjectionModel.StateTable + " (name, version, as_of_day, rebuilt_at, children, writes) "
        + "VALUES ('" + RowName + "', '', 0, 0, 0, 1) "
        + "ON CONFLICT (name) DO UPDATE SET writes = " + IndicatorProjectionModel.StateTable + ".writes + 1";

    /// <summary>Increments the counter inside <paramref name="db"/>'s current transaction.</summary>
    public static Task BumpAsync(FhirDbContext db, CancellationToken ct) => db.Database.ExecuteSqlRawAsync(BumpSql, ct);

    /// <summary>The counter now (0 before the first write).</summary>
    public static async Task<long> ReadAsync(FhirDbContextFactory contexts, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.IndicatorState.Where(s => s.Name == RowName).Select(s => (long?)s.Writes).FirstOrDefaultAsync(ct) ?? 0;
    }
}
