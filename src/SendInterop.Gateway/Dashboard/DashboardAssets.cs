using System.Reflection;
using System.Security.Cryptography;

namespace SendInterop.Gateway.Dashboard;

/// <summary>One file of the dashboard: its bytes, media type and a strong ETag (a hash of the bytes).</summary>
public sealed record DashboardAsset(string Name, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The dashboard's static files (index.html, dashboard.css, dashboard.js with Chart.js bundled in), embedded in the
/// gateway assembly under <see cref="ResourcePrefix"/> by the csproj. Embedded rather than on disk so the page is
/// served the same whatever the content root or working directory (dotnet run, tests, a published image) and no CDN
/// or file outside the assembly is needed. Loaded once; a file not embedded does not exist.
/// </summary>
public sealed class DashboardAssets
{
    public const string ResourcePrefix = "dashboard/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".txt"] = "text/plain; charset=utf-8",
    };

    private readonly Dictionary<string, DashboardAsset> _assets;

    public DashboardAssets() : this(typeof(DashboardAssets).Assembly) { }

    public DashboardAssets(Assembly assembly)
    {
        _assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var type)) continue; // only the types a page needs
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            _assets[name] = new DashboardAsset(name, bytes, type, "\"" + Convert.ToHexString(SHA256.HashData(bytes))[..32] + "\"");
        }
    }

    public IReadOnlyCollection<string> Names => _assets.Keys;

    public DashboardAsset? Find(string name) => _assets.GetValueOrDefault(name);
}
