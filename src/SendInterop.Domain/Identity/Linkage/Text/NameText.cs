using System.Text;

namespace SendInterop.Domain.Identity.Linkage.Text;

/// <summary>
/// Normalises names and free text once per record so the pair loop compares plain upper-case ASCII: case, accents,
/// punctuation and spacing carry no identity ("O'Brien", "OBRIEN" and "o brien" are one surname).
/// </summary>
public static class NameText
{
    /// <summary>Upper-case A-Z only, accents folded, everything else dropped; null when nothing is left.</summary>
    public static string? Normalise(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var sb = new StringBuilder(value.Length);
        foreach (var raw in value)
        {
            var c = Fold(raw);
            if (c != '\0')
            {
                sb.Append(c);
            }
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>
    /// The tokens of a name (split on spaces, hyphens and other separators), each normalised; an empty array when
    /// there are none. "Smith-Jones" gives SMITH and JONES; "Mary Jane" gives MARY and JANE.
    /// </summary>
    public static string[] Tokens(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }
        var tokens = new List<string>(2);
        var sb = new StringBuilder();
        foreach (var raw in value)
        {
            var c = Fold(raw);
            if (c != '\0')
            {
                sb.Append(c);
            }
            else if (raw != '\'' && sb.Length > 0)
            {
                // Apostrophes join (O'Brien is one token); spaces, hyphens, dots and commas split.
                tokens.Add(sb.ToString());
                sb.Clear();
            }
        }
        if (sb.Length > 0)
        {
            tokens.Add(sb.ToString());
        }
        return tokens.ToArray();
    }

    /// <summary>Lower-case trimmed text with inner whitespace removed (e-mail addresses); null when empty.</summary>
    public static string? LowerCompact(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>Digits only (NHS numbers, URNs, LA codes are written with spaces or dashes); null when none.</summary>
    public static string? Digits(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is >= '0' and <= '9')
            {
                sb.Append(c);
            }
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>Upper-case letter or '\0' for a character that carries no identity. Latin-1 accents fold to the base letter.</summary>
    private static char Fold(char c)
    {
        if (c is >= 'A' and <= 'Z')
        {
            return c;
        }
        if (c is >= 'a' and <= 'z')
        {
            return (char)(c - 32);
        }
        return c switch
        {
            'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' or 'À' or 'Á' or 'Â' or 'Ã' or 'Ä' or 'Å' => 'A',
            'ç' or 'Ç' => 'C',
            'è' or 'é' or 'ê' or 'ë' or 'È' or 'É' or 'Ê' or 'Ë' => 'E',
            'ì' or 'í' or 'î' or 'ï' or 'Ì' or 'Í' or 'Î' or 'Ï' => 'I',
            'ñ' or 'Ñ' => 'N',
            'ò' or 'ó' or 'ô' or 'õ' or 'ö' or 'ø' or 'Ò' or 'Ó' or 'Ô' or 'Õ' or 'Ö' or 'Ø' => 'O',
            'ù' or 'ú' or 'û' or 'ü' or 'Ù' or 'Ú' or 'Û' or 'Ü' => 'U',
            'ý' or 'ÿ' or 'Ý' => 'Y',
            _ => '\0',
        };
    }
}
