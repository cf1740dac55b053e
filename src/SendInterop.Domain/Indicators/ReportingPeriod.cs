using System.Globalization;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// One reporting period: the activity days (both ends included) and the reference date. SEN2's year 2025 return counts
/// activity from 1 January to 31 December 2024 and the caseload on the census day, 16 January 2025 (SEN2.md 0).
/// Snapshot indicators count on <see cref="ReferenceDate"/>; activity indicators over <see cref="Start"/>..<see cref="End"/>.
/// Every age band is the age on <see cref="ReferenceDate"/>, whatever the indicator (see <see cref="AgeBands"/>).
/// </summary>
public sealed record ReportingPeriod
{
    public ReportingPeriod(DateOnly start, DateOnly end, DateOnly referenceDate)
    {
        if (end < start) throw new ArgumentException("A reporting period cannot end before it starts.", nameof(end));
        if (referenceDate < end) throw new ArgumentException("The reference date is on or after the end of the activity period.", nameof(referenceDate));
        Start = start;
        End = end;
        ReferenceDate = referenceDate;
    }

    /// <summary>First day of the activity period.</summary>
    public DateOnly Start { get; }

    /// <summary>Last day of the activity period (included).</summary>
    public DateOnly End { get; }

    /// <summary>The snapshot day: SEN2's census day for a SEN2 year.</summary>
    public DateOnly ReferenceDate { get; }

    /// <summary>Whether a day falls in the activity period, both ends included.</summary>
    public bool Contains(DateOnly day) => day >= Start && day <= End;

    /// <summary>Whether a nullable day falls in the activity period (a missing day never does).</summary>
    public bool Contains(DateOnly? day) => day is { } d && Contains(d);

    /// <summary>
    /// SEN2 collection year <paramref name="year"/>: activity in calendar year <paramref name="year"/> − 1, reference date
    /// the census day (the third Thursday of January, which matches the published days 2024-01-18, 2025-01-16,
    /// 2026-01-15 and 2027-01-21; SEN2.md 0).
    /// </summary>
    public static ReportingPeriod Sen2Year(int year) =>
        new(new DateOnly(year - 1, 1, 1), new DateOnly(year - 1, 12, 31), CensusDay(year));

    /// <summary>The third Thursday of January of <paramref name="year"/>.</summary>
    public static DateOnly CensusDay(int year)
    {
        var first = new DateOnly(year, 1, 1);
        var toThursday = ((int)DayOfWeek.Thursday - (int)first.DayOfWeek + 7) % 7;
        return first.AddDays(toThursday + 14);
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd} (reference {ReferenceDate:yyyy-MM-dd})");
}
