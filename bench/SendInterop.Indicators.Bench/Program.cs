using System.Globalization;
using SendInterop.Indicators.Bench;

// Indicators at national scale (docs/performance.md, issue #5 point 8). bench/indicators.sh drives it, one mode per
// process so that a cold measurement can follow a PostgreSQL restart:
//
//   --mode migrate   apply the EF migrations (the gateway's schema)
//   --mode load      generate the synthetic national projection and COPY it in (--scale, --seed, --dfe DIR)
//   --mode subjects  print "LARGE SMALL" LA codes to time
//   --mode build     the first England pass after the load, storing every LA's tallies (kind "build")
//   --mode cold      time each indicator once for --subject (England or an LA code) after a restart, from the stored tallies
//   --mode warm      one untimed pass, then --runs timed passes for --subject, from the stored tallies
//   --mode count-cold, --mode count-warm   the same, counting the whole scope from the projection rows (tallies off)
//   --mode write     per run, move one LA's write counter (--leaf, default the subject), then time --subject
//   --mode reuse     one untimed pass for --subject, then --runs timed passes for a neighbour of its region (reused counts)
//   --mode report    markdown table of the timings file (--results FILE)
//   --mode explain   EXPLAIN ANALYZE of one indicator (INDICATOR=id) for --subject
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
switch (options.Mode)
{
    case "migrate": await IndicatorTimer.MigrateAsync(options); break;
    case "load": await NationalLoad.RunAsync(options); break;
    case "subjects": await LaChoice.PrintAsync(options.Connection); break;
    case "build": await IndicatorTimer.BuildAsync(options); break;
    case "cold": await IndicatorTimer.ColdAsync(options, storedTallies: true); break;
    case "warm": await IndicatorTimer.WarmAsync(options, storedTallies: true); break;
    case "count-cold": await IndicatorTimer.ColdAsync(options, storedTallies: false); break;
    case "count-warm": await IndicatorTimer.WarmAsync(options, storedTallies: false); break;
    case "write": await IndicatorTimer.AfterWriteAsync(options); break;
    case "reuse": await IndicatorTimer.ReuseAsync(options); break;
    case "report": TimingReport.Print(options); break;
    case "explain": await QueryPlan.PrintAsync(options, Environment.GetEnvironmentVariable("INDICATOR") ?? "ehc-plans-in-place"); break;
    default: Console.Error.WriteLine($"unknown mode {options.Mode}"); return 2;
}

return 0;
