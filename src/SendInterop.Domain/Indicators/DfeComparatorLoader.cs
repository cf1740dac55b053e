using System.Globalization;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// Loads the DfE "Education, health and care plans" release (reporting year 2025, Explore Education Statistics tidy CSV,
/// Open Government Licence) as comparators, read in place from the directory given at run time (for example
/// ../shared/data/dfe-ehcp-2025); nothing is copied into the repository. Only headline rows are read (breakdown
/// equal to its topic: "All EHC plans", "New EHC plans"), for the series in <see cref="ComparatorSeriesCatalogue"/>: England, the 9 regions and the 153 LAs,
/// every year each file has. The tribunal appeal rate comes from the MoJ supporting table (England and LAs; its regions
/// carry no codes and are skipped). Figures are as published in this release: later releases revise earlier years.
/// </summary>
public static class DfeComparatorLoader
{
    public static ComparatorSet Load(string releaseDirectory, IEnumerable<ComparatorSeries>? series = null)
    {
        if (!Directory.Exists(releaseDirectory)) throw new DirectoryNotFoundException("DfE release directory not found: " + releaseDirectory);
        var wanted = (series ?? ComparatorSeriesCatalogue.All).ToList();
        var files = new Dictionary<string, IReadOnlyList<HeadlineRow>>(StringComparer.Ordinal);
        IReadOnlyList<HeadlineRow> Rows(string file) =>
            files.TryGetValue(file, out var rows) ? rows : files[file] = ReadHeadlines(Path.Combine(releaseDirectory, file));

        var comparators = new List<Comparator>();
        foreach (var s in wanted)
        {
            if (s.IsTribunalTable)
            {
                comparators.AddRange(ReadTribunalTable(Path.Combine(releaseDirectory, s.File), s.Id));
                continue;
            }

            var denominators = s.Denominator is { } d
                ? Rows(d.File).GroupBy(r => (r.Geography.Level, r.Geography.Code, r.Period.TimePeriod)).ToDictionary(g => g.Key, g => g.First())
                : null;
            foreach (var row in Rows(s.File))
            {
                var (value, status) = Sum(row, s.Columns);
                if (denominators is not null && status == ComparatorValueStatus.Value)
                {
                    if (!denominators.TryGetValue((row.Geography.Level, row.Geography.Code, row.Period.TimePeriod), out var denominatorRow)) continue;
                    var (den, denStatus) = Sum(denominatorRow, [s.Denominator!.Value.Column]);
                    (value, status) = Rate(value!.Value, den, denStatus);
                }

                comparators.Add(new Comparator(row.Geography, row.Period, s.Id, value, status));
            }
        }

        return new ComparatorSet(comparators);
    }

    /// <summary>100 × numerator / denominator, rounded as DfE rounds its percentages (1 decimal place).</summary>
    private static (decimal? Value, ComparatorValueStatus Status) Rate(decimal numerator, decimal? denominator, ComparatorValueStatus denominatorStatus)
    {
        if (denominatorStatus != ComparatorValueStatus.Value) return (null, denominatorStatus);
        if (denominator is not { } d || d == 0) return (null, ComparatorValueStatus.NotApplicable);
        return (IndicatorEvaluator.Round(100m * numerator / d), ComparatorValueStatus.Value);
    }

    private sealed record HeadlineRow(Geography Geography, ComparatorPeriod Period, IReadOnlyDictionary<string, string> Cells);

    private static IReadOnlyList<HeadlineRow> ReadHeadlines(string path)
    {
        using var reader = new StreamReader(path);
        using var lines = TidyCsv.Read(reader).GetEnumerator();
        if (!lines.MoveNext()) return [];
        var header = lines.Current;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++) index.TryAdd(header[i].Trim(), i);
        string Cell(IReadOnlyList<string> row, string column) => index.TryGetValue(column, out var i) && i < row.Count ? row[i].Trim() : "";

