using System.Globalization;
using System.Text;
using SendInterop.Domain.Indicators;

namespace SendInterop.Storage.Indicators;

/// <summary>
/// Builds the SQL of one indicator for one period and scope (the rows of a region or of England, counted per LA). Shape:
/// <code>
/// WITH r AS (                                   -- the initial population, from every table it can come from
///   SELECT child_id, computed_at, age, stratum columns, one 0/1 flag per population, obs FROM ind_case WHERE subject AND initial
///   UNION ALL SELECT ... FROM ind_plan WHERE ...),
/// r2 AS (SELECT r.*, age band AS s_age FROM r)
/// SELECT '' AS stratifier, '' AS stratum, counts, s_la FROM r2 GROUP BY s_la                   -- each LA's total
/// UNION ALL SELECT 'age-band', s_age, counts, s_la FROM r2 GROUP BY s_la, s_age -- one GROUP BY per stratifier
/// ...
/// </code>
/// Flags are computed independently per population and composed when counting (numerator = denominator and not
/// excluded and numerator criteria), exactly as <see cref="IndicatorEvaluator"/> nests its populations. The same
/// text runs on SQLite and PostgreSQL: integer day numbers, TRUE/FALSE, CASE, COALESCE, BETWEEN and named parameters.
/// </summary>
public sealed class IndicatorQuery
{
    private const string NoCount = "0";

    private readonly IReadOnlyList<IndicatorDefinition> _indicators;
    private readonly IReadOnlyList<RowKind> _tables;

    private readonly bool _groupingSets;

    /// <summary>Whether the query counts in one pass with GROUPING SETS (PostgreSQL).</summary>
    public bool GroupingSets => _groupingSets;

    /// <param name="groupingSets">
    /// Count the total and every stratum in one pass with <c>GROUP BY GROUPING SETS</c> (PostgreSQL). Without it (SQLite
    /// has no grouping sets) the rows are grouped once per stratifier: on PostgreSQL that materialises the rows to a
    /// temporary file and reads them back eight times, which at national scale (640,000 plans) cost about 1.2 s per
    /// snapshot indicator for England against about 0.55 s in one pass (docs/performance.md, "Indicators at national scale").
    /// </param>
    public IndicatorQuery(IndicatorDefinition indicator, ReportingPeriod period, ReportSubject subject, bool groupingSets = false)
        : this([indicator], period, subject, groupingSets)
    {
    }

    /// <summary>
    /// Several indicators with the same initial population and stratifiers (<see cref="SharingKey"/>) counted in one
    /// pass over their rows: each has its own population flags and counts, side by side in one result row. The nine
    /// indicators over plans in place on the census day then read and group the same rows once instead of nine times.
    /// </summary>
    public IndicatorQuery(IReadOnlyList<IndicatorDefinition> indicators, ReportingPeriod period, ReportSubject subject, bool groupingSets = false)
        : this(indicators, period, subject.LaCodes, groupingSets)
    {
    }

    /// <summary>
    /// The same count restricted to some leaves (LA codes, and <see cref="Stratifiers.Unknown"/> for rows without an LA),
    /// or every row when <paramref name="leaves"/> is null: what <see cref="StoredTallies"/> recounts for the leaves
    /// whose rows changed.
    /// </summary>
    public static IndicatorQuery ForLeaves(IReadOnlyList<IndicatorDefinition> indicators, ReportingPeriod period, IReadOnlyCollection<string>? leaves, bool groupingSets) =>
        new(indicators, period, leaves, groupingSets);

