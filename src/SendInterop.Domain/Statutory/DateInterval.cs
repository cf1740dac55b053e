namespace SendInterop.Domain.Statutory;

/// <summary>
/// A run of whole days, both ends included (a family away "from 1 to 28 February" is away on 28 days). The clock
/// works in days, never in instants: every statutory limit here is counted in calendar days, weeks or months.
/// </summary>
public readonly record struct DateInterval
{
    public DateInterval(DateOnly first, DateOnly last)
    {
        if (last < first) throw new ArgumentException($"An interval cannot end ({last:yyyy-MM-dd}) before it starts ({first:yyyy-MM-dd}).", nameof(last));
        First = first;
        Last = last;
    }

    public DateOnly First { get; }

    public DateOnly Last { get; }

    /// <summary>Number of days in the interval (a single day counts 1).</summary>
    public int Days => Last.DayNumber - First.DayNumber + 1;

    public bool Contains(DateOnly day) => day >= First && day <= Last;

    public bool Overlaps(DateInterval other) => First <= other.Last && other.First <= Last;

    /// <summary>The days both intervals share, or null when they share none.</summary>
    public DateInterval? Intersect(DateInterval other)
    {
        var first = First > other.First ? First : other.First;
        var last = Last < other.Last ? Last : other.Last;
        return first <= last ? new DateInterval(first, last) : null;
    }

    /// <summary>
    /// Merges overlapping and touching intervals (1-14 and 15-28 become 1-28), so a day covered twice is counted once
    /// and "continuous" periods are measured as a whole.
    /// </summary>
    public static IReadOnlyList<DateInterval> Union(IEnumerable<DateInterval> intervals)
    {
        var merged = new List<DateInterval>();
        foreach (var interval in intervals.OrderBy(i => i.First).ThenBy(i => i.Last))
        {
            if (merged.Count > 0 && interval.First.DayNumber <= merged[^1].Last.DayNumber + 1)
            {
                var last = merged[^1];
                merged[^1] = new DateInterval(last.First, interval.Last > last.Last ? interval.Last : last.Last);
            }
            else
            {
                merged.Add(interval);
            }
        }

        return merged;
    }

    public override string ToString() => $"{First:yyyy-MM-dd}..{Last:yyyy-MM-dd}";
}
