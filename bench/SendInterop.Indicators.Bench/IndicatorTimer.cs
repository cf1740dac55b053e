using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Indicators;
using SendInterop.Storage;
using SendInterop.Storage.Indicators;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// Times every catalogue indicator through the storage layer's <see cref="SqlIndicatorEvaluator"/> (the code
/// $evaluate-measure calls), one after another as a dashboard page load would ask for them, and appends one
/// tab-separated line per indicator and run to the results file: subject, kind (cold/warm), run, indicator, ms, and
/// for reading the figures back the initial population and score.
/// </summary>
public sealed class IndicatorTimer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly SqlIndicatorEvaluator _evaluator;
    private readonly ReportingPeriod _period;
    private readonly BenchOptions _options;
    private readonly GeographyHierarchy _hierarchy;

    /// <param name="reuseCounts">
    /// Keep counts in memory between passes (the gateway's default). Off for every kind but "reuse", which times it:
    /// with it on, the untimed first pass would answer every timed one.
    /// </param>
    /// <param name="storedTallies">
    /// Read the stored per-LA tallies and count only the LAs written since (the gateway's default, <see cref="StoredTallies"/>);
    /// off, every pass counts its whole scope from the projection rows (the "count-" kinds, the same-run baseline).
    /// </param>
    private IndicatorTimer(BenchOptions options, bool reuseCounts = false, bool storedTallies = true)
    {
        _options = options;
        var services = new ServiceCollection();
        services.AddFhirStorage(new StorageOptions
        {
            Provider = StorageProvider.Postgres, ConnectionString = options.Connection, MigrateOnStartup = true,
            IndicatorCacheTallies = reuseCounts ? SqlIndicatorEvaluator.DefaultCacheTallies : 0,
            IndicatorTallies = storedTallies,
        });
        _services = services.BuildServiceProvider();
        _evaluator = _services.GetRequiredService<SqlIndicatorEvaluator>();
        _period = ReportingPeriod.Sen2Year(options.Sen2Year);
        _hierarchy = Hierarchy(options.DfeDirectory);
    }

    /// <summary>The regions suppression is decided over, as $evaluate-measure has them from the DfE release; none without it.</summary>
    public static GeographyHierarchy Hierarchy(string? dfeDirectory)
    {
        if (dfeDirectory is null || !Directory.Exists(dfeDirectory)) return GeographyHierarchy.None;
        var set = DfeComparatorLoader.Load(dfeDirectory);
        return new GeographyHierarchy(set.Geographies.Where(g => g.Level == GeographyLevel.Regional).Select(g => set.RegionSubject(g.Code)));
    }

    public static async Task MigrateAsync(BenchOptions options)
    {
        await using var timer = new IndicatorTimer(options);
        await timer._services.GetRequiredService<StorageInitializer>().InitializeAsync();
    }

    /// <summary>
    /// Cold: the first evaluation of each indicator for the subject in this process. The script restarts PostgreSQL
    /// (and drops the OS page cache where it may) before calling this, and the process first runs an untimed pass that
    /// warms .NET's JIT, the connection pool and PostgreSQL's catalogue caches without reading the timed report's data,
    /// so what is timed is the data coming off disk, not the program starting:
    /// <list type="bullet">
    /// <item>counting (tallies off): the catalogue for an LA no row has, in a region of its own ("000"; an LA in no
    /// region would be reported over England and read every row);</item>
    /// <item>stored tallies: the same subject for a SEN2 year four years earlier, whose tallies and decisions are other
    /// rows (counted and stored by this pass if they were not), so every step of the timed pass (reading and decoding
    /// tallies and decisions, assembling) has run once, on other pages.</item>
    /// </list>
    /// </summary>
    public static async Task ColdAsync(BenchOptions options, bool storedTallies)
    {
        await using var timer = new IndicatorTimer(options, storedTallies: storedTallies);
        var subject = Subject(options.Subject);
        if (storedTallies)
        {
            await timer.PassAsync(subject, null, 0, period: ReportingPeriod.Sen2Year(options.Sen2Year - 4));
        }
        else
        {
            var none = ReportSubject.Region("E00000000", "none", ["000"]);
            await timer.PassAsync(ReportSubject.LocalAuthority("000", "none"), null, 0, hierarchy: new GeographyHierarchy([none]));
        }

        await timer.PassAsync(subject, storedTallies ? "cold" : "count-cold", 1);
    }

    /// <summary>Warm: one untimed pass, then <see cref="BenchOptions.Runs"/> timed passes (the report takes medians).</summary>
    public static async Task WarmAsync(BenchOptions options, bool storedTallies)
    {
        await using var timer = new IndicatorTimer(options, storedTallies: storedTallies);
        var subject = Subject(options.Subject);
        await timer.PassAsync(subject, null, 0);
        for (var run = 1; run <= options.Runs; run++) await timer.PassAsync(subject, storedTallies ? "warm" : "count-warm", run);
    }

    /// <summary>
    /// Build: the first report after the load, with stored tallies: every LA is stale, so England's pass counts every row
    /// and stores each LA's tallies, which every later report (any LA, region or England) then reads. Kind "build". Then
    /// the background refresh decides every region's suppression, as the gateway's does after it (printed, not recorded).
    /// </summary>
    public static async Task BuildAsync(BenchOptions options)
    {
        await using var timer = new IndicatorTimer(options);
        await timer.PassAsync(ReportSubject.England, "build", 1);
        // What the gateway's background refresh then does: decide and store every region's suppression (the counts are current).
        var watch = Stopwatch.StartNew();
        await timer._evaluator.RefreshStaleAsync();
        Console.WriteLine($"background refresh after the first report (every region's suppression decided and stored): {watch.Elapsed.TotalMilliseconds:N0} ms");
    }

    /// <summary>
    /// Write: the report after a projection write to one LA (<see cref="BenchOptions.Leaf"/>, the subject itself by
    /// default). One untimed pass; then per run, twice over, the LA's write counter is moved (as a projection
    /// transaction moves it): first the subject's pass follows at once and recounts that LA itself (kind "write"); then
    /// the background refresh runs first (<see cref="SqlIndicatorEvaluator.RefreshStaleAsync"/>, timed as kind
    /// "refresh": what <c>IndicatorTallyRefresher</c> does within its interval of a write) and the pass reads what it
    /// stored (kind "refreshed").
    /// </summary>
    public static async Task AfterWriteAsync(BenchOptions options)
    {
        await using var timer = new IndicatorTimer(options);
        var subject = Subject(options.Subject);
        var leaf = options.Leaf ?? subject.Code;
        var write = $"UPDATE {IndicatorProjectionModel.LeafWritesTable} SET writes = writes + 1 WHERE leaf = '{leaf}';\n{ProjectionVersion.BumpSql}";
        await timer.PassAsync(subject, null, 0);
        for (var run = 1; run <= options.Runs; run++)
        {
            await NationalLoad.ExecAsync(options.Connection, write);
            await timer.PassAsync(subject, "write", run);

            await NationalLoad.ExecAsync(options.Connection, write);
            var watch = Stopwatch.StartNew();
            var leaves = await timer._evaluator.RefreshStaleAsync();
            await File.AppendAllLinesAsync(options.ResultsFile,
                [string.Join('\t', subject.Code, "refresh", run.ToString(CultureInfo.InvariantCulture), "refresh", watch.Elapsed.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture),
                    leaves.ToString(CultureInfo.InvariantCulture), "")]);
            await timer.PassAsync(subject, "refreshed", run);
        }
    }

    /// <summary>
    /// Reuse: the dashboard's side-by-side LAs. One untimed pass for the subject counts its scope (region, or England);
    /// then <see cref="BenchOptions.Runs"/> timed passes for another LA of that region (the subject itself for England
    /// or an LA alone in its region), which reuse those counts: what is timed is the version read, summing the LA's
    /// leaves and deciding suppression. Lines are recorded under the subject with kind "reuse".
    /// </summary>
    public static async Task ReuseAsync(BenchOptions options)
    {
        await using var timer = new IndicatorTimer(options, reuseCounts: true);
        var subject = Subject(options.Subject);
        var neighbour = subject.Level == GeographyLevel.LocalAuthority
            && timer._hierarchy.ScopeOf(subject).LaCodes?.FirstOrDefault(la => la != subject.Code) is { } other
            ? ReportSubject.LocalAuthority(other, "LA " + other)
            : subject;
        await timer.PassAsync(subject, null, 0);
        for (var run = 1; run <= options.Runs; run++) await timer.PassAsync(neighbour, "reuse", run, recordAs: subject.Code);
    }

    /// <summary>
    /// One pass over the catalogue as the dashboard asks for it (<see cref="SqlIndicatorEvaluator.EvaluateManyAsync"/>):
    /// the indicators that share their initial population are counted by one query, so each line times one such group
    /// (its indicators joined by '+', the first one's initial population, every score).
    /// </summary>
    private async Task PassAsync(ReportSubject subject, string? kind, int run, string? recordAs = null, GeographyHierarchy? hierarchy = null,
        ReportingPeriod? period = null)
    {
        var lines = new List<string>();
        foreach (var group in IndicatorCatalogue.All.GroupBy(IndicatorQuery.SharingKey))
        {
            var indicators = group.ToList();
            var watch = Stopwatch.StartNew();
            var results = await _evaluator.EvaluateManyAsync(indicators, period ?? _period, subject, hierarchy ?? _hierarchy, _ => null);
            var ms = watch.Elapsed.TotalMilliseconds;
            lines.Add(string.Join('\t', recordAs ?? subject.Code, kind, run.ToString(CultureInfo.InvariantCulture), string.Join('+', indicators.Select(i => i.Id)),
                ms.ToString("F1", CultureInfo.InvariantCulture), results[0].Result.Total.Count(PopulationKind.InitialPopulation).ToString(CultureInfo.InvariantCulture),
                string.Join(" / ", results.Select(r => r.Result.Total.Score?.ToString(CultureInfo.InvariantCulture) ?? "-"))));
        }

        if (kind is not null) await File.AppendAllLinesAsync(_options.ResultsFile, lines);
    }

    private static ReportSubject Subject(string code) =>
        code.Equals("England", StringComparison.OrdinalIgnoreCase) ? ReportSubject.England : ReportSubject.LocalAuthority(code, "LA " + code);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
