using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>
/// The projection's write counter per leaf (ind_leaf_writes: an LA code, or "unknown"): every transaction that changes
/// a leaf's projection rows increments that leaf's row before it commits, as <see cref="ProjectionVersion"/> does for
/// the whole projection. A tally stored at N (<see cref="StoredTallies"/>) is therefore current for as long as its leaf
/// reads N, and a write to one LA makes only that LA's tallies stale.
/// </summary>
/// <remarks>
/// A writer that does not go through <see cref="IndicatorProjectionStore"/> (a bulk COPY) must run <see cref="BumpEverySql"/>
/// afterwards, or the tallies of the leaves it changed stay in use. Leaves are incremented in code order so that two
/// transactions touching the same LAs on PostgreSQL take the rows' locks in the same order.
/// </remarks>
public static class LeafVersions
{
    private const string Table = IndicatorProjectionModel.LeafWritesTable;

    private static readonly string[] RowTables =
    [
        IndicatorProjectionModel.CaseTable, IndicatorProjectionModel.PlanTable, IndicatorProjectionModel.ReviewTable,
        IndicatorProjectionModel.OutcomeTable, IndicatorProjectionModel.WaitTable,
    ];

    /// <summary>Increments one leaf (the same text on SQLite 3.24+ and PostgreSQL; the first write creates the row).</summary>
    private const string BumpOneSql =
        "INSERT INTO " + Table + " (leaf, writes) VALUES ({0}, 1) ON CONFLICT (leaf) DO UPDATE SET writes = " + Table + ".writes + 1";

    /// <summary>
    /// Increments every leaf already known and adds the leaves that have rows but no counter yet: for a writer outside
    /// EF (a bulk COPY). The migration that introduced the table seeds it with the insert written out (a migration must
    /// not change with the code). "WHERE 1 = 1" lets SQLite parse an upsert after a SELECT.
    /// </summary>
    public static readonly string BumpEverySql =
        "UPDATE " + Table + " SET writes = writes + 1;\n"
        + "INSERT INTO " + Table + " (leaf, writes) SELECT leaf, 1 FROM ("
        + string.Join(" UNION ", RowTables.Select(t => "SELECT DISTINCT COALESCE(la_code, '" + Stratifiers.Unknown + "') AS leaf FROM " + t))
        + ") AS leaves WHERE 1 = 1 ON CONFLICT (leaf) DO NOTHING";

    /// <summary>Increments the given leaves inside <paramref name="db"/>'s current transaction.</summary>
    public static async Task BumpAsync(FhirDbContext db, IEnumerable<string> leaves, CancellationToken ct)
    {
        foreach (var leaf in leaves.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            await db.Database.ExecuteSqlRawAsync(BumpOneSql, [leaf], ct);
    }

    /// <summary>Increments every leaf that has ever had rows (everything changed: a clear, a rebuild from nothing).</summary>
    public static Task BumpAllAsync(FhirDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("UPDATE " + Table + " SET writes = writes + 1", ct);

    /// <summary>The leaves of the given children's rows now (before they are replaced: their old leaves change too).</summary>
    public static async Task<List<string>> OfChildrenAsync(FhirDbContext db, IReadOnlyCollection<string> childIds, CancellationToken ct)
    {
        var las = await db.IndicatorCases.Where(r => childIds.Contains(r.ChildId)).Select(r => r.LaCode)
            .Union(db.IndicatorPlans.Where(r => childIds.Contains(r.ChildId)).Select(r => r.LaCode))
            .Union(db.IndicatorReviews.Where(r => childIds.Contains(r.ChildId)).Select(r => r.LaCode))
            .Union(db.IndicatorOutcomes.Where(r => childIds.Contains(r.ChildId)).Select(r => r.LaCode))
            .Union(db.IndicatorWaits.Where(r => childIds.Contains(r.ChildId)).Select(r => r.LaCode))
            .ToListAsync(ct);
        return las.Select(GeographyHierarchy.LeafOf).ToList();
    }

    /// <summary>Every leaf that has had rows, with its counter now.</summary>
    public static async Task<Dictionary<string, long>> ReadAsync(FhirDbContextFactory contexts, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.IndicatorLeafWrites.ToDictionaryAsync(l => l.Leaf, l => l.Writes, StringComparer.Ordinal, ct);
    }
}
