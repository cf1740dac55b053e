namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// Date of birth: exact; partly known but every known part agrees ("2015" against "2015-10-29"); day and month
/// swapped (a US-ordered form, 03/04 against 04/03); exactly one of year, month or day differs (one mistyped field);
/// within 31 days; within a year; the year mistyped in one digit or two swapped digits (2008/2018, 2012/2021) with the
/// day of the year within 31 days; else. A missing year is the null level.
/// </summary>
public sealed class DateOfBirthComparison() : Comparison("date_of_birth",
[
    ComparisonLevel.Null("a date of birth missing"),
    new("exact", "same date of birth", 0.70),
    new("partial", "only partly known; the known parts agree", 0.01),
    new("day_month_swapped", "day and month swapped", 0.02),
    new("one_field_differs", "exactly one of year, month, day differs", 0.08),
    new("within_31_days", "within 31 days", 0.05),
    new("within_1_year", "within 366 days", 0.05),
    new("year_mistyped", "year differs by one digit or a swap of two digits, day of year within 31 days", 0.04),
    new("else", "different", 0.05),
])
{
    public const int Exact = 1, Partial = 2, DayMonthSwapped = 3, OneFieldDiffers = 4, Within31Days = 5, WithinYear = 6,
        YearMistyped = 7, Else = 8;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        if (a.BirthYear == 0 || b.BirthYear == 0)
        {
            return 0;
        }
        var complete = a.BirthDay != 0 && b.BirthDay != 0;
        if (!complete)
        {
            // Compare only what both sides know.
            var agree = a.BirthYear == b.BirthYear
                && (a.BirthMonth == 0 || b.BirthMonth == 0 || a.BirthMonth == b.BirthMonth)
                && (a.BirthDay == 0 || b.BirthDay == 0 || a.BirthDay == b.BirthDay);
            return agree ? Partial : Else;
        }
        var sameYear = a.BirthYear == b.BirthYear;
        var sameMonth = a.BirthMonth == b.BirthMonth;
        var sameDay = a.BirthDay == b.BirthDay;
        if (sameYear && sameMonth && sameDay)
        {
            return Exact;
        }
        if (sameYear && a.BirthDay == b.BirthMonth && a.BirthMonth == b.BirthDay)
        {
            return DayMonthSwapped;
        }
        if ((sameYear ? 1 : 0) + (sameMonth ? 1 : 0) + (sameDay ? 1 : 0) == 2)
        {
            return OneFieldDiffers;
        }
        if (a.BirthDayNumber < 0 || b.BirthDayNumber < 0)
        {
            return Else; // not a real calendar date: nothing finer to say
        }
        var days = Math.Abs(a.BirthDayNumber - b.BirthDayNumber);
        if (days <= 31)
        {
            return Within31Days;
        }
        if (days <= 366)
        {
            return WithinYear;
        }
        if (IsYearTypo(a.BirthYear, b.BirthYear) && DayOfYearDistance(a, b) <= 31)
        {
            return YearMistyped;
        }
        return Else;
    }

    public override string? Describe(PreparedRecord record) => record.Source.BirthDate?.ToString();

    /// <summary>Four-digit years that differ in exactly one digit, or by swapping two neighbouring digits.</summary>
    internal static bool IsYearTypo(int x, int y)
    {
        Span<int> a = [x / 1000 % 10, x / 100 % 10, x / 10 % 10, x % 10];
        Span<int> b = [y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10];
        var first = -1;
        var differing = 0;
        for (var i = 0; i < 4; i++)
        {
            if (a[i] != b[i])
            {
                if (first < 0)
                {
                    first = i;
                }
                differing++;
            }
        }
        return differing == 1
            || (differing == 2 && first < 3 && a[first] == b[first + 1] && a[first + 1] == b[first]);
    }

    /// <summary>Days between the two birthdays within a year (circular: 30 December and 2 January are 3 apart).</summary>
    private static int DayOfYearDistance(PreparedRecord a, PreparedRecord b)
    {
        // Place both on a leap year so 29 February is valid.
        var x = new DateOnly(2000, a.BirthMonth, Math.Min(a.BirthDay, DateTime.DaysInMonth(2000, a.BirthMonth))).DayOfYear;
        var y = new DateOnly(2000, b.BirthMonth, Math.Min(b.BirthDay, DateTime.DaysInMonth(2000, b.BirthMonth))).DayOfYear;
        var d = Math.Abs(x - y);
        return Math.Min(d, 366 - d);
    }
}
