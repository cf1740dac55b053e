using System.Numerics;

namespace SendInterop.Bench;

/// <summary>
/// Log-linear latency histogram in microseconds: exact below 128 us, then 64 sub-buckets per power of two
/// (relative error under 1.6 %). Not thread-safe: each worker owns its own and they are merged at the end.
/// </summary>
public sealed class Histogram
{
    private const int Linear = 128;
    private const int SubBuckets = 64;
    private const int Octaves = 40; // up to 2^47 us: far beyond any timeout
    private readonly long[] _counts = new long[Linear + Octaves * SubBuckets];

    public long Count { get; private set; }
    public long MinUs { get; private set; } = long.MaxValue;
    public long MaxUs { get; private set; }
    public double SumUs { get; private set; }

    public void Record(long us)
    {
        if (us < 0) us = 0;
        _counts[Index(us)]++;
        Count++;
        SumUs += us;
        if (us < MinUs) MinUs = us;
        if (us > MaxUs) MaxUs = us;
    }

    public void Merge(Histogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        SumUs += other.SumUs;
        if (other.Count > 0)
        {
            MinUs = Math.Min(MinUs, other.MinUs);
            MaxUs = Math.Max(MaxUs, other.MaxUs);
        }
    }

    /// <summary>Value at percentile p (0-100) in milliseconds; NaN when empty.</summary>
    public double PercentileMs(double p)
    {
        if (Count == 0) return double.NaN;
        var target = (long)Math.Ceiling(p / 100.0 * Count);
        if (target < 1) target = 1;
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= target)
            {
                var lo = Lower(i);
                var hi = Lower(i + 1) - 1;
                var mid = i < Linear ? lo : (lo + hi) / 2.0;
                return Math.Clamp(mid, MinUs, MaxUs) / 1000.0;
            }
        }
        return MaxUs / 1000.0;
    }

    public double MeanMs => Count == 0 ? double.NaN : SumUs / Count / 1000.0;

    private static int Index(long v)
    {
        if (v < Linear) return (int)v;
        var e = 63 - BitOperations.LeadingZeroCount((ulong)v); // >= 7
        var shift = e - 6;
        var sub = (int)(v >> shift); // 64..127
        var idx = Linear + (e - 7) * SubBuckets + (sub - SubBuckets);
        return Math.Min(idx, Linear + Octaves * SubBuckets - 1);
    }

    private static long Lower(int idx)
    {
        if (idx < Linear) return idx;
        var k = idx - Linear;
        var e = k / SubBuckets + 7;
        long sub = k % SubBuckets + SubBuckets;
        return sub << (e - 6);
    }
}

/// <summary>Per-worker recorder: one histogram and error count per operation key ("GET Patient").</summary>
public sealed class Recorder
{
    public Dictionary<string, Histogram> Ops { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);
    public long Exceptions { get; set; }

    public void Ok(string op, long us) => Hist(op).Record(us);

    public void Fail(string op, long us)
    {
        Hist(op).Record(us);
        Errors[op] = Errors.GetValueOrDefault(op) + 1;
    }

    public void Exception(string op)
    {
        Errors[op] = Errors.GetValueOrDefault(op) + 1;
        Exceptions++;
    }

    private Histogram Hist(string op)
    {
        if (!Ops.TryGetValue(op, out var h)) Ops[op] = h = new Histogram();
        return h;
    }

    public static Recorder MergeAll(IEnumerable<Recorder> all)
    {
        var m = new Recorder();
        foreach (var r in all)
        {
            foreach (var (k, h) in r.Ops) m.Hist(k).Merge(h);
            foreach (var (k, n) in r.Errors) m.Errors[k] = m.Errors.GetValueOrDefault(k) + n;
            m.Exceptions += r.Exceptions;
        }
        return m;
    }
}
