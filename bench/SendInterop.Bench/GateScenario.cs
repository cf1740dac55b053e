using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SendInterop.Bench;

/// <summary>One seeded child: its Patient id and the ids of its Observations.</summary>
public sealed record GateChild(string PatientId, string[] ObservationIds);

/// <summary>
/// The consent gate's cost (issue #3 point 8). <c>gate-seed</c> stores, as a health trust's client (ods-RY3), children
/// whose data another organisation (la-926, education) may only read through the gate's full rules 7-9: a
/// cross-agency Tier 1 + Tier 2 agreement and a Consent by the child's parent naming la-926 for direct-care. The
/// Observations are owned by the trust, so the reader never takes the own-records shortcut. <c>gate</c> then reads
/// them as la-926 (by id, and 50 at a time by subject) against whichever build is running: the normal one or the
/// benchmark-only bypass build (<c>-p:GateBypass=true</c>); bench/run.sh alternates the two on the same database.
/// </summary>
public sealed partial class Scenarios
{
    public const string Reader = "la-926";
    public const string Trust = "ods-RY3";
    private const string PurposeSystem = "https://fhir.sendinterop.org.uk/CodeSystem/purpose-of-use";
    private const int SearchCount = 50;

    private static readonly (string Code, string Display, string Unit, double Min, double Max)[] ChildVitals =
    [
        ("8302-2", "Body Height", "cm", 95, 175),
        ("29463-7", "Body Weight", "kg", 14, 70),
        ("8867-4", "Heart rate", "/min", 60, 120),
        ("9279-1", "Respiratory rate", "/min", 14, 26),
        ("8310-5", "Body temperature", "Cel", 36.1, 37.6),
    ];

    // ------------------------------------------------------------------ gate-seed (as the trust)

    public async Task<List<RunResult>> GateSeed()
    {
        if (o.Ids is null) throw new UsageException("gate-seed needs --ids FILE (where the ids of the stored data go)");
        // The Consent's actor and the Consent's custodian must exist (referential integrity): the two organisations.
        foreach (var (id, name) in new[] { (Reader, "Norfolk County Council (bench)"), (Trust, "Norfolk Community Health and Care NHS Trust (bench)") })
        {
            var body = Encoding.UTF8.GetBytes($$"""{"resourceType":"Organization","id":"{{id}}","active":true,"name":"{{name}}"}""");
            var r = await fhir.SendAsync(Put, $"{o.Url}/Organization/{id}", body, keepBody: true);
            if (r.Status is not (200 or 201))
                throw new InvalidOperationException($"PUT Organization/{id} answered {(r.Status == 0 ? r.Error : r.Status.ToString(CultureInfo.InvariantCulture))}: {Snippet(r.Body)}");
        }

        var bundles = (o.Children + o.ChildrenPerBundle - 1) / o.ChildrenPerBundle;
        var perChild = 3 + o.ObservationsPerChild;
        Log($"gate-seed: {o.Children} children x (Patient, RelatedPerson, Consent, {o.ObservationsPerChild} Observations) = " +
            $"{(long)o.Children * perChild} resources in {bundles} transaction Bundles, as {Trust}");
        var stored = new ConcurrentBag<(int Index, GateChild Child)>();
        var rec = Enumerable.Range(0, 4).Select(_ => new Recorder()).ToArray();
        long resources = 0, failed = 0;
        var next = -1;
        var t0 = Fhir.Now();
        var tasks = rec.Select(r => Task.Run(async () =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < bundles)
            {
                var first = b * o.ChildrenPerBundle;
                var n = Math.Min(o.ChildrenPerBundle, o.Children - first);
                var body = ChildrenBundle(first, n);
                var reply = await fhir.SendAsync(Post, o.Url, body, keepBody: true);
                var children = fhir.Check(r, "POST Bundle", reply, true, 200) ? ChildrenFrom(reply.Body, n) : null;
                if (children is null)
                {
                    if (Interlocked.Increment(ref failed) <= 3)
                        Log($"  seed Bundle {b} answered {(reply.Status == 0 ? reply.Error : reply.Status.ToString(CultureInfo.InvariantCulture))}: {Snippet(reply.Body)}");
                    continue;
                }
                for (var i = 0; i < n; i++) stored.Add((first + i, children[i]));
                Interlocked.Add(ref resources, (long)n * perChild);
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var seconds = Fhir.ToUs(Fhir.Now() - t0) / 1e6;
        if (stored.IsEmpty) throw new InvalidOperationException("gate-seed: no child could be stored (see the errors above)");

        var lines = stored.OrderBy(s => s.Index).Select(s => s.Child.PatientId + " " + string.Join(' ', s.Child.ObservationIds));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Ids))!);
        await File.WriteAllLinesAsync(o.Ids, lines);