    private IndicatorQuery(IReadOnlyList<IndicatorDefinition> indicators, ReportingPeriod period, IReadOnlyCollection<string>? leaves, bool groupingSets)
    {
        if (indicators.Count == 0 || indicators.Any(i => SharingKey(i) != SharingKey(indicators[0])))
            throw new ArgumentException("Indicators counted together must share their initial population and stratifiers.", nameof(indicators));
        _indicators = indicators;
        var indicator = indicators[0];
        _groupingSets = groupingSets;
        var initial = indicator.Population(PopulationKind.InitialPopulation) ?? throw new ArgumentException("An indicator needs an initial population.", nameof(indicator));
        // A table contributes when every predicate of the initial population can hold on its rows.
        _tables = Enum.GetValues<RowKind>().Where(k => initial.AllOf.All(p => PredicateSql.For(p, k) is not null)).ToList();
        Parameters = PeriodParameters(period);
        SubjectFilter = Subject(leaves, Parameters);
    }

    /// <summary>Parameter name (without @) → value.</summary>
    public Dictionary<string, object> Parameters { get; }

    private string SubjectFilter { get; }

    /// <summary>The first indicator: its initial population and stratifiers are everyone's.</summary>
    private IndicatorDefinition First => _indicators[0];

    /// <summary>What indicators must share to be counted in one query: the initial population's predicates and the stratifiers.</summary>
    public static string SharingKey(IndicatorDefinition indicator) =>
        (indicator.Population(PopulationKind.InitialPopulation)?.Expression ?? "") + "|" + string.Join(",", indicator.Stratifiers.Select(s => s.Code));

    /// <summary>The indicators counted, in the order of their columns.</summary>
    public IReadOnlyList<IndicatorDefinition> Indicators => _indicators;

    /// <summary>The population kinds the (first) indicator reports counts for, besides the initial population.</summary>
    public IReadOnlyList<PopulationKind> CountedKinds => CountedKindsOf(0);

    /// <summary>The population kinds indicator <paramref name="i"/> reports counts for, besides the initial population.</summary>
    public IReadOnlyList<PopulationKind> CountedKindsOf(int i)
    {
        var indicator = _indicators[i];
        IReadOnlyList<PopulationKind> Present(params PopulationKind[] kinds) => kinds.Where(k => indicator.Population(k) is not null).ToList();
        return indicator.Scoring switch
        {
            IndicatorScoring.Proportion => Present(PopulationKind.Denominator, PopulationKind.DenominatorExclusion, PopulationKind.Numerator),
            IndicatorScoring.Ratio => indicator.ExternalDenominator ? Present(PopulationKind.Numerator) : Present(PopulationKind.Numerator, PopulationKind.Denominator),
            IndicatorScoring.ContinuousVariable => Present(PopulationKind.MeasurePopulation, PopulationKind.MeasurePopulationExclusion),
            _ => [],
        };
    }

    /// <summary>The first column of indicator <paramref name="i"/>'s eight (ip, c_den, c_excl, c_num, c_mp, c_mpe, obs_sum, obs_n).</summary>
    public static int CountColumn(int i) => 2 + 8 * i;

    /// <summary>The column of min_at; max_at and leaf follow.</summary>
    public int MinAtColumn => CountColumn(_indicators.Count);

    /// <summary>
    /// The summary query, per leaf (LA code, or 'unknown'): each leaf's total and one group per stratum of every
    /// stratifier but the local-authority one (a leaf's only LA stratum is its total). The subject's figures are the
    /// sums over its leaves, and <see cref="HierarchicalSuppression"/> decides from the leaves what to withhold, so one
    /// query answers both. Columns: stratifier, stratum, then per indicator its eight counts (ip, c_den, c_excl, c_num,
    /// c_mp, c_mpe, obs_sum, obs_n; <see cref="CountColumn"/>), then min_at, max_at and leaf; a leaf with no rows returns nothing.
    /// </summary>
    public string SummarySql() => _groupingSets ? GroupingSetsSql() : UnionSql();

    private List<(string Code, string Column)> LeafStratifiers() =>
        First.Stratifiers.Where(s => s.Code != Stratifiers.LocalAuthority.Code).Select(s => (s.Code, Column: StratumColumn(s))).ToList();

