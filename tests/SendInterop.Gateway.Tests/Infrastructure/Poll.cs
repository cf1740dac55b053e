using System.Diagnostics;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>Waits for background work (projections, batches) to show: polls a condition, and fails with a message after a limit.</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, failure);
            await Task.Delay(50);
        }
    }
}
