namespace SendInterop.Gateway.Dashboard;

/// <summary>Configuration section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// Statistical neighbours by 3-digit LA code: the LAs (3-digit codes) a commissioner compares their own with, e.g.
    /// <c>Dashboard:StatisticalNeighbours:926:0 = 935</c>. Their DfE published figures become comparators on the
    /// dashboard. DfE's own neighbour lists (LAIT) are not bundled: configure them.
    /// </summary>
    public Dictionary<string, List<string>> StatisticalNeighbours { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Most evaluations one <c>/dashboard/api/reports</c> call may ask for (measures x subjects x years).</summary>
    public int MaxEvaluationsPerRequest { get; set; } = 1000;
}
