namespace SendInterop.Gateway.Tests.Dashboard;

/// <summary>
/// The dashboard in real headless Chromium (issue #5 point 7): one browser run per class (<see cref="DashboardBrowserGateway"/>),
/// one test per check, so a failure names what broke and shows what the browser saw.
/// </summary>
[Collection("dashboard-browser")]
public sealed class DashboardBrowserTests(DashboardBrowserGateway gateway) : IClassFixture<DashboardBrowserGateway>
{
    [Theory]
    [InlineData("page-loads")]
    [InlineData("signed-in")]
    [InlineData("token-memory-only")]
    [InlineData("charts-render")]
    [InlineData("sections-and-quadrants")]
    [InlineData("drill-down")]
    [InlineData("numbers-match-api")]
    [InlineData("csv:trend")]
    [InlineData("csv:populations")]
    [InlineData("csv:breakdown")]
    [InlineData("csv:side-by-side")]
    [InlineData("axe:login")]
    [InlineData("axe:dashboard")]
    [InlineData("keyboard-login")]
    [InlineData("keyboard-controls")]
    [InlineData("print-css")]
    [InlineData("change-area")]
    [InlineData("sign-out")]
    [InlineData("no-console-errors")]
    public void Browser_check_passes(string name)
    {
        Assert.True(gateway.RunProblem is null, gateway.RunProblem);
        Assert.True(gateway.Checks.TryGetValue(name, out var check), $"The browser run has no check '{name}' (a step before it threw?). Output: {gateway.RunOutput}");
        Assert.True(check.Passed, $"{name}: {check.Detail}");
    }

    [Fact]
    public void The_run_itself_did_not_throw()
    {
        Assert.True(gateway.RunProblem is null, gateway.RunProblem);
        Assert.False(gateway.Checks.TryGetValue("run", out var run), run?.Detail);
    }
}
