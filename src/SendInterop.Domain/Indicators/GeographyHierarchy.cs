namespace SendInterop.Domain.Indicators;

/// <summary>
/// England → regions → LAs, as the DfE release places the LAs. Every row belongs to one <em>leaf</em> (its LA code,
/// or "unknown" when the record names none) and every leaf to one <em>group</em>: its region, or
/// <see cref="RestOfEngland"/> for leaves in no region (LA unknown, or an LA the release does not list). England is
/// exactly the sum of the groups. <see cref="HierarchicalSuppression"/> decides suppression group by group, so a
/// report on an LA or a region needs only its group's rows.
/// </summary>
public sealed class GeographyHierarchy
{
    /// <summary>The group of leaves in no region. It is never a report subject, but England minus the regions gives it away, so it is protected like a region.</summary>
    public const string RestOfEngland = "rest-of-england";

    private readonly Dictionary<string, string> _groupOfLa = new(StringComparer.Ordinal);

    public GeographyHierarchy(IEnumerable<ReportSubject> regions)
    {
        Regions = regions.OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
        foreach (var region in Regions)
        {
            if (region.Level != GeographyLevel.Regional || region.LaCodes is null) throw new ArgumentException($"'{region.Code}' is not a region.", nameof(regions));
            foreach (var la in region.LaCodes)
            {
                if (!_groupOfLa.TryAdd(la, region.Code)) throw new ArgumentException($"LA {la} is in two regions.", nameof(regions));
            }
        }
    }

    /// <summary>No regions: every leaf is in <see cref="RestOfEngland"/> (no DfE release configured).</summary>
    public static GeographyHierarchy None { get; } = new([]);

    public IReadOnlyList<ReportSubject> Regions { get; }

    /// <summary>The leaf of a row: its LA code, or "unknown".</summary>
    public static string LeafOf(string? laCode) => laCode ?? Stratifiers.Unknown;

    /// <summary>The group (region code or <see cref="RestOfEngland"/>) a leaf belongs to.</summary>
    public string GroupOf(string leaf) => _groupOfLa.GetValueOrDefault(leaf, RestOfEngland);

    /// <summary>Whether a leaf's rows are counted in a subject's figures.</summary>
    public static bool Covers(ReportSubject subject, string leaf) => subject.Covers(leaf == Stratifiers.Unknown ? null : leaf);

    /// <summary>
    /// The subject whose rows, grouped by leaf, decide a subject's suppression: an LA's region (England when the LA is
    /// in no region, since the rest-of-England group is England minus the regions), a region itself, England for England.
    /// </summary>
    public ReportSubject ScopeOf(ReportSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return subject.Level switch
        {
            GeographyLevel.LocalAuthority => Regions.FirstOrDefault(r => r.Code == GroupOf(subject.Code)) ?? ReportSubject.England,
            GeographyLevel.Regional => Regions.FirstOrDefault(r => r.Code == subject.Code && r.LaCodes!.SetEquals(subject.LaCodes!))
                ?? throw new ArgumentException($"Region '{subject.Code}' is not in the geography its suppression is decided over.", nameof(subject)),
            _ => ReportSubject.England,
        };
    }
}
