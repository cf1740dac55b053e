using System.Globalization;

namespace SendInterop.Indicators.Bench;

/// <summary>What bench/indicators.sh asks for; one mode per process so a cold run can start after a server restart.</summary>
public sealed record BenchOptions
{
    /// <summary>One of the modes Program.cs lists.</summary>
    public string Mode { get; init; } = "load";

    public string Connection { get; init; } = "";

    /// <summary>Fraction of the national population (1 = about 640,000 plans in place).</summary>
    public double Scale { get; init; } = 1.0;

    public int Seed { get; init; } = 20250116;

    /// <summary>DfE "Education, health and care plans" release (LA sizes); missing: documented synthetic sizes.</summary>
    public string? DfeDirectory { get; init; }

    /// <summary>The SEN2 collection year timed (activity in year − 1, census in January of year).</summary>
    public int Sen2Year { get; init; } = 2025;

    /// <summary>Warm runs per subject (the median is reported).</summary>
    public int Runs { get; init; } = 5;

    /// <summary>Subject for cold and warm: "England" or a 3-digit LA code.</summary>
    public string Subject { get; init; } = "England";

    /// <summary>Mode "write": the LA whose write counter moves before each run (default: the subject).</summary>
    public string? Leaf { get; init; }

    /// <summary>Tab-separated timings are appended here (cold, warm) and read back (report).</summary>
    public string ResultsFile { get; init; } = "indicator-timings.tsv";

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--mode" => o with { Mode = Next() },
                "--connection" => o with { Connection = Next() },
                "--scale" => o with { Scale = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seed" => o with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--dfe" => o with { DfeDirectory = Next() },
                "--year" => o with { Sen2Year = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--runs" => o with { Runs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--subject" => o with { Subject = Next() },
                "--results" => o with { ResultsFile = Next() },
                "--leaf" => o with { Leaf = Next() },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }

        if (o.Mode != "report" && o.Connection.Length == 0) throw new ArgumentException("--connection is required");
        if (o.Scale is <= 0 or > 4) throw new ArgumentException("--scale must be in (0, 4]");
        return o;
    }
}
