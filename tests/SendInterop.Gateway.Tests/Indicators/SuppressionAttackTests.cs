using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// Small-number suppression against a reader who holds every report: on a random small population (three regions of
/// three LAs with a few dozen children each, an LA in no region, children with no LA, and a fourth region of one large
/// LA), every summary report a commissioner can fetch (each LA, each region, England; total and every stratifier) is
/// produced as $evaluate-measure produces it (the database's counts, suppression decided over the geography) and handed
/// to <see cref="DerivationAttack"/>. Nothing from 1 to 5 that was withheld or never published may be worked out, and
/// a region with no small number publishes everything.
/// </summary>
public abstract class SuppressionAttackTests(IndicatorStorage storage)
{
    public static readonly ReportSubject[] Regions =
    [
        ReportSubject.Region("E12000001", "North East", ["201", "202", "203"]),
        ReportSubject.Region("E12000002", "North West", ["301", "302", "303"]),
        ReportSubject.Region("E12000003", "Yorkshire and The Humber", ["401", "402", "403"]),
        ReportSubject.Region("E12000004", "East Midlands", ["501"]),
    ];

    /// <summary>Some 30 children in each small LA and in 999 (no region) and with no LA; 700 in 501.</summary>
    public static IReadOnlyList<ChildProjection> Population() =>
    [
        .. RandomPopulation.Generate(330, 20260126, ["201", "202", "203", "301", "302", "303", "401", "402", "403", "999", null]),
        .. RandomPopulation.Generate(700, 20260127, ["501"], firstChild: 1000),
    ];

    private static readonly GeographyHierarchy Hierarchy = new(Regions);

    private static readonly ReportingPeriod[] Periods = [ReportingPeriod.Sen2Year(2025), new(new DateOnly(2022, 1, 1), new DateOnly(2024, 12, 31), new DateOnly(2025, 1, 16))];

    public static TheoryData<string> Indicators()
    {
        var data = new TheoryData<string>();
        foreach (var i in IndicatorCatalogue.All) data.Add(i.Id);
        return data;
    }

    private IReadOnlyList<ProjectionRow> Rows => storage.Population.SelectMany(c => c.Rows.All).ToList();

    /// <summary>Every subject a commissioner can ask for: England, each region, each LA with records (999 included).</summary>
    private IReadOnlyList<ReportSubject> Subjects() =>
    [
        ReportSubject.England,
        .. Regions,
        .. Rows.Select(r => r.Strata.LaCode).OfType<string>().Distinct().Order(StringComparer.Ordinal).Select(la => ReportSubject.LocalAuthority(la, "LA " + la)),
    ];

    /// <summary>The summary reports as $evaluate-measure makes them, and the unsuppressed figures behind them.</summary>
    private async Task<List<(ReportSubject Subject, MeasureReport Published, MeasureReport Unsuppressed)>> ReportsAsync(IndicatorDefinition indicator, ReportingPeriod period)
    {
        var reports = new List<(ReportSubject, MeasureReport, MeasureReport)>();
        foreach (var subject in Subjects())
        {
            var evaluated = await storage.Evaluator.EvaluateAsync(indicator, period, subject, Hierarchy);
            var report = IndicatorEvaluator.ToMeasureReport(evaluated.Result);
            reports.Add((subject, SmallNumberSuppression.Apply(report, subject, evaluated.Suppression), report));
        }

        return reports;
    }

    private DerivationAttack Attack(IndicatorDefinition indicator, ReportingPeriod period, IEnumerable<(ReportSubject, MeasureReport)> reports) =>
        new(indicator, Regions, IndicatorEvaluator.Leaves(indicator, Rows, period, ReportSubject.England), reports);

    [Theory]
    [MemberData(nameof(Indicators))]
    public async Task No_withheld_small_number_can_be_worked_out_from_all_the_reports(string id)
    {
        var indicator = IndicatorCatalogue.Find(id)!;
        foreach (var period in Periods)
        {
            var reports = await ReportsAsync(indicator, period);
            var attack = Attack(indicator, period, reports.Select(r => (r.Subject, r.Published)));
            var leaks = attack.Run();
            Assert.Empty(attack.Mismatches);
            Assert.True(leaks.Count == 0, $"{id} {period}: worked out {string.Join(", ", leaks.Take(10).Select(l => $"{l.Cell}={l.Value}"))}");
            // Not vacuous: where some LA has a small number, something is withheld (The_attack_finds_... shows the reader's teeth).
            if (IndicatorEvaluator.Leaves(indicator, Rows, period, ReportSubject.England).Values.Any(l => HasSmallCell(indicator, l)))
                Assert.Contains(reports, r => Masked(r.Published).Any());
        }
    }

