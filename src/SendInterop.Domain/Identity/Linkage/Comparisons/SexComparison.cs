namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>Administrative sex: same, or different. Unknown on either side is the null level.</summary>
public sealed class SexComparison() : Comparison("sex",
[
    ComparisonLevel.Null("sex not recorded"),
    new("exact", "same sex", 0.97),
    new("else", "different", 0.03),
])
{
    public const int Exact = 1, Else = 2;

    public override int Compare(PreparedRecord a, PreparedRecord b) =>
        a.Sex == LinkageSex.Unknown || b.Sex == LinkageSex.Unknown ? 0
        : a.Sex == b.Sex ? Exact
        : Else;

    public override string? Describe(PreparedRecord record) =>
        record.Sex == LinkageSex.Unknown ? null : record.Sex.ToString();
}
