using SendInterop.Domain.Indicators;
using P = SendInterop.Domain.Indicators.PopulationKind;

namespace SendInterop.Domain.Tests.Indicators;

/// <summary>
/// Worked cases of suppression across the geography (<see cref="HierarchicalSuppression"/>) on hand-built LA counts:
/// what each area's report would withhold, and that no withheld count can be had back by subtracting one published
/// figure from another.
/// </summary>
public class HierarchicalSuppressionTests
{
    private static readonly ReportingPeriod Year = ReportingPeriod.Sen2Year(2025);

    /// <summary>Plans in place broken down by primary need only, to keep the tables small.</summary>
    private static readonly IndicatorDefinition Cohort = IndicatorCatalogue.PlansInPlace with { Stratifiers = [Stratifiers.PrimaryNeed] };

    /// <summary>A share of plans in place (initial population = denominator), by primary need.</summary>
    private static readonly IndicatorDefinition Share = IndicatorCatalogue.PersonalBudgets with { Stratifiers = [Stratifiers.PrimaryNeed] };

    private static readonly ReportSubject East = ReportSubject.Region("E12000006", "East of England", ["926", "935", "822"]);
    private static readonly ReportSubject London = ReportSubject.Region("E12000007", "London", ["301", "302"]);
    private static readonly GeographyHierarchy Hierarchy = new([East, London]);

    private static PopulationResult Count(int n) => new(new Dictionary<P, int> { [P.InitialPopulation] = n }, null);

    private static PopulationResult Proportion(int denominator, int numerator) =>
        new(new Dictionary<P, int> { [P.InitialPopulation] = denominator, [P.Denominator] = denominator, [P.Numerator] = numerator }, null);

    /// <summary>An LA's counts: the total is the sum of its strata.</summary>
    private static IndicatorResult Cohort_(params (string Need, int N)[] strata) =>
        new(Cohort, Year, ReportSubject.England, Count(strata.Sum(s => s.N)),
            [new StratifierResult(Stratifiers.PrimaryNeed, strata.Where(s => s.N > 0).Select(s => new StratumResult(s.Need, Count(s.N))).ToList())]);

    private static IndicatorResult Share_(params (string Need, int Denominator, int Numerator)[] strata) =>
        new(Share, Year, ReportSubject.England, Proportion(strata.Sum(s => s.Denominator), strata.Sum(s => s.Numerator)),
            [new StratifierResult(Stratifiers.PrimaryNeed, strata.Where(s => s.Denominator > 0).Select(s => new StratumResult(s.Need, Proportion(s.Denominator, s.Numerator))).ToList())]);

    private static SuppressionReason? Total(SuppressionDecisions d, string area, P kind = P.InitialPopulation) => d.Reason(area, "", "", kind);

    private static SuppressionReason? Need(SuppressionDecisions d, string area, string need, P kind = P.InitialPopulation) => d.Reason(area, "primary-need", need, kind);

    [Fact]
    public void One_small_LA_in_a_region_takes_a_second_LA_with_it()
    {
        // Region 53 = 3 + 20 + 30. Withholding 3 alone in Norfolk's report would leave it as 53 - 20 - 30.
        var leaves = new Dictionary<string, IndicatorResult>
        {
            ["926"] = Cohort_(("ASD", 3)),
            ["935"] = Cohort_(("ASD", 8), ("SEMH", 12)),
            ["822"] = Cohort_(("ASD", 10), ("SEMH", 20)),
        };
        var d = HierarchicalSuppression.Decide(Cohort, Hierarchy, East, leaves);

        Assert.Equal(SuppressionReason.Primary, Total(d, "926"));
        Assert.Equal(SuppressionReason.Primary, Need(d, "926", "ASD"));
        // The smallest other LA goes too, with the stratum that would give its total back; the largest and the region stay.
        Assert.Equal(SuppressionReason.Secondary, Total(d, "935"));
        Assert.Equal(SuppressionReason.Secondary, Need(d, "935", "ASD"));
        Assert.Null(Need(d, "935", "SEMH"));
        Assert.Null(Total(d, "822"));
        Assert.Null(Need(d, "822", "ASD"));
        Assert.Null(Total(d, "E12000006"));
        Assert.Null(Need(d, "E12000006", "ASD"));
        // The local-authority stratum of an LA is its total.
        Assert.Equal(SuppressionReason.Primary, d.Reason("E12000006", "local-authority", "926", P.InitialPopulation));
        Assert.Null(d.Reason("E12000006", "local-authority", "822", P.InitialPopulation));
    }

    [Fact]
    public void A_small_stratum_is_protected_in_its_LA_and_across_the_region()
    {
        // Norfolk ASD 2: its own total (30) minus SEMH (28) would give it, and so would the region's ASD (12) minus Suffolk's (10).
        var leaves = new Dictionary<string, IndicatorResult>
        {
            ["926"] = Cohort_(("ASD", 2), ("SEMH", 28)),
            ["935"] = Cohort_(("ASD", 10), ("SEMH", 20)),
        };
        var d = HierarchicalSuppression.Decide(Cohort, Hierarchy, East, leaves);
        Assert.Equal(SuppressionReason.Primary, Need(d, "926", "ASD"));
        Assert.Equal(SuppressionReason.Secondary, Need(d, "926", "SEMH"));
        Assert.Equal(SuppressionReason.Secondary, Need(d, "935", "ASD"));
        Assert.Equal(SuppressionReason.Secondary, Need(d, "935", "SEMH"));
        // Totals and the region's own breakdown need no protection: every relation now has two unknowns.
        Assert.Null(Total(d, "926"));
        Assert.Null(Total(d, "935"));
        Assert.Null(Total(d, "E12000006"));
        Assert.Null(Need(d, "E12000006", "ASD"));
        Assert.Null(Need(d, "E12000006", "SEMH"));
    }

