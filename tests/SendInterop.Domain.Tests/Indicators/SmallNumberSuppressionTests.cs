using Hl7.Fhir.Serialization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;
using P = SendInterop.Domain.Indicators.PopulationKind;

namespace SendInterop.Domain.Tests.Indicators;

/// <summary>Worked cases of the small-number rule, on MeasureReports built from hand-made results.</summary>
public class SmallNumberSuppressionTests
{
    private static readonly ReportingPeriod Year = ReportingPeriod.Sen2Year(2025);

    private static PopulationResult Cohort(int n) => new(new Dictionary<P, int> { [P.InitialPopulation] = n }, null);

    private static PopulationResult Proportion(int denominator, int numerator) =>
        new(new Dictionary<P, int> { [P.InitialPopulation] = denominator, [P.Denominator] = denominator, [P.Numerator] = numerator },
            denominator == 0 ? null : IndicatorEvaluator.Round(100m * numerator / denominator));

    private static MeasureReport Report(IndicatorDefinition indicator, PopulationResult total, params (string Value, PopulationResult Result)[] strata)
    {
        var stratifier = new StratifierResult(Stratifiers.PrimaryNeed, strata.Select(s => new StratumResult(s.Value, s.Result)).ToList());
        return IndicatorEvaluator.ToMeasureReport(new IndicatorResult(indicator, Year, ReportSubject.England, total, [stratifier]));
    }

    private static Integer Count(MeasureReport report, string code, string? stratum = null)
    {
        var group = report.Group[0];
        if (stratum is null) return group.Population.Single(p => p.Code.Coding[0].Code == code).CountElement;
        return group.Stratifier[0].Stratum.Single(s => s.Value.Coding[0].Code == stratum).Population.Single(p => p.Code.Coding[0].Code == code).CountElement;
    }

    private static Quantity? Score(MeasureReport report, string? stratum = null) =>
        stratum is null ? report.Group[0].MeasureScore : report.Group[0].Stratifier[0].Stratum.Single(s => s.Value.Coding[0].Code == stratum).MeasureScore;

    private static void AssertShown(Integer count, int value)
    {
        Assert.Equal(value, count.Value);
        Assert.False(SmallNumberSuppression.IsMasked(count));
    }

    private static void AssertWithheld(Integer count, SuppressionReason reason)
    {
        Assert.Null(count.Value);
        Assert.True(SmallNumberSuppression.IsMasked(count));
        Assert.Equal(reason, SmallNumberSuppression.ReasonOf(count));
    }