        var result = new List<HeadlineRow>();
        while (lines.MoveNext())
        {
            var row = lines.Current;
            // Headline rows repeat the topic as the breakdown ("All EHC plans", "New EHC plans"); every other row is a breakdown.
            if (Cell(row, "breakdown_topic") != Cell(row, "breakdown")) continue;
            Geography? geography = Cell(row, "geographic_level") switch
            {
                "National" => new Geography(GeographyLevel.National, ReportSubject.EnglandCode, "England", ReportSubject.EnglandCode),
                "Regional" => new Geography(GeographyLevel.Regional, Cell(row, "region_code"), Cell(row, "region_name"), Cell(row, "region_code")),
                "Local authority" => new Geography(GeographyLevel.LocalAuthority, Cell(row, "old_la_code"), Cell(row, "la_name"), Cell(row, "new_la_code"), Cell(row, "region_code")),
                _ => null,
            };
            if (geography is null) continue;
            var cells = index.Keys.ToDictionary(k => k, k => Cell(row, k), StringComparer.Ordinal);
            result.Add(new HeadlineRow(geography, new ComparatorPeriod(Cell(row, "time_period"), Cell(row, "time_identifier")), cells));
        }

        return result;
    }

    private static (decimal? Value, ComparatorValueStatus Status) Sum(HeadlineRow row, IReadOnlyList<string> columns)
    {
        decimal total = 0;
        foreach (var column in columns)
        {
            var (value, status) = Parse(row.Cells.GetValueOrDefault(column, "x"));
            if (status != ComparatorValueStatus.Value) return (null, status);
            total += value!.Value;
        }

        return (total, ComparatorValueStatus.Value);
    }

    /// <summary>EES conventions (x, c, z), the tribunal table's (.. not available, ~ suppressed, " - " none), thousands separators and per cent signs.</summary>
    internal static (decimal? Value, ComparatorValueStatus Status) Parse(string text)
    {
        var t = text.Trim();
        switch (t)
        {
            case "" or "x" or "..": return (null, ComparatorValueStatus.NotAvailable);
            case "c" or "~": return (null, ComparatorValueStatus.Suppressed);
            case "z": return (null, ComparatorValueStatus.NotApplicable);
            case "-": return (0m, ComparatorValueStatus.Value);
        }

        t = t.Replace(",", "", StringComparison.Ordinal).TrimEnd('%');
        return decimal.TryParse(t, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? (value, ComparatorValueStatus.Value)
            : (null, ComparatorValueStatus.NotAvailable);
    }

    /// <summary>
    /// The MoJ table: a year header row ("2014", "", "", "2015", ...), then per LA "name, code, appeals, decisions, rate" per
    /// year; "England Total" is England. The "In development" columns after 2024 are not read.
    /// </summary>
    private static IEnumerable<Comparator> ReadTribunalTable(string path, string seriesId)
    {
        using var reader = new StreamReader(path);
        var rows = TidyCsv.Read(reader).ToList();
        var header = rows.FindIndex(r => r.Count > 2 && r[0].Trim() == "Local Authority");
        if (header < 0) yield break;
        var years = new List<(int Year, int RateColumn)>();
        for (var i = 2; i < rows[header].Count; i++)
        {
            if (int.TryParse(rows[header][i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var year)) years.Add((year, i + 2));
        }

        foreach (var row in rows.Skip(header + 2))
        {
            if (row.Count < 3) continue;
            var name = row[0].Trim();
            Geography? geography = name.StartsWith("England Total", StringComparison.Ordinal)
                ? new Geography(GeographyLevel.National, ReportSubject.EnglandCode, "England", ReportSubject.EnglandCode)
                : row[1].Trim() is { Length: 3 } code && code.All(char.IsAsciiDigit) ? new Geography(GeographyLevel.LocalAuthority, code, name) : null;
            if (geography is null) continue;
            foreach (var (year, column) in years)
            {
                if (column >= row.Count) continue;
                var (value, status) = Parse(row[column]);
                yield return new Comparator(geography, new ComparatorPeriod(year.ToString(CultureInfo.InvariantCulture), "Calendar year"), seriesId, value, status);
            }
        }
    }
}
