using System.Globalization;
using System.Text;
using System.Text.Json;
using SendInterop.Bench;

Options o;
try
{
    o = Options.Parse(args);
}
catch (Exception ex) when (ex is UsageException or FormatException)
{
    if (ex.Message.Length > 0) Console.Error.WriteLine("error: " + ex.Message + "\n");
    Console.Error.Write(Options.Usage);
    return ex.Message.Length > 0 ? 2 : 0;
}

if (o.Scenario == "wait") return await Wait(o);
if (o.Scenario == "gate-report") return GateReport.Run(o);

var maxWorkers = Math.Max(o.Workers.Max(), o.WarmupWorkers);
var fhir = new Fhir(maxWorkers + 8, TimeSpan.FromSeconds(o.TimeoutS));
try
{
    fhir.Token = await BearerToken.CreateAsync(o.Token, o.TokenCommand);
}
catch (Exception ex)
{
    Console.Error.WriteLine($"error: no bearer token: {ex.Message}");
    return 1;
}
await using var token = fhir.Token;
var scenarios = new Scenarios(o, fhir);
var report = new Report { Scenario = o.Scenario, Target = o.Url, BaselineTarget = o.BaselineUrl, Label = o.Label, Settings = o.Describe() };
try
{
    report.Runs = o.Scenario switch
    {
        "crud" => await scenarios.Crud(),
        "import" => await scenarios.Import(),
        "read" or "search" or "create" or "create-send" => await scenarios.Verb(),
        "gate-seed" => await scenarios.GateSeed(),
        "gate" => await scenarios.Gate(),
        _ => throw new UsageException($"unknown scenario '{o.Scenario}'"),
    };
}
catch (UsageException ex)
{
    Console.Error.WriteLine("error: " + ex.Message + "\n");
    Console.Error.Write(Options.Usage);
    return 2;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}

var outPath = o.Out ?? Path.Combine("bench-results", $"{o.Scenario}-{report.StartedUtc:yyyyMMdd-HHmmss}.json");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true,
    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
}));
Console.Write(Markdown.Render(report, o));
Console.WriteLine($"\nJSON: {outPath}");
var total = report.Runs.Sum(r => r.Requests + r.NoResponse);
var failed = report.Runs.Sum(r => r.Errors);
if (total == 0) { Console.Error.WriteLine("error: no request completed"); return 1; }
if (failed == total) { Console.Error.WriteLine("error: every request failed (see the error samples)"); return 3; }
return 0;

