using SendInterop.Domain.Indicators;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>An evaluated indicator's counts and scores (total and every stratum) as one line of text, to compare two evaluations.</summary>
public static class IndicatorFigures
{
    public static string Of(SqlIndicatorResult r) =>
        string.Join(";", new[] { Line("total", r.Result.Total) }.Concat(r.Result.Stratifiers.SelectMany(s => s.Strata.Select(x => Line(s.Stratifier.Code + ":" + x.Value, x.Result)))));

    private static string Line(string name, PopulationResult p) =>
        name + "=" + string.Join(",", p.Counts.OrderBy(c => c.Key).Select(c => $"{c.Key}:{c.Value}")) + "/" + p.Score;
}
