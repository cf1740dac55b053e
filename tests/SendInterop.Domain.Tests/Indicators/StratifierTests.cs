using SendInterop.Domain.Indicators;
using static SendInterop.Domain.Tests.Indicators.IndicatorFixture;
using P = SendInterop.Domain.Indicators.PopulationKind;

namespace SendInterop.Domain.Tests.Indicators;

public class StratifierTests
{
    [Fact]
    public void Every_stratifier_of_every_indicator_sums_to_the_total()
    {
        foreach (var subject in new[] { Norfolk, Suffolk, ReportSubject.England })
        {
            foreach (var indicator in IndicatorCatalogue.All)
            {
                var result = IndicatorEvaluator.Compute(indicator, Rows, Year2025, subject);
                foreach (var stratifier in result.Stratifiers)
                {
                    foreach (var (kind, count) in result.Total.Counts)
                        Assert.True(count == stratifier.Strata.Sum(s => s.Result.Count(kind)), $"{indicator.Id} {stratifier.Stratifier.Code} {kind} {subject.Code}");
                }
            }
        }
    }

    [Fact]
    public void Age_bands_of_the_plans_in_place_are_taken_on_the_census_day()
    {
        // On 2025-01-16: c1 10, c10 6 (5-10); c3 12, c7 14 (11-15: c7 turns 15 on 2025-01-20); c2 16; c8 20.
        var result = IndicatorEvaluator.Compute(IndicatorCatalogue.PlansInPlace, Rows, Year2025, Norfolk);
        var bands = result.Stratifiers.Single(s => s.Stratifier.Code == "age-band").Strata.ToDictionary(s => s.Value, s => s.Result.Count(P.InitialPopulation));
        Assert.Equal(new Dictionary<string, int> { ["11-15"] = 2, ["16-19"] = 1, ["20-25"] = 1, ["5-10"] = 2 }, bands);
    }

    [Fact]
    public void Requests_by_primary_need_sex_ethnicity_and_setting()
    {
        var result = IndicatorEvaluator.Compute(IndicatorCatalogue.Requests, Rows, Year2025, Norfolk);
        Dictionary<string, int> Of(string code) => result.Stratifiers.Single(s => s.Stratifier.Code == code).Strata.ToDictionary(s => s.Value, s => s.Result.Count(P.InitialPopulation));

        // r1 c1 ASD, r2 c2 SEMH, r3 c3 SLCN, r4 c4 ASD, r5 c5 MLD, r11 c11 PD.
        Assert.Equal(new Dictionary<string, int> { ["ASD"] = 2, ["MLD"] = 1, ["PD"] = 1, ["SEMH"] = 1, ["SLCN"] = 1 }, Of("primary-need"));
        Assert.Equal(new Dictionary<string, int> { ["female"] = 3, ["male"] = 3 }, Of("sex"));
        Assert.Equal(new Dictionary<string, int> { ["asian"] = 1, ["black"] = 1, ["mixed"] = 1, ["other"] = 1, ["white"] = 2 }, Of("ethnicity"));
        // Requests that led to a plan take its setting; r4, r5, r11 have none.
        Assert.Equal(new Dictionary<string, int> { ["further-education"] = 1, ["independent-special"] = 1, ["mainstream"] = 1, ["not-recorded"] = 3 }, Of("setting-type"));
    }

    [Fact]
    public void Proportion_strata_carry_their_own_scores()
    {
        // Within 20 weeks by sex: male p1 (yes), p3 (no), p10 (yes) = 2/3 = 66.7; female p2 (no) = 0/1 = 0.0.
        var result = IndicatorEvaluator.Compute(IndicatorCatalogue.WithinTwentyWeeks, Rows, Year2025, Norfolk);
        var sex = result.Stratifiers.Single(s => s.Stratifier.Code == "sex").Strata.ToDictionary(s => s.Value, s => s.Result);
        Assert.Equal(66.7m, sex["male"].Score);
        Assert.Equal(0.0m, sex["female"].Score);
    }

    [Fact]
    public void England_includes_every_local_authority()
    {
        var result = IndicatorEvaluator.Compute(IndicatorCatalogue.PlansInPlace, Rows, Year2025, ReportSubject.England);
        var las = result.Stratifiers.Single(s => s.Stratifier.Code == "local-authority").Strata.ToDictionary(s => s.Value, s => s.Result.Count(P.InitialPopulation));
        Assert.Equal(new Dictionary<string, int> { ["926"] = 6, ["935"] = 1 }, las);

        var region = ReportSubject.Region("E12000006", "East of England", ["926", "935"]);
        Assert.Equal(7, IndicatorEvaluator.Compute(IndicatorCatalogue.PlansInPlace, Rows, Year2025, region).Total.Count(P.InitialPopulation));
    }

    [Theory]
    [InlineData("2020-01-16", "5-10")] // fifth birthday on the census day itself
    [InlineData("2020-01-17", "0-4")]
    [InlineData("2014-01-17", "5-10")]
    [InlineData("2014-01-16", "11-15")]
    [InlineData("2009-01-16", "16-19")]
    [InlineData("2005-01-17", "16-19")]
    [InlineData("1999-01-17", "20-25")]
    [InlineData("1999-01-16", "26-plus")]
    [InlineData(null, "unknown")]
    public void Age_band_boundaries_on_the_reference_date(string? born, string band)
    {
        DateOnly? birth = born is null ? null : DateOnly.Parse(born, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(band, AgeBands.Of(birth, new DateOnly(2025, 1, 16)));
    }

    [Fact]
    public void Leap_day_birthdays_turn_over_on_28_february()
    {
        Assert.Equal(4, AgeBands.AgeOn(new DateOnly(2020, 2, 29), new DateOnly(2025, 2, 27)));
        Assert.Equal(5, AgeBands.AgeOn(new DateOnly(2020, 2, 29), new DateOnly(2025, 2, 28)));
    }
}
