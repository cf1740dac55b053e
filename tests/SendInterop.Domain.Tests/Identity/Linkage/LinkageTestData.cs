using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Evaluation;
using SendInterop.Domain.Identity.Linkage.Synthetic;

namespace SendInterop.Domain.Tests.Identity.Linkage;

/// <summary>Shared test data: one synthetic UK set and its linkage, built once per test run (they are deterministic).</summary>
internal static class LinkageTestData
{
    private static readonly Lazy<(UkSyntheticDataset Data, LinkageResult Result)> UkLinked = new(() =>
    {
        var data = UkSyntheticPopulation.Generate(new UkSyntheticOptions { Children = 1500, Seed = 2026 });
        return (data, new LinkageEngine().Deduplicate(data.Records));
    });

    public static UkSyntheticDataset Uk => UkLinked.Value.Data;

    public static LinkageResult UkResult => UkLinked.Value.Result;

    /// <summary>
    /// ../shared/data/splink-fake/NAME.csv relative to the repository root (the directory holding SendInterop.sln).
    /// A missing file fails the test: the regression floor must not silently stop being checked.
    /// </summary>
    public static SplinkFakeCsv.Dataset SplinkFake(string name)
    {
        var root = RepositoryRoot();
        var path = Path.GetFullPath(Path.Combine(root, "..", "shared", "data", "splink-fake", name + ".csv"));
        Assert.True(File.Exists(path), $"Benchmark data missing: {path} (shared/ must sit beside the repository).");
        return SplinkFakeCsv.Load(path);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SendInterop.sln")))
            {
                return dir.FullName;
            }
        }
        Assert.Fail($"No SendInterop.sln above {AppContext.BaseDirectory}.");
        return "";
    }
}
