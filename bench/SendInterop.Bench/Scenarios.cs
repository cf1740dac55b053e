using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SendInterop.Bench;

/// <summary>Measured window of a closed-loop run: requests that complete after EndTs are not counted.</summary>
public sealed class Window(TimeSpan duration)
{
    public long StartTs { get; } = Fhir.Now();
    public long EndTs { get; } = Fhir.Now() + (long)(duration.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    public bool Running => Fhir.Now() < EndTs;
    public bool Counts => Fhir.Now() <= EndTs;
}

public sealed partial class Scenarios(Options o, Fhir fhir)
{
    private static readonly HttpMethod Post = HttpMethod.Post, Get = HttpMethod.Get, Put = HttpMethod.Put, Delete = HttpMethod.Delete;

    private static void Log(string msg) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {msg}");

    /// <summary>Starts <paramref name="workers"/> closed loops at once and returns the merged recorder.</summary>
    private async Task<(Recorder Rec, double Seconds)> ClosedLoop(int workers, double seconds, Func<Recorder, Window, Task> body)
    {
        var recorders = Enumerable.Range(0, workers).Select(_ => new Recorder()).ToArray();
        var window = new Window(TimeSpan.FromSeconds(seconds));
        var tasks = recorders.Select(r => Task.Run(() => body(r, window))).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return (Recorder.MergeAll(recorders), seconds);
    }

    private RunResult Result(string scenario, string target, int workers, (Recorder Rec, double Seconds) run)
    {
        var samples = new List<string>();
        while (fhir.ErrorSamples.TryDequeue(out var s)) samples.Add(s);
        return RunResult.From(scenario, target, workers, run.Seconds, run.Rec, samples);
    }

    private static void ClearSamples(Fhir f) { while (f.ErrorSamples.TryDequeue(out _)) { } }

    // ------------------------------------------------------------------ CRUD (BENCHMARK-WORKLOAD.md section 2)

    public async Task<List<RunResult>> Crud()
    {
        if (o.WarmupS > 0)
        {
            Log($"crud warm-up: create-only chain, {o.WarmupWorkers} workers, {o.WarmupS}s (discarded)");
            var w = await ClosedLoop(o.WarmupWorkers, o.WarmupS, (r, win) => CrudChain(r, win, createOnly: true));
            Log($"warm-up done: {w.Rec.Ops.Values.Sum(h => h.Count)} requests, {w.Rec.Errors.Values.Sum()} errors");
            var warm = Result("crud-warmup", o.Url, o.WarmupWorkers, w);
            foreach (var s in warm.ErrorSamples.Take(3)) Log("  warm-up error: " + s);
        }
        var results = new List<RunResult>();
        foreach (var workers in o.Workers)
        {
            ClearSamples(fhir);
            Log($"crud: {workers} workers, {o.DurationS}s");
            var run = await ClosedLoop(workers, o.DurationS, (r, win) => CrudChain(r, win, createOnly: false));
            var res = Result("crud", o.Url, workers, run);
            Log($"crud {workers} workers: {res.Rps} req/s, error rate {res.ErrorRate:P2}");
            results.Add(res);
        }
        return results;
    }

    private async Task CrudChain(Recorder rec, Window win, bool createOnly)
    {
        var order = Seeds.Order;
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var created = new JsonObject?[order.Length];
        while (win.Running)
        {
            ids.Clear();
            var uuid = Guid.NewGuid().ToString();
            var complete = true;
            // 1. create x9 in dependency order, references rewritten to the server's ids
            for (var i = 0; i < order.Length; i++)
            {
                if (!win.Running) return;
                var type = order[i];
                var body = Encoding.UTF8.GetBytes(Seeds.Fill(Seeds.For(type), ids, uuid));
                var r = await fhir.SendAsync(Post, $"{o.Url}/{type}", body, keepBody: true);
                fhir.Check(rec, "POST " + type, r, win.Counts, 201);
                // warm-up only needs the id: take it from Location and parse the body only when that is missing
                var node = createOnly && Fhir.IdFromLocation(r.Location, type) != null ? null : Fhir.Parse(r.Body) as JsonObject;
                var id = Fhir.IdOf(node, r.Location, type);
                if (r.Status is not (200 or 201) || id == null) { complete = false; break; }
                ids[type] = id;
                if (!createOnly)
                {
                    // a server answering with return=minimal: update from what we sent, plus the id
                    node ??= (JsonObject)JsonNode.Parse(body)!;
                    node["id"] = id;
                    created[i] = node;
                }
            }
            if (!complete || createOnly) continue;

            // 2. read x9
            for (var i = 0; i < order.Length; i++)
            {
                if (!win.Running) return;
                var r = await fhir.SendAsync(Get, $"{o.Url}/{order[i]}/{ids[order[i]]}", null, keepBody: false);
                fhir.Check(rec, "GET " + order[i], r, win.Counts, 200);
            }

            // 3. update x9: the created body with one field changed, no If-Match
            var now = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < order.Length; i++)
            {
                if (!win.Running) return;
                var node = created[i]!;
                Mutate(order[i], node, now);
                var r = await fhir.SendAsync(Put, $"{o.Url}/{order[i]}/{ids[order[i]]}", Encoding.UTF8.GetBytes(node.ToJsonString()), keepBody: false);
                fhir.Check(rec, "PUT " + order[i], r, win.Counts, 200);
            }

            // 4. delete x9 in reverse order
            for (var i = order.Length - 1; i >= 0; i--)
            {
                if (!win.Running) return;
                var r = await fhir.SendAsync(Delete, $"{o.Url}/{order[i]}/{ids[order[i]]}", null, keepBody: false);
                fhir.Check(rec, "DELETE " + order[i], r, win.Counts, 200, 204);
            }
        }
    }

