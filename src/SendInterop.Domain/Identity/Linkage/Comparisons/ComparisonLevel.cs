namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// One outcome of comparing a field between two records ("exact", "nickname", "one field differs", "else").
/// <see cref="PriorM"/> is the starting value for m (the chance a true match lands here) before training; u always
/// comes from the data. The null level (a value missing on either side) carries no evidence: weight 0.
/// </summary>
public sealed record ComparisonLevel(string Label, string Description, double PriorM, bool IsNull = false)
{
    public static ComparisonLevel Null(string description) => new("null", description, 0, IsNull: true);
}

