namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// A code compared only for equality: same or different. Used for school URN and LA code, where a near miss
/// (URN 121212 against 121213) says nothing: neighbouring codes are unrelated schools.
/// </summary>
public sealed class ExactIdentifierComparison : Comparison
{
    public const int Exact = 1, Else = 2;

    private readonly Func<PreparedRecord, string?> _value;

    public ExactIdentifierComparison(string name, string what, Func<PreparedRecord, string?> value, double priorM)
        : base(name,
        [
            ComparisonLevel.Null($"{what} missing"),
            new("exact", $"same {what}", priorM),
            new("else", "different", 1 - priorM),
        ])
    {
        _value = value;
    }

    /// <summary>School or setting URN: children move school, so agreement is likely but not certain for a match.</summary>
    public static ExactIdentifierComparison SchoolUrn() => new("school_urn", "school URN", r => r.SchoolUrn, 0.80);

    /// <summary>Responsible local authority: mostly stable, changes when the family moves across a boundary.</summary>
    public static ExactIdentifierComparison LaCode() => new("la_code", "LA code", r => r.LaCode, 0.90);

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var x = _value(a);
        var y = _value(b);
        return x is null || y is null ? 0 : x == y ? Exact : Else;
    }

    public override string? Describe(PreparedRecord record) => _value(record);
}
