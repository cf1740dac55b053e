namespace SendInterop.Domain.Indicators;

/// <summary>
/// The dashboard's age bands: 0-4, 5-10, 11-15, 16-19, 20-25. Age basis: completed years on the period's reference
/// date (the SEN2 census day), for every indicator, snapshot or activity. DfE's own breakdowns use other bases (age at
/// request, at plan start, at cease: data guidance footnotes), so the dashboard compares with DfE at totals only, not
/// band by band. A child outside 0-25 on the reference date (a plan that ceased at 25, counted in the activity year)
/// falls in "26-plus"; an unknown birth date in "unknown"; so every row has exactly one band and bands sum to the total.
/// </summary>
public static class AgeBands
{
    public const string Band0To4 = "0-4";
    public const string Band5To10 = "5-10";
    public const string Band11To15 = "11-15";
    public const string Band16To19 = "16-19";
    public const string Band20To25 = "20-25";
    public const string Over25 = "26-plus";
    public const string Unknown = "unknown";

    public static IReadOnlyList<string> All { get; } = [Band0To4, Band5To10, Band11To15, Band16To19, Band20To25, Over25, Unknown];

    public static string Of(DateOnly? birthDate, DateOnly referenceDate)
    {
        if (birthDate is not { } born || born > referenceDate) return Unknown;
        return AgeOn(born, referenceDate) switch
        {
            <= 4 => Band0To4,
            <= 10 => Band5To10,
            <= 15 => Band11To15,
            <= 19 => Band16To19,
            <= 25 => Band20To25,
            _ => Over25,
        };
    }

    /// <summary>Completed years: a child born on 29 February turns a year older on 28 February (DateOnly.AddYears).</summary>
    public static int AgeOn(DateOnly born, DateOnly day)
    {
        var age = day.Year - born.Year;
        if (day < born.AddYears(age)) age--;
        return age;
    }
}
