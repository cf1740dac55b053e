using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>One leaf's stored tallies: the counter it was counted at, when, and the counts (one per indicator of the query).</summary>
internal sealed record LeafCounts(long Writes, long CountedAt, LeafTally[] Indicators)
{
    /// <summary>The counts as stored (<see cref="LeafTallyCodec"/>): what decisions made from them are keyed by (<see cref="StoredDecisions"/>).</summary>
    public byte[] Payload
    {
        get => _payload ??= LeafTallyCodec.Encode(Indicators); // only counts just taken are encoded; stored ones keep their bytes
        init => _payload = value;
    }

    private byte[]? _payload;
}

/// <summary>
/// The pre-aggregated layer under the indicators (ind_tally): each count query's answer per leaf (LA), kept with the
/// leaf's write counter (<see cref="LeafVersions"/>) it was counted at. A report reads its scope's leaves from here and
/// recounts from the projection rows only the leaves written since, so a region's or England's report after a write
/// to one LA scans that LA's rows, not the region's or the country's.
/// </summary>
/// <remarks>
/// Keyed by <see cref="KeyOf"/>: the query's SQL over every leaf and its period parameters, so a change of catalogue,
/// period, provider or payload format is a different key and never reads another's counts. Each key is one row per LA;
/// at most <see cref="StorageOptions.IndicatorStoredQueries"/> keys are kept (<see cref="PruneAsync"/>), so asking for
/// ever new periods cannot grow the table (or ind_decision beside it) without end.
/// </remarks>
internal static class StoredTallies
{
    private const string Table = IndicatorProjectionModel.TallyTable;

    /// <summary>Count queries kept by default: twice <see cref="SqlIndicatorEvaluator.RememberedReports"/>, the most the background refresh keeps current.</summary>
    public const int DefaultMaxQueries = 2 * SqlIndicatorEvaluator.RememberedReports;

    /// <summary>Never replaces a tally with one counted at an older counter (a slower concurrent request, another replica).</summary>
    private const string UpsertSql =
        "INSERT INTO " + Table + " (query_key, leaf, writes, counted_at, payload) VALUES ({0}, {1}, {2}, {3}, {4}) "
        + "ON CONFLICT (query_key, leaf) DO UPDATE SET writes = excluded.writes, counted_at = excluded.counted_at, payload = excluded.payload "
        + "WHERE " + Table + ".writes <= excluded.writes";

    /// <summary>The key of a count query: <paramref name="everyLeaf"/> must be the query over every row (no subject filter).</summary>
    public static string KeyOf(IndicatorQuery everyLeaf)
    {
        var text = new StringBuilder(LeafTallyCodec.Format).Append('\n').Append(everyLeaf.SummarySql());
        foreach (var (name, value) in everyLeaf.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append('\n').Append(name).Append('=').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The stored tallies of <paramref name="leaves"/> (every leaf when null) for one query.</summary>
    public static async Task<Dictionary<string, LeafCounts>> ReadAsync(FhirDbContextFactory contexts, string key, IReadOnlyCollection<string>? leaves, int indicators,
        CancellationToken ct)
    {
        await using var db = contexts.Create();
        var rows = db.IndicatorTallies.Where(t => t.QueryKey == key);
        if (leaves is not null) rows = rows.Where(t => leaves.Contains(t.Leaf));
        var stored = new Dictionary<string, LeafCounts>(StringComparer.Ordinal);
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct))
            stored[row.Leaf] = new LeafCounts(row.Writes, row.CountedAt, LeafTallyCodec.Decode(row.Payload, indicators)) { Payload = row.Payload };
        return stored;
    }

    /// <summary>The counter each stored leaf of one query was counted at (without reading the counts).</summary>
    public static async Task<Dictionary<string, long>> WritesAsync(FhirDbContextFactory contexts, string key, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.IndicatorTallies.Where(t => t.QueryKey == key).Select(t => new { t.Leaf, t.Writes })
            .ToDictionaryAsync(t => t.Leaf, t => t.Writes, StringComparer.Ordinal, ct);
    }

    /// <summary>
    /// Stores freshly counted leaves in one transaction. When that adds a query not stored before, the stored queries are
    /// pruned to <paramref name="maxQueries"/> in the same transaction (<see cref="PruneAsync"/>).
    /// </summary>
    public static async Task WriteAsync(FhirDbContextFactory contexts, string key, IReadOnlyDictionary<string, LeafCounts> counted, int maxQueries,
        CancellationToken ct)
    {
        if (counted.Count == 0) return;
        using var turn = await contexts.TakeWriteTurnAsync(ct);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var known = await db.IndicatorTallies.AnyAsync(t => t.QueryKey == key, ct);
        foreach (var (leaf, counts) in counted.OrderBy(c => c.Key, StringComparer.Ordinal))
            await db.Database.ExecuteSqlRawAsync(UpsertSql, [key, leaf, counts.Writes, counts.CountedAt, counts.Payload], ct);
        if (!known) await PruneAsync(db, maxQueries, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Keeps the <paramref name="maxQueries"/> queries counted most recently (by their newest leaf) and deletes the
    /// others' tallies, then every stored decision whose query has no tallies left. Eviction costs only a recount: a
    /// query asked again is counted from the projection rows and stored anew. Runs only when a new query is stored, so
    /// its scan of the keys is not paid by reports of queries already kept.
    /// </summary>
    private static async Task PruneAsync(FhirDbContext db, int maxQueries, CancellationToken ct)
    {
        var evicted = await db.IndicatorTallies.GroupBy(t => t.QueryKey)
            .Select(g => new { Key = g.Key, Newest = g.Max(t => t.CountedAt) })
            .OrderByDescending(g => g.Newest).ThenBy(g => g.Key)
            .Skip(maxQueries).Select(g => g.Key).ToListAsync(ct);
        if (evicted.Count == 0) return;
        await db.IndicatorTallies.Where(t => evicted.Contains(t.QueryKey)).ExecuteDeleteAsync(ct);
        // Decisions are stored after their query's tallies, so one may outlive an eviction that ran in between: every
        // decision without tallies goes, not only those of the keys evicted now.
        await db.IndicatorDecisions.Where(d => !db.IndicatorTallies.Any(t => t.QueryKey == d.QueryKey)).ExecuteDeleteAsync(ct);
    }
}
