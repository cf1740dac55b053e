namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>Third-party test data lives in ../shared/data beside the repository; it is read there, never copied in.</summary>
public static class SharedData
{
    public static string Path(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "SendInterop.sln"))) dir = dir.Parent;
        if (dir?.Parent is null) throw new InvalidOperationException("Could not find the repository root (SendInterop.sln) above " + AppContext.BaseDirectory);
        var path = System.IO.Path.Combine([dir.Parent.FullName, "shared", "data", .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Shared test data not found at {path}: the repository must sit beside ../shared as on the CI machines.");
        return path;
    }
}
