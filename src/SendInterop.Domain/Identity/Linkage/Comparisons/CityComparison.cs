using SendInterop.Domain.Identity.Linkage.Text;

namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// Town or city: exact (frequency adjusted: agreeing on London says less than agreeing on Bolton), Jaro-Winkler at
/// least 0.88 (a typo), the same letters scrambled, else.
/// </summary>
public sealed class CityComparison() : Comparison("city",
[
    ComparisonLevel.Null("a town missing"),
    new("exact", "same town", 0.85),
    new("jaro_winkler_0.88", "Jaro-Winkler >= 0.88", 0.08),
    new("same_letters", "nearly the same letters in another order", 0.02),
    new("else", "different", 0.05),
])
{
    public const int Exact = 1, JaroWinkler88 = 2, SameLetters = 3, Else = 4;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var x = a.City;
        var y = b.City;
        if (x is null || y is null)
        {
            return 0;
        }
        if (x == y)
        {
            return Exact;
        }
        return JaroWinkler.Similarity(x, y) >= 0.88 ? JaroWinkler88
            : LetterBag.NearlySameLetters(x, y) ? SameLetters
            : Else;
    }

    public override int TermFrequencyLevel => Exact;

    public override string? TermFrequencyValue(PreparedRecord record) => record.City;

    public override string? Describe(PreparedRecord record) => record.City;
}
