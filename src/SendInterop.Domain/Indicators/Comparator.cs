namespace SendInterop.Domain.Indicators;

/// <summary>A DfE geography: England, a region (ONS code) or an LA (3-digit old code, with its ONS code).</summary>
public sealed record Geography(GeographyLevel Level, string Code, string Name, string? OnsCode = null, string? RegionCode = null);

/// <summary>What a published cell says when it has no number (EES conventions: x not available, c suppressed, z not applicable; the tribunal table's ".." and "~").</summary>
public enum ComparatorValueStatus
{
    Value,
    NotAvailable,
    Suppressed,
    NotApplicable,
}

/// <summary>
/// A period as DfE labels it, with the SEN2 collection year it belongs to: "202425" (academic year: the January 2025
/// caseload) and "2024" (calendar year: activity reported in the 2025 collection) are both collection year 2025, the
/// year <see cref="ReportingPeriod.Sen2Year"/> takes.
/// </summary>
public sealed record ComparatorPeriod(string TimePeriod, string TimeIdentifier)
{
    public int CollectionYear => TimePeriod.Length == 6
        ? 2000 + int.Parse(TimePeriod[4..], System.Globalization.CultureInfo.InvariantCulture)
        : int.Parse(TimePeriod, System.Globalization.CultureInfo.InvariantCulture) + 1;
}

/// <summary>One published figure: a series' value for one geography and period.</summary>
public sealed record Comparator(Geography Geography, ComparatorPeriod Period, string SeriesId, decimal? Value, ComparatorValueStatus Status = ComparatorValueStatus.Value);

/// <summary>The comparators loaded from the DfE release, looked up by series, geography and collection year.</summary>
public sealed class ComparatorSet
{
    private readonly Dictionary<(string Series, GeographyLevel Level, string Code, int Year), Comparator> _index = new();

    public ComparatorSet(IEnumerable<Comparator> comparators)
    {
        All = comparators.ToList();
        foreach (var c in All) _index.TryAdd((c.SeriesId, c.Geography.Level, c.Geography.Code, c.Period.CollectionYear), c);
    }

    public IReadOnlyList<Comparator> All { get; }

    public Comparator? Find(string seriesId, GeographyLevel level, string code, int collectionYear) =>
        _index.GetValueOrDefault((seriesId, level, code, collectionYear));

    public Comparator? National(string seriesId, int collectionYear) => Find(seriesId, GeographyLevel.National, ReportSubject.EnglandCode, collectionYear);

    /// <summary>The geographies seen (LAs with their region), for building region subjects and the LA list.</summary>
    public IReadOnlyList<Geography> Geographies => All.Select(c => c.Geography).DistinctBy(g => (g.Level, g.Code)).ToList();

    /// <summary>A region as a report subject: its LAs as the DfE files place them.</summary>
    public ReportSubject RegionSubject(string regionCode)
    {
        var region = Geographies.FirstOrDefault(g => g.Level == GeographyLevel.Regional && g.Code == regionCode)
            ?? throw new ArgumentException("Unknown region code.", nameof(regionCode));
        return ReportSubject.Region(region.Code, region.Name, Geographies.Where(g => g.Level == GeographyLevel.LocalAuthority && g.RegionCode == regionCode).Select(g => g.Code));
    }
}
