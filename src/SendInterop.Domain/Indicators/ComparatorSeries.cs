namespace SendInterop.Domain.Indicators;

/// <summary>
/// A DfE published series an indicator compares with: a column (or a sum of columns) of one EES file, or, for a rate
/// DfE does not publish as such, 100 × numerator / denominator from two columns (which may be in two files of the same
/// time period). Only the headline rows are read: the breakdown that repeats its topic ("All EHC plans", "New EHC plans").
/// </summary>
public sealed record ComparatorSeries(string Id, string Title, string File, IReadOnlyList<string> Columns, ScoreUnit Unit)
{
    /// <summary>For a derived rate: the denominator's file and column.</summary>
    public (string File, string Column)? Denominator { get; init; }

    /// <summary>The supporting file that is not an EES tidy file (the tribunal appeal rate table).</summary>
    public bool IsTribunalTable => File == TribunalTableFile;

    public const string TribunalTableFile = "supporting-files/SEND Tribunals and appeal rate 2014-2024.csv";
}

/// <summary>The series the catalogue refers to. Ids are "file.column" (derived rates end in "_rate").</summary>
public static class ComparatorSeriesCatalogue
{
    private static ComparatorSeries Count(string file, string column, string title) => new(file + "." + column, title, "data/" + file + ".csv", [column], ScoreUnit.Count);

    private static ComparatorSeries Percent(string file, string column, string title) => new(file + "." + column, title, "data/" + file + ".csv", [column], ScoreUnit.Percent);

    public static readonly ComparatorSeries PlansInPlace = Count("caseload", "ehcplans", "EHC plans in place in January");
    public static readonly ComparatorSeries NewPlans = Count("newplans", "new_ehc_plans", "New EHC plans made in the calendar year");
    public static readonly ComparatorSeries Requests = Count("requests", "requests_received_in_year", "Requests for an EHC needs assessment received in the calendar year");
    public static readonly ComparatorSeries RequestsRefused = Count("requests", "requests_decided_not_to_assess", "Requests where the LA decided not to assess");
    public static readonly ComparatorSeries RequestsRefusedPercent = Percent("requests", "request_not_assess_pc", "Requests where the LA decided not to assess (%)");
    public static readonly ComparatorSeries DecisionsWithinSixWeeksPercent = Percent("requests", "request_outcome_six_weeks_pc", "Requests decided within 6 weeks (%)");
    public static readonly ComparatorSeries PlansIssued = Count("timeliness_20_week", "plans_issued_den", "EHC plans issued in the calendar year (including exceptions)");
    public static readonly ComparatorSeries PlansIssuedWithin20Weeks = Count("timeliness_20_week", "plans_issued_within_20_weeks", "EHC plans issued within 20 weeks (including exceptions)");
    public static readonly ComparatorSeries Within20WeeksPercent = Percent("timeliness_20_week", "pc_plans_issued_within_20_weeks", "EHC plans issued within 20 weeks, including exceptions (%)");
    public static readonly ComparatorSeries Within20WeeksExcludingPercent = Percent("timeliness_20_week", "PC_plans_issued_20_weeks_ex", "EHC plans issued within 20 weeks, excluding exceptions (%)");
    public static readonly ComparatorSeries MainstreamPercent = Percent("caseload", "mainstream_total_pc", "Plans in place naming a mainstream school (%)");
    public static readonly ComparatorSeries SpecialPercent = Percent("caseload", "special_total_pc", "Plans in place naming a special school (%)");
    public static readonly ComparatorSeries FurtherEducationPercent = Percent("caseload", "fe_total_pc", "Plans in place naming further education or post-16 (%)");

    public static readonly ComparatorSeries IndependentSpecialRate = new("caseload.special_independent_rate", "Plans in place naming an independent special school (%)",
        "data/caseload.csv", ["special_independent"], ScoreUnit.Percent) { Denominator = ("data/caseload.csv", "ehcplans") };

    public static readonly ComparatorSeries NeetRate = new("caseload.neet_rate", "Plans in place with the young person not in education, employment or training (%)",
        "data/caseload.csv", ["neet", "neet_ntci", "neet_other", "neet_other_csa"], ScoreUnit.Percent) { Denominator = ("data/caseload.csv", "ehcplans") };

    public static readonly ComparatorSeries PersonalBudgets = Count("personal_budgets", "personal_budget", "EHC plans with a personal budget in place in January");

    public static readonly ComparatorSeries PersonalBudgetRate = new("personal_budgets.personal_budget_rate", "EHC plans with a personal budget in place (%)",
        "data/personal_budgets.csv", ["personal_budget"], ScoreUnit.Percent) { Denominator = ("data/caseload.csv", "ehcplans") };

    public static readonly ComparatorSeries Ceased = Count("ceased_plans", "total_ceased", "EHC plans ceased in the calendar year");

    public static readonly ComparatorSeries CeasedNeedsMetRate = new("ceased_plans.needs_met_rate", "Ceased plans where needs are met without a plan (%)",
        "data/ceased_plans.csv", ["needs_met"], ScoreUnit.Percent) { Denominator = ("data/ceased_plans.csv", "total_ceased") };

    public static readonly ComparatorSeries TribunalAppealRate = new("send-tribunal.appeal_rate", "SEND Tribunal appeal rate (% of appealable decisions)",
        ComparatorSeries.TribunalTableFile, ["SEND Tribunal Appeal Rate"], ScoreUnit.Percent);

    public static IReadOnlyList<ComparatorSeries> All { get; } =
    [
        PlansInPlace, NewPlans, Requests, RequestsRefused, RequestsRefusedPercent, DecisionsWithinSixWeeksPercent, PlansIssued, PlansIssuedWithin20Weeks,
        Within20WeeksPercent, Within20WeeksExcludingPercent, MainstreamPercent, SpecialPercent, FurtherEducationPercent, IndependentSpecialRate, NeetRate,
        PersonalBudgets, PersonalBudgetRate, Ceased, CeasedNeedsMetRate, TribunalAppealRate,
    ];

    public static ComparatorSeries? Find(string id) => All.FirstOrDefault(s => s.Id == id);
}
