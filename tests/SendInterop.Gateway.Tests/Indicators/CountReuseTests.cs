using SendInterop.Domain.Indicators;
using SendInterop.Storage.Indicators;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// The evaluator reuses a scope's per-LA counts while the projection is unchanged (an LA's report counts its whole
/// region, so its neighbours need not count it again) and never serves them after a projection write.
/// </summary>
public abstract class CountReuseTests(IndicatorStorage storage)
{
    private static readonly GeographyHierarchy Hierarchy = new(SuppressionAttackTests.Regions);
    private static readonly ReportingPeriod Period = ReportingPeriod.Sen2Year(2025);
    private static readonly ReportSubject La201 = ReportSubject.LocalAuthority("201", "LA 201");
    private static readonly ReportSubject La202 = ReportSubject.LocalAuthority("202", "LA 202");

    /// <summary>A catalogue indicator that counts someone in LA 201 (so a write can change its figure).</summary>
    private async Task<IndicatorDefinition> CountedIn201Async()
    {
        foreach (var indicator in IndicatorCatalogue.All)
        {
            var r = await storage.Evaluator.EvaluateAsync(indicator, Period, La201, Hierarchy);
            if (r.Result.Total.Count(PopulationKind.InitialPopulation) > 0) return indicator;
        }

        throw new InvalidOperationException("No indicator counts anyone in LA 201.");
    }

    [Fact]
    public async Task Another_LA_of_the_same_region_reuses_the_region_counts_and_gets_what_a_fresh_count_gives()
    {
        var indicator = await CountedIn201Async();
        await TouchAsync(); // a version no earlier report was counted at
        var first = await storage.Evaluator.EvaluateAsync(indicator, Period, La201, Hierarchy);
        var queries = storage.Evaluator.CountQueries;
        var reused = storage.Evaluator.ReusedCounts;

        var neighbour = await storage.Evaluator.EvaluateAsync(indicator, Period, La202, Hierarchy);

        Assert.Equal(queries, storage.Evaluator.CountQueries);
        Assert.Equal(reused + 1, storage.Evaluator.ReusedCounts);
        Assert.Equal(first.CountedAt, neighbour.CountedAt); // says when its figures were taken, not now

        await TouchAsync(); // same rows, new version: counted again
        var fresh = await storage.Evaluator.EvaluateAsync(indicator, Period, La202, Hierarchy);
        Assert.Equal(queries + 1, storage.Evaluator.CountQueries);
        Assert.True(fresh.CountedAt >= neighbour.CountedAt);
        Assert.Equal(IndicatorFigures.Of(fresh), IndicatorFigures.Of(neighbour));
        Assert.Equal(fresh.Suppression.Describe(), neighbour.Suppression.Describe());
    }

    [Fact]
    public async Task A_projection_write_between_two_reports_changes_the_figure()
    {
        var indicator = await CountedIn201Async();
        var before = await storage.Evaluator.EvaluateAsync(indicator, Period, La201, Hierarchy);
        var counted = (await storage.Evaluator.SubjectsAsync(indicator, Period, La201)).ChildIds[PopulationKind.InitialPopulation][0];
        var child = storage.Population.Single(c => c.ChildId == counted);
        try
        {
            await storage.Projection.ReplaceAsync([new ChildProjection(counted, new ProjectedRecord([], [], [], [], []))], DateTimeOffset.UtcNow);
            var after = await storage.Evaluator.EvaluateAsync(indicator, Period, La201, Hierarchy);
            Assert.True(after.Result.Total.Count(PopulationKind.InitialPopulation) < before.Result.Total.Count(PopulationKind.InitialPopulation));
        }
        finally
        {
            await storage.Projection.ReplaceAsync([child], DateTimeOffset.UtcNow);
        }

        var restored = await storage.Evaluator.EvaluateAsync(indicator, Period, La201, Hierarchy);
        Assert.Equal(IndicatorFigures.Of(before), IndicatorFigures.Of(restored));
    }

    [Fact]
    public async Task Counts_past_the_memory_bound_are_not_kept()
    {
        var indicator = await CountedIn201Async();
        // Stored tallies off: this is about the memory bound, and with them the first report could read stored counts.
        var small = new SqlIndicatorEvaluator(storage.Contexts, new SendInterop.Storage.StorageOptions { IndicatorCacheTallies = 1, IndicatorTallies = false }, TimeProvider.System);

        await small.EvaluateAsync(indicator, Period, La201, Hierarchy);
        await small.EvaluateAsync(indicator, Period, La202, Hierarchy);

        Assert.Equal(2, small.CountQueries);
        Assert.Equal(0, small.ReusedCounts);
    }

    /// <summary>
    /// Rewrites the rows of a child of LA 201 unchanged: the data stays, the projection's version and LA 201's counter
    /// move, so the next report of its region counts LA 201 again (the other LAs' stored tallies stay current).
    /// </summary>
    private Task TouchAsync() => storage.Projection.ReplaceAsync([storage.ChildIn("201")], DateTimeOffset.UtcNow);
}

public sealed class SqliteReuseStorage() : SqliteIndicatorStorage(SuppressionAttackTests.Population());

public sealed class PostgresReuseStorage() : PostgresIndicatorStorage(SuppressionAttackTests.Population());

public sealed class SqliteCountReuseTests(SqliteReuseStorage storage) : CountReuseTests(storage), IClassFixture<SqliteReuseStorage>;

public sealed class PostgresCountReuseTests(PostgresReuseStorage storage) : CountReuseTests(storage), IClassFixture<PostgresReuseStorage>;
