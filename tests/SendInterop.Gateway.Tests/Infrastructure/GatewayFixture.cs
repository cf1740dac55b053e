using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway in-process (WebApplicationFactory) on a fresh database. One subclass per storage provider, so the
/// same API tests run against SQLite and against a real PostgreSQL.
/// </summary>
/// <remarks>
/// The FHIR API needs an access token: <see cref="Fhir()"/> sends one for <see cref="TokenSpec.Default"/> (la-926,
/// education, system/*.cruds, every purpose but commissioning), minted by the gateway's own
/// <see cref="AccessTokenIssuer"/>; <see cref="Fhir(TokenSpec)"/> and <see cref="TokenFor"/> give another requester,
/// <see cref="AnonymousFhir"/> none. Each fixture has its own signing key and client registry files in
/// <see cref="AuthDirectory"/>.
/// </remarks>
public abstract class GatewayFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>Where this fixture's signing key file and client registry file are.</summary>
    public string AuthDirectory { get; } = Directory.CreateTempSubdirectory("sendinterop-auth-").FullName;

    public string SigningKeyFile => Path.Combine(AuthDirectory, SendInterop.Gateway.Security.Authentication.SigningKeyFile.DefaultFileName);

    public string ClientRegistryFile => Path.Combine(AuthDirectory, AuthFiles.DefaultRegistryFileName);

    protected abstract Dictionary<string, string?> Settings();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (k, v) in Settings()) builder.UseSetting(k, v);
        builder.UseSetting("DemoData:Enabled", "false");
        builder.UseSetting("Fhir:Validation:AllowTestNhsNumbers", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Auth:SigningKeyFile", SigningKeyFile);
        builder.UseSetting("Auth:ClientRegistryFile", ClientRegistryFile);
        builder.UseSetting("Auth:FileCheckInterval", "00:00:00");
    }

    /// <summary>The gateway's base URL as its clients see it (the FHIR base is this plus /fhir).</summary>
    public virtual string GatewayBase => "http://localhost";

    /// <summary>A FHIR client with a token for <see cref="TokenSpec.Default"/>.</summary>
    public HttpClient Fhir() => Fhir(TokenSpec.Default);

    /// <summary>A FHIR client with a token for <paramref name="spec"/> (renewed before it expires).</summary>
    public HttpClient Fhir(TokenSpec spec) => FhirClientWith(new BearerTokenHandler(() => Issue(spec)));

    /// <summary>A FHIR client that sends no token.</summary>
    public HttpClient AnonymousFhir() => FhirClientWith();

    /// <summary>An access token for <paramref name="spec"/>, minted by the gateway's own issuer.</summary>
    public string TokenFor(TokenSpec? spec = null) => Issue(spec ?? TokenSpec.Default).AccessToken;

    /// <summary>Mints through the gateway's <see cref="AccessTokenIssuer"/> (no HTTP, no client assertion).</summary>
    public IssuedToken Issue(TokenSpec spec) =>
        Services.GetRequiredService<AccessTokenIssuer>().Issue(spec.ToClaims(), GatewayBase, spec.Lifetime);

    private HttpClient FhirClientWith(params DelegatingHandler[] handlers)
    {
        var client = CreateDefaultClient(new Uri(GatewayBase + "/fhir/"), handlers);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    public virtual Task InitializeAsync()
    {
        _ = Server; // start the host (runs migrations) before the first test
        return Task.CompletedTask;
    }

    public new virtual async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try { Directory.Delete(AuthDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// The gateway on a SQLite database of its own, in a temporary folder removed at the end. A fixture that needs settings
/// of its own adds them in <see cref="MoreSettings"/>.
/// </summary>
public abstract class SqliteGatewayFixture(string folderPrefix) : GatewayFixture
{
    protected string DataDirectory { get; } = Directory.CreateTempSubdirectory(folderPrefix).FullName;

    protected sealed override Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(DataDirectory, "fhir.db")}",
        };
        foreach (var (key, value) in MoreSettings()) settings[key] = value;
        return settings;
    }

    protected virtual Dictionary<string, string?> MoreSettings() => [];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

public sealed class SqliteGateway() : SqliteGatewayFixture("sendinterop-test-");

/// <summary>
/// A real PostgreSQL: scripts/test.sh starts a throwaway server and sets SENDINTEROP_TEST_POSTGRES. Without it
/// these tests fail loudly (they never skip): a green run always means PostgreSQL was exercised.
/// </summary>
public class PostgresGateway : GatewayFixture
{
    private readonly string _database;
    private readonly bool _ownsDatabase;

    public PostgresGateway() : this(null) { }

    /// <param name="sharedDatabase">Another fixture's database, to run as a second replica on it (that fixture creates and drops it).</param>
    protected PostgresGateway(string? sharedDatabase)
    {
        _ownsDatabase = sharedDatabase is null;
        _database = sharedDatabase ?? "fhir_" + Guid.NewGuid().ToString("N")[..12];
    }

    protected string DatabaseName => _database;

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
        if (_ownsDatabase) await PostgresTestDatabases.CreateAsync(_database);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase) await PostgresTestDatabases.DropAsync(_database);
    }
}
