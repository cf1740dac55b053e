using System.Globalization;
using SendInterop.Domain.Indicators;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// Report mode: reads the timings file back and prints one markdown table (per indicator: cold and warm median per
/// subject; totals; the targets' verdicts) and the England figures, so the population's realism can be judged.
/// A warm total is the median of the runs' totals (not the sum of medians); a cold total is the one cold pass.
/// </summary>
public static class TimingReport
{
    private const double EnglandTargetMs = 5_000, LaTargetMs = 300;

    private sealed record Line(string Subject, string Kind, int Run, string Indicator, double Ms, long Initial, string Score);

    public static void Print(BenchOptions options)
    {
        var lines = File.ReadLines(options.ResultsFile).Select(Parse).ToList();
        var subjects = lines.Select(l => l.Subject).Distinct().ToList();
        var reused = lines.Where(l => l.Kind == "reuse").ToList();
        lines = lines.Where(l => l.Kind != "reuse").ToList();
        Console.WriteLine("| indicator | " + string.Join(" | ", subjects.Select(s => $"{Name(s)} cold ms | {Name(s)} warm ms")) + " |");
        Console.WriteLine("|---|" + string.Concat(subjects.Select(_ => "---:|---:|")));
        // One row per line label: an indicator, or indicators counted together (joined by '+').
        foreach (var indicator in lines.Select(l => l.Indicator).Distinct())
        {
            var cells = subjects.Select(s => $"{Fmt(Cold(lines, s, indicator))} | {Fmt(Median(Warm(lines, s).Where(l => l.Indicator == indicator).Select(l => l.Ms)))}");
            Console.WriteLine($"| {indicator.Replace("+", " + ", StringComparison.Ordinal)} | {string.Join(" | ", cells)} |");
        }

        var totals = subjects.Select(s => (Subject: s, Cold: ColdTotal(lines, s), Warm: WarmTotal(lines, s))).ToList();
        Console.WriteLine("| **all " + IndicatorCatalogue.All.Count + " indicators** | " + string.Join(" | ", totals.Select(t => $"**{Fmt(t.Cold)}** | **{Fmt(t.Warm)}**")) + " |");
        Console.WriteLine();
        foreach (var t in totals)
        {
            var target = t.Subject == ReportSubject.EnglandCode ? EnglandTargetMs : LaTargetMs;
            Console.WriteLine($"- {Name(t.Subject)}: cold {Fmt(t.Cold)} ms, warm {Fmt(t.Warm)} ms (median of {Warm(lines, t.Subject).Select(l => l.Run).Distinct().Count()} runs); " +
                $"target < {target:N0} ms: cold {Verdict(t.Cold, target)}, warm {Verdict(t.Warm, target)}");
            if (ReuseTotal(reused, t.Subject) is { } reuse)
                Console.WriteLine($"  - its region's counts reused (a neighbouring LA, or {Name(t.Subject)} again): {Fmt(reuse)} ms (median); target {Verdict(reuse, target)}");
        }

        Console.WriteLine();
        Console.WriteLine("England figures (initial population, score), SEN2 year " + options.Sen2Year + ":");
        foreach (var l in lines.Where(l => l.Subject == ReportSubject.EnglandCode && l.Kind == "warm" && l.Run == 1))
            Console.WriteLine($"  {l.Indicator}: {l.Initial:N0}{(l.Score.Length > 0 ? ", " + l.Score : "")}");
    }

    private static Line Parse(string text)
    {
        var f = text.Split('\t');
        return new Line(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), f[3], double.Parse(f[4], CultureInfo.InvariantCulture),
            long.Parse(f[5], CultureInfo.InvariantCulture), f[6]);
    }

    private static IEnumerable<Line> Warm(List<Line> lines, string subject) => lines.Where(l => l.Subject == subject && l.Kind == "warm");

    private static double? Cold(List<Line> lines, string subject, string indicator) =>
        lines.Where(l => l.Subject == subject && l.Kind == "cold" && l.Indicator == indicator).Select(l => (double?)l.Ms).LastOrDefault();

    private static double? ColdTotal(List<Line> lines, string subject)
    {
        var cold = lines.Where(l => l.Subject == subject && l.Kind == "cold").ToList();
        return cold.Count == 0 ? null : cold.Sum(l => l.Ms);
    }

    private static double? WarmTotal(List<Line> lines, string subject) =>
        Median(Warm(lines, subject).GroupBy(l => l.Run).Select(g => g.Sum(l => l.Ms)));

    private static double? ReuseTotal(List<Line> lines, string subject) =>
        Median(lines.Where(l => l.Subject == subject && l.Kind == "reuse").GroupBy(l => l.Run).Select(g => g.Sum(l => l.Ms)));

    private static double? Median(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count == 0 ? null : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Name(string subject) => subject == ReportSubject.EnglandCode ? "England" : "LA " + subject;

    private static string Fmt(double? ms) => ms is { } v ? v.ToString(v < 100 ? "F1" : "N0", CultureInfo.InvariantCulture) : "-";

    private static string Verdict(double? ms, double target) => ms is null ? "not run" : ms < target ? "met" : "**missed**";
}
