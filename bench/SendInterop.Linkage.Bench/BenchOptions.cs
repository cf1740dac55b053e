namespace SendInterop.Linkage.Bench;

internal sealed record BenchOptions(string Set, string DataDir, int UkChildren, bool Row, bool Header, int ShowErrors)
{
    public static BenchOptions Parse(string[] args)
    {
        string set = "fake_20000", data = DefaultDataDir();
        int children = 5000, showErrors = 0;
        bool row = false, header = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--set": set = args[++i]; break;
                case "--data": data = args[++i]; break;
                case "--uk-children": children = int.Parse(args[++i]); break;
                case "--row": row = true; break;
                case "--header": header = true; break;
                case "--show-errors": showErrors = int.Parse(args[++i]); break;
                default: throw new ArgumentException($"Unknown argument {args[i]} (see Program.cs).");
            }
        }
        return new BenchOptions(set, data, children, row, header, showErrors);
    }

    /// <summary>../shared/data/splink-fake relative to the repository root (the directory holding SendInterop.sln).</summary>
    private static string DefaultDataDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SendInterop.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "splink-fake"));
            }
        }
        return Path.GetFullPath(Path.Combine("..", "shared", "data", "splink-fake"));
    }
}
