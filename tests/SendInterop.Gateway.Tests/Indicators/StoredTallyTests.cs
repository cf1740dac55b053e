using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Indicators;
using SendInterop.Storage;
using SendInterop.Storage.Indicators;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// The stored per-LA tallies (ind_tally): a report read from them equals one counted from every projection row, and a
/// projection write makes exactly the LAs it touched count again, in any evaluator on the same database (another
/// replica, or the same process after a restart).
/// </summary>
public abstract class StoredTallyTests(IndicatorStorage storage)
{
    private static readonly GeographyHierarchy Hierarchy = new(SuppressionAttackTests.Regions);
    private static readonly ReportingPeriod[] Periods =
        [ReportingPeriod.Sen2Year(2025), new(new DateOnly(2022, 1, 1), new DateOnly(2024, 12, 31), new DateOnly(2025, 1, 16))];

    /// <summary>England; every region; an LA of a region; an LA in no region (reported over England).</summary>
    private static readonly ReportSubject[] Subjects =
    [
        ReportSubject.England, .. SuppressionAttackTests.Regions,
        ReportSubject.LocalAuthority("202", "LA 202"), ReportSubject.LocalAuthority("999", "LA 999"),
    ];

    /// <summary>A fresh evaluator without the in-memory reuse, so every request goes to the database.</summary>
    private SqlIndicatorEvaluator Evaluator(bool tallies) =>
        new(storage.Contexts, new StorageOptions { IndicatorCacheTallies = 0, IndicatorTallies = tallies }, TimeProvider.System);

    private static int Groups => IndicatorCatalogue.All.GroupBy(IndicatorQuery.SharingKey).Count();

