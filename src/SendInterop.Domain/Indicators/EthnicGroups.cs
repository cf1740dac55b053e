namespace SendInterop.Domain.Indicators;

/// <summary>
/// The ethnicity stratum: the CBDS main group of the child's ethnicity code (the school census and SEN2 code list),
/// because single extended codes are too small to publish. CBDS codes start with the group's letter (WBRI White
/// British, MWBC Mixed, AIND Asian, BCRB Black, CHNE Chinese, OOTH any other); REFU (refused) and NOBT (not obtained)
/// are "unknown". UK Core ethnic category codes (NHS data dictionary A-Z, "Z" not stated) are grouped the same way.
/// </summary>
public static class EthnicGroups
{
    public const string White = "white";
    public const string Mixed = "mixed";
    public const string Asian = "asian";
    public const string Black = "black";
    public const string Chinese = "chinese";
    public const string Other = "other";
    public const string Unknown = "unknown";

    /// <summary>A CBDS code (4 or more letters) or an NHS ethnic category code (one letter).</summary>
    public static string Of(string? code)
    {
        var c = code?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(c)) return Unknown;
        if (c.Length == 1) return NhsCategory(c[0]);
        if (c is "REFU" or "NOBT") return Unknown;
        if (c.StartsWith("CHN", StringComparison.Ordinal)) return Chinese;
        return c[0] switch
        {
            'W' => White,
            'M' => Mixed,
            'A' => Asian,
            'B' => Black,
            'O' => Other,
            _ => Unknown,
        };
    }

    /// <summary>NHS data dictionary ethnic category: A-C White, D-G Mixed, H-L Asian (R Chinese), M-P Black, S other, Z not stated.</summary>
    private static string NhsCategory(char c) => c switch
    {
        >= 'A' and <= 'C' => White,
        >= 'D' and <= 'G' => Mixed,
        >= 'H' and <= 'L' => Asian,
        >= 'M' and <= 'P' => Black,
        'R' => Chinese,
        'S' => Other,
        _ => Unknown,
    };
}