static async Task<int> Wait(Options o)
{
    using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
    var deadline = DateTime.UtcNow.AddSeconds(o.TimeoutS);
    string last = "";
    while (DateTime.UtcNow < deadline)
    {
        try
        {
            using var resp = await client.GetAsync(o.Url);
            if (resp.IsSuccessStatusCode) { Console.Error.WriteLine($"ready: {o.Url}"); return 0; }
            last = ((int)resp.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception ex) { last = ex.Message; }
        await Task.Delay(250);
    }
    Console.Error.WriteLine($"not ready after {o.TimeoutS}s: {o.Url} ({last})");
    return 1;
}

namespace SendInterop.Bench
{
    public static class Markdown
    {
        private static string F(double v, string fmt = "0.0") => v.ToString(fmt, CultureInfo.InvariantCulture);

        public static string Render(Report report, Options o)
        {
            var sb = new StringBuilder();
            sb.AppendLine($"## {report.Scenario} — {report.Target}");
            sb.AppendLine();
            sb.AppendLine($"{report.StartedUtc:yyyy-MM-dd HH:mm} UTC, {report.Machine["cores"]} cores, {report.Machine["runtime"]}" +
                          (report.Label is { Length: > 0 } ? $", {report.Label}" : "") +
                          (report.Scenario is "import" or "gate-seed" ? "; one pass, no warm-up" : $"; warm-up {F(o.WarmupS, "0")} s") +
                          "; latencies in ms (send to last byte); driver on the same machine.");
            sb.AppendLine();
            if (report.Scenario is "import" or "gate-seed") RenderImport(sb, report);
            else if (report.Scenario == "gate") RenderGate(sb, report);
            else RenderRuns(sb, report, o);
            return sb.ToString();
        }

        private static void RenderRuns(StringBuilder sb, Report report, Options o)
        {
            var methods = report.Runs.SelectMany(r => r.ByMethod.Keys).Distinct().OrderBy(RunResult.MethodOrder).ToList();
            var hasBaseline = report.Runs.Any(r => r.RatioToBaseline != null);
            sb.Append("| target | workers | seconds | requests | req/s | error rate |");
            if (hasBaseline) sb.Append(" baseline req/s | ratio |");
            foreach (var m in methods) sb.Append($" {m} p50 / p95 / p99 |");
            sb.AppendLine();
            sb.Append("|---|---:|---:|---:|---:|---:|");
            if (hasBaseline) sb.Append("---:|---:|");
            foreach (var _ in methods) sb.Append("---:|");
            sb.AppendLine();
            foreach (var r in report.Runs)
            {
                sb.Append($"| {r.Scenario} | {r.Workers} | {F(r.DurationS, "0")} | {r.Requests} | {F(r.Rps)} | {F(r.ErrorRate * 100, "0.00")} % |");
                if (hasBaseline) sb.Append(r.RatioToBaseline is { } ratio ? $" {F(r.BaselineRps!.Value)} | {F(ratio, "0.000")} |" : " | |");
                foreach (var m in methods)
                    sb.Append(r.ByMethod.TryGetValue(m, out var s) && s.Count > 0 ? $" {F(s.P50Ms, "0.00")} / {F(s.P95Ms, "0.00")} / {F(s.P99Ms, "0.00")} |" : " |");
                sb.AppendLine();
            }
            if (o.PerOperation && report.Scenario == "crud")
            {
                foreach (var r in report.Runs)
                {
                    sb.AppendLine();
                    sb.AppendLine($"Per operation, {r.Workers} workers:");
                    sb.AppendLine();
                    sb.AppendLine("| operation | count | errors | p50 | p95 | p99 | max |");
                    sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
                    foreach (var (op, s) in r.ByOperation.OrderBy(k => RunResult.MethodOrder(k.Key.Split(' ')[0]))
                                 .ThenBy(k => Array.IndexOf(Seeds.Order, k.Key.Split(' ').Last())))
                        sb.AppendLine($"| {op} | {s.Count} | {s.Errors} | {F(s.P50Ms, "0.00")} | {F(s.P95Ms, "0.00")} | {F(s.P99Ms, "0.00")} | {F(s.MaxMs, "0.00")} |");
                }
            }
            RenderErrors(sb, report);
        }

        private static void RenderGate(StringBuilder sb, Report report)
        {
            sb.AppendLine("| workload | build | round | workers | seconds | requests | req/s | error rate | GET p50 / p95 / p99 | gateway CPU µs / request | audit rows / request | audit bytes / request (payload; database) | load average |");
            sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var r in report.Runs)
            {
                var s = r.ByMethod.GetValueOrDefault("GET");
                sb.AppendLine($"| {r.Scenario} | {r.Build} | {r.Round} | {r.Workers} | {F(r.DurationS, "0")} | {r.Requests} | {F(r.Rps)} | {F(r.ErrorRate * 100, "0.00")} % | " +
                              (s is { Count: > 0 } ? $"{F(s.P50Ms, "0.00")} / {F(s.P95Ms, "0.00")} / {F(s.P99Ms, "0.00")}" : "") + " | " +
                              (r.GatewayCpuUsPerRequest is { } us ? F(us, "0") : "n/a") + " | " +
                              (r.AuditRowsPerRequest is { } rows ? $"{F(rows, "0.000")} | {F(r.AuditPayloadBytesPerRequest ?? 0, "0")}; {F(r.AuditDbBytesPerRequest ?? 0, "0")} |" : "n/a | n/a |") +
                              $" {r.LoadAverage} |");
            }
            RenderErrors(sb, report);
        }

        private static void RenderImport(StringBuilder sb, Report report)
        {
            sb.AppendLine("| workers | bundles | failed | resources | seconds | resources/s | bundles/s | bundle p50 | p95 | p99 | max |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in report.Runs)
            {
                var s = r.ByOperation.GetValueOrDefault("POST Bundle") ?? new LatencyStats(0, 0, 0, 0, 0, 0, 0);
                sb.AppendLine($"| {r.Workers} | {r.Bundles} | {r.FailedBundles} | {r.Resources} | {F(r.DurationS)} | {F(r.ResourcesPerS ?? 0)} | {F(r.BundlesPerS ?? 0, "0.00")} | {F(s.P50Ms, "0")} | {F(s.P95Ms, "0")} | {F(s.P99Ms, "0")} | {F(s.MaxMs, "0")} |");
            }
            RenderErrors(sb, report);
        }

        private static void RenderErrors(StringBuilder sb, Report report)
        {
            var samples = report.Runs.SelectMany(r => r.ErrorSamples.Select(s => $"{r.Scenario}/{r.Workers}: {s}")).Take(10).ToList();
            if (samples.Count == 0) return;
            sb.AppendLine();
            sb.AppendLine("Error samples:");
            sb.AppendLine();
            foreach (var s in samples) sb.AppendLine("- `" + s.Replace('`', '\'').Replace('\n', ' ').Replace('\r', ' ') + "`");
        }
    }
}