    [Fact]
    public async Task Reports_from_stored_tallies_equal_reports_counted_from_every_row()
    {
        var tallied = Evaluator(tallies: true);
        foreach (var period in Periods)
        {
            foreach (var subject in Subjects)
                Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, subject), await ReportAsync(tallied, period, subject));
        }

        // Another evaluator on the same database (a replica, a restart) reads what was stored: nothing is counted.
        var replica = Evaluator(tallies: true);
        foreach (var period in Periods)
        {
            foreach (var subject in Subjects)
                Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, subject), await ReportAsync(replica, period, subject));
        }

        // Nor decided: the suppression made from the same counts is read back too.
        Assert.Equal(0, replica.CountQueries);
        Assert.Equal(0, replica.SuppressionDecisionsMade);
        Assert.True(tallied.SuppressionDecisionsMade > 0);
    }

    [Fact]
    public async Task A_write_to_one_LA_counts_that_LA_again_and_no_other()
    {
        var tallied = Evaluator(tallies: true);
        var period = Periods[0];
        await ReportAsync(tallied, period, ReportSubject.England); // every LA's tallies current
        var child = storage.ChildIn("202");
        try
        {
            await storage.Projection.ReplaceAsync([new ChildProjection(child.ChildId, new ProjectedRecord([], [], [], [], []))], DateTimeOffset.UtcNow);
            var (queries, leaves) = (tallied.CountQueries, tallied.LeavesCounted);

            var after = await ReportAsync(tallied, period, ReportSubject.England);

            // One recount per count query, each over LA 202's rows alone (a query whose population has no row there counts no leaf).
            Assert.Equal(queries + Groups, tallied.CountQueries);
            Assert.InRange(tallied.LeavesCounted - leaves, 1, Groups);
            Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, ReportSubject.England), after);
            // The region and the LA, from the same tallies, equal a full count too.
            foreach (var subject in new[] { SuppressionAttackTests.Regions[0], ReportSubject.LocalAuthority("202", "LA 202") })
                Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, subject), await ReportAsync(tallied, period, subject));
        }
        finally
        {
            await storage.Projection.ReplaceAsync([child], DateTimeOffset.UtcNow);
        }

        Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, ReportSubject.England), await ReportAsync(tallied, period, ReportSubject.England));
    }

    [Fact]
    public async Task A_background_refresh_after_a_write_leaves_nothing_for_the_next_report_to_count()
    {
        var tallied = Evaluator(tallies: true);
        var period = Periods[1];
        await ReportAsync(tallied, period, ReportSubject.England); // the queries a dashboard asked for
        Assert.Equal(0, await tallied.RefreshStaleAsync()); // nothing written since

        var child = storage.ChildIn("302");
        try
        {
            await storage.Projection.ReplaceAsync([new ChildProjection(child.ChildId, new ProjectedRecord([], [], [], [], []))], DateTimeOffset.UtcNow);
            Assert.Equal(Groups, await tallied.RefreshStaleAsync()); // LA 302, once per count query
            var (queries, decided) = (tallied.CountQueries, tallied.SuppressionDecisionsMade);

            var after = await ReportAsync(tallied, period, ReportSubject.England);

            // Neither counted nor decided: the refresh stored both, for England and for LA 302's region, which nobody asked for.
            var region = await ReportAsync(tallied, period, SuppressionAttackTests.Regions[1]);
            Assert.Equal(queries, tallied.CountQueries);
            Assert.Equal(decided, tallied.SuppressionDecisionsMade);
            Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, ReportSubject.England), after);
            Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, SuppressionAttackTests.Regions[1]), region);
        }
        finally
        {
            await storage.Projection.ReplaceAsync([child], DateTimeOffset.UtcNow);
        }
    }

    [Fact]
    public async Task Suppression_is_decided_again_when_the_counts_it_was_decided_from_change()
    {
        // Nearly emptying an LA turns most of its region's cells small: decisions kept from the old counts would differ.
        var tallied = Evaluator(tallies: true);
        var period = Periods[0];
        var northEast = SuppressionAttackTests.Regions[0];
        var before = await ReportAsync(tallied, period, northEast);
        var children = storage.Population.Where(c => IndicatorStorage.AllRows(c).Any(r => r.Strata.LaCode == "203")).Skip(2).ToList();
        try
        {
            await storage.Projection.ReplaceAsync(children.Select(c => new ChildProjection(c.ChildId, new ProjectedRecord([], [], [], [], []))).ToList(), DateTimeOffset.UtcNow);
            var decided = tallied.SuppressionDecisionsMade;

            var after = await ReportAsync(tallied, period, northEast);

            Assert.NotEqual(before, after);
            Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, northEast), after);
            Assert.Equal(decided + IndicatorCatalogue.All.Count, tallied.SuppressionDecisionsMade);
        }
        finally
        {
            await storage.Projection.ReplaceAsync(children, DateTimeOffset.UtcNow);
        }
    }

    [Fact]
    public async Task Suppression_is_not_decided_again_when_children_are_projected_again_unchanged()
    {
        // Re-projecting stamps the rows with a new time but changes no count: the decisions stored for the counts stand.
        var tallied = Evaluator(tallies: true);
        var period = Periods[0];
        var northEast = SuppressionAttackTests.Regions[0];
        var before = await ReportAsync(tallied, period, northEast);
        var children = storage.Population.Where(c => IndicatorStorage.AllRows(c).Any(r => r.Strata.LaCode == "203")).Take(3).ToList();
        await storage.Projection.ReplaceAsync(children, DateTimeOffset.UtcNow);
        var (decided, counted) = (tallied.SuppressionDecisionsMade, tallied.LeavesCounted);

        var after = await ReportAsync(tallied, period, northEast);

        // The same figures and suppression; only the rows' newest projection time moved.
        Assert.Equal(WithoutTimes(before), WithoutTimes(after));
        Assert.True(tallied.LeavesCounted > counted, "the write was not seen: LA 203 was not counted again");
        Assert.Equal(decided, tallied.SuppressionDecisionsMade);
    }

    [Fact]
    public async Task A_child_moving_to_another_LA_makes_both_LAs_count_again()
    {
        var tallied = Evaluator(tallies: true);
        var period = Periods[0];
        var north = SuppressionAttackTests.Regions[1];
        await ReportAsync(tallied, period, ReportSubject.England);
        var child = storage.ChildIn("201");
        var moved = new ChildProjection(child.ChildId, new ProjectedRecord(
            [.. child.Rows.Cases.Select(r => r with { Strata = r.Strata with { LaCode = "301" } })],
            [.. child.Rows.Plans.Select(r => r with { Strata = r.Strata with { LaCode = "301" } })],
            [.. child.Rows.Reviews.Select(r => r with { Strata = r.Strata with { LaCode = "301" } })],
            [.. child.Rows.Outcomes.Select(r => r with { Strata = r.Strata with { LaCode = "301" } })],
            [.. child.Rows.Waits.Select(r => r with { Strata = r.Strata with { LaCode = "301" } })]));
        try
        {
            await storage.Projection.ReplaceAsync([moved], DateTimeOffset.UtcNow);

            // Each region's report (read first, so neither recount comes from England's) equals a full count: both leaves were stale.
            Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, SuppressionAttackTests.Regions[0]), await ReportAsync(tallied, period, SuppressionAttackTests.Regions[0]));
            Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, north), await ReportAsync(tallied, period, north));
            Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, ReportSubject.England), await ReportAsync(tallied, period, ReportSubject.England));
        }
        finally
        {
            await storage.Projection.ReplaceAsync([child], DateTimeOffset.UtcNow);
        }
    }

    [Fact]
    public async Task Rows_changed_without_moving_their_LA_counter_are_not_seen_which_is_why_every_writer_must_move_it()
    {
        // The contract's other side, pinned so that the stored tallies are shown to be what is read (a full count would
        // see the change) and a writer forgetting the counter shows up here rather than in production.
        var tallied = Evaluator(tallies: true);
        var period = Periods[0];
        var before = await ReportAsync(tallied, period, ReportSubject.England);
        var child = storage.ChildIn("203");
        try
        {
            await using (var db = storage.Contexts.Create())
            {
                await db.IndicatorPlans.Where(r => r.ChildId == child.ChildId).ExecuteDeleteAsync();
                await db.IndicatorCases.Where(r => r.ChildId == child.ChildId).ExecuteDeleteAsync();
            }

            Assert.Equal(before, await ReportAsync(tallied, period, ReportSubject.England));
            Assert.NotEqual(before, await ReportAsync(Evaluator(tallies: false), period, ReportSubject.England));
        }
        finally
        {
            await storage.Projection.ReplaceAsync([child], DateTimeOffset.UtcNow);
        }

        // Put back through the store, which moves the counter: seen again (row times included, so compare with a full count).
        Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, ReportSubject.England), await ReportAsync(tallied, period, ReportSubject.England));
    }

    [Fact]
    public async Task At_most_the_configured_count_queries_stay_stored_and_an_evicted_one_is_counted_again_when_asked()
    {
        // Three periods no other test asks for, and room for two periods' count queries: asking through periods (a client
        // walking a date range) must not grow ind_tally and ind_decision without end.
        ReportingPeriod[] periods =
        [
            new(new DateOnly(2019, 1, 1), new DateOnly(2019, 12, 31), new DateOnly(2020, 1, 16)),
            new(new DateOnly(2020, 1, 1), new DateOnly(2020, 12, 31), new DateOnly(2021, 1, 21)),
            new(new DateOnly(2021, 1, 1), new DateOnly(2021, 12, 31), new DateOnly(2022, 1, 20)),
        ];
        var limited = new SqlIndicatorEvaluator(storage.Contexts,
            new StorageOptions { IndicatorCacheTallies = 0, IndicatorTallies = true, IndicatorStoredQueries = 2 * Groups }, TimeProvider.System);
        foreach (var period in periods) await ReportAsync(limited, period, ReportSubject.England);

        await using (var db = storage.Contexts.Create())
        {
            Assert.Equal(2 * Groups, await db.IndicatorTallies.Select(t => t.QueryKey).Distinct().CountAsync());
            Assert.Equal(0, await db.IndicatorDecisions.CountAsync(d => !db.IndicatorTallies.Any(t => t.QueryKey == d.QueryKey)));
            Assert.True(await db.IndicatorDecisions.AnyAsync(), "no decision was stored: the check above proves nothing");
        }

        // The newest period is still stored: read, not counted.
        var queries = limited.CountQueries;
        Assert.Equal(await ReportAsync(Evaluator(tallies: false), periods[2], ReportSubject.England), await ReportAsync(limited, periods[2], ReportSubject.England));
        Assert.Equal(queries, limited.CountQueries);

        // The oldest was evicted: counted again from the rows, and the same as a full count.
        Assert.Equal(await ReportAsync(Evaluator(tallies: false), periods[0], ReportSubject.England), await ReportAsync(limited, periods[0], ReportSubject.England));
        Assert.Equal(queries + Groups, limited.CountQueries);
    }

    [Fact]
    public async Task A_report_whose_tallies_cannot_be_stored_is_still_answered_and_the_next_one_counts_again()
    {
        // The store is a cache: a write refused under the report (the SQLite writer busy past its timeout during an
        // import, a failover) must not fail the read. Here the database refuses every new tally and decision row.
        var period = new ReportingPeriod(new DateOnly(2018, 1, 1), new DateOnly(2018, 12, 31), new DateOnly(2019, 1, 17));
        var postgres = storage.Contexts.Provider == StorageProvider.Postgres;
        string[] refuse = postgres
            ?
            [
                "CREATE OR REPLACE FUNCTION test_refuse_row() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER test_refuse_tally BEFORE INSERT ON ind_tally FOR EACH ROW EXECUTE FUNCTION test_refuse_row()",
                "CREATE TRIGGER test_refuse_decision BEFORE INSERT ON ind_decision FOR EACH ROW EXECUTE FUNCTION test_refuse_row()",
            ]
            :
            [
                "CREATE TRIGGER test_refuse_tally BEFORE INSERT ON ind_tally BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                "CREATE TRIGGER test_refuse_decision BEFORE INSERT ON ind_decision BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
            ];
        string[] allow = postgres
            ? ["DROP TRIGGER test_refuse_tally ON ind_tally", "DROP TRIGGER test_refuse_decision ON ind_decision"]
            : ["DROP TRIGGER test_refuse_tally", "DROP TRIGGER test_refuse_decision"];
        var tallied = Evaluator(tallies: true);
        await using (var db = storage.Contexts.Create())
        {
            foreach (var sql in refuse) await db.Database.ExecuteSqlRawAsync(sql);
        }

        string refused;
        try
        {
            refused = await ReportAsync(tallied, period, ReportSubject.England);
        }
        finally
        {
            await using var db = storage.Contexts.Create();
            foreach (var sql in allow) await db.Database.ExecuteSqlRawAsync(sql);
        }

        Assert.Equal(await ReportAsync(Evaluator(tallies: false), period, ReportSubject.England), refused);
        // Nothing was stored, so the next report counts (and stores) again.
        var queries = tallied.CountQueries;
        Assert.Equal(refused, await ReportAsync(tallied, period, ReportSubject.England));
        Assert.Equal(queries + Groups, tallied.CountQueries);
    }

    /// <summary>A report as <see cref="ReportAsync"/> gives it, without each line's row times.</summary>
    private static string WithoutTimes(string report) =>
        string.Join("\n", report.Split('\n').Select(line => line[..line.LastIndexOf(" | ", StringComparison.Ordinal)]));

    /// <summary>Every catalogue indicator for the subject: figures, suppression and row times, as text to compare.</summary>

    private static async Task<string> ReportAsync(SqlIndicatorEvaluator evaluator, ReportingPeriod period, ReportSubject subject)
    {
        var results = await evaluator.EvaluateManyAsync(IndicatorCatalogue.All, period, subject, Hierarchy, _ => null);
        return string.Join("\n", results.Select(r => r.Result.Indicator.Id + ": " + IndicatorFigures.Of(r) + " | " + r.Suppression.Describe() + " | " + r.OldestRow + "-" + r.NewestRow));
    }
}

public sealed class SqliteTallyStorage() : SqliteIndicatorStorage(SuppressionAttackTests.Population());

public sealed class PostgresTallyStorage() : PostgresIndicatorStorage(SuppressionAttackTests.Population());

public sealed class SqliteStoredTallyTests(SqliteTallyStorage storage) : StoredTallyTests(storage), IClassFixture<SqliteTallyStorage>;

public sealed class PostgresStoredTallyTests(PostgresTallyStorage storage) : StoredTallyTests(storage), IClassFixture<PostgresTallyStorage>;
