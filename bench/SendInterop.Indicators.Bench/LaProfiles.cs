using System.Globalization;
using System.Text;

namespace SendInterop.Indicators.Bench;

/// <summary>One local authority's size: EHC plans in place on the January 2025 census day and requests received in 2024.</summary>
public sealed record LaProfile(string Code, string Name, int PlansInPlace, int Requests);

/// <summary>
/// The 153 LAs and their relative sizes. From the DfE release when given (caseload.csv 202425 "All EHC plans" and
/// requests.csv 2024, old 3-digit LA codes, as the record carries them); otherwise a documented stand-in so the bench
/// runs without ../shared: 153 codes 201..353 with log-normal sizes (σ 0.7, seeded) scaled to the England totals.
/// </summary>
public static class LaProfiles
{
    public const int EnglandPlans2025 = 638_745;
    public const int EnglandRequests2024 = 154_489;

    public static (IReadOnlyList<LaProfile> Las, string Source) Load(string? dfeDirectory, int seed)
    {
        if (dfeDirectory is not null && File.Exists(Path.Combine(dfeDirectory, "data", "caseload.csv")))
            return (FromDfe(dfeDirectory), "DfE release " + Path.GetFullPath(dfeDirectory));
        return (Synthetic(seed), "synthetic stand-in (no DfE release found)");
    }

    private static List<LaProfile> FromDfe(string dir)
    {
        var plans = LaColumn(Path.Combine(dir, "data", "caseload.csv"), "202425", "All EHC plans", "ehcplans");
        var requests = LaColumn(Path.Combine(dir, "data", "requests.csv"), "2024", "All requests for EHC needs assessments", "requests_received_in_year");
        return plans.Select(p => new LaProfile(p.Key, p.Value.Name, p.Value.Value,
                requests.TryGetValue(p.Key, out var r) ? r.Value : p.Value.Value * EnglandRequests2024 / EnglandPlans2025))
            .OrderBy(l => l.Code, StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, (string Name, int Value)> LaColumn(string file, string period, string topic, string column)
    {
        using var reader = new StreamReader(file, Encoding.UTF8);
        var header = Split(reader.ReadLine()!.TrimStart('\uFEFF'));
        int Col(string name) => header.IndexOf(name) is var i and >= 0 ? i : throw new InvalidDataException($"{file}: no column {name}");
        int tp = Col("time_period"), level = Col("geographic_level"), code = Col("old_la_code"), name = Col("la_name"), bt = Col("breakdown_topic"), value = Col(column);
        var result = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            var f = Split(line);
            if (f[tp] != period || f[level] != "Local authority" || f[bt] != topic) continue;
            if (int.TryParse(f[value], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) result[f[code]] = (f[name], v);
        }

        return result;
    }

    /// <summary>RFC 4180 fields (LA names such as "Bristol, City of" are quoted).</summary>
    private static List<string> Split(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static List<LaProfile> Synthetic(int seed)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, 153).Select(_ => Math.Exp(0.7 * Sampling.Normal(random))).ToList();
        var sum = weights.Sum();
        return weights.Select((w, i) => new LaProfile((201 + i).ToString(CultureInfo.InvariantCulture), $"Synthetic LA {201 + i}",
            Math.Max(10, (int)Math.Round(EnglandPlans2025 * w / sum)), Math.Max(3, (int)Math.Round(EnglandRequests2024 * w / sum)))).ToList();
    }
}
