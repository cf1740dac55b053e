using SendInterop.Domain.Indicators;

namespace SendInterop.Storage.Indicators;

/// <summary>
/// The SQL meaning of every named predicate and observation of the catalogue (<see cref="Predicates"/>), per projection
/// table. Each fragment is a boolean over one table's columns and the period parameters <c>@p_start</c>, <c>@p_end</c>
/// (activity days, both included) and <c>@p_ref</c> (reference date), all day numbers. A predicate false for a row
/// kind (the reference's "false for rows of other kinds") has no fragment for that table.
/// </summary>
/// <remarks>
/// NULL behaves as the reference's nulls: a comparison with a missing day is unknown, and unknown is never counted
/// (every fragment is used as <c>CASE WHEN fragment THEN 1 ELSE 0 END</c>, never negated).
/// </remarks>
public static class PredicateSql
{
    private const string InPeriod = " BETWEEN @p_start AND @p_end";

    private const string CaseAppealableDecisionOn = "(CASE WHEN decided_to_assess = FALSE THEN decision_on ELSE COALESCE(decided_not_to_issue_on, plan_issued) END)";
    private const string CaseAppealableDecision = "((decided_to_assess = FALSE AND decision_on" + InPeriod + ") OR decided_not_to_issue_on" + InPeriod + ")";
    private const string PlanInPlace = "(issued <= @p_ref AND (ceased IS NULL OR ceased > @p_ref))";
    private const string PlanAppealableDecision = "(" + PlanInPlace + " OR (ceased" + InPeriod + " AND cease_reason = '2'))";

    private static readonly Dictionary<string, Dictionary<RowKind, string>> Fragments = new(StringComparer.Ordinal)
    {
        [Predicates.CaseReceivedInPeriod.Name] = Case("received" + InPeriod),
        [Predicates.CaseRefused.Name] = Case("decided_to_assess = FALSE"),
        [Predicates.CaseDecided.Name] = Case("decision_on IS NOT NULL"),
        [Predicates.CaseDecidedWithinSixWeeks.Name] = Case("decision_on - received <= 42"),
        [Predicates.CasePlanIssuedInPeriod.Name] = Case("plan_issued" + InPeriod),
        [Predicates.CaseExceptionsApply.Name] = Case("exceptions_apply = TRUE"),
        [Predicates.CaseIssuedWithinTwentyWeeks.Name] = Case("plan_issued - received <= 140"),
        [Predicates.CaseAppealableDecisionInPeriod.Name] = Case(CaseAppealableDecisionOn + InPeriod),
        [Predicates.CaseAppealRegistered.Name] = Case("tribunal_appeal = TRUE"),

        [Predicates.PlanInPlace.Name] = Plan(PlanInPlace),
        [Predicates.PlanIssuedInPeriod.Name] = Plan("issued" + InPeriod),
        [Predicates.PlanCeasedInPeriod.Name] = Plan("ceased" + InPeriod),
        [Predicates.PlanCeasedNeedsMet.Name] = Plan("cease_reason = '2'"),
        [Predicates.PlanMainstream.Name] = Plan("setting_type = 'mainstream'"),
        [Predicates.PlanSpecial.Name] = Plan("setting_type IN ('special', 'independent-special')"),
        [Predicates.PlanIndependentSpecial.Name] = Plan("setting_type = 'independent-special'"),
        [Predicates.PlanFurtherEducation.Name] = Plan("setting_type = 'further-education'"),
        [Predicates.PlanNeet.Name] = Plan("setting_type = 'neet'"),
        [Predicates.PlanSettingLaKnown.Name] = Plan("out_of_area IS NOT NULL"),
        [Predicates.PlanOutOfArea.Name] = Plan("out_of_area = TRUE"),
        [Predicates.PlanPersonalBudget.Name] = Plan("personal_budget = TRUE"),
        [Predicates.PlanDirectPayment.Name] = Plan("direct_payment = TRUE"),

        [Predicates.ReviewDueInPeriod.Name] = One(RowKind.Review, "cancelled = FALSE AND due" + InPeriod),
        [Predicates.ReviewOnTime.Name] = One(RowKind.Review, "held IS NOT NULL AND held <= due"),
        [Predicates.OutcomeAssessedInPeriod.Name] = One(RowKind.Outcome, "achievement IS NOT NULL AND assessed_on" + InPeriod),
        [Predicates.OutcomeAchievedOrImproving.Name] = One(RowKind.Outcome, "achievement IN ('achieved', 'sustaining', 'improving')"),
        [Predicates.WaitFirstContactInPeriod.Name] = One(RowKind.Wait, "first_contact" + InPeriod),
        [Predicates.WaitAutismAssessment.Name] = One(RowKind.Wait, "autism_assessment = TRUE"),
        [Predicates.WaitWithinThirteenWeeks.Name] = One(RowKind.Wait, "first_contact - referred <= 91"),

        [Predicates.AppealableDecision.Name] = new() { [RowKind.Case] = CaseAppealableDecision, [RowKind.Plan] = PlanAppealableDecision },
        // The tribunal indicator's initial population (IndicatorCatalogue's appeal.in-scope).
        ["appeal.in-scope"] = new()
        {
            [RowKind.Case] = "(" + CaseAppealableDecision + " OR " + CaseAppealableDecisionOn + InPeriod + ")",
            [RowKind.Plan] = PlanAppealableDecision,
        },
    };

    /// <summary>Observations: an integer number of days per row (null: no observation), and the divisor that makes it the reported unit.</summary>
    private static readonly Dictionary<string, (RowKind Kind, string Days, decimal Divisor)> Observations = new(StringComparer.Ordinal)
    {
        [Predicates.WeeksToIssue.Name] = (RowKind.Case, "plan_issued - received", 7m),
        [Predicates.WeeksWaited.Name] = (RowKind.Wait, "first_contact - referred", 7m),
    };

    /// <summary>The SQL of a predicate on a table; null when the predicate is false for that row kind.</summary>
    public static string? For(RowPredicate predicate, RowKind table) =>
        Fragments.TryGetValue(predicate.Name, out var byKind)
            ? byKind.GetValueOrDefault(table)
            : throw new NotSupportedException($"Predicate '{predicate.Name}' has no SQL: add it to {nameof(PredicateSql)}.");

    /// <summary>The SQL of an observation on a table (integer days), or null when it gives nothing for that row kind; and its divisor.</summary>
    public static (string? Days, decimal Divisor) For(RowObservation observation, RowKind table) =>
        Observations.TryGetValue(observation.Name, out var o)
            ? (o.Kind == table ? o.Days : null, o.Divisor)
            : throw new NotSupportedException($"Observation '{observation.Name}' has no SQL: add it to {nameof(PredicateSql)}.");

    /// <summary>Whether every predicate and observation name has SQL (the catalogue test checks it).</summary>
    public static bool Covers(string name) => Fragments.ContainsKey(name) || Observations.ContainsKey(name);

    public static string Table(RowKind kind) => kind switch
    {
        RowKind.Case => IndicatorProjectionModel.CaseTable,
        RowKind.Plan => IndicatorProjectionModel.PlanTable,
        RowKind.Review => IndicatorProjectionModel.ReviewTable,
        RowKind.Outcome => IndicatorProjectionModel.OutcomeTable,
        RowKind.Wait => IndicatorProjectionModel.WaitTable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static Dictionary<RowKind, string> Case(string sql) => One(RowKind.Case, sql);

    private static Dictionary<RowKind, string> Plan(string sql) => One(RowKind.Plan, sql);

    private static Dictionary<RowKind, string> One(RowKind kind, string sql) => new() { [kind] = "(" + sql + ")" };
}
