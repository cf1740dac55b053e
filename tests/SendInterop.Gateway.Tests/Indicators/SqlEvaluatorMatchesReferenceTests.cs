using SendInterop.Domain.Indicators;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// Property-style: on a random population of <see cref="IndicatorStorage.Children"/> children, the database's answer
/// (<see cref="SqlIndicatorEvaluator"/>) equals the in-memory reference (<see cref="IndicatorEvaluator"/>) for every
/// indicator of the catalogue, every period and subject below, and every stratifier and stratum: same strata in the same
/// order, same counts per population, same score, and the same suppression decisions. The one allowed difference is a continuous-variable mean lying
/// exactly on a rounding midpoint, where the reference's summed weekly values can fall a hair short; there the SQL
/// must give the exact half-away-from-zero rounding (checked).
/// </summary>
public abstract class SqlEvaluatorMatchesReferenceTests(IndicatorStorage storage)
{
    private const long Residents = 123_457;

    public static TheoryData<string> Indicators()
    {
        var data = new TheoryData<string>();
        foreach (var i in IndicatorCatalogue.All) data.Add(i.Id);
        return data;
    }

    private static readonly ReportingPeriod[] Periods =
    [
        ReportingPeriod.Sen2Year(2023),
        ReportingPeriod.Sen2Year(2024),
        ReportingPeriod.Sen2Year(2025),
        ReportingPeriod.Sen2Year(2026),
        // Reference dates on 28 and 29 February (29 Feb birthdays), and a reference date equal to the period's end.
        new(new DateOnly(2023, 3, 1), new DateOnly(2024, 2, 29), new DateOnly(2024, 2, 29)),
        new(new DateOnly(2024, 3, 1), new DateOnly(2025, 2, 28), new DateOnly(2025, 2, 28)),
        new(new DateOnly(2022, 7, 1), new DateOnly(2025, 6, 30), new DateOnly(2025, 9, 1)),
    ];

    private static readonly ReportSubject EastOfEngland = ReportSubject.Region("E12000006", "East of England", ["926", "935", "822"]);

    /// <summary>821 alone in a region; rows with no LA, and 999, in the rest of England.</summary>
    private static readonly GeographyHierarchy Hierarchy = new([EastOfEngland, ReportSubject.Region("E12000007", "London", ["821", "302"])]);

    private static readonly ReportSubject[] Subjects =
    [
        ReportSubject.England,
        ReportSubject.LocalAuthority("926", "Norfolk"),
        ReportSubject.LocalAuthority("935", "Suffolk"),
        ReportSubject.LocalAuthority("999", "Nowhere"),
        EastOfEngland,
    ];

    [Theory]
    [MemberData(nameof(Indicators))]
    public async Task Every_period_subject_and_stratum_matches_the_reference(string id)
    {
        var indicator = IndicatorCatalogue.Find(id)!;
        var rows = storage.Population.SelectMany(c => c.Rows.All).ToList();
        var compared = 0;
        foreach (var period in Periods)
        {
            foreach (var subject in Subjects)
            {
                var expected = IndicatorEvaluator.Compute(indicator, rows, period, subject, Residents);
                var evaluated = await storage.Evaluator.EvaluateAsync(indicator, period, subject, Hierarchy, Residents);
                var actual = evaluated.Result;
                var where = $"{id} {period} {subject.Code}";
                // Suppression is decided from the same per-LA counts, so it withholds exactly the same cells.
                Assert.Equal(IndicatorEvaluator.Suppression(indicator, rows, period, subject, Hierarchy).Describe(), evaluated.Suppression.Describe());
                var inScope = rows.Where(r => subject.Covers(r.Strata.LaCode) && indicator.Population(PopulationKind.InitialPopulation)!.Includes(r, period)).ToList();
                Same(indicator, period, inScope, expected.Total, actual.Total, where + " total");
                Assert.Equal(expected.Stratifiers.Select(s => s.Stratifier.Code), actual.Stratifiers.Select(s => s.Stratifier.Code));
                for (var s = 0; s < expected.Stratifiers.Count; s++)
                {
                    var e = expected.Stratifiers[s];
                    var a = actual.Stratifiers[s];
                    Assert.Equal(e.Strata.Select(x => x.Value), a.Strata.Select(x => x.Value));
                    for (var k = 0; k < e.Strata.Count; k++)
                    {
                        var value = e.Strata[k].Value;
                        Same(indicator, period, inScope.Where(r => e.Stratifier.ValueOf(r, period) == value).ToList(), e.Strata[k].Result, a.Strata[k].Result,
                            $"{where} {e.Stratifier.Code}={value}");
                        compared++;
                    }
                }

                compared++;
            }
        }

        Assert.True(indicator.Stratifiers.Count == 0 || compared > Periods.Length * Subjects.Length, "strata were compared");
    }

