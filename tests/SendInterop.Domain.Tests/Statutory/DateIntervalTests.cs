using SendInterop.Domain.Statutory;
using static SendInterop.Domain.Tests.Statutory.Days;

namespace SendInterop.Domain.Tests.Statutory;

public class DateIntervalTests
{
    [Fact]
    public void Both_ends_count()
    {
        Assert.Equal(29, new DateInterval(D("2025-02-01"), D("2025-03-01")).Days);
        Assert.Equal(1, new DateInterval(D("2025-02-01"), D("2025-02-01")).Days);
        Assert.Throws<ArgumentException>(() => new DateInterval(D("2025-02-02"), D("2025-02-01")));
    }

    [Fact]
    public void Union_merges_overlapping_and_touching_runs_and_keeps_gaps()
    {
        var union = DateInterval.Union(
        [
            new(D("2025-03-10"), D("2025-04-10")),
            new(D("2025-03-01"), D("2025-03-20")),
            new(D("2025-04-11"), D("2025-04-12")), // touches
            new(D("2025-04-14"), D("2025-04-15")), // gap of one day (13th)
        ]);

        Assert.Equal([new DateInterval(D("2025-03-01"), D("2025-04-12")), new DateInterval(D("2025-04-14"), D("2025-04-15"))], union);
    }
}