    [Fact]
    public async Task The_attack_finds_what_suppressing_each_report_on_its_own_gives_away()
    {
        // The old rule (each report suppressed alone) against the same reader: it must find leaks, or the attack proves nothing.
        var leaky = 0;
        var derived = 0;
        foreach (var indicator in new[] { IndicatorCatalogue.PlansInPlace, IndicatorCatalogue.PersonalBudgets, IndicatorCatalogue.Requests })
        {
            var reports = await ReportsAsync(indicator, Periods[0]);
            var attack = Attack(indicator, Periods[0], reports.Select(r => (r.Subject, SmallNumberSuppression.Apply(r.Unsuppressed))));
            leaky += attack.Run().Count;
            derived += attack.Derived;
        }

        Assert.True(leaky > 0, "the attack found nothing against per-report suppression");
        Assert.True(derived > leaky, "the attack worked out only leaks");
    }

    [Fact]
    public async Task A_region_without_small_numbers_publishes_everything()
    {
        // East Midlands is one large LA (501). Wherever none of its cells (any population, total or stratum, or a
        // complement) is from 1 to 5, neither its report nor the region's withholds anything, whatever the small
        // regions beside it withhold.
        var clean = 0;
        var besideSuppressed = 0;
        foreach (var indicator in IndicatorCatalogue.All)
        {
            foreach (var period in Periods)
            {
                var leaves = IndicatorEvaluator.Leaves(indicator, Rows, period, ReportSubject.England);
                if (!leaves.TryGetValue("501", out var la) || HasSmallCell(indicator, la)) continue;
                clean++;
                var reports = await ReportsAsync(indicator, period);
                foreach (var (subject, published, _) in reports.Where(r => r.Subject.Code is "501" or "E12000004"))
                    Assert.True(!Masked(published).Any(), $"{indicator.Id} {period} {subject.Code} withholds {string.Join(", ", Masked(published))}");
                // Beside regions that do withhold something (else the comparison proves nothing).
                if (reports.Any(r => r.Subject.Code is not ("501" or "E12000004") && Masked(r.Published).Any())) besideSuppressed++;
            }
        }

        Assert.True(clean >= 3 && besideSuppressed >= 3, $"only {clean} indicator-periods had no small number in 501, {besideSuppressed} beside suppressed figures");
    }

    private static bool HasSmallCell(IndicatorDefinition indicator, IndicatorResult result)
    {
        static bool Small(IndicatorDefinition indicator, PopulationResult r) =>
            r.Counts.Any(c => SmallNumberSuppression.IsSmall(c.Value) && !(c.Key == PopulationKind.Denominator && indicator.ExternalDenominator))
            || (indicator.Scoring == IndicatorScoring.Proportion
                && SmallNumberSuppression.IsSmall(r.Count(PopulationKind.Denominator) - r.Count(PopulationKind.DenominatorExclusion) - r.Count(PopulationKind.Numerator)));
        return Small(indicator, result.Total) || result.Stratifiers.SelectMany(s => s.Strata).Any(s => Small(indicator, s.Result));
    }

    /// <summary>Every withheld count or score of a report, as "stratifier=stratum population".</summary>
    private static IEnumerable<string> Masked(MeasureReport report)
    {
        var group = report.Group.Single();
        foreach (var p in group.Population.Where(p => SmallNumberSuppression.IsMasked(p.CountElement))) yield return "total " + p.Code.Coding[0].Code;
        foreach (var s in group.Stratifier)
        {
            foreach (var st in s.Stratum)
            {
                foreach (var p in st.Population.Where(p => SmallNumberSuppression.IsMasked(p.CountElement)))
                    yield return $"{s.Code[0].Coding[0].Code}={st.Value.Coding[0].Code} {p.Code.Coding[0].Code}";
            }
        }
    }
}

public sealed class SqliteSuppressionStorage() : SqliteIndicatorStorage(SuppressionAttackTests.Population());

public sealed class PostgresSuppressionStorage() : PostgresIndicatorStorage(SuppressionAttackTests.Population());

public sealed class SqliteSuppressionAttackTests(SqliteSuppressionStorage storage)
    : SuppressionAttackTests(storage), IClassFixture<SqliteSuppressionStorage>;

public sealed class PostgresSuppressionAttackTests(PostgresSuppressionStorage storage)
    : SuppressionAttackTests(storage), IClassFixture<PostgresSuppressionStorage>;
