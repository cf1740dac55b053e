using System.Globalization;

namespace SendInterop.Domain.Identity.Linkage;

/// <summary>
/// A date of birth that may be known only in part: FHIR allows "2015", "2015-10" or "2015-10-29", and agency systems
/// hold all three (an unborn or newly referred child, an estimated age). A missing part is unknown, not a mismatch.
/// </summary>
public readonly record struct PartialDate(int? Year, int? Month, int? Day)
{
    /// <summary>True when year, month and day are all known.</summary>
    public bool IsComplete => Year is not null && Month is not null && Day is not null;

    /// <summary>Days since 0001-01-01 when complete and a real calendar date; otherwise null.</summary>
    public int? DayNumber =>
        IsComplete && Month is >= 1 and <= 12 && Day >= 1 && Year is >= 1 and <= 9999 && Day <= DateTime.DaysInMonth(Year.Value, Month.Value)
            ? new DateOnly(Year.Value, Month.Value, Day.Value).DayNumber
            : null;

    public static PartialDate From(DateOnly date) => new(date.Year, date.Month, date.Day);

    /// <summary>Reads "YYYY", "YYYY-MM" or "YYYY-MM-DD" (FHIR date); null for anything else or empty input.</summary>
    public static PartialDate? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var parts = text.Trim().Split('-');
        if (parts.Length is < 1 or > 3 || parts[0].Length != 4)
        {
            return null;
        }
        int? Read(int i, int min, int max) =>
            i < parts.Length && int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
                ? v
                : null;
        var year = Read(0, 1, 9999);
        var month = Read(1, 1, 12);
        var day = Read(2, 1, 31);
        if (year is null || (parts.Length > 1 && month is null) || (parts.Length > 2 && day is null))
        {
            return null;
        }
        return new PartialDate(year, month, day);
    }

    public override string ToString() =>
        (Year, Month, Day) switch
        {
            (int y, int m, int d) => $"{y:D4}-{m:D2}-{d:D2}",
            (int y, int m, null) => $"{y:D4}-{m:D2}",
            (int y, _, _) => $"{y:D4}",
            _ => "",
        };
}
