namespace SendInterop.Domain.Identity.Linkage.Text;

/// <summary>
/// Distance between the letter multisets of two upper-case A-Z strings: how many letters must be added or removed
/// to turn one bag into the other, ignoring order. Jaro-Winkler gives up on scrambled letters (HART/RAHT,
/// HENRY/NEHRRY) because matches must lie within a window; the bag does not care where a letter is.
/// </summary>
public static class LetterBag
{
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        Span<int> counts = stackalloc int[26];
        counts.Clear();
        foreach (var c in a)
        {
            if (c is >= 'A' and <= 'Z')
            {
                counts[c - 'A']++;
            }
        }
        foreach (var c in b)
        {
            if (c is >= 'A' and <= 'Z')
            {
                counts[c - 'A']--;
            }
        }
        var distance = 0;
        foreach (var n in counts)
        {
            distance += Math.Abs(n);
        }
        return distance;
    }

    /// <summary>
    /// Near-anagrams: both at least 4 letters and the bags differ by at most 2 letters and at most a quarter of the
    /// longer name, so short names (AMY/MAY... ) need more than a shared handful of letters.
    /// </summary>
    public static bool NearlySameLetters(string a, string b)
    {
        var longer = Math.Max(a.Length, b.Length);
        if (Math.Min(a.Length, b.Length) < 4)
        {
            return false;
        }
        var d = Distance(a, b);
        return d <= 2 && d * 4 <= longer;
    }
}