    /// <summary>
    /// The one-pass shape: <c>GROUP BY GROUPING SETS ((s_la), (s_la, s_age), (s_la, s_need), ...)</c>; GROUPING(column)
    /// = 0 marks the set a result row belongs to. Stratum columns are never NULL (each is a CASE or a NOT NULL column,
    /// the LA COALESCEd), so a NULL from grouping cannot be mistaken for a stratum value.
    /// </summary>
    private string GroupingSetsSql()
    {
        var columns = LeafStratifiers();
        var sql = new StringBuilder(Cte());
        if (columns.Count == 0) return sql.Append("SELECT '' AS stratifier, '' AS stratum, ").Append(Aggregates()).Append(", s_la AS leaf FROM r2 GROUP BY s_la").ToString();
        sql.Append("SELECT CASE");
        foreach (var (code, column) in columns) sql.Append(" WHEN GROUPING(").Append(column).Append(") = 0 THEN '").Append(code).Append('\'');
        sql.Append(" ELSE '' END AS stratifier, CASE");
        foreach (var (_, column) in columns) sql.Append(" WHEN GROUPING(").Append(column).Append(") = 0 THEN ").Append(column);
        sql.Append(" ELSE '' END AS stratum, ").Append(Aggregates()).Append(", s_la AS leaf FROM r2 GROUP BY GROUPING SETS ((s_la)");
        foreach (var (_, column) in columns) sql.Append(", (s_la, ").Append(column).Append(')');
        return sql.Append(')').ToString();
    }

    /// <summary>The portable shape: the leaves' totals, then one GROUP BY per stratifier, UNION ALL.</summary>
    private string UnionSql()
    {
        var sql = new StringBuilder(Cte());
        sql.Append("SELECT '' AS stratifier, '' AS stratum, ").Append(Aggregates()).Append(", s_la AS leaf FROM r2 GROUP BY s_la");
        foreach (var (code, column) in LeafStratifiers())
        {
            sql.Append("\nUNION ALL SELECT '").Append(code).Append("', ").Append(column).Append(", ").Append(Aggregates())
                .Append(", s_la FROM r2 GROUP BY s_la, ").Append(column);
        }

        return sql.ToString();
    }

    /// <summary>The subject-list query: (population code, child id, row id) for every row in each population (total only).</summary>
    public string SubjectListSql()
    {
        var sql = new StringBuilder(Cte());
        sql.Append("SELECT DISTINCT '").Append(PopulationKinds.Code(PopulationKind.InitialPopulation)).Append("' AS population, child_id, row_id FROM r2");
        foreach (var kind in CountedKinds)
            sql.Append("\nUNION ALL SELECT DISTINCT '").Append(PopulationKinds.Code(kind)).Append("', child_id, row_id FROM r2 WHERE ").Append(Member(kind, 0));
        return sql.ToString();
    }

    /// <summary>The divisor of indicator <paramref name="i"/>'s observation.</summary>
    public decimal ObservationDivisorOf(int i) =>
        _indicators[i].Observation is { } o && _tables.Count > 0 ? PredicateSql.For(o, _tables[0]).Divisor : 1m;

    private string Cte()
    {
        var branches = _tables.Select(Branch).ToList();
        // No table can hold the initial population: an empty but well-typed set.
        if (branches.Count == 0) branches.Add(Branch(RowKind.Case));
        return "WITH r AS (\n" + string.Join("\nUNION ALL\n", branches) + "\n),\nr2 AS (SELECT r.*, " + AgeBandSql + " AS s_age FROM r)\n";
    }

