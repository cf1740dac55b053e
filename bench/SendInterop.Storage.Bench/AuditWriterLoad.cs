using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SendInterop.Domain.Audit;
using SendInterop.Storage;
using SendInterop.Storage.Audit;

namespace SendInterop.Storage.Bench;

/// <summary>
/// The audit writer's own cost, without HTTP: records like a gated read's (one child of N, one Observation) appended at
/// a steady rate through the journal, as the gateway appends them, while the writer commits and indexes them on its
/// thread. Reports the CPU of the <c>audit-writer</c> thread (commits, index runs, their system calls) and of the whole
/// process per entry over the measured window. Why: the consent gate's benchmark (bench/run.sh --scenarios gate)
/// moves by up to 30 % from round to round on this machine, so a change of a few microseconds in the writer cannot be
/// seen in its throughput; the writer's thread time at a fixed rate can (docs/performance.md, "Consent gate cost").
/// <para>
/// <c>dotnet run -c Release --project bench/SendInterop.Storage.Bench -- audit-writer [--rate 5000] [--seconds 20]
/// [--warm-up 5] [--children 2000] [--window-ms 5] [--index-interval-ms 1000] [--synchronous-normal]</c>
/// </para>
/// </summary>
public static class AuditWriterLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        int rate = Arg(args, "--rate", 5000), seconds = Arg(args, "--seconds", 20), warmUp = Arg(args, "--warm-up", 5),
            children = Arg(args, "--children", 2000), windowMs = Arg(args, "--window-ms", 5),
            indexMs = Arg(args, "--index-interval-ms", (int)AuditLogWriter.IndexInterval.TotalMilliseconds);
        var dir = Directory.CreateTempSubdirectory("sendinterop-audit-bench-").FullName;
        try
        {
            var flushEveryCommit = !args.Contains("--synchronous-normal");
            var database = new AuditLogDatabase(StorageProvider.Sqlite, $"Data Source={Path.Combine(dir, "audit.db")}", flushEveryCommit);
            await new AuditLogInitializer(database).InitializeAsync();
            var journal = new AuditJournal(Path.Combine(dir, "journal"));
            var writer = new AuditLogWriter(database, NullLogger<AuditLogWriter>.Instance, TimeSpan.FromMilliseconds(indexMs), journal,
                journalBatchWindow: TimeSpan.FromMilliseconds(windowMs));
            await writer.StartAsync();

            var ids = Enumerable.Range(0, children).Select(i => Guid.NewGuid().ToString()).ToArray();
            var random = new Random(20261128);
            AuditRecord Next() => new(DateTimeOffset.UtcNow, AuditAction.Read, "read", AuditDecision.Permit, "tier2-agreement",
                "bench-tier2", "bench-client", "la-926", "education", "case-worker", "direct-care",
                [ids[random.Next(children)]], ["Observation/" + Guid.NewGuid().ToString()], Guid.NewGuid().ToString("N"),
                SourceAddress: "127.0.0.1");

            // Paced in 1 ms ticks, as requests arrive: the batch sizes the writer sees depend on the rate.
            var perTick = rate / 1000.0;
            var clock = Stopwatch.StartNew();
            long sent = 0;
            (TimeSpan Writer, TimeSpan Process, long Sent)? start = null;
            var total = TimeSpan.FromSeconds(warmUp + seconds);
            while (clock.Elapsed < total)
            {
                if (start is null && clock.Elapsed >= TimeSpan.FromSeconds(warmUp))
                    start = (ThreadCpu("audit-writer"), Process.GetCurrentProcess().TotalProcessorTime, sent);
                var due = (long)(clock.Elapsed.TotalMilliseconds * perTick);
                while (sent < due)
                {
                    await writer.AppendAsync(Next());
                    sent++;
                }
                Thread.Sleep(1);
            }
            var end = (Writer: ThreadCpu("audit-writer"), Process: Process.GetCurrentProcess().TotalProcessorTime, Sent: sent);
            var measured = end.Sent - start!.Value.Sent;
            await writer.StopAsync();
            Console.WriteLine($"audit-writer: {rate}/s for {seconds} s after {warmUp} s, {children} children, window {windowMs} ms, index every {indexMs} ms, synchronous={(flushEveryCommit ? "FULL" : "NORMAL")}: "
                + $"{measured} entries; writer thread {PerEntry(end.Writer - start.Value.Writer, measured):F2} µs/entry, "
                + $"process {PerEntry(end.Process - start.Value.Process, measured):F2} µs/entry (appending included)");
            return 0;
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { /* a temp folder */ }
        }
    }

    private static double PerEntry(TimeSpan cpu, long entries) => cpu.TotalMicroseconds / Math.Max(1, entries);

    /// <summary>User + system time of this process's thread named <paramref name="name"/> (Linux: /proc/self/task).</summary>
    private static TimeSpan ThreadCpu(string name)
    {
        foreach (var task in Directory.GetDirectories("/proc/self/task"))
        {
            string comm;
            try { comm = File.ReadAllText(Path.Combine(task, "comm")).Trim(); } catch (IOException) { continue; }
            if (comm != name) continue;
            var stat = File.ReadAllText(Path.Combine(task, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // after "pid (comm) "; utime, stime are fields 14, 15
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
        }
        throw new InvalidOperationException($"No thread named {name}.");
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    }
}
