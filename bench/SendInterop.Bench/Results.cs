namespace SendInterop.Bench;

public sealed record LatencyStats(long Count, long Errors, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencyStats From(Histogram h, long errors) => new(
        h.Count, errors, R(h.PercentileMs(50)), R(h.PercentileMs(95)), R(h.PercentileMs(99)),
        R(h.Count == 0 ? double.NaN : h.MaxUs / 1000.0), R(h.MeanMs));

    private static double R(double v) => double.IsNaN(v) ? 0 : Math.Round(v, 3);
}

public sealed class RunResult
{
    public string Scenario { get; set; } = "";
    public string Target { get; set; } = "";
    public int Workers { get; set; }
    public double DurationS { get; set; }
    /// <summary>Completed HTTP requests inside the measured window (any status).</summary>
    public long Requests { get; set; }
    /// <summary>Requests with an unexpected status, plus requests that got no response (timeouts, resets).</summary>
    public long Errors { get; set; }
    public long NoResponse { get; set; }
    public double ErrorRate { get; set; }
    public double Rps { get; set; }
    public Dictionary<string, LatencyStats> ByMethod { get; set; } = new();
    public Dictionary<string, LatencyStats> ByOperation { get; set; } = new();
    // bundle import only
    public long? Bundles { get; set; }
    public long? FailedBundles { get; set; }
    public long? Resources { get; set; }
    public double? ResourcesPerS { get; set; }
    public double? BundlesPerS { get; set; }
    // single-verb runs with --baseline-url
    public double? BaselineRps { get; set; }
    public double? RatioToBaseline { get; set; }
    // consent gate runs: which build (gate or bypass), where in the alternation, and the audit log's growth
    public string? Build { get; set; }
    public int? Round { get; set; }
    /// <summary>Every request sent during the run, warm-up excluded, drain included (the audit's denominator).</summary>
    public long? SentRequests { get; set; }
    public double? AuditRowsPerRequest { get; set; }
    public double? AuditPayloadBytesPerRequest { get; set; }
    /// <summary>Growth of the audit database (pages × page size, WAL included) per request.</summary>
    public double? AuditDbBytesPerRequest { get; set; }
    /// <summary>
    /// The gateway process's CPU time (user + system, from /proc/PID/stat) per request sent, in microseconds: what a
    /// request costs the gateway, independent of how fast the shared machine happened to run during the round.
    /// </summary>
    public double? GatewayCpuUsPerRequest { get; set; }
    /// <summary>The machine's 1-minute load average at the start and at the end of the run (other work on the cores).</summary>
    public string? LoadAverage { get; set; }
    public List<string> ErrorSamples { get; set; } = new();

    public static RunResult From(string scenario, string target, int workers, double durationS, Recorder rec, IEnumerable<string> samples)
    {
        var r = new RunResult { Scenario = scenario, Target = target, Workers = workers, DurationS = Math.Round(durationS, 3) };
        var byMethod = new Dictionary<string, (Histogram H, long E)>(StringComparer.Ordinal);
        foreach (var (op, h) in rec.Ops.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var errs = rec.Errors.GetValueOrDefault(op);
            r.ByOperation[op] = LatencyStats.From(h, errs);
            var method = op.Split(' ')[0];
            if (!byMethod.TryGetValue(method, out var m)) m = (new Histogram(), 0);
            m.H.Merge(h);
            byMethod[method] = (m.H, m.E + errs);
            r.Requests += h.Count;
        }
        // operations that only ever failed without a response have no histogram
        foreach (var (op, errs) in rec.Errors)
        {
            if (rec.Ops.ContainsKey(op)) continue;
            var method = op.Split(' ')[0];
            if (!byMethod.TryGetValue(method, out var m)) m = (new Histogram(), 0);
            byMethod[method] = (m.H, m.E + errs);
            r.ByOperation[op] = LatencyStats.From(new Histogram(), errs);
        }
        foreach (var (method, m) in byMethod.OrderBy(k => MethodOrder(k.Key)))
            r.ByMethod[method] = LatencyStats.From(m.H, m.E);
        r.Errors = rec.Errors.Values.Sum();
        r.NoResponse = rec.Exceptions;
        var attempts = r.Requests + r.NoResponse;
        r.ErrorRate = attempts == 0 ? 0 : Math.Round((double)r.Errors / attempts, 6);
        r.Rps = durationS <= 0 ? 0 : Math.Round(r.Requests / durationS, 1);
        r.ErrorSamples = samples.Take(10).ToList();
        return r;
    }

    public static int MethodOrder(string m) => m switch { "POST" => 0, "GET" => 1, "PUT" => 2, "DELETE" => 3, _ => 4 };
}

public sealed class Report
{
    public string Tool { get; set; } = "SendInterop.Bench";
    public string Scenario { get; set; } = "";
    public string Target { get; set; } = "";
    public string? BaselineTarget { get; set; }
    public string? Label { get; set; }
    public DateTime StartedUtc { get; set; } = DateTime.UtcNow;
    public Dictionary<string, string> Settings { get; set; } = new();
    public Dictionary<string, string> Machine { get; set; } = new()
    {
        ["cores"] = Environment.ProcessorCount.ToString(),
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        ["note"] = "the driver shares the machine with the server unless stated otherwise",
    };
    public List<RunResult> Runs { get; set; } = new();
}
