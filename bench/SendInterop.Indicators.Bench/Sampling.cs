namespace SendInterop.Indicators.Bench;

/// <summary>Seeded draws: every distribution of the population goes through one <see cref="Random"/> per LA, so a seed gives the same rows.</summary>
public static class Sampling
{
    public static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    public static bool Chance(Random r, double p) => r.NextDouble() < p;

    public static int Between(Random r, int minInclusive, int maxInclusive) => r.Next(minInclusive, maxInclusive + 1);

    public static DateOnly DayBetween(Random r, DateOnly first, DateOnly last) => first.AddDays(r.Next(0, last.DayNumber - first.DayNumber + 1));

    /// <summary>Stochastic rounding of an expected count (a 0.3-plan LA at a small scale still gets a plan 30 % of the time).</summary>
    public static int Round(Random r, double expected) => (int)Math.Floor(expected) + (Chance(r, expected - Math.Floor(expected)) ? 1 : 0);
}

/// <summary>A categorical distribution: values with relative weights (need not sum to 1).</summary>
public sealed class Weighted<T>
{
    private readonly T[] _values;
    private readonly double[] _cumulative;

    public Weighted(params (T Value, double Weight)[] items)
    {
        _values = items.Select(i => i.Value).ToArray();
        _cumulative = new double[items.Length];
        double sum = 0;
        for (var i = 0; i < items.Length; i++) _cumulative[i] = sum += items[i].Weight;
    }

    public T Draw(Random r)
    {
        var x = r.NextDouble() * _cumulative[^1];
        var i = Array.BinarySearch(_cumulative, x);
        return _values[i < 0 ? ~i : Math.Min(i + 1, _values.Length - 1)];
    }
}
