using Microsoft.Extensions.Options;
using SendInterop.Gateway.Statutory;

namespace SendInterop.Gateway.Tests.Statutory;

/// <summary>The statutory day is the English calendar day, and the daily sweep waits for the next local sweep time.</summary>
public sealed class StatutoryCalendarTests
{
    private static StatutoryCalendar At(DateTimeOffset utc, string zone = "Europe/London") =>
        new(new SettableClock(utc), Options.Create(new StatutoryOptions { TimeZone = zone }));

    [Fact]
    public void Just_after_midnight_in_summer_time_is_already_the_next_day_in_england()
    {
        Assert.Equal(new DateOnly(2026, 7, 1), At(new DateTimeOffset(2026, 6, 30, 23, 30, 0, TimeSpan.Zero)).Today);
        Assert.Equal(new DateOnly(2026, 12, 31), At(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero)).Today);
    }

    [Fact]
    public void The_next_sweep_is_at_the_local_time_today_or_else_tomorrow()
    {
        var calendar = At(new DateTimeOffset(2026, 7, 1, 0, 30, 0, TimeSpan.Zero)); // 01:30 BST
        Assert.Equal(TimeSpan.FromHours(1), calendar.UntilNext(new TimeOnly(2, 30)));
        Assert.Equal(TimeSpan.FromHours(23), calendar.UntilNext(new TimeOnly(0, 30)));
    }

    [Fact]
    public void An_unknown_time_zone_falls_back_to_utc() =>
        Assert.Equal(new DateOnly(2026, 6, 30), At(new DateTimeOffset(2026, 6, 30, 23, 30, 0, TimeSpan.Zero), "Nowhere/Atlantis").Today);
}
