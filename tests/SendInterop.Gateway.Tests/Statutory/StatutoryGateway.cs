using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Statutory;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Statutory;

/// <summary>
/// The gateway on SQLite for the statutory Task tests: the statutory calendar on a clock the test moves (tokens keep the
/// real one), a settings source the test can make fail, every log line captured, and an Access configuration where
/// la-926 and the community trust share under Tier 1 and la-935 is in no agreement. The background sweep is left idle
/// (the tests run the sweep themselves, so nothing moves under them).
/// </summary>
public sealed class StatutoryGateway : GatewayFixture
{
    public const string La = "la-926";
    public const string OtherLa = "la-935";
    public const string Trust = "ods-RY3";

    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-statutory-").FullName;

    public SettableClock Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 12, 0, 0, TimeSpan.Zero));

    public SwitchableSettings Settings_ { get; private set; } = null!;

    public ConcurrentQueue<string> Logs { get; } = new();

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
        ["Access:Organisations:0:Id"] = La, ["Access:Organisations:0:Agency"] = Agencies.Education,
        ["Access:Organisations:1:Id"] = OtherLa, ["Access:Organisations:1:Agency"] = Agencies.Education,
        ["Access:Organisations:2:Id"] = Trust, ["Access:Organisations:2:Agency"] = Agencies.Health,
        ["Access:Tier1:0:Id"] = "t1-norfolk",
        ["Access:Tier1:0:Organisations:0"] = La, ["Access:Tier1:0:Organisations:1"] = Trust,
        ["Access:Tier1:0:Purposes:0"] = PurposesOfUse.DirectCare, ["Access:Tier1:0:Purposes:1"] = PurposesOfUse.EhcAssessment,
        ["Statutory:SweepAtStartup"] = "false",
        ["Statutory:RepairInterval"] = "1.00:00:00",
        ["Statutory:LocalAuthorities:926:InferPhaseTransfers"] = "false",
        ["Statutory:LocalAuthorities:926:Closures:0:Scope"] = "SchoolsAndColleges",
        ["Statutory:LocalAuthorities:926:Closures:0:FirstDayClosed"] = "2026-07-23",
        ["Statutory:LocalAuthorities:926:Closures:0:ReopensOn"] = "2026-09-03",
        ["Statutory:LocalAuthorities:926:Closures:0:Label"] = "Summer 2026",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(l => l.AddProvider(new CapturingLoggerProvider(Logs)));
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton(sp => new StatutoryCalendar(Clock, sp.GetRequiredService<IOptions<StatutoryOptions>>()));
            s.AddSingleton<IStatutorySettingsSource>(sp => Settings_ = new SwitchableSettings(ActivatorUtilities.CreateInstance<ConfiguredStatutorySettings>(sp)));
        });
    }

    public HttpClient As(string organisation, string agency = Agencies.Education) => Fhir(new TokenSpec(organisation, agency));

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _ = Get<IStatutorySettingsSource>();
        foreach (var (id, code, agency) in new[] { (La, "926", Agencies.Education), (OtherLa, "935", Agencies.Education), (Trust, (string?)null, Agencies.Health) })
        {
            var body = new JsonObject { ["resourceType"] = "Organization", ["id"] = id, ["name"] = "Organisation " + id };
            if (code is not null)
                body["identifier"] = new JsonArray { new JsonObject { ["system"] = ConfiguredStatutorySettings.LaCodeSystem, ["value"] = code } };
            var r = await As(id, agency).PutAsync($"Organization/{id}", Body(body.ToJsonString()));
            if (r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
                throw new InvalidOperationException($"PUT Organization/{id} gave {(int)r.StatusCode}");
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A clock the test sets; only the statutory calendar reads it.</summary>
public sealed class SettableClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    /// <summary>Noon UTC on <paramref name="day"/>: the same calendar day in London in winter and summer.</summary>
    public void SetDay(DateOnly day) => Now = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
}

/// <summary>The configured settings, or a failure on demand (to show a failing recomputation never fails the client's write).</summary>
public sealed class SwitchableSettings(IStatutorySettingsSource inner) : IStatutorySettingsSource
{
    public volatile bool Fail;

    public Task<StatutoryClockSettings> ForAsync(string? localAuthorityReference, CancellationToken ct) =>
        Fail ? throw new InvalidOperationException("injected failure: settings store unavailable") : inner.ForAsync(localAuthorityReference, ct);
}
