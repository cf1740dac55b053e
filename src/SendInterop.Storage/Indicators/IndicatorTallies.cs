using System.Data.Common;
using System.Globalization;
using SendInterop.Domain.Indicators;

namespace SendInterop.Storage.Indicators;

/// <summary>Sums of one group of rows: the counts, the observation sum and count, and when the rows were projected.</summary>
internal sealed class Tally
{
    /// <summary>ip, c_den, c_excl, c_num, c_mp, c_mpe, obs_sum, obs_n (one indicator's eight summary columns).</summary>
    public long[] Values { get; } = new long[8];

    public long? MinAt { get; set; }

    public long? MaxAt { get; set; }

    public static Tally Read(DbDataReader reader, int first, int minAt)
    {
        var tally = new Tally();
        for (var i = 0; i < 8; i++) tally.Values[i] = Int64(reader, first + i);
        tally.MinAt = Int64OrNull(reader, minAt);
        tally.MaxAt = Int64OrNull(reader, minAt + 1);
        return tally;
    }

    public static Tally Sum(IEnumerable<Tally> tallies)
    {
        var sum = new Tally();
        foreach (var t in tallies) sum.Add(t);
        return sum;
    }

    public void Add(Tally other)
    {
        for (var i = 0; i < 8; i++) Values[i] += other.Values[i];
        if (other.MinAt is { } min && (MinAt is null || min < MinAt)) MinAt = min;
        if (other.MaxAt is { } max && (MaxAt is null || max > MaxAt)) MaxAt = max;
    }

    private static long Int64(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static long? Int64OrNull(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);
}

/// <summary>One leaf's (LA's) total and strata, for one indicator.</summary>
internal sealed class LeafTally
{
    public Tally Total { get; } = new();

    public SortedDictionary<(string Stratifier, string Stratum), Tally> Strata { get; } = new();

    public Tally Stratum(string stratifier, string stratum)
    {
        if (!Strata.TryGetValue((stratifier, stratum), out var tally)) Strata[(stratifier, stratum)] = tally = new Tally();
        return tally;
    }

    public IndicatorResult Result(IndicatorQuery query, int i, ReportingPeriod period) =>
        new(query.Indicators[i], period, ReportSubject.England, SqlIndicatorEvaluator.Result(query, i, Total, null),
            query.Indicators[i].Stratifiers.Where(s => s.Code != Stratifiers.LocalAuthority.Code)
                .Select(s => new StratifierResult(s, Strata.Where(x => x.Key.Stratifier == s.Code)
                    .Select(x => new StratumResult(x.Key.Stratum, SqlIndicatorEvaluator.Result(query, i, x.Value, null))).ToList()))
                .ToList());
}

/// <summary>
/// The bytes a leaf's stored tallies (<see cref="StoredTallies"/>) are kept as: for each indicator of the query, its
/// total and every stratum, integers 7-bit encoded (most counts are small, many are zero). Only this class reads or
/// writes the format; <see cref="Format"/> is part of every tally key, so a change of format is a new key, never a misread.
/// </summary>
internal static class LeafTallyCodec
{
    public const string Format = "leaf-tally-v1";

    public static byte[] Encode(IReadOnlyList<LeafTally> indicators)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream))
        {
            w.Write7BitEncodedInt(indicators.Count);
            foreach (var leaf in indicators)
            {
                Write(w, leaf.Total);
                w.Write7BitEncodedInt(leaf.Strata.Count);
                foreach (var ((stratifier, stratum), tally) in leaf.Strata)
                {
                    w.Write(stratifier);
                    w.Write(stratum);
                    Write(w, tally);
                }
            }
        }

        return stream.ToArray();
    }

    /// <summary>The leaf's tallies, one per indicator (none: the leaf had no rows); <paramref name="indicators"/> guards against a payload of another shape.</summary>
    public static LeafTally[] Decode(byte[] payload, int indicators)
    {
        using var r = new BinaryReader(new MemoryStream(payload, writable: false));
        var count = r.Read7BitEncodedInt();
        if (count == 0) return []; // the leaf had no rows in the query's initial population
        if (count != indicators) throw new InvalidDataException($"A stored tally holds {count} indicators where its query counts {indicators}.");
        var leaves = new LeafTally[count];
        for (var i = 0; i < count; i++)
        {
            var leaf = leaves[i] = new LeafTally();
            Read(r, leaf.Total);
            var strata = r.Read7BitEncodedInt();
            for (var s = 0; s < strata; s++)
            {
                var stratifier = r.ReadString();
                var stratum = r.ReadString();
                Read(r, leaf.Stratum(stratifier, stratum));
            }
        }

        return leaves;
    }

    private static void Write(BinaryWriter w, Tally tally)
    {
        foreach (var v in tally.Values) w.Write7BitEncodedInt64(v);
        WriteOptional(w, tally.MinAt);
        WriteOptional(w, tally.MaxAt);
    }

    private static void Read(BinaryReader r, Tally tally)
    {
        for (var i = 0; i < 8; i++) tally.Values[i] = r.Read7BitEncodedInt64();
        tally.MinAt = ReadOptional(r);
        tally.MaxAt = ReadOptional(r);
    }

    private static void WriteOptional(BinaryWriter w, long? value)
    {
        w.Write(value.HasValue);
        if (value is { } v) w.Write7BitEncodedInt64(v);
    }

    private static long? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.Read7BitEncodedInt64() : null;
}
