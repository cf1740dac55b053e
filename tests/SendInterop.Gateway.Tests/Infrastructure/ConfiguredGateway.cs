using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway on SQLite with the stricter settings a council may configure (If-Match required, small body,
/// Bundle and chain limits), and every log line captured at Debug level so tests can check what reaches the logs.
/// </summary>
public sealed class ConfiguredGateway() : SqliteGatewayFixture("sendinterop-configured-")
{
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override Dictionary<string, string?> MoreSettings() => new()
    {
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
}
