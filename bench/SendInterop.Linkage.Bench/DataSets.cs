using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Evaluation;
using SendInterop.Domain.Identity.Linkage.Synthetic;

namespace SendInterop.Linkage.Bench;

internal static class DataSets
{
    /// <summary>Records, the true identity of each, and (synthetic set only) the twin pairs of identities.</summary>
    public static (IReadOnlyList<LinkageRecord> Records, IReadOnlyList<int> Truth, IReadOnlyList<(int, int)> Twins) Load(BenchOptions options)
    {
        if (options.Set == "uk")
        {
            var uk = UkSyntheticPopulation.Generate(new UkSyntheticOptions { Children = options.UkChildren });
            return (uk.Records, uk.ChildOfRecord, uk.Twins);
        }
        var path = Path.Combine(options.DataDir, options.Set + ".csv");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} not found: pass --data DIR (the splink-fake directory).", path);
        }
        var data = SplinkFakeCsv.Load(path);
        return (data.Records, data.Clusters, []);
    }
}
