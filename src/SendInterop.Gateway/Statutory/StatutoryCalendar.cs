using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// "Today" for the statutory clock, and when the next sweep is due. Its own <see cref="TimeProvider"/> (the host's by
/// default) so a test can move the statutory day forward months without also expiring every access token.
/// </summary>
public sealed class StatutoryCalendar
{
    private readonly TimeZoneInfo _zone;

    public StatutoryCalendar(TimeProvider clock, IOptions<StatutoryOptions> options)
    {
        Clock = clock;
        _zone = FindZone(options.Value.TimeZone);
    }

    public TimeProvider Clock { get; }

    /// <summary>The calendar day in England now: the "as of" day every timeline is evaluated on.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), _zone).DateTime);

    /// <summary>How long until the next <paramref name="timeOfDay"/> (local), at least one second so a loop cannot spin.</summary>
    public TimeSpan UntilNext(TimeOnly timeOfDay)
    {
        var now = TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), _zone);
        var next = new DateTimeOffset(DateOnly.FromDateTime(now.DateTime).ToDateTime(timeOfDay), now.Offset);
        if (next <= now) next = next.AddDays(1);
        var wait = next - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    /// <summary>An unknown zone id (a host without tz data) falls back to UTC: at most an hour off in summer, never a crash.</summary>
    private static TimeZoneInfo FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
