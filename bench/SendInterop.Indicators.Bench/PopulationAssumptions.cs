using SendInterop.Domain.Indicators;
using SendInterop.Domain.Statutory;

namespace SendInterop.Indicators.Bench;

/// <summary>
/// The shape of the synthetic national population. Figures are the DfE 2025 release's England shares where it has them
/// (requests 2024: 65 % assessed, 25 % refused; 85 % of decisions within 6 weeks; 46 % of plans within 20 weeks; need
/// and placement mix of all plans) and round assumptions where it has none (review timeliness, outcomes, NHS waits),
/// stated here so a reader can judge the load, not the figures: the bench measures speed, not the indicators' values.
/// </summary>
public static class PopulationAssumptions
{
    /// <summary>Requests a year at scale 1, for each of the five history years (issue #5 point 8 sizes it at about 160,000;
    /// DfE's England figures were 76k-154k for 2020-2024, so this is the heavier load).</summary>
    public const int RequestsPerYear = 160_000;

    public static readonly int[] HistoryYears = [2020, 2021, 2022, 2023, 2024];

    /// <summary>The day the projection is "as of": nothing happens after it (the latest SEN2 year, 2025, has its census in January).</summary>
    public static readonly DateOnly AsOf = new(2025, 6, 30);

    public static readonly DateOnly HistoryStart = new(2020, 1, 1);

    /// <summary>Plans issued before the history window (still in place, or ceasing inside it) are dated from here.</summary>
    public static readonly DateOnly LegacyIssuedFrom = new(2012, 1, 1);

    /// <summary>Of legacy plans in place, the share that ceased during the window on top (about 6 % a year over 5 years).</summary>
    public const double LegacyCeasedInWindowShare = 0.30;

    /// <summary>Chance a plan ceases in any one year after issue (DfE: about 6 % of the caseload a year).</summary>
    public const double AnnualCeaseHazard = 0.06;

    public const double DecidedToAssess = 0.654, Refused = 0.252;
    public const double DecidedWithinSixWeeks = 0.848;
    public const double AssessedLeadsToPlan = 0.90, NotIssuedAfterAssessment = 0.07;
    public const double IssuedWithinTwentyWeeks = 0.459, ExceptionsApply = 0.04;
    public const double TribunalRecordedTrue = 0.03, TribunalRecordedFalse = 0.60;
    public const double OutOfAreaUnknown = 0.40, OutOfArea = 0.12, PersonalBudget = 0.08, DirectPaymentOfBudget = 0.5;
    public const double ReviewOnTime = 0.50, ReviewLate = 0.35, CancelledWhenCeased = 0.5;
    public const int OutcomesPerPlan = 3;
    public const double ChildWithNhsWait = 0.35, WaitIsAutism = 0.5, AutismWithin13Weeks = 0.30, OtherWithin13Weeks = 0.70, StillWaiting = 0.08;

    /// <summary>Age in years at the request (new cases).</summary>
    public static readonly Weighted<int> AgeAtRequest = new(Bands((0, 4, 18), (5, 10, 40), (11, 15, 28), (16, 19, 12), (20, 24, 2)));

    /// <summary>Age in years on the census day for plans issued before the window.</summary>
    public static readonly Weighted<int> LegacyAgeAtCensus = new(Bands((6, 10, 25), (11, 15, 38), (16, 19, 28), (20, 25, 9)));

    public static readonly Weighted<string> Sex = new(("male", 72.5), ("female", 27.2), ("unknown", 0.3));

    public static readonly Weighted<string> Ethnicity = new(
        (EthnicGroups.White, 70), (EthnicGroups.Asian, 11), (EthnicGroups.Black, 7), (EthnicGroups.Mixed, 7), (EthnicGroups.Other, 2),
        (EthnicGroups.Chinese, 0.5), (EthnicGroups.Unknown, 2.5));

    public static readonly Weighted<string> PrimaryNeed = new(
        ("ASD", 34), ("SLCN", 21), ("SEMH", 16), ("MLD", 7), ("SLD", 6), ("PMLD", 2), ("PD", 3), ("SPLD", 3), ("HI", 1.3),
        ("VI", 0.6), ("MSI", 0.2), ("DS", 0.4), ("OTH", 3), ("unknown", 1.5));

    /// <summary>Setting named in the plan by age on the census day (DfE: 40 % mainstream, 38 % special, 16 % FE overall).</summary>
    public static Weighted<SettingType> SettingFor(int age) => age switch
    {
        <= 4 => EarlyYearsSettings,
        <= 15 => SchoolSettings,
        <= 19 => Post16Settings,
        _ => AdultSettings,
    };

    private static readonly Weighted<SettingType> EarlyYearsSettings = new(
        (SettingType.EarlyYears, 40), (SettingType.Mainstream, 48), (SettingType.Special, 10), (SettingType.NotRecorded, 2));

    private static readonly Weighted<SettingType> SchoolSettings = new(
        (SettingType.Mainstream, 50), (SettingType.Special, 33), (SettingType.IndependentSpecial, 8), (SettingType.AlternativeProvision, 2),
        (SettingType.ElectiveHomeEducation, 2), (SettingType.OtherArrangements, 3), (SettingType.NotRecorded, 2));

    private static readonly Weighted<SettingType> Post16Settings = new(
        (SettingType.FurtherEducation, 45), (SettingType.Special, 20), (SettingType.IndependentSpecial, 8), (SettingType.Mainstream, 12),
        (SettingType.Neet, 6), (SettingType.OtherArrangements, 5), (SettingType.NotRecorded, 4));

    private static readonly Weighted<SettingType> AdultSettings = new(
        (SettingType.FurtherEducation, 50), (SettingType.Neet, 20), (SettingType.OtherArrangements, 15), (SettingType.Special, 5), (SettingType.NotRecorded, 10));

    public static readonly Weighted<CeaseReason> CeaseReasonDrawn = new(
        (CeaseReason.TransferredToAnotherLa, 30), (CeaseReason.NeedsMetWithoutPlan, 20), (CeaseReason.MovedOutsideEngland, 8),
        (CeaseReason.HigherEducation, 8), (CeaseReason.PaidEmployment, 7), (CeaseReason.NoLongerEngaging, 10), (CeaseReason.MaximumAge, 5),
        (CeaseReason.Deceased, 1), (CeaseReason.Other, 11));

    public static readonly Weighted<string?> Achievement = new(
        ("achieved", 20), ("improving", 30), ("sustaining", 10), ("in-progress", 20), ("no-change", 12), ("worsening", 5), (null, 3));

    /// <summary>Ages spread evenly inside each band, the band carrying the weight.</summary>
    private static (int, double)[] Bands(params (int From, int To, double Weight)[] bands) =>
        bands.SelectMany(b => Enumerable.Range(b.From, b.To - b.From + 1).Select(a => (a, b.Weight / (b.To - b.From + 1)))).ToArray();
}
