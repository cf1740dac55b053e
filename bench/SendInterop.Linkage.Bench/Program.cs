using System.Diagnostics;
using System.Globalization;
using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Evaluation;
using SendInterop.Domain.Identity.Linkage.Scoring;
using SendInterop.Domain.Identity.Linkage.Synthetic;
using SendInterop.Linkage.Bench;

// Linkage benchmark (docs/identity.md): trains and links one data set, prints its quality against the truth and its
// cost. bench/linkage.sh runs it once per data set (a fresh process each, so peak memory is per set).
//
//   --set fake_1000|fake_20000|uk     which data set (default fake_20000)
//   --data DIR                        splink-fake directory (default ../shared/data/splink-fake from the repo root)
//   --uk-children N                   children in the synthetic UK set (default 5000)
//   --row                             one markdown table row instead of the long report
//   --header                          print the markdown table header and exit
//   --show-errors N                   print N false auto-links and N missed pairs with their explanations
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchOptions.Parse(args);
if (options.Header)
{
    Console.WriteLine(Report.Header);
    return 0;
}

var (records, truth, twins) = DataSets.Load(options);
GC.Collect();
var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
var engine = new LinkageEngine(new LinkageOptions());
var watch = Stopwatch.StartNew();
var result = engine.Deduplicate(records);
var wall = watch.Elapsed;
var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
var peak = Process.GetCurrentProcess().PeakWorkingSet64;

var report = Report.Build(options.Set, records.Count, truth, twins, result, wall, allocated, peak);
if (options.Row)
{
    Console.WriteLine(report.Row());
}
else
{
    report.PrintLong(result);
}
if (options.ShowErrors > 0)
{
    Errors.Print(result, truth, options.ShowErrors);
}
return 0;
