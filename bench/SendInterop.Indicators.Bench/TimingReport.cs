using System.Globalization;
using SendInterop.Domain.Indicators;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// Report mode: reads the timings file back and prints markdown tables (per indicator group: counted and stored-tally
/// warm medians per subject; per subject and kind: the pass totals and the targets' verdicts) and the England figures
/// both ways, so the population's realism and the two paths' agreement can be judged. A total over several runs is the
/// median of the runs' totals (not the sum of medians).
/// </summary>
public static class TimingReport
{
    private const double EnglandTargetMs = 5_000, LaTargetMs = 300;

    private sealed record Line(string Subject, string Kind, int Run, string Indicator, double Ms, long Initial, string Score);

    /// <summary>The kinds in the order of the summary's columns, with their headings.</summary>
    private static readonly (string Kind, string Heading)[] Kinds =
    [
        ("count-cold", "counted cold"), ("count-warm", "counted warm"), ("build", "first report after load"),
        ("cold", "stored tallies cold"), ("warm", "stored tallies warm"), ("write", "after a write to one LA"),
        ("refresh", "background refresh after it"), ("refreshed", "after the write, once refreshed"), ("reuse", "reused in memory"),
    ];

    public static void Print(BenchOptions options)
    {
        var lines = File.ReadLines(options.ResultsFile).Select(Parse).ToList();
        var subjects = lines.Select(l => l.Subject).Distinct().ToList();
        // Per indicator (group): counted warm and from stored tallies warm, per subject.
        Console.WriteLine("| indicator | " + string.Join(" | ", subjects.Select(s => $"{Name(s)} counted warm ms | {Name(s)} tallies warm ms")) + " |");
        Console.WriteLine("|---|" + string.Concat(subjects.Select(_ => "---:|---:|")));
        foreach (var indicator in lines.Select(l => l.Indicator).Distinct())
        {
            var cells = subjects.Select(s => $"{Fmt(Median(Of(lines, s, "count-warm").Where(l => l.Indicator == indicator).Select(l => l.Ms)))} | "
                + Fmt(Median(Of(lines, s, "warm").Where(l => l.Indicator == indicator).Select(l => l.Ms))));
            Console.WriteLine($"| {indicator.Replace("+", " + ", StringComparison.Ordinal)} | {string.Join(" | ", cells)} |");
        }

        Console.WriteLine();
        Console.WriteLine("All " + IndicatorCatalogue.All.Count + " indicators, ms (a pass's total; median over runs where there are several):");
        Console.WriteLine();
        Console.WriteLine("| subject | " + string.Join(" | ", Kinds.Select(k => k.Heading)) + " | target |");
        Console.WriteLine("|---|" + string.Concat(Kinds.Select(_ => "---:|")) + "---:|");
        foreach (var subject in subjects)
        {
            var target = subject == ReportSubject.EnglandCode ? EnglandTargetMs : LaTargetMs;
            // The background refresh is not a report: no target.
            var cells = Kinds.Select(k => Total(lines, subject, k.Kind) is not { } ms ? "-" : k.Kind == "refresh" ? Fmt(ms) : $"{Fmt(ms)} ({Verdict(ms, target)})");
            Console.WriteLine($"| {Name(subject)} | {string.Join(" | ", cells)} | < {target:N0} |");
        }

        Console.WriteLine();
        Console.WriteLine("England figures (initial population, score), SEN2 year " + options.Sen2Year + ", counted and from stored tallies:");
        foreach (var kind in new[] { "count-warm", "warm" })
        {
            foreach (var l in lines.Where(l => l.Subject == ReportSubject.EnglandCode && l.Kind == kind && l.Run == 1))
                Console.WriteLine($"  {kind} {l.Indicator}: {l.Initial:N0}{(l.Score.Length > 0 ? ", " + l.Score : "")}");
        }
    }

    private static Line Parse(string text)
    {
        var f = text.Split('\t');
        return new Line(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), f[3], double.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture), f[6]);
    }

    private static IEnumerable<Line> Of(List<Line> lines, string subject, string kind) => lines.Where(l => l.Subject == subject && l.Kind == kind);

    /// <summary>A kind's pass total for the subject: the median of its runs' totals (a single pass: its total).</summary>
    private static double? Total(List<Line> lines, string subject, string kind) =>
        Median(Of(lines, subject, kind).GroupBy(l => l.Run).Select(g => g.Sum(l => l.Ms)));

    private static double? Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? null : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Name(string subject) => subject == ReportSubject.EnglandCode ? "England" : "LA " + subject;

    private static string Fmt(double? ms) => ms is { } v ? v.ToString(v < 100 ? "F1" : "N0", CultureInfo.InvariantCulture) : "-";

    private static string Verdict(double? ms, double target) => ms is null ? "not run" : ms < target ? "met" : "**missed**";
}
