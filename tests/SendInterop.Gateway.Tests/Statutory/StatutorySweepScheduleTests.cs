using SendInterop.Gateway.Statutory;
using SendInterop.Storage.Scheduling;

namespace SendInterop.Gateway.Tests.Statutory;

/// <summary>
/// The start-up sweep runs at most once a statutory day: a completed sweep is recorded in the database, and a start on the
/// same day finds the record and skips; the next day it runs again.
/// </summary>
[Collection("sqlite")]
public sealed class StatutorySweepScheduleTests(StatutoryGateway gateway) : IClassFixture<StatutoryGateway>
{
    [Fact]
    public async Task A_start_on_a_day_whose_sweep_completed_skips_it_and_the_next_day_sweeps()
    {
        var day = new DateOnly(2026, 4, 14);
        gateway.Clock.SetDay(day);
        var la = gateway.As(StatutoryGateway.La);
        var child = await new EhcRecord(la).ChildAsync();
        await new EhcRecord(la).RequestAsync(child, day.AddDays(-3));

        var first = await gateway.Get<StatutorySweep>().RunUnlessDoneTodayAsync(default);
        Assert.NotNull(first);
        Assert.True(first.Children >= 1);
        Assert.Equal(day, await gateway.Get<ScheduledRunStore>().LastDayAsync(StatutorySweep.RunName));

        Assert.Null(await gateway.Get<StatutorySweep>().RunUnlessDoneTodayAsync(default));

        gateway.Clock.SetDay(day.AddDays(1));
        var next = await gateway.Get<StatutorySweep>().RunUnlessDoneTodayAsync(default);
        Assert.NotNull(next);
        Assert.Equal(day.AddDays(1), next.AsOf);
        Assert.Equal(day.AddDays(1), await gateway.Get<ScheduledRunStore>().LastDayAsync(StatutorySweep.RunName));
    }
}
