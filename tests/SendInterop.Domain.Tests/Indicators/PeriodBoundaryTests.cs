using SendInterop.Domain.Indicators;
using SendInterop.Domain.Statutory;
using P = SendInterop.Domain.Indicators.PopulationKind;

namespace SendInterop.Domain.Tests.Indicators;

/// <summary>Which day belongs to which period: both ends of the activity year count, the census day is the snapshot.</summary>
public class PeriodBoundaryTests
{
    private static readonly ReportingPeriod Year = ReportingPeriod.Sen2Year(2025);
    private static readonly ChildStrata Strata = new() { LaCode = "926" };

    private static CaseRow Request(string id, string received, string? issued = null) => new()
    {
        RowId = id, ChildKey = "Patient/" + id, Strata = Strata, Received = D(received), PlanIssued = issued is null ? null : D(issued),
    };

    private static PlanRow Plan(string id, string issued, string? ceased = null) => new()
    {
        RowId = id, ChildKey = "Patient/" + id, Strata = Strata, Issued = D(issued), Ceased = ceased is null ? null : D(ceased),
        CeaseReason = ceased is null ? null : CeaseReason.Other,
    };

    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    private static int Count(IndicatorDefinition indicator, params ProjectionRow[] rows) =>
        IndicatorEvaluator.Compute(indicator, rows, Year, ReportSubject.England).Total.Count(P.InitialPopulation);

    [Fact]
    public void Sen2_year_2025_is_calendar_2024_with_the_census_on_16_january()
    {
        Assert.Equal(new DateOnly(2024, 1, 1), Year.Start);
        Assert.Equal(new DateOnly(2024, 12, 31), Year.End);
        Assert.Equal(new DateOnly(2025, 1, 16), Year.ReferenceDate);
        Assert.Equal(new DateOnly(2024, 1, 18), ReportingPeriod.CensusDay(2024));
        Assert.Equal(new DateOnly(2026, 1, 15), ReportingPeriod.CensusDay(2026));
        Assert.Equal(new DateOnly(2027, 1, 21), ReportingPeriod.CensusDay(2027));
    }

    [Fact]
    public void Requests_on_the_first_and_last_day_count_and_the_days_outside_do_not()
    {
        Assert.Equal(2, Count(IndicatorCatalogue.Requests,
            Request("a", "2023-12-31"), Request("b", "2024-01-01"), Request("c", "2024-12-31"), Request("d", "2025-01-01")));
    }

    [Fact]
    public void A_plan_is_in_place_on_the_census_day_if_issued_by_then_and_not_ceased_by_then()
    {
        Assert.Equal(2, Count(IndicatorCatalogue.PlansInPlace,
            Plan("issued-on-the-day", "2025-01-16"),
            Plan("issued-the-day-after", "2025-01-17"),
            Plan("ceased-on-the-day", "2020-01-01", "2025-01-16"),
            Plan("ceased-the-day-after", "2020-01-01", "2025-01-17")));
    }

    [Fact]
    public void Twenty_weeks_is_at_most_140_days_from_day_0()
    {
        var result = IndicatorEvaluator.Compute(IndicatorCatalogue.WithinTwentyWeeks,
            [Request("140", "2024-01-01", "2024-05-20"), Request("141", "2024-01-01", "2024-05-21")], Year, ReportSubject.England);
        Assert.Equal(2, result.Total.Count(P.Denominator));
        Assert.Equal(1, result.Total.Count(P.Numerator));
    }

    [Fact]
    public void Plans_ceased_on_the_last_day_of_the_year_count_for_that_year()
    {
        Assert.Equal(1, Count(IndicatorCatalogue.CeasedByReason, Plan("a", "2020-01-01", "2024-12-31"), Plan("b", "2020-01-01", "2025-01-01")));
    }

    [Fact]
    public void The_projection_ignores_what_happened_after_its_as_of_day()
    {
        // Projected on 2024-06-01, r1's plan (issued 2024-05-20) exists but c2's (2024-08-30) does not.
        var rows = IndicatorProjector.Project(IndicatorFixture.Resources, IndicatorFixture.Directory, new DateOnly(2024, 6, 1));
        Assert.Contains(rows.Plans, p => p.RowId == "CarePlan/p1");
        Assert.DoesNotContain(rows.Plans, p => p.RowId == "CarePlan/p2");
        Assert.DoesNotContain(rows.Cases, c => c.RowId == "ServiceRequest/r11");
    }
}
