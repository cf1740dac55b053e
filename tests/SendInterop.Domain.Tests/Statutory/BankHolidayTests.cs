using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

/// <summary>
/// The England and Wales table against the Banking and Financial Dealings Act 1971 rules, computed here independently
/// (Easter by the anonymous Gregorian algorithm), plus the one-off proclamations.
/// </summary>
public class BankHolidayTests
{
    [Theory]
    [InlineData("2022-09-19", true)]  // State Funeral of Queen Elizabeth II
    [InlineData("2022-06-02", true)]  // spring holiday moved
    [InlineData("2022-06-03", true)]  // Platinum Jubilee
    [InlineData("2022-05-30", false)] // the usual last Monday of May, not a holiday that year
    [InlineData("2020-05-08", true)]  // VE Day 75
    [InlineData("2020-05-04", false)] // the usual first Monday of May, moved
    [InlineData("2023-05-08", true)]  // Coronation
    [InlineData("2025-05-26", true)]  // spring
    [InlineData("2026-04-06", true)]  // Easter Monday
    [InlineData("2026-12-28", true)]  // Boxing Day (Saturday) substitute
    [InlineData("2026-12-26", false)] // Saturday: not itself the bank holiday
    [InlineData("2027-12-27", true)]  // Christmas (Saturday) substitute
    [InlineData("2028-01-03", true)]  // New Year's Day (Saturday) substitute
    public void Known_days(string day, bool holiday) => Assert.Equal(holiday, BankHolidays.IsBankHoliday(D(day)));

    [Fact]
    public void Every_year_follows_the_standing_rules_except_the_proclaimed_changes()
    {
        var moved = new[] { D("2020-05-04"), D("2022-05-30") };
        var added = new[] { D("2020-05-08"), D("2022-06-02"), D("2022-06-03"), D("2022-09-19"), D("2023-05-08") };
        var expected = Enumerable.Range(BankHolidays.FirstYear, BankHolidays.LastYear - BankHolidays.FirstYear + 1)
            .SelectMany(StandingRules).Except(moved).Concat(added).Order().ToList();

        Assert.Equal(expected, BankHolidays.All);
        Assert.Equal(16 * 8 + 2 + 1, BankHolidays.All.Count); // 8 a year; 2022 has two more, 2023 one more
    }

    [Fact]
    public void Working_days_skip_weekends_and_holidays()
    {
        Assert.True(BankHolidays.IsWorkingDay(D("2025-12-24")));
        Assert.False(BankHolidays.IsWorkingDay(D("2025-12-26")));
        // Thursday 25 and Friday 26 December 2025 are holidays, then a weekend: Monday 29.
        Assert.Equal(D("2025-12-29"), BankHolidays.OnOrNextWorkingDay(D("2025-12-25")));
        Assert.Equal(D("2025-12-24"), BankHolidays.OnOrNextWorkingDay(D("2025-12-24")));
    }

    [Fact]
    public void Outside_the_table_it_refuses_to_guess()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BankHolidays.IsBankHoliday(D("2031-01-01")));
        Assert.Throws<ArgumentOutOfRangeException>(() => BankHolidays.IsBankHoliday(D("2014-12-25")));
    }

    /// <summary>1971 Act Schedule 1 with weekend substitution, as a second, independent statement of the rules.</summary>
    private static IEnumerable<DateOnly> StandingRules(int year)
    {
        var easter = Easter(year);
        DateOnly FirstMonday(int month) => Enumerable.Range(1, 7).Select(d => new DateOnly(year, month, d)).First(d => d.DayOfWeek == DayOfWeek.Monday);
        DateOnly LastMonday(int month) => Enumerable.Range(0, 7).Select(i => new DateOnly(year, month, DateTime.DaysInMonth(year, month)).AddDays(-i)).First(d => d.DayOfWeek == DayOfWeek.Monday);
        static DateOnly Weekday(DateOnly d) => d.DayOfWeek switch { DayOfWeek.Saturday => d.AddDays(2), DayOfWeek.Sunday => d.AddDays(1), _ => d };

        yield return Weekday(new DateOnly(year, 1, 1));
        yield return easter.AddDays(-2);
        yield return easter.AddDays(1);
        yield return FirstMonday(5);
        yield return LastMonday(5);
        yield return LastMonday(8);
        var christmas = new DateOnly(year, 12, 25);
        var boxing = new DateOnly(year, 12, 26);
        // Both fall on the weekend together or one of them does: the substitutes are the next weekdays not already taken.
        var c = Weekday(christmas);
        var b = Weekday(boxing);
        if (b <= c) b = Weekday(c.AddDays(1));
        yield return c;
        yield return b;
    }

    private static DateOnly Easter(int y)
    {
        int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(y, month, day);
    }
}
