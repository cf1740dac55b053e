using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// The gateway on its own SQLite database with the organisations and data-sharing agreements of CONSENT.md's worked
/// cases configured under <c>Access</c>. Every organisation's Organization resource is created at start (by that
/// organisation), so Consents, plans and requests can reference them with referential integrity on.
/// </summary>
/// <remarks>
/// Agreements:
/// <list type="bullet">
/// <item>Tier 1 <c>t1-norfolk</c>: every organisation below except ods-ZZZ (and the subject-access app), for direct-care,
/// ehc-assessment and ehc-review.</item>
/// <item>Tier 2: health → education, classes health and plan, for ehc-assessment and ehc-review; education → health, plan,
/// for direct-care; education → education, plan, for direct-care; and, added for worked case 12 (a health trust reading
/// another health organisation's Observations), health → health, class health, for direct-care.</item>
/// </list>
/// </remarks>
public sealed class ConsentGateway : GatewayFixture
{
    public const string La = "la-926";
    public const string OtherLa = "la-935";
    public const string Camhs = "ods-RMY";
    public const string CommunityTrust = "ods-RY3";
    public const string NamedSchool = "school-926101";
    public const string OtherSchool = "school-926102";
    public const string Icb = "ods-QXX";
    public const string Outsider = "ods-ZZZ";
    /// <summary>The young person's app (an authorised system acting for the child): in no agreement, owns nothing.</summary>
    public const string SubjectAccessApp = "app-yp-portal";

    public static readonly (string Id, string Name, string Agency)[] Organisations =
    [
        (La, "Norfolk County Council SEN team", Agencies.Education),
        (OtherLa, "Suffolk County Council SEN team", Agencies.Education),
        (Camhs, "Norfolk and Suffolk NHS FT (CAMHS)", Agencies.Health),
        (CommunityTrust, "Norfolk Community Health and Care (community paediatrics)", Agencies.Health),
        (NamedSchool, "Example Primary School", Agencies.Education),
        (OtherSchool, "Another Primary School", Agencies.Education),
        (Icb, "Norfolk and Waveney ICB (commissioner)", Agencies.Health),
        (Outsider, "Organisation outside every agreement", Agencies.Health),
        (SubjectAccessApp, "Young person's app", Agencies.Education),
    ];

    private static readonly string[] Tier1Members = [La, OtherLa, Camhs, CommunityTrust, NamedSchool, OtherSchool, Icb];
    private static readonly string[] Tier1Purposes = [PurposesOfUse.DirectCare, PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview];

    private static readonly (string Id, string From, string To, string[] Classes, string[] Purposes)[] Tier2 =
    [
        ("t2-health-to-education", Agencies.Health, Agencies.Education, [DataClasses.Health, DataClasses.Plan], [PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview]),
        ("t2-education-to-health", Agencies.Education, Agencies.Health, [DataClasses.Plan], [PurposesOfUse.DirectCare]),
        ("t2-education-to-education", Agencies.Education, Agencies.Education, [DataClasses.Plan], [PurposesOfUse.DirectCare]),
        // Added for worked case 12 (not in the brief's list): health → health, health data, direct care.
        ("t2-health-to-health", Agencies.Health, Agencies.Health, [DataClasses.Health], [PurposesOfUse.DirectCare]),
    ];

    private readonly string _dir;
    private readonly bool _ownsDirectory;

    public ConsentGateway() : this(null) { }

    private ConsentGateway(string? sharedDirectory)
    {
        _ownsDirectory = sharedDirectory is null;
        _dir = sharedDirectory ?? Directory.CreateTempSubdirectory("sendinterop-consent-").FullName;
    }

    /// <summary>
    /// A second gateway process on the same database, with the same settings and its own keys: another replica. Its
    /// writes reach <paramref name="primary"/> only through the database (never through the primary's write observers).
    /// </summary>
    public static ConsentGateway ReplicaOf(ConsentGateway primary) => new(primary._dir);
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _shared = new(StringComparer.Ordinal);

