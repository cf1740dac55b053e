using System.Diagnostics;
using System.Globalization;
using Npgsql;
using SendInterop.Storage.Indicators;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// Load mode: empties the projection tables of a migrated database, streams the national population in with binary
/// COPY, then VACUUM ANALYZE (planner statistics and the visibility map a fresh gateway database would have after
/// autovacuum), and prints what it took and how large the tables are.
/// </summary>
public static class NationalLoad
{
    public static readonly string[] Tables =
    [
        IndicatorProjectionModel.CaseTable, IndicatorProjectionModel.PlanTable, IndicatorProjectionModel.ReviewTable,
        IndicatorProjectionModel.OutcomeTable, IndicatorProjectionModel.WaitTable,
    ];

    public static async Task RunAsync(BenchOptions options)
    {
        var (las, source) = LaProfiles.Load(options.DfeDirectory, options.Seed);
        Console.WriteLine($"LA sizes: {las.Count} LAs from {source}; scale {options.Scale.ToString(CultureInfo.InvariantCulture)}, seed {options.Seed}");
        // The stored tallies go with the rows they counted (the counters below would mark them stale anyway).
        await ExecAsync(options.Connection, "TRUNCATE " + string.Join(", ", Tables) + ", " + SendInterop.Storage.Indicators.IndicatorProjectionModel.TallyTable);

        var totalRequests = las.Sum(l => (double)l.Requests);
        var children = 0L;
        var watch = Stopwatch.StartNew();
        var computedAt = new DateTimeOffset(PopulationAssumptions.AsOf.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using (var sink = BinaryCopySink.Start(options.Connection, computedAt))
        {
            for (var i = 0; i < las.Count; i++)
            {
                var la = las[i];
                var perYear = PopulationAssumptions.RequestsPerYear * options.Scale * la.Requests / totalRequests;
                var random = new Random(options.Seed * 1_000 + i);
                var population = new LaPopulation(la, perYear, Sampling.Round(random, la.PlansInPlace * options.Scale), random, sink);
                population.Generate();
                children += population.Children;
            }

            await sink.CompleteAsync();
            var copy = watch.Elapsed;
            var rows = sink.Counts.Sum();
            Console.WriteLine($"COPY: {children:N0} children, {rows:N0} rows in {copy.TotalSeconds:F1} s ({rows / copy.TotalSeconds:N0} rows/s, generation included)");
            for (var t = 0; t < Tables.Length; t++) Console.WriteLine($"  {Tables[t]}: {sink.Counts[t]:N0} rows");
        }

        // COPY bypasses IndicatorProjectionStore: move the projection's version and every LA's counter, so a gateway on
        // this database neither reuses counts held in memory nor reads stored tallies of the rows replaced.
        await ExecAsync(options.Connection, SendInterop.Storage.Indicators.ProjectionVersion.BumpSql + ";\n" + SendInterop.Storage.Indicators.LeafVersions.BumpEverySql);

        watch.Restart();
        foreach (var table in Tables) await ExecAsync(options.Connection, "VACUUM ANALYZE " + table);
        Console.WriteLine($"VACUUM ANALYZE: {watch.Elapsed.TotalSeconds:F1} s");
        await PrintSizesAsync(options.Connection);
    }

    private static async Task PrintSizesAsync(string connection)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        Console.WriteLine();
        Console.WriteLine("| table | rows | table | indexes | total |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        long total = 0;
        foreach (var table in Tables)
        {
            await using var cmd = new NpgsqlCommand(
                $"SELECT (SELECT count(*) FROM {table}), pg_table_size('{table}'), pg_indexes_size('{table}'), pg_total_relation_size('{table}')", c);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            total += r.GetInt64(3);
            Console.WriteLine($"| {table} | {r.GetInt64(0):N0} | {Mb(r.GetInt64(1))} | {Mb(r.GetInt64(2))} | {Mb(r.GetInt64(3))} |");
        }

        Console.WriteLine($"| all | | | | {Mb(total)} |");
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("N0", CultureInfo.InvariantCulture) + " MB";

    public static async Task ExecAsync(string connection, string sql)
    {
        await using var c = new NpgsqlConnection(connection);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }
}
