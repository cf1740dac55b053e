using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.Tests.Identity;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Review;

/// <summary>
/// The gateway on SQLite for the review tests: indicators fed quickly, a fake NHS number trace, and every log line
/// (Information and above) kept in <see cref="Logs"/> so a test can look for personal data in them.
/// </summary>
public sealed class ReviewGateway : GatewayFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-review-").FullName;

    public ConcurrentQueue<string> Logs { get; } = new();

    public FakeNhsNumberTrace Trace { get; } = new();

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
        ["Indicators:ChangeBatchWindow"] = "00:00:00.020",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<INhsNumberTrace>(Trace));
        builder.ConfigureLogging(l => l.AddProvider(new CapturingLoggerProvider(Logs)).AddFilter<CapturingLoggerProvider>(null, LogLevel.Information));
    }

    /// <summary>Every captured log line so far, one string.</summary>
    public string AllLogs() => string.Join("\n", Logs);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Keeps each log message with its exception text (message and stack), as a log sink would store it.</summary>