    protected override Dictionary<string, string?> Settings()
    {
        var s = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
        };
        for (var i = 0; i < Organisations.Length; i++)
        {
            s[$"Access:Organisations:{i}:Id"] = Organisations[i].Id;
            s[$"Access:Organisations:{i}:Name"] = Organisations[i].Name;
            s[$"Access:Organisations:{i}:Agency"] = Organisations[i].Agency;
        }
        s["Access:Tier1:0:Id"] = "t1-norfolk";
        for (var i = 0; i < Tier1Members.Length; i++) s[$"Access:Tier1:0:Organisations:{i}"] = Tier1Members[i];
        for (var i = 0; i < Tier1Purposes.Length; i++) s[$"Access:Tier1:0:Purposes:{i}"] = Tier1Purposes[i];
        for (var i = 0; i < Tier2.Length; i++)
        {
            var t = Tier2[i];
            s[$"Access:Tier2:{i}:Id"] = t.Id;
            s[$"Access:Tier2:{i}:From"] = t.From;
            s[$"Access:Tier2:{i}:To"] = t.To;
            for (var j = 0; j < t.Classes.Length; j++) s[$"Access:Tier2:{i}:Classes:{j}"] = t.Classes[j];
            for (var j = 0; j < t.Purposes.Length; j++) s[$"Access:Tier2:{i}:Purposes:{j}"] = t.Purposes[j];
        }
        // Subscriptions (SubscriptionTests): every organisation may point a rest-hook at a receiver on this machine, and
        // deliveries are retried quickly. The poll is a minute apart, so every notification these tests see was started
        // by the commit of the write it is about (SubscriptionWakeUp); the PostgreSQL replica test covers the poll.
        s["Subscriptions:AllowHttpLoopback"] = "true";
        foreach (var (id, _, _) in Organisations) s[$"Subscriptions:AllowedEndpoints:{id}:0"] = "http://127.0.0.1:";
        s["Subscriptions:PollMilliseconds"] = "60000";
        s["Subscriptions:BatchSize"] = "2"; // several rounds per test: a subscription's later versions meet an unfinished backlog
        s["Subscriptions:RetryDelayMilliseconds"] = "20";
        s["Subscriptions:MaxAttempts"] = "3";
        s["Subscriptions:AttemptTimeoutMilliseconds"] = "30000"; // a receiver a test holds must not time out
        return s;
    }

    /// <summary>A FHIR client for an organisation of this fixture (system/*.cruds and every purpose but commissioning unless told).</summary>
    public HttpClient As(string organisation, string? scope = null, string? purposes = null, string? patient = null, string? clientId = null, string? agency = null) =>
        Fhir(new TokenSpec(
            organisation,
            agency ?? Organisations.First(o => o.Id == organisation).Agency,
            scope ?? "system/*.cruds",
            purposes ?? TokenSpec.DefaultPurposes,
            Patient: patient,
            ClientId: clientId));

    /// <summary>Data set up once per fixture and shared by several tests (each key's factory runs once).</summary>
    public async Task<T> SharedAsync<T>(string key, Func<Task<T>> factory) where T : class =>
        (T)await _shared.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await factory())).Value;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // Each organisation writes its own directory entry (directory data is readable by every requester but commissioning).
        foreach (var (id, name, _) in Organisations)
        {
            var body = new JsonObject { ["resourceType"] = "Organization", ["id"] = id, ["name"] = name }.ToJsonString();
            var r = await As(id).PutAsync($"Organization/{id}", Body(body));
            if (r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK))
                throw new InvalidOperationException($"PUT Organization/{id} gave {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_ownsDirectory) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The consent tests share one gateway (<see cref="ConsentGateway"/>) and nothing with other tests.</summary>
[CollectionDefinition(Name)]
public sealed class ConsentCollection : ICollectionFixture<ConsentGateway>
{
    public const string Name = "consent";
}
