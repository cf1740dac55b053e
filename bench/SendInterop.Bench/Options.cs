using System.Globalization;

namespace SendInterop.Bench;

public sealed class Options
{
    public string Scenario { get; set; } = "";
    public string Url { get; set; } = "http://127.0.0.1:8080/fhir";
    public string? BaselineUrl { get; set; }
    public int[] Workers { get; set; } = [];
    public double DurationS { get; set; } = 30;
    public double WarmupS { get; set; } = 10;
    public int WarmupWorkers { get; set; }
    public int Preload { get; set; } = -1;
    public int PreloadBatch { get; set; } = 100;
    public string? BundlesDir { get; set; }
    public int Generate { get; set; } = 20;
    public int Entries { get; set; } = 300;
    public double TimeoutS { get; set; } = -1;
    public string? Out { get; set; }
    public string? Label { get; set; }
    public int Seed { get; set; } = 42;
    public bool PerOperation { get; set; } = true;
    public bool Conditions { get; set; } = true;
    /// <summary>Bearer token sent on every FHIR request (--token, else SENDINTEROP_BENCH_TOKEN).</summary>
    public string? Token { get; set; }
    /// <summary>Shell command printing a fresh token, run when the current one nears its exp (--token-command, else SENDINTEROP_BENCH_TOKEN_COMMAND).</summary>
    public string? TokenCommand { get; set; }
    // consent gate scenario (gate-seed, gate, gate-report)
    public int Children { get; set; } = 2000;
    public int ObservationsPerChild { get; set; } = 50;
    public int ChildrenPerBundle { get; set; } = 10;
    public string? Ids { get; set; }
    public string? AuditDb { get; set; }
    /// <summary>The gateway's process id (Linux): its CPU time per request is measured from /proc (--gateway-pid).</summary>
    public int? GatewayPid { get; set; }
    public string Build { get; set; } = "gate";
    public int Round { get; set; } = 1;
    public string[] Workloads { get; set; } = ["read", "search"];
    public List<string> Inputs { get; set; } = [];

