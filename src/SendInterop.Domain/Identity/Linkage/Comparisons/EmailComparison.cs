using SendInterop.Domain.Identity.Linkage.Text;

namespace SendInterop.Domain.Identity.Linkage.Comparisons;

/// <summary>
/// E-mail address (a young person's or a parent's): exact; a typo (local part and domain each Jaro-Winkler at least
/// 0.88, or the whole address when one side is malformed by a lost '@' or dot); same local part at another domain; else.
/// </summary>
/// <remarks>
/// The local part is often built from the name ("daisy.young@...", "charlie.c@..."), so two different Daisy Youngs
/// share it far more often than random pairs suggest (the comparisons are not independent there). Hence: the typo
/// level needs both halves close, not the whole string (whose score the shared local part dominates); and a shared
/// local part that is nothing but the names gives the null level (no evidence beyond the names) instead of
/// "local_part".
/// </remarks>
public sealed class EmailComparison() : Comparison("email",
[
    ComparisonLevel.Null("an e-mail address missing, or only a name-derived local part agrees"),
    new("exact", "same address", 0.75),
    new("typo", "local part and domain each Jaro-Winkler >= 0.88", 0.15),
    new("local_part", "same local part, other domain", 0.03),
    new("else", "different", 0.07),
])
{
    public const int Exact = 1, Typo = 2, LocalPart = 3, Else = 4;

    public override int Compare(PreparedRecord a, PreparedRecord b)
    {
        var x = a.Email;
        var y = b.Email;
        if (x is null || y is null)
        {
            return 0;
        }
        if (x == y)
        {
            return Exact;
        }
        var xLocal = a.EmailLocalPart;
        var yLocal = b.EmailLocalPart;
        if (xLocal is not null && xLocal == yLocal)
        {
            // Same local part: a one-character slip in the domain is a typo, anything more is another address. A
            // local part spelt from the names (charlie.c, dyoung) repeats what the name comparisons already counted,
            // and different Charlie Cs share it: then only the rest of the address is evidence, and it differs.
            return JaroWinkler.Similarity(x.AsSpan(xLocal.Length + 1), y.AsSpan(yLocal.Length + 1)) >= 0.95 ? Typo
                : NameDerived(xLocal, a) || NameDerived(xLocal, b) ? 0
                : LocalPart;
        }
        // Well-formed addresses must be close in both halves: the local part is often built from the name, so a
        // whole-address score would call daniel.pritchard@hill.com a typo of daniel.pritchard@pratt.com. Only when
        // one side has lost its '@' or its domain's dot is the whole string all there is to compare.
        var typo = IsWellFormed(x, xLocal) && IsWellFormed(y, yLocal)
            ? JaroWinkler.Similarity(xLocal, yLocal) >= 0.88
              && JaroWinkler.Similarity(x.AsSpan(xLocal!.Length + 1), y.AsSpan(yLocal!.Length + 1)) >= 0.88
            : JaroWinkler.Similarity(x, y) >= 0.88;
        return typo ? Typo : Else;
    }

    /// <summary>
    /// True when the local part is nothing but the record's names and initials run together (at most three pieces,
    /// separators ignored): "charlie.c", "muhammadg", "d.young", "hb". Digits or other letters make it informative.
    /// </summary>
    internal static bool NameDerived(string localPart, PreparedRecord record)
    {
        Span<char> letters = stackalloc char[Math.Min(localPart.Length, 64)];
        var n = 0;
        foreach (var c in localPart)
        {
            if (c is '.' or '_' or '-' or '+')
            {
                continue;
            }
            if (c is < 'a' or > 'z' || n == letters.Length)
            {
                return false;
            }
            letters[n++] = (char)(c - 32);
        }
        return n > 0 && Segment(letters[..n], record, 3);
    }

    private static bool Segment(ReadOnlySpan<char> rest, PreparedRecord record, int piecesLeft)
    {
        if (rest.IsEmpty)
        {
            return true;
        }
        if (piecesLeft == 0)
        {
            return false;
        }
        return TryNames(rest, record.GivenTokens, record, piecesLeft) || TryNames(rest, record.FamilyTokens, record, piecesLeft);
    }

    private static bool TryNames(ReadOnlySpan<char> rest, string[] names, PreparedRecord record, int piecesLeft)
    {
        foreach (var name in names)
        {
            if (rest.StartsWith(name) && Segment(rest[name.Length..], record, piecesLeft - 1))
            {
                return true;
            }
            if (rest[0] == name[0] && Segment(rest[1..], record, piecesLeft - 1))
            {
                return true; // an initial
            }
        }
        return false;
    }

    private static bool IsWellFormed(string address, string? localPart) =>
        localPart is not null && address.IndexOf('@', localPart.Length + 1) < 0 && address.IndexOf('.', localPart.Length + 1) > localPart.Length + 1;

    // Not shown in explanations: an address identifies a person more directly than the fact that it agreed.
    public override string? Describe(PreparedRecord record) => record.Email is null ? null : "present";
}
