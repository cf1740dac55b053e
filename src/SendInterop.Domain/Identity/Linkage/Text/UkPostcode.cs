namespace SendInterop.Domain.Identity.Linkage.Text;

/// <summary>
/// The parts of a UK postcode, from coarse to fine: area (letters: "NR"), district (the outward code: "NR14"),
/// sector (outward plus the inward digit: "NR14 6"), unit (the whole code: "NR14 6AB"). A unit is about 15
/// addresses, a sector about 3,000, a district about 10,000: each is a separate comparison level because a family
/// that moves usually moves nearby.
/// </summary>
public sealed record UkPostcode(string Area, string District, string Sector, string Unit)
{
    /// <summary>
    /// Parses "NR14 6AB", "nr146ab", " NR14  6AB ". Accepts the standard shapes (A9, A99, AA9, AA99, A9A, AA9A outward
    /// codes; 9AA inward code). Returns null when the text is not a full postcode: a partial one cannot be placed.
    /// </summary>
    public static UkPostcode? TryParse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        Span<char> buf = stackalloc char[8];
        var n = 0;
        foreach (var raw in value)
        {
            if (char.IsWhiteSpace(raw))
            {
                continue;
            }
            if (n == buf.Length)
            {
                return null;
            }
            buf[n++] = char.ToUpperInvariant(raw);
        }
        if (n is < 5 or > 7)
        {
            return null;
        }
        var s = buf[..n];
        // Inward code: digit, letter, letter.
        if (!char.IsAsciiDigit(s[n - 3]) || !char.IsAsciiLetterUpper(s[n - 2]) || !char.IsAsciiLetterUpper(s[n - 1]))
        {
            return null;
        }
        var outward = s[..(n - 3)];
        var areaLength = 0;
        while (areaLength < outward.Length && char.IsAsciiLetterUpper(outward[areaLength]))
        {
            areaLength++;
        }
        // One or two area letters, then a district of one digit plus an optional digit or letter.
        if (areaLength is < 1 or > 2 || outward.Length - areaLength is < 1 or > 2 || !char.IsAsciiDigit(outward[areaLength]))
        {
            return null;
        }
        for (var i = areaLength + 1; i < outward.Length; i++)
        {
            if (!char.IsAsciiDigit(outward[i]) && !(i == outward.Length - 1 && char.IsAsciiLetterUpper(outward[i])))
            {
                return null;
            }
        }
        var outwardText = new string(outward);
        var inward = new string(s[(n - 3)..]);
        return new UkPostcode(
            Area: new string(outward[..areaLength]),
            District: outwardText,
            Sector: outwardText + " " + inward[0],
            Unit: outwardText + " " + inward);
    }
}
