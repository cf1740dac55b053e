namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// NHS number: same or different, kept apart by whether both numbers are verified against PDS (UK Core status 01).
/// Unverified numbers are evidence like any field (mistyped, or a sibling's); two verified numbers decide on their own
/// (Scoring/VerifiedNhsNumberRule, which also labels such pairs for training).
/// </summary>
public sealed class NhsNumberComparison() : Comparison("nhs_number",
[
    ComparisonLevel.Null("an NHS number missing"),
    new("exact_verified", "same NHS number, both verified", 0.40),
    new("exact", "same NHS number", 0.57),
    new("else_verified", "different NHS numbers, both verified", 0.001),
    new("else", "different", 0.029),
])
{
    public const int ExactVerified = 1, Exact = 2, ElseVerified = 3, Else = 4;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        if (a.NhsNumber is null || b.NhsNumber is null)
        {
            return 0;
        }
        var verified = a.NhsNumberVerified && b.NhsNumberVerified;
        return a.NhsNumber == b.NhsNumber
            ? verified ? ExactVerified : Exact
            : verified ? ElseVerified : Else;
    }

    public override string? Describe(PreparedRecord record) =>
        record.NhsNumber is null ? null : record.NhsNumberVerified ? "present (verified)" : "present";
}