        var res = Result("gate-seed", o.Url, rec.Length, (Recorder.MergeAll(rec), seconds));
        res.Bundles = bundles;
        res.FailedBundles = failed;
        res.Resources = resources;
        res.ResourcesPerS = Math.Round(resources / seconds, 1);
        res.BundlesPerS = Math.Round((bundles - failed) / seconds, 2);
        Log($"gate-seed: {stored.Count} children, {resources} resources in {seconds:0.0}s ({res.ResourcesPerS} resources/s), {failed} failed Bundles; ids in {o.Ids}");
        return [res];
    }

    /// <summary>A transaction Bundle of <paramref name="n"/> children, each: Patient, RelatedPerson, Consent, Observations.</summary>
    private byte[] ChildrenBundle(int first, int n)
    {
        var rnd = new Random(unchecked(o.Seed * 7919 + first));
        var sb = new StringBuilder(n * (3000 + o.ObservationsPerChild * 520));
        sb.Append("""{"resourceType":"Bundle","type":"transaction","entry":[""");
        var comma = false;
        void Entry(Guid fullUrl, string type, string resource)
        {
            if (comma) sb.Append(',');
            comma = true;
            sb.Append("{\"fullUrl\":\"urn:uuid:").Append(fullUrl).Append("\",\"resource\":").Append(resource)
              .Append(",\"request\":{\"method\":\"POST\",\"url\":\"").Append(type).Append("\"}}");
        }
        for (var c = 0; c < n; c++)
        {
            Guid patient = Guid.NewGuid(), parent = Guid.NewGuid(), consent = Guid.NewGuid();
            // Born 2012-2019: every child is before the end of compulsory school age, so the parent decides and the
            // parent's Consent is valid for a permit (ADR 3, "Who may decide").
            Entry(patient, "Patient", SendChild.Next(rnd, 2012, 2019));
            Entry(parent, "RelatedPerson", $$"""
                {"resourceType":"RelatedPerson","patient":{"reference":"urn:uuid:{{patient}}"},
                 "relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"MTH","display":"mother"}]}],
                 "name":[{"family":"Bench","given":["Parent"]}]}
                """);
            Entry(consent, "Consent", $$$"""
                {"resourceType":"Consent","status":"active",
                 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
                 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0","display":"Patient Consent"}]}],
                 "patient":{"reference":"urn:uuid:{{{patient}}}"},"dateTime":"2026-01-15T10:00:00Z",
                 "performer":[{"reference":"urn:uuid:{{{parent}}}"}],
                 "organization":[{"reference":"Organization/{{{Trust}}}"}],
                 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
                 "provision":{"type":"permit",
                  "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},"reference":{"reference":"Organization/{{{Reader}}}"}}],
                  "purpose":[{"system":"{{{PurposeSystem}}}","code":"direct-care"}]}}
                """);
            for (var i = 0; i < o.ObservationsPerChild; i++)
            {
                var (code, display, unit, min, max) = ChildVitals[i % ChildVitals.Length];
                var when = new DateTime(2025, 1, 6, 10, 0, 0, DateTimeKind.Utc).AddDays(i * 7 + rnd.Next(0, 5)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                var value = Math.Round(min + rnd.NextDouble() * (max - min), 1).ToString(CultureInfo.InvariantCulture);
                Entry(Guid.NewGuid(), "Observation", $$$"""
                    {"resourceType":"Observation","status":"final",
                     "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs","display":"Vital Signs"}]}],
                     "code":{"coding":[{"system":"http://loinc.org","code":"{{{code}}}","display":"{{{display}}}"}],"text":"{{{display}}}"},
                     "subject":{"reference":"urn:uuid:{{{patient}}}"},"effectiveDateTime":"{{{when}}}","issued":"{{{when}}}",
                     "valueQuantity":{"value":{{{value}}},"unit":"{{{unit}}}","system":"http://unitsofmeasure.org","code":"{{{unit}}}"}}
                    """);
            }
        }
        sb.Append("]}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The children of a transaction-response, from its entries' locations (same order as the request).</summary>
    private GateChild[]? ChildrenFrom(byte[]? body, int n)
    {
        if (body is null) return null;
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("entry", out var entries) || entries.GetArrayLength() != n * (3 + o.ObservationsPerChild)) return null;
        var ids = entries.EnumerateArray().Select(e =>
            e.TryGetProperty("response", out var r) && r.TryGetProperty("location", out var l) ? l.GetString() : null).ToArray();
        var children = new GateChild[n];
        var k = 0;
        for (var c = 0; c < n; c++)
        {
            var patient = Fhir.IdFromLocation(ids[k], "Patient");
            k += 3; // Patient, RelatedPerson, Consent
            var obs = new string[o.ObservationsPerChild];
            for (var i = 0; i < obs.Length; i++) obs[i] = Fhir.IdFromLocation(ids[k++], "Observation") ?? "";
            if (patient is null || obs.Any(x => x.Length == 0)) return null;
            children[c] = new GateChild(patient, obs);
        }
        return children;
    }

    // ------------------------------------------------------------------ gate (as the reader)

    public async Task<List<RunResult>> Gate()
    {
        if (o.Ids is null || !File.Exists(o.Ids)) throw new UsageException("gate needs --ids FILE written by gate-seed");
        var children = (await File.ReadAllLinesAsync(o.Ids))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length >= 2)
            .Select(p => new GateChild(p[0], p[1..]))
            .ToArray();
        var observations = children.SelectMany(c => c.ObservationIds).ToArray();
        if (children.Length == 0) throw new InvalidOperationException($"{o.Ids} holds no children");
        Log($"gate ({o.Build}, round {o.Round}): {children.Length} children, {observations.Length} Observations");
        await GatePreflight(children);
        await WarmEveryChild(children);

        var results = new List<RunResult>();
        foreach (var workload in o.Workloads)
        {
            if (o.WarmupS > 0)
            {
                Log($"gate {workload} warm-up ({o.Build}): {o.WarmupWorkers} workers, {o.WarmupS}s (discarded)");
                await ClosedLoop(o.WarmupWorkers, o.WarmupS, (r, w) => GateLoop(workload, children, observations, r, w));
            }
            foreach (var workers in o.Workers)
            {
                ClearSamples(fhir);
                var before = await AuditSnapshot();
                var load0 = LoadAverage();
                var cpu0 = GatewayCpuTicks();
                var sent0 = fhir.Sent;
                Log($"gate {workload} ({o.Build}, round {o.Round}): {workers} workers, {o.DurationS}s");
                var run = await ClosedLoop(workers, o.DurationS, (r, w) => GateLoop(workload, children, observations, r, w));
                var sent = fhir.Sent - sent0;
                var cpu1 = GatewayCpuTicks(); // before the drain below: the window's requests, not the audit's catch-up after them
                await Task.Delay(250); // the audit journal's last batch commits within a few ms of the last answer
                var after = await AuditSnapshot();
                var res = Result("gate-" + workload, o.Url, workers, run);
                res.Build = o.Build;
                res.Round = o.Round;
                res.SentRequests = sent;
                res.LoadAverage = $"{load0} → {LoadAverage()}";
                if (cpu0 is { } c0 && cpu1 is { } c1 && sent > 0) res.GatewayCpuUsPerRequest = Math.Round((c1 - c0) * 1e6 / ClockTicksPerSecond / sent, 1);
                if (before is { } b && after is { } a && sent > 0)
                {
                    res.AuditRowsPerRequest = Math.Round((double)(a.Rows - b.Rows) / sent, 3);
                    res.AuditPayloadBytesPerRequest = Math.Round((double)(a.PayloadBytes - b.PayloadBytes) / sent, 1);
                    res.AuditDbBytesPerRequest = Math.Round((double)(a.DbBytes - b.DbBytes) / sent, 1);
                }
                Log($"gate {workload} ({o.Build}), {workers} workers: {res.Rps} req/s, error rate {res.ErrorRate:P2}" +
                    (res.GatewayCpuUsPerRequest is { } us ? $", gateway CPU {us} µs per request" : "") +
                    (res.AuditRowsPerRequest is { } rows ? $", audit {rows} rows and {res.AuditDbBytesPerRequest} bytes per request" : ""));
                results.Add(res);
            }
        }
        return results;
    }

    private async Task GateLoop(string workload, GateChild[] children, string[] observations, Recorder rec, Window win)
    {
        var rnd = new Random(Environment.CurrentManagedThreadId ^ Guid.NewGuid().GetHashCode());
        while (win.Running)
        {
            if (workload == "read")
            {
                var r = await fhir.SendAsync(Get, $"{o.Url}/Observation/{observations[rnd.Next(observations.Length)]}", null, keepBody: false);
                fhir.Check(rec, "GET Observation", r, win.Counts, 200);
            }
            else
            {
                var c = children[rnd.Next(children.Length)];
                var r = await fhir.SendAsync(Get, $"{o.Url}/Observation?subject=Patient/{c.PatientId}&_count={SearchCount}", null, keepBody: false);
                fhir.Check(rec, "GET Observation?subject", r, win.Counts, 200);
            }
        }
    }

    /// <summary>
    /// Untimed: one read of each child's first Observation, so the measured runs see a gateway that has served every
    /// child before, as one that has been running would: the gate build's per-child consent contexts are loaded (the
    /// bypass build has no such cache, so this changes nothing for it). Without it a fresh process spends its first
    /// seconds loading 2,000 contexts inside the measured window, which measures start-up, not the gate's cost.
    /// </summary>
    private async Task WarmEveryChild(GateChild[] children)
    {
        var next = -1;
        var workers = Enumerable.Range(0, Math.Max(1, o.WarmupWorkers)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < children.Length)
                await fhir.SendAsync(Get, $"{o.Url}/Observation/{children[i].ObservationIds[0]}", null, keepBody: false);
        });
        await Task.WhenAll(workers);
        ClearSamples(fhir);
        Log($"gate every-child warm-up ({o.Build}): one read for each of {children.Length} children (discarded)");
    }

    /// <summary>
    /// Untimed check that the data really comes back: a gate that withheld everything would answer 404s and empty
    /// pages fast, and the ratio would flatter it. Reads must be 200 with the right id, searches full pages.
    /// </summary>
    private async Task GatePreflight(GateChild[] children)
    {
        var rnd = new Random(o.Seed + o.Round);
        var problems = new List<string>();
        for (var i = 0; i < 20 && problems.Count < 3; i++)
        {
            var c = children[rnd.Next(children.Length)];
            var id = c.ObservationIds[rnd.Next(c.ObservationIds.Length)];
            var r = await fhir.SendAsync(Get, $"{o.Url}/Observation/{id}", null, keepBody: true);
            if (r.Status != 200 || Fhir.Parse(r.Body)?["id"]?.GetValue<string>() != id)
                problems.Add($"GET Observation/{id} answered {(r.Status == 0 ? r.Error : r.Status.ToString(CultureInfo.InvariantCulture))}: {Snippet(r.Body)}");
        }
        for (var i = 0; i < 10 && problems.Count < 3; i++)
        {
            var c = children[rnd.Next(children.Length)];
            var r = await fhir.SendAsync(Get, $"{o.Url}/Observation?subject=Patient/{c.PatientId}&_count={SearchCount}", null, keepBody: true);
            var bundle = Fhir.Parse(r.Body);
            var entries = bundle?["entry"] is System.Text.Json.Nodes.JsonArray a ? a.Count(e => e?["resource"]?["resourceType"]?.GetValue<string>() == "Observation") : 0;
            var expected = Math.Min(SearchCount, c.ObservationIds.Length);
            if (r.Status != 200 || entries != expected)
                problems.Add($"GET Observation?subject=Patient/{c.PatientId}&_count={SearchCount} answered {(r.Status == 0 ? r.Error : r.Status.ToString(CultureInfo.InvariantCulture))} " +
                             $"with {entries} of {expected} Observations: {Snippet(r.Body)}");
        }
        ClearSamples(fhir);
        if (problems.Count > 0)
            throw new InvalidOperationException($"the {o.Build} gateway does not return the seeded data to {Reader} (check the Access settings, the Consents and the token):\n  " + string.Join("\n  ", problems));
        Log($"gate pre-flight ({o.Build}): 20 reads answered 200, 10 searches answered full pages of {SearchCount}");
    }

    private readonly record struct AuditState(long Rows, long PayloadBytes, long DbBytes);
    private bool _auditWarned;

    /// <summary>Rows, payload bytes and database bytes (page_count × page_size: WAL included) of the audit log.</summary>
    private async Task<AuditState?> AuditSnapshot()
    {
        if (o.AuditDb is null) return null;
        try
        {
            var psi = new ProcessStartInfo("sqlite3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-readonly", "-batch", "-noheader", "-list", o.AuditDb,
                         "select count(*) || ' ' || coalesce(sum(length(Payload)), 0) from audit_log; pragma page_count; pragma page_size;" })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            var error = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (p.ExitCode != 0 || lines.Length < 3) throw new InvalidOperationException($"sqlite3 exited with {p.ExitCode}: {error.Trim()}");
            var first = lines[0].Split(' ');
            return new AuditState(long.Parse(first[0], CultureInfo.InvariantCulture), long.Parse(first[1], CultureInfo.InvariantCulture),
                long.Parse(lines[1], CultureInfo.InvariantCulture) * long.Parse(lines[2], CultureInfo.InvariantCulture));
        }
        catch (Exception ex)
        {
            if (!_auditWarned) Log($"audit size not measured ({o.AuditDb}): {ex.Message}");
            _auditWarned = true;
            return null;
        }
    }

    /// <summary>Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on Linux, whatever the kernel's HZ).</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>The gateway's user + system CPU time so far, in clock ticks (fields 14 and 15 of /proc/PID/stat); null without --gateway-pid.</summary>
    private long? GatewayCpuTicks()
    {
        if (o.GatewayPid is not { } pid) return null;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The 1-minute load average (Linux), or "?" elsewhere.</summary>
    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
        catch (UnauthorizedAccessException) { return "?"; }
    }

    private static string Snippet(byte[]? body) =>
        body is null ? "" : Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).Replace('\n', ' ');
}
