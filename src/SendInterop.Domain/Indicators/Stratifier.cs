using System.Globalization;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// A way to break an indicator down. Every row falls in exactly one stratum (missing values are a stratum of their
/// own, "unknown" or "not-recorded"), so each population's strata add up to the group's count.
/// </summary>
public sealed record Stratifier(string Code, string Title, string Basis, Func<ProjectionRow, ReportingPeriod, string> ValueOf)
{
    /// <summary>The criteria expression of the stratifier: the projection field, "stratum.CODE".</summary>
    public string Expression => "stratum." + Code;
}

/// <summary>The dashboard's stratifiers (issue 5, point 2).</summary>
public static class Stratifiers
{
    public const string Unknown = "unknown";

    public static readonly Stratifier AgeBand = new("age-band", "Age band",
        "Age in completed years on the period's reference date (the SEN2 census day in January), for every indicator, banded 0-4, 5-10, 11-15, 16-19, 20-25; "
        + "26-plus for older, unknown without a birth date. DfE breakdowns use other bases (age at request, plan start or cease), so compare with DfE at totals only.",
        (row, period) => AgeBands.Of(row.Strata.BirthDate, period.ReferenceDate));

    public static readonly Stratifier PrimaryNeed = new("primary-need", "Primary need",
        "SEN2 SENtype of the child's rank-1 need as recorded when projected (Condition send-need with sen-need-rank 1); unknown when none.",
        (row, _) => row.Strata.PrimaryNeed);

    public static readonly Stratifier SettingType = new("setting-type", "Setting type",
        "Type of the setting named in section I of the row's plan (for requests and waits, the child's latest plan), grouped as DfE groups placements.",
        (row, _) => SettingTypes.Code(row.Strata.SettingType));

    public static readonly Stratifier Sex = new("sex", "Sex",
        "Patient.gender (male, female, other, unknown).", (row, _) => row.Strata.Sex);

    public static readonly Stratifier Ethnicity = new("ethnicity", "Ethnicity",
        "CBDS main ethnic group of the child (white, mixed, asian, black, chinese, other, unknown).", (row, _) => row.Strata.Ethnicity);

    public static readonly Stratifier LocalAuthority = new("local-authority", "Local authority",
        "3-digit DfE code of the LA responsible for the case; unknown when the record names none.", (row, _) => row.Strata.LaCode ?? Unknown);

    public static readonly Stratifier CeaseReason = new("cease-reason", "Cease reason",
        "SEN2 CeaseReason code 1-9 of a ceased plan; not-recorded when the plan ended without one.",
        (row, _) => row is PlanRow { CeaseReason: { } reason } ? reason.Code.ToString(CultureInfo.InvariantCulture) : "not-recorded");

    /// <summary>The six stratifiers every indicator counted from rows has.</summary>
    public static IReadOnlyList<Stratifier> Standard { get; } = [AgeBand, PrimaryNeed, SettingType, Sex, Ethnicity, LocalAuthority];
}
