using Hl7.Fhir.Model;

namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// FHIR date, dateTime and instant values as instants. A partial value (<c>2019</c>, <c>2019-05</c>,
/// <c>2019-05-03</c>) starts at the first instant of that period, in UTC, and a period end includes the whole of its
/// precision (FHIR: a Period ending <c>2012-02-03</c> contains <c>2012-02-03T10:00:00</c>).
/// </summary>
internal static class FhirInstants
{
    /// <summary>The first instant of the value, or null when it is missing or not a date.</summary>
    public static DateTimeOffset? Start(string? value) =>
        value is not null && new FhirDateTime(value).TryToDateTimeOffset(TimeSpan.Zero, out var start) ? start : null;

    /// <summary>The last instant the value covers, or null when it is missing or not a date.</summary>
    public static DateTimeOffset? End(string? value)
    {
        if (Start(value) is not { } start) return null;
        DateTimeOffset next = value!.Length switch
        {
            4 => start.AddYears(1),
            7 => start.AddMonths(1),
            10 => start.AddDays(1),
            // A time with whole seconds covers that second; with a fraction, exactly that instant.
            _ when !value.Contains('.') => start.AddSeconds(1),
            _ => start.AddTicks(1),
        };
        return next.AddTicks(-1);
    }

    /// <summary>The instant a date-like element holds (dateTime, date, instant, or a Period's start); null otherwise.</summary>
    public static DateTimeOffset? Of(object? element) => element switch
    {
        FhirDateTime dateTime => Start(dateTime.Value),
        Date date => Start(date.Value),
        Instant instant => instant.Value,
        Period period => Start(period.Start),
        _ => null,
    };

    /// <summary>A FHIR Period as a range; null when it is missing or has neither a start nor an end.</summary>
    public static TimeRange? RangeOf(Period? period)
    {
        if (period is null) return null;
        var start = Start(period.Start);
        var end = End(period.End);
        return start is null && end is null ? null : new TimeRange(start, end);
    }
}
