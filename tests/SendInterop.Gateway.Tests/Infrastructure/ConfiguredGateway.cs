using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway on SQLite with the stricter settings a council may configure (If-Match required, small body,
/// Bundle and chain limits), and every log line captured at Debug level so tests can check what reaches the logs.
/// </summary>
public sealed class ConfiguredGateway : GatewayFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-configured-").FullName;

    public ConcurrentQueue<string> Logs { get; } = new();

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
        ["Fhir:RequireIfMatch"] = "true",
        ["Fhir:MaxRequestBodyBytes"] = "65536",
        ["Fhir:MaxBundleEntries"] = "10",
        ["Access:MaxChainTargets"] = "3",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Logging:LogLevel:Default", "Debug");
        // As verbose as an operator could make it: personal data must stay out even then.
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Debug");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Debug");
        builder.ConfigureLogging(l => l.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
