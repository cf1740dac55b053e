using SendInterop.Domain.Identity.Linkage.Text;

namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// Family name: exact (frequency adjusted), agrees with a previous family name of the other record (adoption, a
/// parent's marriage), one part of a double-barrelled name agrees, Jaro-Winkler at least 0.92, same Soundex,
/// Jaro-Winkler at least 0.80, the same letters scrambled, swapped with the given name, else.
/// </summary>
public sealed class FamilyNameComparison() : Comparison("family_name",
[
    ComparisonLevel.Null("a family name missing"),
    new("exact", "same family name", 0.80),
    new("previous_name", "agrees with a previous family name", 0.02),
    new("part", "one part of a double-barrelled name agrees", 0.01),
    new("jaro_winkler_0.92", "Jaro-Winkler >= 0.92", 0.06),
    new("soundex", "same Soundex code", 0.02),
    new("jaro_winkler_0.80", "Jaro-Winkler >= 0.80", 0.02),
    new("same_letters", "nearly the same letters in another order", 0.01),
    new("swapped", "family name agrees with the other's given name", 0.03),
    new("else", "different", 0.03),
])
{
    public const int Exact = 1, PreviousName = 2, Part = 3, JaroWinkler92 = 4, Phonetic = 5, JaroWinkler80 = 6,
        SameLetters = 7, Swapped = 8, Else = 9;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var x = a.Family;
        var y = b.Family;
        if (x is null || y is null)
        {
            return 0;
        }
        if (x == y)
        {
            return Exact;
        }
        if (Contains(b.PreviousFamilies, x) || Contains(a.PreviousFamilies, y) || Intersects(a.PreviousFamilies, b.PreviousFamilies))
        {
            return PreviousName;
        }
        if ((a.FamilyTokens.Length > 1 || b.FamilyTokens.Length > 1) && GivenNameComparison.AnyTokenAgrees(a.FamilyTokens, b.FamilyTokens))
        {
            return Part;
        }
        var jw = JaroWinkler.Similarity(x, y);
        if (jw >= 0.92)
        {
            return JaroWinkler92;
        }
        if (a.FamilySoundex == b.FamilySoundex)
        {
            return Phonetic;
        }
        if (jw >= 0.80)
        {
            return JaroWinkler80;
        }
        if (LetterBag.NearlySameLetters(x, y))
        {
            return SameLetters;
        }
        return NameSwap.FamilyAgreesCrosswise(a, b) ? Swapped : Else;
    }

    public override int TermFrequencyLevel => Exact;

    public override string? TermFrequencyValue(PreparedRecord record) => record.Family;

    public override string? Describe(PreparedRecord record) =>
        record.Family is null ? null
        : record.PreviousFamilies.Length == 0 ? string.Join('-', record.FamilyTokens)
        : $"{string.Join('-', record.FamilyTokens)} (previously {string.Join(", ", record.PreviousFamilies)})";

    private static bool Contains(string[] names, string name)
    {
        foreach (var n in names)
        {
            if (n == name)
            {
                return true;
            }
        }
        return false;
    }

    private static bool Intersects(string[] a, string[] b) => a.Length > 0 && b.Length > 0 && GivenNameComparison.AnyTokenAgrees(a, b);
}