    [Fact]
    public void One_small_stratum_takes_the_next_smallest_with_it()
    {
        // Total 40 = 3 + 12 + 25. 3 is withheld; alone it would be 40 - 12 - 25, so 12 goes too. 25 and 40 stay.
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.PlansInPlace, Cohort(40), ("ASD", Cohort(3)), ("SEMH", Cohort(12)), ("SLCN", Cohort(25))));
        AssertShown(Count(report, "initial-population"), 40);
        AssertWithheld(Count(report, "initial-population", "ASD"), SuppressionReason.Primary);
        AssertWithheld(Count(report, "initial-population", "SEMH"), SuppressionReason.Secondary);
        AssertShown(Count(report, "initial-population", "SLCN"), 25);
        Assert.Contains(report.Extension, e => e.Url == IndicatorCanonical.Extensions.SuppressionApplied);
    }

    [Fact]
    public void Two_small_strata_whose_sum_is_small_take_a_third()
    {
        // 100 = 2 + 3 + 40 + 55. 2 and 3 are withheld, but 100 - 40 - 55 = 5 would still be a small number: 40 goes too.
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.PlansInPlace, Cohort(100),
            ("HI", Cohort(2)), ("VI", Cohort(3)), ("SEMH", Cohort(40)), ("ASD", Cohort(55))));
        AssertWithheld(Count(report, "initial-population", "HI"), SuppressionReason.Primary);
        AssertWithheld(Count(report, "initial-population", "VI"), SuppressionReason.Primary);
        AssertWithheld(Count(report, "initial-population", "SEMH"), SuppressionReason.Secondary);
        AssertShown(Count(report, "initial-population", "ASD"), 55);
    }

    [Fact]
    public void Zero_is_shown_and_never_chosen_as_the_second_cell()
    {
        // 50 = 0 + 4 + 46: 4 is withheld; the zero would not hide it, so 46 goes.
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.PlansInPlace, Cohort(50), ("HI", Cohort(0)), ("VI", Cohort(4)), ("ASD", Cohort(46))));
        AssertShown(Count(report, "initial-population", "HI"), 0);
        AssertWithheld(Count(report, "initial-population", "VI"), SuppressionReason.Primary);
        AssertWithheld(Count(report, "initial-population", "ASD"), SuppressionReason.Secondary);
    }

    [Fact]
    public void Nothing_small_nothing_withheld()
    {
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.PlansInPlace, Cohort(50), ("HI", Cohort(0)), ("VI", Cohort(20)), ("ASD", Cohort(30))));
        AssertShown(Count(report, "initial-population", "VI"), 20);
        AssertShown(Count(report, "initial-population", "ASD"), 30);
    }

    [Fact]
    public void A_small_complement_withholds_the_numerator_and_the_score()
    {
        // 97 of 100 within 20 weeks: the 3 who were not are a small number, so the numerator and the 97.0% go; 100 stays.
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.WithinTwentyWeeks, Proportion(100, 97), ("ASD", Proportion(100, 97))));
        AssertShown(Count(report, "denominator"), 100);
        AssertWithheld(Count(report, "numerator"), SuppressionReason.Complement);
        Assert.True(SmallNumberSuppression.IsMasked(Score(report)));
        Assert.Null(Score(report)!.Value);
    }

    [Fact]
    public void A_small_denominator_withholds_everything_in_its_cell()
    {
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.WithinTwentyWeeks, Proportion(4, 2), ("ASD", Proportion(4, 2))));
        AssertWithheld(Count(report, "denominator"), SuppressionReason.Primary);
        AssertWithheld(Count(report, "numerator"), SuppressionReason.Primary);
        Assert.True(SmallNumberSuppression.IsMasked(Score(report)));
    }

    [Fact]
    public void A_small_stratum_numerator_takes_another_strata_numerator_and_both_scores()
    {
        // Total 110 / 34. ASD 50 / 4 (4 withheld); SEMH 60 / 30. 34 - 30 would give the 4 back, so SEMH's numerator goes,
        // and so do both strata's scores (a rate and its denominator give the numerator). Denominators and total stay.
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.WithinTwentyWeeks, Proportion(110, 34), ("ASD", Proportion(50, 4)), ("SEMH", Proportion(60, 30))));
        AssertShown(Count(report, "numerator"), 34);
        AssertShown(Count(report, "denominator"), 110);
        Assert.Equal(30.9m, Score(report)!.Value);
        AssertWithheld(Count(report, "numerator", "ASD"), SuppressionReason.Primary);
        AssertWithheld(Count(report, "numerator", "SEMH"), SuppressionReason.Secondary);
        AssertShown(Count(report, "denominator", "ASD"), 50);
        AssertShown(Count(report, "denominator", "SEMH"), 60);
        Assert.True(SmallNumberSuppression.IsMasked(Score(report, "ASD")));
        Assert.True(SmallNumberSuppression.IsMasked(Score(report, "SEMH")));
    }

    [Fact]
    public void A_hidden_total_needs_no_secondary_suppression()
    {
        // Total 4 = 4 + 0: the total is withheld, so nothing can be subtracted from it; the zero stays.
        var report = SmallNumberSuppression.Apply(Report(IndicatorCatalogue.PlansInPlace, Cohort(4), ("ASD", Cohort(4)), ("HI", Cohort(0))));
        AssertWithheld(Count(report, "initial-population"), SuppressionReason.Primary);
        AssertWithheld(Count(report, "initial-population", "ASD"), SuppressionReason.Primary);
        AssertShown(Count(report, "initial-population", "HI"), 0);
    }

    [Fact]
    public void The_original_report_is_left_alone_and_the_suppressed_one_serialises()
    {
        var original = Report(IndicatorCatalogue.PlansInPlace, Cohort(40), ("ASD", Cohort(3)), ("SEMH", Cohort(37)));
        var suppressed = SmallNumberSuppression.Apply(original);
        AssertShown(Count(original, "initial-population", "ASD"), 3);
        var json = new FhirJsonSerializer().SerializeToString(suppressed);
        Assert.Contains("masked", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"count\":3", json, StringComparison.Ordinal);
        var parsed = new FhirJsonDeserializer().Deserialize<MeasureReport>(json);
        Assert.Null(Count(parsed, "initial-population", "ASD").Value);
    }
}