    public const string Usage = """
SendInterop.Bench — closed-loop FHIR R4 load driver (docs/performance.md)

usage: SendInterop.Bench <scenario> [options]

scenarios
  crud     36-request chain over 9 types: create x9, read x9, update x9, delete x9 (reverse)
  import   POST transaction Bundles (from --bundles DIR or generated) with 20 workers, one pass
  read     GET {type}/{id} of preloaded Patients              (--preload N, default 1000)
  search   GET Patient?identifier=system|value of preloaded Patients (--preload N, default 1000)
  create   POST Patient                                        (--preload N, default 0)
  create-send  POST a SEND child Patient (send-child profile)      (--preload N, default 0)
  gate-seed    consent gate data, written as the health trust's client: Organizations la-926 and ods-RY3,
               then --children N children in transaction Bundles, each a send-child Patient, a RelatedPerson
               parent, an active Consent by the parent permitting Organization/la-926 for direct-care, and
               --observations N Observations; writes the ids to --ids FILE
  gate         as the reader (la-926): GET Observation/{id} (workload read) and
               GET Observation?subject=Patient/{id}&_count=50 (workload search) over the --ids FILE data;
               checks first that the gateway really returns the data (200s, full search pages);
               --build gate|bypass and --round N label the runs; --audit-db FILE measures the audit growth
  gate-report  FILE.json... : gate / bypass throughput ratio per workload and workers (markdown on stdout)
  wait     poll --url until it answers 2xx (--timeout seconds, default 120)

options
  --url URL             FHIR base URL (default http://127.0.0.1:8080/fhir)
  --baseline-url URL    read/search/create: run the same verb against this base URL too and report
                        gateway req/s ÷ baseline req/s (bench/baseline serves the three verbs)
  --workers N[,N...]    closed-loop workers; a list runs one measurement per value
                        (default crud 10, import 20, read/search/create 16)
  --duration S          measured seconds per run (default 30; import runs until every bundle is sent)
  --warmup S            warm-up seconds before the first run, numbers discarded (default 10; 0 = none)
                        crud warms up with the create-only chain, the verbs with the same verb
  --warmup-workers N    workers during warm-up (default: the largest --workers, at most 100)
  --preload N           Patients stored first in batch Bundles of --preload-batch (default 100)
  --bundles DIR         import: *.json / *.json.gz transaction Bundles, sorted by name;
                        hospitalInformation* and practitionerInformation* are posted first, untimed
  --generate N          import without --bundles: generate N Synthea-shaped patient bundles (default 20)
  --entries N           entries per generated bundle, approximately (default 300)
  --no-conditions       generated bundles without Conditions (for a server whose Condition profile
                        rejects plain Synthea Conditions); other scenarios ignore it
  --timeout S           per-request timeout (default 60; import 900)
  --out FILE            JSON results (default bench-results/<scenario>-<utc time>.json)
  --label TEXT          free text stored in the JSON (e.g. "sqlite, validation on")
  --seed N              random seed for generated data (default 42)
  --no-per-op           markdown: leave out the per (method, type) tables
  --token TOKEN         bearer token for every request (default: $SENDINTEROP_BENCH_TOKEN; none: no header)
  --token-command CMD   shell command that prints a fresh token; run at start when there is no token and
                        again whenever the token is within 2 minutes of its exp
                        (default: $SENDINTEROP_BENCH_TOKEN_COMMAND)

gate scenario options
  --children N          gate-seed: children to store (default 2000)
  --observations N      gate-seed: Observations per child (default 50)
  --children-per-bundle N  gate-seed: children per transaction Bundle (default 10)
  --ids FILE            gate-seed writes, gate reads: one line per child, "patientId obsId obsId ..."
  --build NAME          gate: the gateway build measured (gate or bypass), stored with each run
  --round N             gate: position in the alternation (1, 2, ...), stored with each run
  --workloads LIST      gate: read,search (default both)
  --audit-db FILE       gate: the gateway's SQLite audit database (fhir-audit.db); its rows and pages are
                        read with the sqlite3 command before and after each run (per-request growth)
  --gateway-pid PID     gate: the gateway's process (Linux); its CPU time per request is read from /proc
""";

    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help") throw new UsageException(null);
        var o = new Options { Scenario = args[0].ToLowerInvariant() };
        for (var i = 1; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{a} needs a value");
            double D() => double.Parse(Next(), CultureInfo.InvariantCulture);
            int I() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (a)
            {
                case "--url": o.Url = Next(); break;
                case "--baseline-url": o.BaselineUrl = Next(); break;
                case "--workers":
                    o.Workers = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--duration": o.DurationS = D(); break;
                case "--warmup": o.WarmupS = D(); break;
                case "--warmup-workers": o.WarmupWorkers = I(); break;
                case "--preload": o.Preload = I(); break;
                case "--preload-batch": o.PreloadBatch = I(); break;
                case "--bundles": o.BundlesDir = Next(); break;
                case "--generate": o.Generate = I(); break;
                case "--entries": o.Entries = I(); break;
                case "--timeout": o.TimeoutS = D(); break;
                case "--out": o.Out = Next(); break;
                case "--label": o.Label = Next(); break;
                case "--seed": o.Seed = I(); break;
                case "--no-per-op": o.PerOperation = false; break;
                case "--no-conditions": o.Conditions = false; break;
                case "--token": o.Token = Next(); break;
                case "--token-command": o.TokenCommand = Next(); break;
                case "--children": o.Children = I(); break;
                case "--observations": o.ObservationsPerChild = I(); break;
                case "--children-per-bundle": o.ChildrenPerBundle = I(); break;
                case "--ids": o.Ids = Next(); break;
                case "--audit-db": o.AuditDb = Next(); break;
                case "--gateway-pid": o.GatewayPid = I(); break;
                case "--build": o.Build = Next(); break;
                case "--round": o.Round = I(); break;
                case "--workloads":
                    o.Workloads = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (o.Workloads.Any(w => w is not ("read" or "search"))) throw new UsageException("--workloads: read and/or search");
                    break;
                case "-h" or "--help": throw new UsageException(null);
                case var input when o.Scenario == "gate-report" && !input.StartsWith("--", StringComparison.Ordinal): o.Inputs.Add(input); break;
                default: throw new UsageException($"unknown option {a}");
            }
        }
        o.Url = o.Url.TrimEnd('/');
        o.BaselineUrl = o.BaselineUrl?.TrimEnd('/');
        o.Token ??= Environment.GetEnvironmentVariable("SENDINTEROP_BENCH_TOKEN") is { Length: > 0 } t ? t.Trim() : null;
        o.TokenCommand ??= Environment.GetEnvironmentVariable("SENDINTEROP_BENCH_TOKEN_COMMAND") is { Length: > 0 } c ? c : null;
        if (o.Children < 1 || o.ObservationsPerChild < 1 || o.ChildrenPerBundle < 1) throw new UsageException("--children, --observations and --children-per-bundle must be >= 1");
        if (o.Workers.Length == 0) o.Workers = [o.Scenario switch { "crud" => 10, "import" => 20, _ => 16 }];
        if (o.Workers.Any(w => w < 1)) throw new UsageException("--workers must be >= 1");
        if (o.Preload < 0) o.Preload = o.Scenario is "read" or "search" ? 1000 : 0;
        if (o.TimeoutS <= 0) o.TimeoutS = o.Scenario switch { "import" => 900, "gate-seed" => 300, "wait" => 120, _ => 60 };
        if (o.WarmupWorkers <= 0) o.WarmupWorkers = Math.Min(100, o.Workers.Max());
        if (o.PreloadBatch < 1) o.PreloadBatch = 100;
        return o;
    }

    public Dictionary<string, string> Describe() => new()
    {
        ["url"] = Url,
        ["baselineUrl"] = BaselineUrl ?? "",
        ["workers"] = string.Join(",", Workers),
        ["durationS"] = DurationS.ToString(CultureInfo.InvariantCulture),
        ["warmupS"] = WarmupS.ToString(CultureInfo.InvariantCulture),
        ["warmupWorkers"] = WarmupWorkers.ToString(CultureInfo.InvariantCulture),
        ["preload"] = Preload.ToString(CultureInfo.InvariantCulture),
        ["bundles"] = BundlesDir ?? $"generated: {Generate} x ~{Entries} entries, seed {Seed}{(Conditions ? "" : ", no Conditions")}",
        ["timeoutS"] = TimeoutS.ToString(CultureInfo.InvariantCulture),
        ["headers"] = "Accept: application/fhir+json; Content-Type: application/fhir+json; Accept-Encoding: gzip; Cache-Control: no-cache"
                      + (Token != null || TokenCommand != null ? "; Authorization: Bearer <token>" : ""),
    };
}

public sealed class UsageException(string? message) : Exception(message ?? "");