    /// <summary>The one-field change of the benchmark's update step.</summary>
    private static void Mutate(string type, JsonObject node, string now)
    {
        string? Str(string name) => node[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        switch (type)
        {
            case "Encounter": node["status"] = Str("status") == "planned" ? "in-progress" : "planned"; break;
            case "Location":
            case "Organization": node["name"] = (Str("name") ?? type) + " " + now; break;
            case "MedicationRequest": node["status"] = Str("status") == "on-hold" ? "draft" : "on-hold"; break;
            case "Observation": node["issued"] = now; break;
            case "Patient":
            case "Practitioner": node["gender"] = Str("gender") == "unknown" ? "other" : "unknown"; break;
            case "Claim":
            case "ExplanationOfBenefit": node["created"] = now; break;
        }
    }

    // ------------------------------------------------------------------ bundle import (section 3)

    private sealed record ImportItem(string Name, int Entries, byte[]? Json, string? Path);

    public async Task<List<RunResult>> Import()
    {
        var (setup, items) = LoadBundles();
        foreach (var s in setup)
        {
            Log($"import setup (untimed): {s.Name}, {s.Entries} entries");
            var r = await fhir.SendAsync(Post, o.Url, await BytesOf(s), keepBody: false);
            if (r.Status != 200) Log($"  setup bundle {s.Name} answered {(r.Status == 0 ? r.Error : r.Status.ToString())}");
        }
        ClearSamples(fhir);
        var results = new List<RunResult>();
        foreach (var workers in o.Workers)
        {
            var next = -1;
            long okBundles = 0, failedBundles = 0, resources = 0;
            var recorders = Enumerable.Range(0, workers).Select(_ => new Recorder()).ToArray();
            Log($"import: {items.Count} bundles ({items.Sum(i => (long)i.Entries)} entries), {workers} workers");
            var t0 = Fhir.Now();
            var tasks = recorders.Select(rec => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < items.Count)
                {
                    var item = items[i];
                    var body = await BytesOf(item);
                    var r = await fhir.SendAsync(Post, o.Url, body, keepBody: false);
                    if (fhir.Check(rec, "POST Bundle", r, true, 200))
                    {
                        Interlocked.Increment(ref okBundles);
                        Interlocked.Add(ref resources, item.Entries);
                    }
                    else Interlocked.Increment(ref failedBundles);
                }
            })).ToArray();
            await Task.WhenAll(tasks);
            var seconds = Fhir.ToUs(Fhir.Now() - t0) / 1e6;
            var res = Result("import", o.Url, workers, (Recorder.MergeAll(recorders), seconds));
            res.Bundles = okBundles + failedBundles;
            res.FailedBundles = failedBundles;
            res.Resources = resources;
            res.ResourcesPerS = Math.Round(resources / seconds, 1);
            res.BundlesPerS = Math.Round(okBundles / seconds, 2);
            Log($"import {workers} workers: {res.ResourcesPerS} resources/s, {res.BundlesPerS} bundles/s, {failedBundles} failed");
            results.Add(res);
        }
        return results;
    }

    private (List<ImportItem> Setup, List<ImportItem> Items) LoadBundles()
    {
        var setup = new List<ImportItem>();
        var items = new List<ImportItem>();
        if (o.BundlesDir == null)
        {
            Log($"generating {o.Generate} patient bundles of ~{o.Entries} entries (seed {o.Seed})");
            var gen = new SyntheaGenerator.GeneratedBundle[o.Generate];
            Parallel.For(0, o.Generate, i => gen[i] = SyntheaGenerator.PatientBundle(i, o.Entries, o.Seed, o.Conditions));
            items.AddRange(gen.Select(g => new ImportItem(g.Name, g.Entries, g.Json, null)));
            Log($"generated {items.Sum(i => (long)i.Entries)} entries, {items.Sum(i => (long)i.Json!.Length) / 1e6:0.0} MB");
            return (setup, items);
        }
        var files = Directory.EnumerateFiles(o.BundlesDir)
            .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new UsageException($"no *.json or *.json.gz in {o.BundlesDir}");
        Log($"counting entries of {files.Count} bundle files (untimed)");
        foreach (var f in files)
        {
            var name = Path.GetFileName(f);
            using var doc = JsonDocument.Parse(ReadFile(f));
            var entries = doc.RootElement.TryGetProperty("entry", out var e) && e.ValueKind == JsonValueKind.Array ? e.GetArrayLength() : 0;
            var item = new ImportItem(name, entries, null, f);
            if (name.StartsWith("hospitalInformation", StringComparison.Ordinal)) setup.Insert(0, item);
            else if (name.StartsWith("practitionerInformation", StringComparison.Ordinal)) setup.Add(item);
            else items.Add(item);
        }
        return (setup, items);
    }

    private static byte[] ReadFile(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return File.ReadAllBytes(path);
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static async Task<byte[]> BytesOf(ImportItem item) =>
        item.Json ?? (item.Path!.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? await Task.Run(() => ReadFile(item.Path))
            : await File.ReadAllBytesAsync(item.Path));

    // ------------------------------------------------------------------ single verbs: read, search, create

    private sealed record Preloaded(string Id, string Identifier);

    public async Task<List<RunResult>> Verb()
    {
        var verb = o.Scenario;
        var data = o.Preload > 0 ? await PreloadPatients(o.Preload) : [];
        if (verb is "read" or "search" && data.Count == 0)
        {
            if (o.Preload > 0)
                throw new InvalidOperationException($"{verb} needs preloaded Patients: none could be stored (see errors above)");
            // --preload 0: made-up ids (useful against the baseline, which answers any id); a real server answers 404
            Log($"{verb} with --preload 0: using 1000 made-up ids and identifiers");
            data = Enumerable.Range(0, 1000).Select(_ => new Preloaded(Guid.NewGuid().ToString(), Guid.NewGuid().ToString())).ToList();
        }

        var targets = new List<(string Name, string Url)> { ("gateway", o.Url) };
        if (o.BaselineUrl != null) targets.Add(("baseline", o.BaselineUrl));
        var results = new List<RunResult>();
        foreach (var (name, url) in targets)
        {
            if (o.WarmupS > 0)
            {
                Log($"{verb} warm-up on {name}: {o.WarmupWorkers} workers, {o.WarmupS}s (discarded)");
                await ClosedLoop(o.WarmupWorkers, o.WarmupS, (r, w) => VerbLoop(verb, url, data, r, w));
            }
            foreach (var workers in o.Workers)
            {
                ClearSamples(fhir);
                Log($"{verb} on {name}: {workers} workers, {o.DurationS}s");
                var run = await ClosedLoop(workers, o.DurationS, (r, w) => VerbLoop(verb, url, data, r, w));
                var res = Result(name == "gateway" ? verb : verb + "-baseline", url, workers, run);
                Log($"{verb} on {name}, {workers} workers: {res.Rps} req/s, error rate {res.ErrorRate:P2}");
                results.Add(res);
            }
        }
        if (o.BaselineUrl != null)
        {
            foreach (var g in results.Where(r => r.Scenario == verb))
            {
                var b = results.FirstOrDefault(r => r.Scenario == verb + "-baseline" && r.Workers == g.Workers);
                if (b == null || b.Rps <= 0) continue;
                g.BaselineRps = b.Rps;
                g.RatioToBaseline = Math.Round(g.Rps / b.Rps, 3);
            }
        }
        return results;
    }

    private async Task VerbLoop(string verb, string url, List<Preloaded> data, Recorder rec, Window win)
    {
        var rnd = new Random(Environment.CurrentManagedThreadId ^ Guid.NewGuid().GetHashCode());
        var seed = Seeds.Patient;
        while (win.Running)
        {
            Reply r;
            switch (verb)
            {
                case "read":
                {
                    var p = data[rnd.Next(data.Count)];
                    r = await fhir.SendAsync(Get, $"{url}/Patient/{p.Id}", null, keepBody: false);
                    fhir.Check(rec, "GET Patient", r, win.Counts, 200);
                    break;
                }
                case "search":
                {
                    var p = data[rnd.Next(data.Count)];
                    var q = Uri.EscapeDataString($"{Seeds.SyntheaSystem}|{p.Identifier}");
                    r = await fhir.SendAsync(Get, $"{url}/Patient?identifier={q}", null, keepBody: false);
                    fhir.Check(rec, "GET Patient?identifier", r, win.Counts, 200);
                    break;
                }
                case "create-send":
                {
                    // A SEND child declaring the send-child profile: fully validated on write (issue target: 800/s, p99 < 250 ms).
                    r = await fhir.SendAsync(Post, $"{url}/Patient", Encoding.UTF8.GetBytes(SendChild.Next(rnd)), keepBody: false);
                    fhir.Check(rec, "POST Patient (SEND)", r, win.Counts, 201);
                    break;
                }
                default:
                {
                    var body = Encoding.UTF8.GetBytes(seed.Replace("{{uuid}}", Guid.NewGuid().ToString(), StringComparison.Ordinal));
                    r = await fhir.SendAsync(Post, $"{url}/Patient", body, keepBody: false);
                    fhir.Check(rec, "POST Patient", r, win.Counts, 201);
                    break;
                }
            }
        }
    }

    /// <summary>Stores <paramref name="count"/> Patients through batch Bundles (falls back to transaction, then
    /// to single POSTs) and returns their ids and Synthea identifiers.</summary>
    private async Task<List<Preloaded>> PreloadPatients(int count)
    {
        Log($"preloading {count} Patients in Bundles of {o.PreloadBatch}");
        var result = new ConcurrentBag<Preloaded>();
        var batches = (count + o.PreloadBatch - 1) / o.PreloadBatch;
        var bundleType = "batch";
        var next = -1;
        var failures = 0;
        var t0 = Fhir.Now();
        var workers = Enumerable.Range(0, Math.Min(4, batches)).Select(_ => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches)
            {
                var n = Math.Min(o.PreloadBatch, count - b * o.PreloadBatch);
                var identifiers = Enumerable.Range(0, n).Select(_ => Guid.NewGuid().ToString()).ToArray();
                var ok = false;
                foreach (var type in bundleType == "batch" ? new[] { "batch", "transaction" } : ["transaction"])
                {
                    var bundle = new StringBuilder();
                    bundle.Append("{\"resourceType\":\"Bundle\",\"type\":\"").Append(type).Append("\",\"entry\":[");
                    for (var i = 0; i < n; i++)
                    {
                        if (i > 0) bundle.Append(',');
                        bundle.Append("{\"fullUrl\":\"urn:uuid:").Append(Guid.NewGuid()).Append("\",\"resource\":")
                              .Append(Seeds.Patient.Replace("{{uuid}}", identifiers[i], StringComparison.Ordinal))
                              .Append(",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
                    }
                    bundle.Append("]}");
                    var r = await fhir.SendAsync(Post, o.Url, Encoding.UTF8.GetBytes(bundle.ToString()), keepBody: true);
                    if (r.Status == 200 && Fhir.Parse(r.Body)?["entry"] is JsonArray entries && entries.Count == n)
                    {
                        for (var i = 0; i < n; i++)
                        {
                            var e = entries[i];
                            var id = Fhir.IdFromLocation(e?["response"]?["location"]?.GetValue<string>(), "Patient")
                                     ?? e?["resource"]?["id"]?.GetValue<string>();
                            var status = e?["response"]?["status"]?.GetValue<string>() ?? "";
                            if (id != null && status.StartsWith("201", StringComparison.Ordinal)) result.Add(new Preloaded(id, identifiers[i]));
                        }
                        ok = true;
                        if (type != bundleType) { bundleType = type; Log($"  batch Bundles refused; preloading with {type} Bundles"); }
                        break;
                    }
                    if (Interlocked.Increment(ref failures) <= 3)
                        Log($"  preload {type} Bundle answered {(r.Status == 0 ? r.Error : r.Status.ToString())}: " +
                            (r.Body == null ? "" : Encoding.UTF8.GetString(r.Body, 0, Math.Min(200, r.Body.Length))));
                }
                if (ok) continue;
                // last resort: one POST per Patient
                for (var i = 0; i < n; i++)
                {
                    var body = Encoding.UTF8.GetBytes(Seeds.Patient.Replace("{{uuid}}", identifiers[i], StringComparison.Ordinal));
                    var r = await fhir.SendAsync(Post, $"{o.Url}/Patient", body, keepBody: true);
                    var id = Fhir.IdOf(Fhir.Parse(r.Body), r.Location, "Patient");
                    if (r.Status is 200 or 201 && id != null) result.Add(new Preloaded(id, identifiers[i]));
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var secs = Fhir.ToUs(Fhir.Now() - t0) / 1e6;
        Log($"preloaded {result.Count}/{count} Patients in {secs:0.0}s ({result.Count / Math.Max(secs, 1e-6):0} resources/s)");
        ClearSamples(fhir);
        return result.ToList();
    }
}
