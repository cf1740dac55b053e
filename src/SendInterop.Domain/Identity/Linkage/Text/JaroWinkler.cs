namespace SendInterop.Domain.Identity.Linkage.Text;

/// <summary>
/// Jaro-Winkler similarity (Winkler 1990): the Jaro score of matching characters within a window and their
/// transpositions, boosted for a common prefix of up to four characters. Names differ mostly by typing slips and
/// transpositions near the end, which is exactly what this rewards (MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84).
/// </summary>
/// <remarks>
/// Allocation-free for strings up to <see cref="StackLimit"/> characters: it runs in the pair loop millions of times.
/// The shorter string is always scanned first so that the greedy matching, and hence the score, is symmetric.
/// </remarks>
public static class JaroWinkler
{
    /// <summary>Winkler's prefix scale: each common leading character closes 10% of the remaining gap.</summary>
    public const double PrefixScale = 0.1;

    /// <summary>At most this many leading characters earn the prefix boost (Winkler's choice).</summary>
    public const int MaxPrefix = 4;

    /// <summary>Winkler applies the prefix boost only to pairs that are already similar; below this it is plain Jaro.</summary>
    public const double BoostThreshold = 0.7;

    private const int StackLimit = 256;

    public static double Similarity(string? a, string? b) =>
        Similarity(a.AsSpan(), b.AsSpan());

    public static double Similarity(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length == 0 && b.Length == 0)
        {
            return 1.0;
        }
        if (a.Length == 0 || b.Length == 0)
        {
            return 0.0;
        }
        if (a.SequenceEqual(b))
        {
            return 1.0;
        }
        var jaro = Jaro(a, b);
        if (jaro <= BoostThreshold)
        {
            return jaro;
        }
        var limit = Math.Min(MaxPrefix, Math.Min(a.Length, b.Length));
        var prefix = 0;
        while (prefix < limit && a[prefix] == b[prefix])
        {
            prefix++;
        }
        return jaro + prefix * PrefixScale * (1.0 - jaro);
    }

    /// <summary>The Jaro similarity without Winkler's prefix boost.</summary>
    public static double Jaro(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length == 0 && b.Length == 0)
        {
            return 1.0;
        }
        if (a.Length == 0 || b.Length == 0)
        {
            return 0.0;
        }
        // Canonical order (shorter first, then ordinal) makes the greedy scan symmetric.
        if (a.Length > b.Length || (a.Length == b.Length && a.SequenceCompareTo(b) > 0))
        {
            var t = a;
            a = b;
            b = t;
        }

        var window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        Span<bool> aMatched = a.Length <= StackLimit ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bMatched = b.Length <= StackLimit ? stackalloc bool[b.Length] : new bool[b.Length];
        aMatched.Clear();
        bMatched.Clear();

        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            var c = a[i];
            for (var j = from; j <= to; j++)
            {
                if (!bMatched[j] && b[j] == c)
                {
                    aMatched[i] = true;
                    bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }
        if (matches == 0)
        {
            return 0.0;
        }

        // Half the number of matched characters that appear in a different order.
        var outOfOrder = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }
            while (!bMatched[k])
            {
                k++;
            }
            if (a[i] != b[k])
            {
                outOfOrder++;
            }
            k++;
        }
        double m = matches;
        return (m / a.Length + m / b.Length + (m - outOfOrder / 2.0) / m) / 3.0;
    }
}
