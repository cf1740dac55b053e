namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// Postcode at four grains (<see cref="Text.UkPostcode"/>): same unit, same sector, same district, same area, else.
/// A child who moves usually stays close, so a nearer grain is weaker evidence of a different child than "else".
/// A postcode that does not parse compares only for equality (unit level) and is otherwise treated as missing.
/// </summary>
public sealed class PostcodeComparison() : Comparison("postcode",
[
    ComparisonLevel.Null("a postcode missing or unreadable"),
    new("unit", "same postcode", 0.80),
    new("sector", "same sector (NR14 6)", 0.05),
    new("district", "same district (NR14)", 0.05),
    new("area", "same area (NR)", 0.04),
    new("else", "different", 0.06),
])
{
    public const int Unit = 1, Sector = 2, District = 3, Area = 4, Else = 5;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var x = a.Postcode;
        var y = b.Postcode;
        if (x is null || y is null)
        {
            return a.PostcodeUnparsed is not null && a.PostcodeUnparsed == b.PostcodeUnparsed ? Unit : 0;
        }
        return x.Unit == y.Unit ? Unit
            : x.Sector == y.Sector ? Sector
            : x.District == y.District ? District
            : x.Area == y.Area ? Area
            : Else;
    }

    public override string? Describe(PreparedRecord record) => record.Postcode?.Unit ?? record.PostcodeUnparsed;
}