    private string Branch(RowKind kind)
    {
        var table = PredicateSql.Table(kind);
        var initial = First.Population(PopulationKind.InitialPopulation)!;
        var cease = kind == RowKind.Plan ? "COALESCE(cease_reason, 'not-recorded')" : "'not-recorded'";
        var sql = new StringBuilder("SELECT child_id, row_id, computed_at, " + AgeSql + " AS age, "
            + "primary_need AS s_need, setting_type AS s_setting, sex AS s_sex, ethnicity AS s_eth, COALESCE(la_code, 'unknown') AS s_la, "
            + cease + " AS s_cease");
        for (var i = 0; i < _indicators.Count; i++)
        {
            var observation = _indicators[i].Observation is { } o ? PredicateSql.For(o, kind).Days : null;
            sql.Append(", ").Append(Flag(i, PopulationKind.Denominator, kind)).Append(" AS f_den_").Append(i)
                .Append(", ").Append(Flag(i, PopulationKind.DenominatorExclusion, kind)).Append(" AS f_excl_").Append(i)
                .Append(", ").Append(Flag(i, PopulationKind.Numerator, kind)).Append(" AS f_num_").Append(i)
                .Append(", ").Append(Flag(i, PopulationKind.MeasurePopulation, kind)).Append(" AS f_mp_").Append(i)
                .Append(", ").Append(Flag(i, PopulationKind.MeasurePopulationExclusion, kind)).Append(" AS f_mpe_").Append(i)
                .Append(", ").Append(observation is null ? "CAST(NULL AS INTEGER)" : "(" + observation + ")").Append(" AS obs_").Append(i);
        }

        return sql.Append(" FROM ").Append(table).Append(" WHERE ").Append(SubjectFilter).Append(" AND ").Append(Conjunction(initial, kind)).ToString();
    }

    /// <summary>0/1: the row meets this population's own criteria (not yet nested in its parent population).</summary>
    private string Flag(int i, PopulationKind population, RowKind kind) =>
        _indicators[i].Population(population) is { AllOf.Count: > 0 } criterion ? "CASE WHEN " + Conjunction(criterion, kind) + " THEN 1 ELSE 0 END" : NoCount;

    private static string Conjunction(PopulationCriterion criterion, RowKind kind)
    {
        var parts = criterion.AllOf.Select(p => PredicateSql.For(p, kind)).ToList();
        return parts.Any(p => p is null) ? "1 = 0" : string.Join(" AND ", parts);
    }

    /// <summary>Membership of a population of indicator <paramref name="i"/>, nested as the reference nests it.</summary>
    private string Member(PopulationKind kind, int i) => kind switch
    {
        PopulationKind.Denominator => $"f_den_{i} = 1",
        PopulationKind.DenominatorExclusion => $"f_den_{i} = 1 AND f_excl_{i} = 1",
        PopulationKind.Numerator when _indicators[i].Scoring == IndicatorScoring.Proportion => $"f_den_{i} = 1 AND f_excl_{i} = 0 AND f_num_{i} = 1",
        PopulationKind.Numerator => $"f_num_{i} = 1",
        PopulationKind.MeasurePopulation => $"f_mp_{i} = 1",
        PopulationKind.MeasurePopulationExclusion => $"f_mp_{i} = 1 AND f_mpe_{i} = 1",
        _ => "1 = 1",
    };

    private string Aggregates()
    {
        var sql = new StringBuilder();
        for (var i = 0; i < _indicators.Count; i++)
        {
            var counted = CountedKindsOf(i);
            string Count(PopulationKind kind) => counted.Contains(kind) ? "SUM(CASE WHEN " + Member(kind, i) + " THEN 1 ELSE 0 END)" : NoCount;
            var observed = $"f_mp_{i} = 1 AND f_mpe_{i} = 0 AND obs_{i} IS NOT NULL";
            var cv = _indicators[i].Scoring == IndicatorScoring.ContinuousVariable;
            sql.Append("COUNT(*) AS ip_").Append(i).Append(", ")
                .Append(Count(PopulationKind.Denominator)).Append(" AS c_den_").Append(i).Append(", ")
                .Append(Count(PopulationKind.DenominatorExclusion)).Append(" AS c_excl_").Append(i).Append(", ")
                .Append(Count(PopulationKind.Numerator)).Append(" AS c_num_").Append(i).Append(", ")
                .Append(Count(PopulationKind.MeasurePopulation)).Append(" AS c_mp_").Append(i).Append(", ")
                .Append(Count(PopulationKind.MeasurePopulationExclusion)).Append(" AS c_mpe_").Append(i).Append(", ")
                .Append(cv ? "SUM(CASE WHEN " + observed + " THEN obs_" + i + " ELSE 0 END)" : NoCount).Append(" AS obs_sum_").Append(i).Append(", ")
                .Append(cv ? "SUM(CASE WHEN " + observed + " THEN 1 ELSE 0 END)" : NoCount).Append(" AS obs_n_").Append(i).Append(", ");
        }

        return sql.Append("MIN(computed_at) AS min_at, MAX(computed_at) AS max_at").ToString();
    }

