using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>
/// The suppression decided for a scope, kept beside the stored tallies (ind_decision). Deciding a region's suppression
/// (<see cref="HierarchicalSuppression"/>: an attack on every cell of every LA, repeated after each cell withheld) costs
/// more than reading its counts, and its answer depends only on the counts and on which group each LA is in, so it is
/// kept under a hash of exactly those and the rules' version (<see cref="HashOf"/>) and reused by any report, replica or
/// restart that reads the same counts. Counts that differ by one child give another hash, and the decisions are made again.
/// </summary>
internal static class StoredDecisions
{
    private const string Table = IndicatorProjectionModel.DecisionTable;
    private const string Format = "decisions-v2";

    private const string UpsertSql =
        "INSERT INTO " + Table + " (query_key, scope, counts_hash, payload) VALUES ({0}, {1}, {2}, {3}) "
        + "ON CONFLICT (query_key, scope) DO UPDATE SET counts_hash = excluded.counts_hash, payload = excluded.payload";

    /// <summary>
    /// What decisions over <paramref name="scope"/> are a function of: the rules (<see cref="HierarchicalSuppression.Version"/>),
    /// the scope, and per indicator each leaf's group in the hierarchy and its counts (total and strata), leaves in code order.
    /// Not when the rows were projected: a child projected again unchanged gives the same hash, and nothing is decided again.
    /// </summary>
    public static string HashOf(string scope, GeographyHierarchy hierarchy, IReadOnlyList<SortedDictionary<string, LeafTally>> leaves)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The header, then each indicator as it is written out (the same bytes as one buffer: SHA-256 is incremental).
        hash.AppendData(Encoding.UTF8.GetBytes($"{Format}\n{HierarchicalSuppression.Version}\n{scope}\n"));
        var text = new StringBuilder();
        foreach (var indicator in leaves)
        {
            text.Append("indicator\n");
            foreach (var (leaf, tally) in indicator)
            {
                text.Append(leaf).Append('\n').Append(hierarchy.GroupOf(leaf)).Append('\n');
                Counts(text, tally.Total);
                foreach (var ((stratifier, stratum), counts) in tally.Strata)
                {
                    text.Append(stratifier).Append('\t').Append(stratum).Append('\t');
                    Counts(text, counts);
                }
            }

            hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
            text.Clear();
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Counts(StringBuilder text, Tally tally) =>
        text.AppendJoin(',', tally.Values).Append('\n');

    /// <summary>The decisions stored for the scope, per indicator, when they were made from counts with this hash; otherwise null.</summary>
    public static async Task<SuppressionDecisions[]?> ReadAsync(FhirDbContextFactory contexts, string key, string scope, string countsHash, int indicators,
        CancellationToken ct)
    {
        await using var db = contexts.Create();
        var row = await db.IndicatorDecisions.Where(d => d.QueryKey == key && d.Scope == scope && d.CountsHash == countsHash)
            .Select(d => d.Payload).FirstOrDefaultAsync(ct);
        return row is null ? null : Decode(row, indicators);
    }

    public static async Task WriteAsync(FhirDbContextFactory contexts, string key, string scope, string countsHash, IReadOnlyList<SuppressionDecisions> decisions,
        CancellationToken ct)
    {
        using var turn = await contexts.TakeWriteTurnAsync(ct);
        await using var db = contexts.Create();
        await db.Database.ExecuteSqlRawAsync(UpsertSql, [key, scope, countsHash, Encode(decisions)], ct);
    }

    private static byte[] Encode(IReadOnlyList<SuppressionDecisions> decisions)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write7BitEncodedInt(decisions.Count);
            foreach (var d in decisions)
            {
                var cells = d.Cells.ToList();
                w.Write7BitEncodedInt(cells.Count);
                foreach (var (area, stratifier, stratum, kind, reason) in cells)
                {
                    w.Write(area);
                    w.Write(stratifier);
                    w.Write(stratum);
                    w.Write7BitEncodedInt((int)kind);
                    w.Write7BitEncodedInt((int)reason);
                }
            }
        }

        return stream.ToArray();
    }

    private static SuppressionDecisions[] Decode(byte[] payload, int indicators)
    {
        using var r = new BinaryReader(new MemoryStream(payload, writable: false));
        var count = r.Read7BitEncodedInt();
        if (count != indicators) throw new InvalidDataException($"Stored decisions hold {count} indicators where their query counts {indicators}.");
        var result = new SuppressionDecisions[count];
        for (var i = 0; i < count; i++)
        {
            var cells = new (string, string, string, PopulationKind, SuppressionReason)[r.Read7BitEncodedInt()];
            for (var c = 0; c < cells.Length; c++)
                cells[c] = (r.ReadString(), r.ReadString(), r.ReadString(), (PopulationKind)r.Read7BitEncodedInt(), (SuppressionReason)r.Read7BitEncodedInt());
            result[i] = SuppressionDecisions.Restore(cells);
        }

        return result;
    }
}
