using System.Globalization;

namespace SendInterop.Domain.Search;

/// <summary>
/// A FHIR date, dateTime or instant as the inclusive range of UTC instants it covers: "2024" covers the whole year,
/// "2024-03-05" the whole day. Search compares ranges, as the R4 search rules require for partial dates.
/// </summary>
public readonly record struct FhirDateRange(DateTime Start, DateTime End)
{
    public long StartTicks => Start.Ticks;
    public long EndTicks => End.Ticks;

    /// <summary>Parses yyyy, yyyy-MM, yyyy-MM-dd, or a dateTime with or without offset (no offset: UTC).</summary>
    public static bool TryParse(string? value, out FhirDateRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(value)) return false;
        value = value.Trim();
        var inv = CultureInfo.InvariantCulture;
        try
        {
            switch (value.Length)
            {
                case 4 when int.TryParse(value, NumberStyles.None, inv, out var y) && y >= 1:
                    var ys = new DateTime(y, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                    range = new(ys, ys.AddYears(1).AddTicks(-1));
                    return true;
                case 7 when DateTime.TryParseExact(value, "yyyy-MM", inv, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var m):
                    var ms = DateTime.SpecifyKind(m, DateTimeKind.Utc);
                    range = new(ms, ms.AddMonths(1).AddTicks(-1));
                    return true;
                case 10 when DateTime.TryParseExact(value, "yyyy-MM-dd", inv, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d):
                    var ds = DateTime.SpecifyKind(d, DateTimeKind.Utc);
                    range = new(ds, ds.AddDays(1).AddTicks(-1));
                    return true;
            }
            if (value.Length > 10 && value[10] == 'T' &&
                DateTimeOffset.TryParse(value, inv, DateTimeStyles.AssumeUniversal, out var dto))
            {
                var utc = dto.UtcDateTime;
                // Precision to the second when no fraction is given: the instant covers that second.
                var hasFraction = value.Contains('.');
                var hasSeconds = value.Length >= 19 && value[16] == ':';
                var end = hasFraction ? utc : hasSeconds ? utc.AddSeconds(1).AddTicks(-1) : utc.AddMinutes(1).AddTicks(-1);
                range = new(utc, end);
                return true;
            }
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
        return false;
    }

    public static FhirDateRange? FromPeriod(string? start, string? end)
    {
        var s = TryParse(start, out var rs) ? rs.Start : (DateTime?)null;
        var e = TryParse(end, out var re) ? re.End : (DateTime?)null;
        if (s is null && e is null) return null;
        return new FhirDateRange(s ?? DateTime.MinValue, e ?? DateTime.MaxValue);
    }
}
