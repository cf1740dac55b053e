namespace SendInterop.Domain.Indicators;

/// <summary>
/// The kind of setting a plan names (section I), grouped as the DfE caseload file groups placements
/// (data guidance, caseload.csv): mainstream_total, special_total (which includes independent special),
/// fe_total, neet, and the rest.
/// </summary>
public enum SettingType
{
    /// <summary>Mainstream school of any kind (LA maintained, academy, free school, mainstream independent; SEN units and resourced provision included).</summary>
    Mainstream,

    /// <summary>State-funded or non-maintained special school (LA maintained special, special academy or free school, non-maintained special).</summary>
    Special,

    /// <summary>Independent special school: in DfE's special_total, and reported on its own too.</summary>
    IndependentSpecial,

    /// <summary>FE college, sixth form college, specialist post-16 institution, other post-16 provider (DfE fe_total).</summary>
    FurtherEducation,

    /// <summary>Alternative provision or pupil referral unit.</summary>
    AlternativeProvision,

    /// <summary>Early years provider (SEN2 EYP, non-maintained early years).</summary>
    EarlyYears,

    /// <summary>Elective home education (SEN2 EHE).</summary>
    ElectiveHomeEducation,

    /// <summary>Other arrangements by the LA (OLA) or parents (OPA), or a setting type named with no setting (OTH).</summary>
    OtherArrangements,

    /// <summary>Not in education, employment or training (SEN2 NEET, NIEC, NIEO).</summary>
    Neet,

    /// <summary>No setting recorded or the setting is not known to the directory.</summary>
    NotRecorded,
}

/// <summary>Codes of <see cref="SettingType"/> and the reading of them from the record.</summary>
public static class SettingTypes
{
    public static string Code(SettingType type) => type switch
    {
        SettingType.Mainstream => "mainstream",
        SettingType.Special => "special",
        SettingType.IndependentSpecial => "independent-special",
        SettingType.FurtherEducation => "further-education",
        SettingType.AlternativeProvision => "alternative-provision",
        SettingType.EarlyYears => "early-years",
        SettingType.ElectiveHomeEducation => "elective-home-education",
        SettingType.OtherArrangements => "other-arrangements",
        SettingType.Neet => "neet",
        SettingType.NotRecorded => "not-recorded",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static SettingType? FromCode(string? code) =>
        Enum.GetValues<SettingType>().Select(t => (SettingType?)t).FirstOrDefault(t => Code(t!.Value) == code);

    /// <summary>A SEN2 SENsetting code (SEN2.md 2.5), used where the setting has no URN or UKPRN.</summary>
    public static SettingType? FromSen2SenSetting(string? code) => code?.Trim().ToUpperInvariant() switch
    {
        "OLA" or "OPA" or "OTH" => SettingType.OtherArrangements,
        "EHE" => SettingType.ElectiveHomeEducation,
        "EYP" => SettingType.EarlyYears,
        "NEET" or "NIEC" or "NIEO" => SettingType.Neet,
        _ => null,
    };

    /// <summary>
    /// The demo directory's wording of Organization.type text ("Mainstream primary school", "Special school",
    /// "General further education college"): a stop-gap, like EhcCaseReader's reading of words, until settings carry a
    /// coded type. Independent special is checked before special.
    /// </summary>
    public static SettingType? FromText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.ToLowerInvariant();
        if (t.Contains("independent special", StringComparison.Ordinal)) return SettingType.IndependentSpecial;
        if (t.Contains("special", StringComparison.Ordinal)) return SettingType.Special;
        if (t.Contains("mainstream", StringComparison.Ordinal)) return SettingType.Mainstream;
        if (t.Contains("further education", StringComparison.Ordinal) || t.Contains("sixth form", StringComparison.Ordinal)
            || t.Contains("post-16", StringComparison.Ordinal) || t.Contains("college", StringComparison.Ordinal)) return SettingType.FurtherEducation;
        if (t.Contains("alternative provision", StringComparison.Ordinal) || t.Contains("pupil referral", StringComparison.Ordinal)) return SettingType.AlternativeProvision;
        if (t.Contains("early years", StringComparison.Ordinal) || t.Contains("nursery", StringComparison.Ordinal)) return SettingType.EarlyYears;
        return null;
    }
}
