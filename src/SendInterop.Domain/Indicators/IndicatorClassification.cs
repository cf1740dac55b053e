namespace SendInterop.Domain.Indicators;

/// <summary>The Results Based Accountability question an indicator answers (DOMAIN.md 5.3).</summary>
public enum RbaQuadrant
{
    /// <summary>How much did we do?</summary>
    HowMuch,

    /// <summary>How well did we do it?</summary>
    HowWell,

    /// <summary>Is anyone better off?</summary>
    BetterOff,
}

/// <summary>Where the indicator sits on the dashboard (issue 5, point 2; DESIGN.md 9).</summary>
public enum DashboardSection
{
    /// <summary>Section A: understanding local need.</summary>
    A,

    /// <summary>Section B: quality and outcomes.</summary>
    B,
}

/// <summary>The logic-model column: what the partnership produces, what changes for children, the long-run difference.</summary>
public enum LogicModelColumn
{
    Output,
    Outcome,
    Impact,
}

/// <summary>
/// How an indicator uses the reporting period. SEN2 counts the caseload "as at" the January census day and activity
/// over the previous calendar year (SEN2.md 0), so one <see cref="ReportingPeriod"/> carries both.
/// </summary>
public enum PeriodType
{
    /// <summary>Counted on the reference date (plans in place on the census day).</summary>
    Snapshot,

    /// <summary>Counted over the activity period (requests received, plans issued, reviews due in the calendar year).</summary>
    Activity,
}

/// <summary>FHIR measure-scoring.</summary>
public enum IndicatorScoring
{
    Proportion,
    Ratio,
    ContinuousVariable,
    Cohort,
}

/// <summary>Which direction is better; <see cref="None"/> for counts of need, where more is neither good nor bad.</summary>
public enum ImprovementNotation
{
    None,
    Increase,
    Decrease,
}

/// <summary>The unit of an indicator's score, as shown on the dashboard.</summary>
public enum ScoreUnit
{
    /// <summary>A count of children, plans or requests (cohort measures).</summary>
    Count,

    /// <summary>Per cent, 0-100.</summary>
    Percent,

    /// <summary>Per 1,000 of a population.</summary>
    PerThousand,

    /// <summary>Weeks (mean of observations).</summary>
    Weeks,
}

/// <summary>The codes every classification is published with.</summary>
public static class IndicatorCodes
{
    public static (string Code, string Display) Of(RbaQuadrant quadrant) => quadrant switch
    {
        RbaQuadrant.HowMuch => ("how-much", "How much did we do?"),
        RbaQuadrant.HowWell => ("how-well", "How well did we do it?"),
        RbaQuadrant.BetterOff => ("better-off", "Is anyone better off?"),
        _ => throw new ArgumentOutOfRangeException(nameof(quadrant)),
    };

    public static (string Code, string Display) Of(DashboardSection section) => section switch
    {
        DashboardSection.A => ("A", "Understanding local need"),
        DashboardSection.B => ("B", "Quality and outcomes"),
        _ => throw new ArgumentOutOfRangeException(nameof(section)),
    };

    public static (string Code, string Display) Of(LogicModelColumn column) => column switch
    {
        LogicModelColumn.Output => ("output", "Output"),
        LogicModelColumn.Outcome => ("outcome", "Outcome"),
        LogicModelColumn.Impact => ("impact", "Impact"),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    public static (string Code, string Display) Of(PeriodType type) => type switch
    {
        PeriodType.Snapshot => ("snapshot", "On the reference date (SEN2 census day in January)"),
        PeriodType.Activity => ("activity", "Over the activity period (the calendar year before the census)"),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string Of(IndicatorScoring scoring) => scoring switch
    {
        IndicatorScoring.Proportion => "proportion",
        IndicatorScoring.Ratio => "ratio",
        IndicatorScoring.ContinuousVariable => "continuous-variable",
        IndicatorScoring.Cohort => "cohort",
        _ => throw new ArgumentOutOfRangeException(nameof(scoring)),
    };

    /// <summary>UCUM code and human unit of a score.</summary>
    public static (string Code, string Unit) Of(ScoreUnit unit) => unit switch
    {
        ScoreUnit.Count => ("1", "count"),
        ScoreUnit.Percent => ("%", "%"),
        ScoreUnit.PerThousand => ("/10*3", "per 1,000"),
        ScoreUnit.Weeks => ("wk", "weeks"),
        _ => throw new ArgumentOutOfRangeException(nameof(unit)),
    };
}