    [Fact]
    public async Task Indicators_counted_together_give_what_each_gives_alone()
    {
        // EvaluateManyAsync counts the indicators that share their initial population in one query (the nine over
        // plans in place among them); each must come out exactly as evaluated alone, suppression included.
        var together = IndicatorCatalogue.All.GroupBy(IndicatorQuery.SharingKey).Where(g => g.Count() > 1).ToList();
        Assert.Contains(together, g => g.Count() >= 9);
        foreach (var period in Periods.Take(3))
        {
            foreach (var subject in Subjects)
            {
                var many = await storage.Evaluator.EvaluateManyAsync(IndicatorCatalogue.All, period, subject, Hierarchy, _ => Residents);
                Assert.Equal(IndicatorCatalogue.All.Count, many.Count);
                for (var i = 0; i < many.Count; i++)
                {
                    var indicator = IndicatorCatalogue.All[i];
                    var alone = await storage.Evaluator.EvaluateAsync(indicator, period, subject, Hierarchy, Residents);
                    var where = $"{indicator.Id} {period} {subject.Code}";
                    Assert.Same(indicator, many[i].Result.Indicator);
                    Assert.True(Show(alone.Result.Total) == Show(many[i].Result.Total) && alone.Result.Total.Score == many[i].Result.Total.Score, where);
                    Assert.Equal(
                        alone.Result.Stratifiers.SelectMany(s => s.Strata.Select(x => $"{s.Stratifier.Code}={x.Value}: {Show(x.Result)} {x.Result.Score}")),
                        many[i].Result.Stratifiers.SelectMany(s => s.Strata.Select(x => $"{s.Stratifier.Code}={x.Value}: {Show(x.Result)} {x.Result.Score}")));
                    Assert.Equal(alone.Suppression.Describe(), many[i].Suppression.Describe());
                    Assert.Equal(alone.OldestRow, many[i].OldestRow);
                }
            }
        }
    }

    [Fact]
    public void The_population_exercises_the_indicators()
    {
        // Guard against a generator that makes the comparison vacuous: most indicators count something in 2025.
        var rows = storage.Population.SelectMany(c => c.Rows.All).ToList();
        var counting = IndicatorCatalogue.All.Count(i =>
            IndicatorEvaluator.Compute(i, rows, ReportingPeriod.Sen2Year(2025), ReportSubject.England).Total.Count(PopulationKind.InitialPopulation) >= 10);
        Assert.True(counting >= IndicatorCatalogue.All.Count - 1, $"only {counting} indicators count 10 or more rows");
    }

    [Fact]
    public void Every_predicate_and_observation_of_the_catalogue_has_sql()
    {
        foreach (var indicator in IndicatorCatalogue.All)
        {
            foreach (var p in indicator.Populations.SelectMany(p => p.AllOf)) Assert.True(PredicateSql.Covers(p.Name), p.Name);
            if (indicator.Observation is { } o) Assert.True(PredicateSql.Covers(o.Name), o.Name);
        }
    }

    private static void Same(IndicatorDefinition indicator, ReportingPeriod period, IReadOnlyList<ProjectionRow> group, PopulationResult expected, PopulationResult actual, string where)
    {
        Assert.True(expected.Counts.OrderBy(c => c.Key).SequenceEqual(actual.Counts.OrderBy(c => c.Key)),
            $"{where}: counts {Show(expected)} expected, {Show(actual)} from SQL");
        if (expected.Score == actual.Score) return;
        Assert.True(indicator.Scoring == IndicatorScoring.ContinuousVariable, $"{where}: score {expected.Score} expected, {actual.Score} from SQL");
        // The exact mean: whole days over 7n. It must be a rounding midpoint, and SQL must round it away from zero.
        var population = indicator.Population(PopulationKind.MeasurePopulation)!;
        var exclusion = indicator.Population(PopulationKind.MeasurePopulationExclusion);
        var days = group.Where(r => population.Includes(r, period) && exclusion?.Includes(r, period) != true)
            .Select(r => indicator.Observation!.Value(r)).OfType<decimal>().Select(w => (long)Math.Round(w * 7)).ToList();
        var exact = (decimal)days.Sum() / (7m * days.Count);
        Assert.True(exact * 100 % 10 == 5, $"{where}: score {expected.Score} expected, {actual.Score} from SQL, exact mean {exact} is not a midpoint");
        Assert.Equal(Math.Round(exact, 1, MidpointRounding.AwayFromZero), actual.Score);
    }

    private static string Show(PopulationResult r) => string.Join(", ", r.Counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"));
}

public sealed class SqliteSqlEvaluatorMatchesReferenceTests(SqliteIndicatorStorage storage)
    : SqlEvaluatorMatchesReferenceTests(storage), IClassFixture<SqliteIndicatorStorage>;

public sealed class PostgresSqlEvaluatorMatchesReferenceTests(PostgresIndicatorStorage storage)
    : SqlEvaluatorMatchesReferenceTests(storage), IClassFixture<PostgresIndicatorStorage>;
