using SendInterop.Domain.Indicators;

namespace SendInterop.Domain.Tests.Indicators;

/// <summary>
/// The DfE 2025 release read in place from ../shared/data/dfe-ehcp-2025 (beside the repository). Expected values were
/// looked up by hand in the CSV files (headline "All ..." rows).
/// </summary>
public class ComparatorTests
{
    private static readonly Lazy<ComparatorSet> Loaded = new(() => DfeComparatorLoader.Load(ReleaseDirectory()));

    private static ComparatorSet Set => Loaded.Value;

    private static string ReleaseDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SendInterop.sln")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "dfe-ehcp-2025"));
                Assert.True(Directory.Exists(path), $"DfE release missing: {path} (shared/ must sit beside the repository).");
                return path;
            }
        }

        throw new InvalidOperationException("Repository root (SendInterop.sln) not found.");
    }

    private static decimal? Value(ComparatorSeries series, GeographyLevel level, string code, int year) => Set.Find(series.Id, level, code, year)?.Value;

    [Fact]
    public void England_headlines()
    {
        Assert.Equal(638745m, Set.National(ComparatorSeriesCatalogue.PlansInPlace.Id, 2025)?.Value); // caseload 202425
        Assert.Equal(576474m, Set.National(ComparatorSeriesCatalogue.PlansInPlace.Id, 2024)?.Value); // caseload 202324
        Assert.Equal(154489m, Set.National(ComparatorSeriesCatalogue.Requests.Id, 2025)?.Value); // requests 2024
        Assert.Equal(38889m, Set.National(ComparatorSeriesCatalogue.RequestsRefused.Id, 2025)?.Value);
        Assert.Equal(25.2m, Set.National(ComparatorSeriesCatalogue.RequestsRefusedPercent.Id, 2025)?.Value);
        Assert.Equal(84.8m, Set.National(ComparatorSeriesCatalogue.DecisionsWithinSixWeeksPercent.Id, 2025)?.Value);
        Assert.Equal(45.9m, Set.National(ComparatorSeriesCatalogue.Within20WeeksPercent.Id, 2025)?.Value);
        Assert.Equal(46.4m, Set.National(ComparatorSeriesCatalogue.Within20WeeksExcludingPercent.Id, 2025)?.Value);
        Assert.Equal(60.4m, Set.National(ComparatorSeriesCatalogue.Within20WeeksExcludingPercent.Id, 2020)?.Value); // 2019 issues
        Assert.Equal(97747m, Set.National(ComparatorSeriesCatalogue.NewPlans.Id, 2025)?.Value);
        Assert.Equal(43.6m, Set.National(ComparatorSeriesCatalogue.MainstreamPercent.Id, 2025)?.Value);
        Assert.Equal(30.4m, Set.National(ComparatorSeriesCatalogue.SpecialPercent.Id, 2025)?.Value);
        Assert.Equal(13.8m, Set.National(ComparatorSeriesCatalogue.FurtherEducationPercent.Id, 2025)?.Value);
    }

    [Fact]
    public void Derived_rates_are_computed_from_the_published_counts()
    {
        // NEET: (18056 + 1806 + 2992 + 2460) / 638745 = 25314 / 638745 = 3.96% -> 4.0.
        Assert.Equal(4.0m, Set.National(ComparatorSeriesCatalogue.NeetRate.Id, 2025)?.Value);
        // Independent special: 29647 / 638745 = 4.64% -> 4.6.
        Assert.Equal(4.6m, Set.National(ComparatorSeriesCatalogue.IndependentSpecialRate.Id, 2025)?.Value);
        // Ceased 2022 as needs met: 4054 / 34724 = 11.67% -> 11.7 (collection year 2023).
        Assert.Equal(11.7m, Set.National(ComparatorSeriesCatalogue.CeasedNeedsMetRate.Id, 2023)?.Value);
    }

    [Fact]
    public void Norfolk_and_its_region()
    {
        var norfolk = Set.Find(ComparatorSeriesCatalogue.PlansInPlace.Id, GeographyLevel.LocalAuthority, "926", 2025)!;
        Assert.Equal(12147m, norfolk.Value);
        Assert.Equal("Norfolk", norfolk.Geography.Name);
        Assert.Equal("E10000020", norfolk.Geography.OnsCode);
        Assert.Equal("E12000006", norfolk.Geography.RegionCode);
        Assert.Equal(39m, Value(ComparatorSeriesCatalogue.MainstreamPercent, GeographyLevel.LocalAuthority, "926", 2025));
        Assert.Equal(18.8m, Value(ComparatorSeriesCatalogue.FurtherEducationPercent, GeographyLevel.LocalAuthority, "926", 2025));

        var region = Set.RegionSubject("E12000006");
        Assert.Equal("East of England", region.Name);
        Assert.Contains("926", region.LaCodes!);
        Assert.Contains("935", region.LaCodes!);
        Assert.Equal(11, region.LaCodes!.Count);
    }

    [Fact]
    public void There_are_153_local_authorities_and_they_add_up_to_england()
    {
        var las = Set.All.Where(c => c.SeriesId == ComparatorSeriesCatalogue.PlansInPlace.Id && c.Geography.Level == GeographyLevel.LocalAuthority && c.Period.CollectionYear == 2025).ToList();
        Assert.Equal(153, las.Count);
        Assert.Equal(638745m, las.Sum(c => c.Value ?? 0));
    }

    [Fact]
    public void Tribunal_appeal_rate_from_the_moj_table()
    {
        // England Total 2024: 22,276 appeals of 689,739 decisions, 3.20%; Norfolk (926) 2024: 4.20%; Darlington (841) 2014: 0.00%.
        Assert.Equal(3.20m, Set.National(ComparatorSeriesCatalogue.TribunalAppealRate.Id, 2025)?.Value);
        Assert.Equal(4.20m, Value(ComparatorSeriesCatalogue.TribunalAppealRate, GeographyLevel.LocalAuthority, "926", 2025));
        Assert.Equal(0.00m, Value(ComparatorSeriesCatalogue.TribunalAppealRate, GeographyLevel.LocalAuthority, "841", 2015));
    }

    [Fact]
    public void Unavailable_cells_keep_their_status()
    {
        // 2019 requests: request_not_assess_pc is "x".
        var c = Set.National(ComparatorSeriesCatalogue.RequestsRefusedPercent.Id, 2020)!;
        Assert.Null(c.Value);
        Assert.Equal(ComparatorValueStatus.NotAvailable, c.Status);
    }

    [Fact]
    public void Periods_map_to_the_sen2_collection_year()
    {
        Assert.Equal(2025, new ComparatorPeriod("202425", "Academic year").CollectionYear);
        Assert.Equal(2025, new ComparatorPeriod("2024", "Calendar year").CollectionYear);
    }
}
