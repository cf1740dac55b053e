using SendInterop.Domain.Indicators;
using static SendInterop.Domain.Tests.Indicators.IndicatorFixture;
using P = SendInterop.Domain.Indicators.PopulationKind;

namespace SendInterop.Domain.Tests.Indicators;

/// <summary>
/// Every indicator against numbers worked out by hand from the fixture's table (IndicatorFixture), Norfolk (926),
/// SEN2 year 2025 (activity 2024, reference date 2025-01-16). The working is in each test's comment.
/// </summary>
public class IndicatorEvaluationTests
{
    private static IndicatorResult Norfolk2025(IndicatorDefinition indicator, long? population = null) =>
        IndicatorEvaluator.Compute(indicator, Rows, Year2025, Norfolk, population);

    private static void AssertCounts(PopulationResult result, int? denominator, int? numerator, decimal? score)
    {
        if (denominator is { } d) Assert.Equal(d, result.Count(P.Denominator));
        if (numerator is { } n) Assert.Equal(n, result.Count(P.Numerator));
        Assert.Equal(score, result.Score);
    }

    [Fact]
    public void Plans_in_place_on_the_census_day()
    {
        // p1 p2 p3 p7 p8 p10 (p6 ceased 2024-07-31; p9 is Suffolk's).
        var result = Norfolk2025(IndicatorCatalogue.PlansInPlace);
        Assert.Equal(6, result.Total.Count(P.InitialPopulation));
        Assert.Null(result.Total.Score);
        Assert.Equal(7, IndicatorEvaluator.Compute(IndicatorCatalogue.PlansInPlace, Rows, Year2025, ReportSubject.England).Total.Count(P.InitialPopulation));
    }

    [Fact]
    public void Plans_per_thousand_uses_the_supplied_population()
    {
        // 6 plans / 1,200 residents aged 0-25 × 1,000 = 5.0; without a population there is no score.
        AssertCounts(Norfolk2025(IndicatorCatalogue.PlansPerThousand, 1200).Total, 1200, 6, 5.0m);
        Assert.Null(Norfolk2025(IndicatorCatalogue.PlansPerThousand).Total.Score);
    }

    [Fact]
    public void New_plans_issued_in_the_calendar_year()
    {
        // p1 2024-05-20, p2 2024-08-30, p3 2024-07-29, p10 2024-03-15; England adds p9.
        Assert.Equal(4, Norfolk2025(IndicatorCatalogue.NewPlans).Total.Count(P.InitialPopulation));
        Assert.Equal(5, IndicatorEvaluator.Compute(IndicatorCatalogue.NewPlans, Rows, Year2025, ReportSubject.England).Total.Count(P.InitialPopulation));
    }

    [Fact]
    public void Requests_received_in_the_calendar_year()
    {
        // r1 r2 r3 r4 r5 r11; r10 was received in 2023, r9 is Suffolk's.
        Assert.Equal(6, Norfolk2025(IndicatorCatalogue.Requests).Total.Count(P.InitialPopulation));
        Assert.Equal(1, IndicatorEvaluator.Compute(IndicatorCatalogue.Requests, Rows, Year2025, Suffolk).Total.Count(P.InitialPopulation));
    }

    [Fact]
    public void Requests_refused()
    {
        // r4 refused, of 6 received: 16.666... -> 16.7.
        AssertCounts(Norfolk2025(IndicatorCatalogue.RequestsRefused).Total, 6, 1, 16.7m);
    }

    [Fact]
    public void Decisions_within_six_weeks()
    {
        // Decided: r1 35d, r2 53d, r3 39d, r4 35d, r5 49d (decided in January 2025, still the 2024 request); r11 undecided.
        // Within 42 days: r1 r3 r4 = 3 of 5 = 60.0.
        AssertCounts(Norfolk2025(IndicatorCatalogue.DecisionsWithinSixWeeks).Total, 5, 3, 60.0m);
    }

    [Fact]
    public void Plans_within_twenty_weeks_including_exceptions()
    {
        // Issued in 2024 from requests on record: p1 133d, p2 211d, p3 147d, p10 135d -> 2 of 4 = 50.0.
        AssertCounts(Norfolk2025(IndicatorCatalogue.WithinTwentyWeeks).Total, 4, 2, 50.0m);
    }

    [Fact]
    public void Plans_within_twenty_weeks_excluding_exceptions()
    {
        // p2 has an exception (exceptional personal circumstances during the assessment): out of both.
        // 2 of the remaining 3 (p1, p10; not p3) = 66.666... -> 66.7.
        var total = Norfolk2025(IndicatorCatalogue.WithinTwentyWeeksExcludingExceptions).Total;
        AssertCounts(total, 4, 2, 66.7m);
        Assert.Equal(1, total.Count(P.DenominatorExclusion));
    }

    [Fact]
    public void Mean_weeks_from_request_to_plan()
    {
        // (133 + 211 + 147 + 135) / 7 / 4 = 626 / 28 = 22.357... -> 22.4.
        var total = Norfolk2025(IndicatorCatalogue.MeanWeeksToIssue).Total;
        Assert.Equal(4, total.Count(P.MeasurePopulation));
        Assert.Equal(22.4m, total.Score);
    }

    [Fact]
    public void Annual_reviews_on_time()
    {
        // Due in 2024: p7's due 2024-01-25 (12 months from the 2023-01-25 meeting), held 2024-01-20 (on time);
        // p8's due 2024-09-10, held 2024-10-15 (late). p6's only review (due 2016) was cancelled when it ceased. 1 of 2 = 50.0.
        AssertCounts(Norfolk2025(IndicatorCatalogue.ReviewsOnTime).Total, 2, 1, 50.0m);
    }

