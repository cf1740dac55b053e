namespace SendInterop.Domain.Identity.Linkage.Text;

/// <summary>
/// American Soundex (the US census rules): the first letter, then up to three digits for the consonant sounds that
/// follow. Chosen over Double Metaphone because it is small, fully specified, and what PDS's fuzzy search itself uses
/// (DOMAIN.md 4.2), so our phonetic level agrees with what NHS tracing treats as a homophone.
/// </summary>
/// <remarks>
/// Rules: letters with the same code next to each other are coded once; H and W do not separate them (Ashcraft is
/// A261, not A226); vowels and Y do (so a repeated sound after a vowel is coded twice); the first letter's own code
/// suppresses an identical code straight after it (Pfister is P236). Non-letters are ignored.
/// </remarks>
public static class Soundex
{
    // Codes for A..Z; '0' = vowel or Y (separates equal codes); H and W are skipped before this table is read.
    private const string Codes = "01230120022455012623010202";

    /// <summary>The four-character code, or null when the input has no ASCII letter.</summary>
    public static string? Encode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        Span<char> code = stackalloc char[4];
        var length = 0;
        var last = '\0';
        foreach (var raw in value)
        {
            var c = char.ToUpperInvariant(raw);
            if (c < 'A' || c > 'Z')
            {
                continue;
            }
            var digit = Codes[c - 'A'];
            if (length == 0)
            {
                code[length++] = c;
                last = digit;
                continue;
            }
            if (c is 'H' or 'W')
            {
                continue;
            }
            if (digit == '0')
            {
                last = '0';
                continue;
            }
            if (digit != last)
            {
                code[length++] = digit;
                if (length == 4)
                {
                    break;
                }
            }
            last = digit;
        }
        if (length == 0)
        {
            return null;
        }
        while (length < 4)
        {
            code[length++] = '0';
        }
        return new string(code);
    }
}
