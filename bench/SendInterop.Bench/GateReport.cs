using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SendInterop.Bench;

/// <summary>
/// <c>gate-report FILE.json...</c>: combines the <c>gate</c> runs of one bench/run.sh invocation (normal and bypass
/// builds, alternated on the same database) into the gate / bypass throughput ratio per workload and worker count.
/// </summary>
public static class GateReport
{
    /// <summary>The issue's target: the gate costs at most this share of throughput.</summary>
    public const double MaxLoss = 0.15;

    private static string F(double v, string fmt = "0.0") => v.ToString(fmt, CultureInfo.InvariantCulture);

    public static int Run(Options o)
    {
        if (o.Inputs.Count == 0) throw new UsageException("gate-report needs the gate runs' JSON files");
        var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true };
        var runs = new List<RunResult>();
        foreach (var file in o.Inputs)
        {
            var report = JsonSerializer.Deserialize<Report>(File.ReadAllText(file), json) ?? throw new InvalidOperationException($"{file}: empty");
            runs.AddRange(report.Runs.Where(r => r.Build is not null && r.Scenario.StartsWith("gate-", StringComparison.Ordinal)));
        }
        var md = Render(runs, out var worstLoss);
        Console.Write(md);
        if (o.Out is not null) File.WriteAllText(o.Out, md);
        return worstLoss is null ? 1 : 0;
    }

    public static string Render(List<RunResult> runs, out double? worstLoss)
    {
        var sb = new StringBuilder();
        worstLoss = null;
        var groups = runs.GroupBy(r => (r.Scenario, r.Workers)).ToList();
        var order = string.Join(", ", runs.Select(r => (r.Round, r.Build)).Distinct().OrderBy(x => x.Round).Select(x => x.Build));
        sb.AppendLine("## Consent gate cost: gate build / bypass build");
        sb.AppendLine();
        sb.AppendLine($"Builds in the order run: {order}. Throughput is the mean over each build's rounds; latencies are the mean of the rounds' percentiles; " +
                      "the audit growth is counted over every request of the run (drain included). " +
                      "Gateway CPU per request is the gateway process's user + system time over the measured window divided by the requests sent in it " +
                      "(mean of the rounds): what a request costs, less sensitive to how fast the shared machine ran in a round than throughput is. " +
                      $"Target (issue #3): at most {F(MaxLoss * 100, "0")} % throughput loss.");
        sb.AppendLine();
        sb.AppendLine("| workload | workers | gate req/s (rounds) | bypass req/s (rounds) | gate / bypass | throughput loss | gate p50 / p99 ms | bypass p50 / p99 ms | gateway CPU µs / request, gate / bypass (ratio) | errors gate / bypass | audit per request (gate) | audit per request (bypass) |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var g in groups)
        {
            var gate = g.Where(r => r.Build == "gate").OrderBy(r => r.Round).ToList();
            var bypass = g.Where(r => r.Build == "bypass").OrderBy(r => r.Round).ToList();
            if (gate.Count == 0 || bypass.Count == 0) continue;
            var gRps = gate.Average(r => r.Rps);
            var bRps = bypass.Average(r => r.Rps);
            var ratio = bRps > 0 ? gRps / bRps : 0;
            var loss = 1 - ratio;
            worstLoss = Math.Max(worstLoss ?? double.MinValue, loss);
            sb.AppendLine($"| {Workload(g.Key.Scenario)} | {g.Key.Workers} | {F(gRps)} ({Join(gate)}) | {F(bRps)} ({Join(bypass)}) | {F(ratio, "0.000")} | " +
                          $"{F(loss * 100, "0.0")} % | {Latency(gate)} | {Latency(bypass)} | {Cpu(gate, bypass)} | {Errors(gate)} / {Errors(bypass)} | {Audit(gate)} | {Audit(bypass)} |");
        }
        sb.AppendLine();
        if (worstLoss is { } w)
            sb.AppendLine($"Largest throughput loss: {F(w * 100, "0.0")} % (target at most {F(MaxLoss * 100, "0")} %): " +
                          (w <= MaxLoss ? "**met**." : "**missed**."));
        else
            sb.AppendLine("No workload was measured on both builds: no ratio.");
        sb.AppendLine();
        return sb.ToString();
    }

    private static string Workload(string scenario) => scenario switch
    {
        "gate-read" => "read `Observation/{id}`",
        "gate-search" => "search `Observation?subject=Patient/{id}&_count=50`",
        _ => scenario,
    };

    private static string Join(List<RunResult> runs) => string.Join(", ", runs.Select(r => F(r.Rps, "0")));

    private static string Latency(List<RunResult> runs)
    {
        var stats = runs.Select(r => r.ByMethod.GetValueOrDefault("GET")).OfType<LatencyStats>().Where(s => s.Count > 0).ToList();
        return stats.Count == 0 ? "" : $"{F(stats.Average(s => s.P50Ms), "0.00")} / {F(stats.Average(s => s.P99Ms), "0.00")}";
    }

    /// <summary>Mean gateway CPU per request of each build and gate / bypass; "n/a" when either build was not measured.</summary>
    private static string Cpu(List<RunResult> gate, List<RunResult> bypass)
    {
        var g = gate.Where(r => r.GatewayCpuUsPerRequest is not null).Select(r => r.GatewayCpuUsPerRequest!.Value).ToList();
        var b = bypass.Where(r => r.GatewayCpuUsPerRequest is not null).Select(r => r.GatewayCpuUsPerRequest!.Value).ToList();
        if (g.Count == 0 || b.Count == 0 || b.Average() <= 0) return "n/a";
        return $"{F(g.Average(), "0")} / {F(b.Average(), "0")} ({F(g.Average() / b.Average(), "0.00")})";
    }

    private static string Errors(List<RunResult> runs) => F(runs.Average(r => r.ErrorRate) * 100, "0.00") + " %";

    private static string Audit(List<RunResult> runs)
    {
        var measured = runs.Where(r => r.AuditRowsPerRequest is not null).ToList();
        if (measured.Count == 0) return "n/a";
        return $"{F(measured.Average(r => r.AuditRowsPerRequest!.Value), "0.00")} rows, " +
               $"{F(measured.Average(r => r.AuditPayloadBytesPerRequest ?? 0), "0")} B payload, {F(measured.Average(r => r.AuditDbBytesPerRequest ?? 0), "0")} B database";
    }
}
