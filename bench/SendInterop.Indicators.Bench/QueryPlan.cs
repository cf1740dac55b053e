using Npgsql;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Indicators;

namespace SendInterop.Indicators.Bench;

/// <summary>Explain mode: EXPLAIN (ANALYZE, BUFFERS) of one indicator's query as the evaluator builds it for the subject's scope (<see cref="IndicatorQuery"/>), to see where the time goes.</summary>
public static class QueryPlan
{
    public static async Task PrintAsync(BenchOptions options, string indicatorId)
    {
        var indicator = IndicatorCatalogue.Find(indicatorId) ?? throw new ArgumentException($"no indicator {indicatorId}");
        var subject = options.Subject.Equals("England", StringComparison.OrdinalIgnoreCase) ? ReportSubject.England : ReportSubject.LocalAuthority(options.Subject, options.Subject);
        // The evaluator counts the subject's scope (an LA's region) per LA: explain that query.
        var scope = IndicatorTimer.Hierarchy(options.DfeDirectory).ScopeOf(subject);
        var query = new IndicatorQuery(indicator, ReportingPeriod.Sen2Year(options.Sen2Year), scope, groupingSets: true);
        await using var c = new NpgsqlConnection(options.Connection);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + query.SummarySql(), c);
        foreach (var (name, value) in query.Parameters) cmd.Parameters.AddWithValue(name, value);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) Console.WriteLine(r.GetString(0));
    }
}