    [Theory]
    [InlineData("placement-mainstream", 2, 33.3)] // p1, p10
    [InlineData("placement-special", 2, 33.3)] // p7 special, p3 independent special
    [InlineData("placement-independent-special", 1, 16.7)] // p3
    [InlineData("placement-further-education", 1, 16.7)] // p2
    [InlineData("placement-neet", 1, 16.7)] // p8
    [InlineData("plans-with-personal-budget", 2, 33.3)] // p1, p3
    [InlineData("plans-with-direct-payment", 1, 16.7)] // p1
    public void Shares_of_the_plans_in_place(string id, int numerator, double score)
    {
        AssertCounts(Norfolk2025(IndicatorCatalogue.Find(id)!).Total, 6, numerator, (decimal)score);
    }

    [Fact]
    public void Out_of_area_placements()
    {
        // Setting's LA known: p1 926, p3 935 (out), p7 926, p10 926; p2 (college, no LA) and p8 (NEET) unknown. 1 of 4 = 25.0.
        AssertCounts(Norfolk2025(IndicatorCatalogue.OutOfArea).Total, 4, 1, 25.0m);
        // Suffolk's p9 names a Norfolk school: 1 of 1.
        AssertCounts(IndicatorEvaluator.Compute(IndicatorCatalogue.OutOfArea, Rows, Year2025, Suffolk).Total, 1, 1, 100.0m);
    }

    [Fact]
    public void Plans_ceased_by_reason()
    {
        // p6 ceased 2024-07-31, reason 2 (needs met without a plan).
        var result = Norfolk2025(IndicatorCatalogue.CeasedByReason);
        Assert.Equal(1, result.Total.Count(P.InitialPopulation));
        var byReason = Assert.Single(result.Stratifiers, s => s.Stratifier.Code == "cease-reason");
        var stratum = Assert.Single(byReason.Strata);
        Assert.Equal("2", stratum.Value);
        AssertCounts(Norfolk2025(IndicatorCatalogue.CeasedNeedsMet).Total, 1, 1, 100.0m);
    }

    [Fact]
    public void Outcomes_achieved_or_improving()
    {
        // Judged in 2024: g1a achieved, g1b in-progress, g2a improving, g3a worsening, g7a sustaining (g3b judged 2025).
        // Achieved, sustaining or improving: 3 of 5 = 60.0.
        AssertCounts(Norfolk2025(IndicatorCatalogue.OutcomesAchievedOrImproving).Total, 5, 3, 60.0m);
    }

    [Fact]
    public void Autism_assessments_within_thirteen_weeks()
    {
        // First contact in 2024 on the autism pathway: w4 70 days (yes), w10 130 days (no); w1 still waiting. 1 of 2 = 50.0.
        AssertCounts(Norfolk2025(IndicatorCatalogue.AutismWaitWithinThirteenWeeks).Total, 2, 1, 50.0m);
    }

    [Fact]
    public void Mean_health_wait()
    {
        // w4 70, w5 126, w10 130 days: 326 / 7 / 3 = 15.52... -> 15.5.
        var total = Norfolk2025(IndicatorCatalogue.MeanHealthWait).Total;
        Assert.Equal(3, total.Count(P.MeasurePopulation));
        Assert.Equal(15.5m, total.Score);
    }

    [Fact]
    public void Tribunal_appeal_rate()
    {
        // Appealable decisions: r4 refused in 2024 (1) + plans in place on the census day (6) + p6 ceased as needs met (1) = 8.
        // Appeals recorded: r4. 100 × 1 / 8 = 12.5.
        AssertCounts(Norfolk2025(IndicatorCatalogue.TribunalAppealRate).Total, 8, 1, 12.5m);
    }

    [Fact]
    public void Every_indicator_in_the_catalogue_evaluates_on_the_fixture()
    {
        foreach (var indicator in IndicatorCatalogue.All)
        {
            var report = IndicatorEvaluator.Evaluate(indicator, Rows, Year2025, Norfolk, 1200);
            Assert.Equal(indicator.Url + "|" + IndicatorCanonical.Version, report.Measure);
            Assert.Single(report.Group);
        }
    }

    [Fact]
    public void The_measure_report_carries_counts_score_period_and_subject()
    {
        var report = IndicatorEvaluator.Evaluate(IndicatorCatalogue.WithinTwentyWeeks, Rows, Year2025, Norfolk);
        Assert.Equal(Hl7.Fhir.Model.MeasureReport.MeasureReportType.Summary, report.Type);
        Assert.Equal("2024-01-01", report.Period.Start);
        Assert.Equal("2024-12-31", report.Period.End);
        Assert.Equal("926", report.Subject.Identifier.Value);
        var group = Assert.Single(report.Group);
        Assert.Equal(4, group.Population.Single(p => p.Code.Coding[0].Code == "denominator").Count);
        Assert.Equal(2, group.Population.Single(p => p.Code.Coding[0].Code == "numerator").Count);
        Assert.Equal(50.0m, group.MeasureScore.Value);
        Assert.Equal("%", group.MeasureScore.Code);

        // A snapshot indicator reports on the reference date.
        var snapshot = IndicatorEvaluator.Evaluate(IndicatorCatalogue.PlansInPlace, Rows, Year2025, Norfolk);
        Assert.Equal("2025-01-16", snapshot.Period.Start);
        Assert.Equal("2025-01-16", snapshot.Period.End);
    }
}