    /// <summary>The column of r2 holding a stratifier's value (the same values <see cref="Stratifier.ValueOf"/> gives).</summary>
    private static string StratumColumn(Stratifier stratifier) => stratifier.Code switch
    {
        "age-band" => "s_age",
        "primary-need" => "s_need",
        "setting-type" => "s_setting",
        "sex" => "s_sex",
        "ethnicity" => "s_eth",
        "local-authority" => "s_la",
        "cease-reason" => "s_cease",
        _ => throw new NotSupportedException($"Stratifier '{stratifier.Code}' has no SQL column."),
    };

    /// <summary>
    /// Completed years on the reference date, null when the birth date is unknown or after it. A 29 February birthday
    /// falls on 28 February in a common year, as DateOnly.AddYears (and so <see cref="AgeBands.AgeOn"/>) has it.
    /// </summary>
    private const string AgeSql =
        "CASE WHEN birth_day IS NULL OR birth_day > @p_ref THEN NULL ELSE @p_ref_year - birth_year - "
        + "CASE WHEN @p_ref_md < (CASE WHEN birth_month_day = 229 AND @p_ref_leap = 0 THEN 228 ELSE birth_month_day END) THEN 1 ELSE 0 END END";

    private static readonly string AgeBandSql =
        "CASE WHEN age IS NULL THEN '" + AgeBands.Unknown + "' WHEN age <= 4 THEN '" + AgeBands.Band0To4 + "' WHEN age <= 10 THEN '" + AgeBands.Band5To10
        + "' WHEN age <= 15 THEN '" + AgeBands.Band11To15 + "' WHEN age <= 19 THEN '" + AgeBands.Band16To19 + "' WHEN age <= 25 THEN '" + AgeBands.Band20To25
        + "' ELSE '" + AgeBands.Over25 + "' END";

    private static Dictionary<string, object> PeriodParameters(ReportingPeriod period) => new(StringComparer.Ordinal)
    {
        ["p_start"] = period.Start.DayNumber,
        ["p_end"] = period.End.DayNumber,
        ["p_ref"] = period.ReferenceDate.DayNumber,
        ["p_ref_year"] = period.ReferenceDate.Year,
        ["p_ref_md"] = period.ReferenceDate.Month * 100 + period.ReferenceDate.Day,
        ["p_ref_leap"] = DateTime.IsLeapYear(period.ReferenceDate.Year) ? 1 : 0,
    };

    private static string Subject(IReadOnlyCollection<string>? leaves, Dictionary<string, object> parameters)
    {
        if (leaves is null) return "1 = 1";
        var names = new List<string>();
        foreach (var code in leaves.Where(l => l != Stratifiers.Unknown).Order(StringComparer.Ordinal))
        {
            var name = "p_la" + names.Count.ToString(CultureInfo.InvariantCulture);
            parameters[name] = code;
            names.Add("@" + name);
        }

        var known = names.Count switch
        {
            0 => "1 = 0",
            1 => "la_code = " + names[0],
            _ => "la_code IN (" + string.Join(", ", names) + ")",
        };
        // Rows without an LA are their own leaf: only England's scope (every row) or a recount of that leaf reads them.
        return leaves.Contains(Stratifiers.Unknown) ? "(" + known + " OR la_code IS NULL)" : known;
    }
}
