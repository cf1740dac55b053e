namespace SendInterop.Validation.Tests;

/// <summary>Finds the repository (the directory holding SendInterop.sln) and the shared data beside it.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    public static string Conformance => Path.Combine(Root, "conformance");

    /// <summary>The shared data set, <c>../shared/data</c> from the repository root; read in place, never copied in.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static string UkCore => Path.Combine(SharedData, "ukcore", "json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SendInterop.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SendInterop.sln not found above {AppContext.BaseDirectory}");
    }
}
