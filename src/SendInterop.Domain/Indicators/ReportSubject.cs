namespace SendInterop.Domain.Indicators;

/// <summary>The geography levels the DfE publishes and the dashboard reports on.</summary>
public enum GeographyLevel
{
    National,
    Regional,
    LocalAuthority,
}

/// <summary>
/// Whom a MeasureReport is about: one LA (its old-style 3-digit code, as the record carries it), a region (the LAs
/// in it, which the DfE files list), or England. Rows are selected by their LA code, so a region is exactly the sum of
/// its LAs and England is every row, including those whose LA is not known.
/// </summary>
public sealed record ReportSubject
{
    private ReportSubject(GeographyLevel level, string code, string name, IReadOnlySet<string>? laCodes)
    {
        Level = level;
        Code = code;
        Name = name;
        LaCodes = laCodes;
    }

    public GeographyLevel Level { get; }

    /// <summary>The LA's 3-digit code, or the ONS code of the region or of England.</summary>
    public string Code { get; }

    public string Name { get; }

    /// <summary>The LA codes the subject covers; null for England (everything).</summary>
    public IReadOnlySet<string>? LaCodes { get; }

    public const string EnglandCode = "E92000001";

    public static ReportSubject England { get; } = new(GeographyLevel.National, EnglandCode, "England", null);

    public static ReportSubject LocalAuthority(string laCode, string name) =>
        new(GeographyLevel.LocalAuthority, laCode, name, new HashSet<string>(StringComparer.Ordinal) { laCode });

    public static ReportSubject Region(string onsCode, string name, IEnumerable<string> laCodes) =>
        new(GeographyLevel.Regional, onsCode, name, new HashSet<string>(laCodes, StringComparer.Ordinal));

    /// <summary>Whether a row of the given LA belongs to this subject.</summary>
    public bool Covers(string? laCode) => LaCodes is null || (laCode is not null && LaCodes.Contains(laCode));

    /// <summary>The identifier system of <see cref="Code"/>.</summary>
    public string CodeSystem => Level == GeographyLevel.LocalAuthority ? IndicatorCanonical.LaCodeSystem : IndicatorCanonical.OnsGeographySystem;
}
