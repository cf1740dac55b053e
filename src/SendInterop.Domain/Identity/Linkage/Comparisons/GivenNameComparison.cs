using SendInterop.Domain.Identity.Linkage.Text;

namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// First given name: exact (frequency adjusted), nickname family, another given name agrees (a middle name used as
/// the first), Jaro-Winkler at least 0.92 (a slip), same Soundex (spelt as heard), Jaro-Winkler at least 0.80, the same letters
/// scrambled, an initial against a full name, swapped with the family name (forms filled in the wrong boxes), else.
/// </summary>
public sealed class GivenNameComparison() : Comparison("given_name",
[
    ComparisonLevel.Null("a given name missing"),
    new("exact", "same first given name", 0.75),
    new("nickname", "nickname of each other (William/Bill)", 0.03),
    new("other_given", "another given name agrees", 0.02),
    new("jaro_winkler_0.92", "Jaro-Winkler >= 0.92", 0.06),
    new("soundex", "same Soundex code", 0.03),
    new("jaro_winkler_0.80", "Jaro-Winkler >= 0.80", 0.03),
    new("same_letters", "nearly the same letters in another order", 0.01),
    new("initial", "an initial agrees with the name", 0.01),
    new("swapped", "given name agrees with the other's family name", 0.03),
    new("else", "different", 0.03),
])
{
    public const int Exact = 1, Nickname = 2, OtherGiven = 3, JaroWinkler92 = 4, Phonetic = 5, JaroWinkler80 = 6,
        SameLetters = 7, Initial = 8, Swapped = 9, Else = 10;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var x = a.Given;
        var y = b.Given;
        if (x is null || y is null)
        {
            return 0;
        }
        if (x == y)
        {
            return Exact;
        }
        if (Nicknames.ShareFamily(a.GivenNicknameFamilies, b.GivenNicknameFamilies))
        {
            return Nickname;
        }
        if ((a.GivenTokens.Length > 1 || b.GivenTokens.Length > 1) && AnyTokenAgrees(a.GivenTokens, b.GivenTokens))
        {
            return OtherGiven;
        }
        // Two recognised, different names are different names, not a misspelling (KnownGivenNames).
        if (!(a.GivenIsKnownName && b.GivenIsKnownName))
        {
            var jw = JaroWinkler.Similarity(x, y);
            if (jw >= 0.92)
            {
                return JaroWinkler92;
            }
            if (a.GivenSoundex == b.GivenSoundex)
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
        }
        if ((x.Length == 1 || y.Length == 1) && x[0] == y[0])
        {
            return Initial;
        }
        return NameSwap.GivenAgreesCrosswise(a, b) ? Swapped : Else;
    }

    public override int TermFrequencyLevel => Exact;

    public override string? TermFrequencyValue(PreparedRecord record) => record.Given;

    public override string? Describe(PreparedRecord record) =>
        record.GivenTokens.Length == 0 ? null : string.Join(' ', record.GivenTokens);

    internal static bool AnyTokenAgrees(string[] a, string[] b)
    {
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                if (x == y)
                {
                    return true;
                }
            }
        }
        return false;
    }
}

/// <summary>
/// Given and family names written in each other's boxes. Two cross tests: G = a's given agrees with b's family,
/// F = a's family agrees with b's given ("agrees": equal or Jaro-Winkler >= 0.92). Each piece of agreement is counted
/// once: the family comparison takes "G or F" (the family name turns up on the other side), the given comparison takes
/// a cross agreement only when the other cross test does not contradict it (holds too, or cannot be made). So
/// "SMITH FLORENCE" against "OLIVIA SMITH" is a family agreement and a given-name disagreement, not two agreements.
/// </summary>
internal static class NameSwap
{
    public static bool GivenAgreesCrosswise(PreparedRecord a, PreparedRecord b)
    {
        var g = Agrees(a.Given, b.Family);
        var f = Agrees(a.Family, b.Given);
        return (g && (f || a.Family is null)) || (f && (g || b.Family is null));
    }

    public static bool FamilyAgreesCrosswise(PreparedRecord a, PreparedRecord b) =>
        Agrees(a.Given, b.Family) || Agrees(a.Family, b.Given);

    private static bool Agrees(string? name, string? otherSideName) =>
        name is not null && otherSideName is not null
        && (name == otherSideName || JaroWinkler.Similarity(name, otherSideName) >= 0.92);
}
