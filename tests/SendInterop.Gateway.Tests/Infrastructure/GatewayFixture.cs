using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway in-process (WebApplicationFactory) on a fresh database. One subclass per storage provider, so the
/// same API tests run against SQLite and against a real PostgreSQL.
/// </summary>
public abstract class GatewayFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    protected abstract Dictionary<string, string?> Settings();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (k, v) in Settings()) builder.UseSetting(k, v);
        builder.UseSetting("DemoData:Enabled", "false");
        builder.UseSetting("Fhir:Validation:AllowTestNhsNumbers", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    public HttpClient Fhir()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/"), AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    public virtual Task InitializeAsync()
    {
        _ = Server; // start the host (runs migrations) before the first test
        return Task.CompletedTask;
    }

    public new virtual Task DisposeAsync() => base.DisposeAsync().AsTask();
}

public sealed class SqliteGateway : GatewayFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-test-").FullName;

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// A real PostgreSQL: scripts/test.sh starts a throwaway server and sets SENDINTEROP_TEST_POSTGRES. Without it
/// these tests fail loudly (they never skip): a green run always means PostgreSQL was exercised.
/// </summary>
public sealed class PostgresGateway : GatewayFixture
{
    private readonly string _database = "fhir_" + Guid.NewGuid().ToString("N")[..12];

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("SENDINTEROP_TEST_POSTGRES")
        ?? throw new InvalidOperationException("SENDINTEROP_TEST_POSTGRES is not set: run the tests with ./scripts/test.sh, which starts PostgreSQL.");

    private string DatabaseConnectionString => new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database }.ConnectionString;

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Fhir"] = DatabaseConnectionString,
    };

    public override async Task InitializeAsync()
    {
        await using (var conn = new NpgsqlConnection(ServerConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_database}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