    [Fact]
    public void A_small_complement_withholds_the_numerator_and_another_LA_s_numerator()
    {
        // Norfolk: 17 of 20 plans have a personal budget, so 3 do not. Its numerator is withheld (complement); the
        // region's numerator minus the other LAs' would give it back, so a second LA's numerator goes too.
        var leaves = new Dictionary<string, IndicatorResult>
        {
            ["926"] = Share_(("ASD", 20, 17)),
            ["935"] = Share_(("ASD", 30, 10)),
            ["822"] = Share_(("ASD", 40, 25)),
        };
        var d = HierarchicalSuppression.Decide(Share, Hierarchy, East, leaves);

        Assert.Equal(SuppressionReason.Complement, Total(d, "926", P.Numerator));
        Assert.Null(Total(d, "926", P.Denominator));
        var others = new[] { "935", "822" }.Count(la => Total(d, la, P.Numerator) is not null);
        Assert.Equal(1, others);
        Assert.Null(Total(d, "E12000006", P.Numerator));
        Assert.Null(Total(d, "E12000006", P.Denominator));
        // The stratum (ASD) is each LA's whole total here, so it carries the same decisions.
        Assert.Equal(Total(d, "926", P.Numerator) is null, Need(d, "926", "ASD", P.Numerator) is null);
    }

    [Fact]
    public void A_region_whose_only_small_cell_is_its_own_is_protected_by_England()
    {
        // London holds only Camden (301) with 3 ASD: the region's ASD is 3 too. England's ASD minus the East's would
        // give it back, so England withholds its ASD and, not to give that back from its total, another need.
        var leaves = new Dictionary<string, IndicatorResult>
        {
            ["301"] = Cohort_(("ASD", 3), ("SEMH", 40)),
            ["926"] = Cohort_(("ASD", 30), ("SEMH", 28), ("MLD", 12)),
            ["935"] = Cohort_(("ASD", 10), ("SEMH", 20), ("MLD", 9)),
        };
        var england = HierarchicalSuppression.Decide(Cohort, Hierarchy, ReportSubject.England, leaves);

        Assert.Equal(SuppressionReason.Primary, Need(england, "E12000007", "ASD"));
        Assert.Equal(SuppressionReason.Secondary, Need(england, ReportSubject.EnglandCode, "ASD"));
        Assert.NotNull(Need(england, ReportSubject.EnglandCode, "SEMH") ?? Need(england, ReportSubject.EnglandCode, "MLD") ?? Total(england, ReportSubject.EnglandCode));
        // The East has no small cell: everything it publishes is shown.
        foreach (var area in new[] { "926", "935", "E12000006" })
        {
            Assert.Null(Total(england, area));
            foreach (var need in new[] { "ASD", "SEMH", "MLD" }) Assert.Null(Need(england, area, need));
        }

        // An LA's or region's decisions do not depend on what is decided elsewhere: London alone decides the same.
        var london = HierarchicalSuppression.Decide(Cohort, Hierarchy, London, leaves.Where(l => l.Key == "301").ToDictionary());
        Assert.Equal(london.Describe(), england.Describe().Where(d => !d.StartsWith(ReportSubject.EnglandCode, StringComparison.Ordinal)).ToList());
    }

    [Fact]
    public void Withheld_parts_adding_up_to_a_small_number_take_another_with_them()
    {
        // Two LAs of 3 and 2 withheld beside a region of 40 would show that they hold 5 between them.
        var leaves = new Dictionary<string, IndicatorResult>
        {
            ["926"] = Cohort_(("ASD", 3)),
            ["935"] = Cohort_(("ASD", 2)),
            ["822"] = Cohort_(("ASD", 35)),
        };
        var d = HierarchicalSuppression.Decide(Cohort, Hierarchy, East, leaves);
        Assert.Equal(SuppressionReason.Primary, Total(d, "926"));
        Assert.Equal(SuppressionReason.Primary, Total(d, "935"));
        Assert.NotNull(Total(d, "822") ?? Total(d, "E12000006"));
    }

    [Fact]
    public void The_reference_evaluator_decides_over_the_LA_s_region()
    {
        // Every LA report of a region applies the same decisions as the region's report.
        var rows = IndicatorFixture.Rows;
        var forNorfolk = IndicatorEvaluator.Suppression(IndicatorCatalogue.PlansInPlace, rows, Year, IndicatorFixture.Norfolk, Hierarchy);
        var forRegion = IndicatorEvaluator.Suppression(IndicatorCatalogue.PlansInPlace, rows, Year, East, Hierarchy);
        Assert.Equal(forRegion.Describe(), forNorfolk.Describe());
        Assert.NotEmpty(forRegion.Describe());
    }
}
