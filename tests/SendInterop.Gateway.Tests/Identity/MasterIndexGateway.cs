using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Identifiers;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Identity;

/// <summary>
/// The gateway on SQLite for the master child index tests, with a fake NHS number trace (<see cref="Trace"/>). A second
/// fixture built with <see cref="OnSameDatabase"/> opens the same database file: a restart.
/// </summary>
public sealed class MasterIndexGateway : GatewayFixture
{
    private readonly bool _ownsDirectory;

    public MasterIndexGateway() : this(Directory.CreateTempSubdirectory("sendinterop-mci-").FullName, ownsDirectory: true) { }

    private MasterIndexGateway(string directory, bool ownsDirectory)
    {
        Directory_ = directory;
        _ownsDirectory = ownsDirectory;
    }

    public string Directory_ { get; }

    public FakeNhsNumberTrace Trace { get; } = new();

    /// <summary>A new gateway process on this one's database (call after disposing this one).</summary>
    public static MasterIndexGateway OnSameDatabase(MasterIndexGateway previous, bool ownsDirectory = true) => new(previous.Directory_, ownsDirectory);

    /// <summary>A gateway whose directory outlives it (for a restart test).</summary>
    public static MasterIndexGateway Keeping() => new(Directory.CreateTempSubdirectory("sendinterop-mci-").FullName, ownsDirectory: false);

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(Directory_, "fhir.db")}",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<INhsNumberTrace>(Trace));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_ownsDirectory)
        {
            try { Directory.Delete(Directory_, recursive: true); } catch (IOException) { }
        }
    }
}

/// <summary>The gateway on PostgreSQL for the same tests, with its own fake trace.</summary>
public sealed class PostgresMasterIndexGateway : PostgresGateway
{
    public FakeNhsNumberTrace Trace { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(s => s.AddSingleton<INhsNumberTrace>(Trace));
    }
}

/// <summary>A PDS-style trace answering from a table the test fills; records what it was asked (family names only).</summary>
public sealed class FakeNhsNumberTrace : INhsNumberTrace
{
    public ConcurrentDictionary<string, NhsNumberTraceResult> ByFamilyName { get; } = new(StringComparer.OrdinalIgnoreCase);
    public ConcurrentQueue<NhsNumberTraceQuery> Asked { get; } = new();

    public bool IsAvailable => true;

    public Task<NhsNumberTraceResult> TraceAsync(NhsNumberTraceQuery query, CancellationToken ct)
    {
        Asked.Enqueue(query);
        return Task.FromResult(query.FamilyName is { } f && ByFamilyName.TryGetValue(f, out var r) ? r : NhsNumberTraceResult.NoMatch);
    }
}

/// <summary>Builders for the master index tests: children with names no other test uses.</summary>
public static class Children
{
    public const string VerificationExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
    public const string VerificationSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";
    private static readonly Random Random = new(1234);
    private static readonly object Gate = new();

    /// <summary>A made-up surname (letters no real name list holds), so tests never match each other's children.</summary>
    public static string Family()
    {
        const string consonants = "BCDFGHKLMNPRSTVZ", vowels = "AEIOU";
        lock (Gate)
        {
            var chars = new char[8];
            for (var i = 0; i < chars.Length; i++) chars[i] = i % 2 == 0 ? consonants[Random.Next(consonants.Length)] : vowels[Random.Next(vowels.Length)];
            return chars[0] + new string(chars[1..]).ToLowerInvariant();
        }
    }

    private static int _births, _postcodes;

    /// <summary>
    /// Birth dates 17 days apart in call order, not drawn. Which test gets which date still depends on how the test
    /// collections interleave; what this guarantees is spacing: calls fewer than about 300 apart are at least 17 days
    /// apart (300 apart, 7 days). Drawn dates had put two children a day apart, with alike made-up names, in one
    /// database, and they became candidate duplicates of each other in an unrelated test.
    /// </summary>
    public static string BirthDate()
    {
        var n = Interlocked.Increment(ref _births);
        return new DateOnly(2008, 1, 1).AddDays((int)((long)n * 17 % (14 * 365))).ToString("yyyy-MM-dd");
    }

    /// <summary>The district (NR1-NR30) in call order, so consecutive children never share one; the rest drawn.</summary>
    public static string Postcode()
    {
        const string letters = "ABDEFGHJLNPQRSTUWXYZ";
        var district = 1 + Interlocked.Increment(ref _postcodes) % 30;
        lock (Gate) return $"NR{district} {1 + Random.Next(9)}{letters[Random.Next(20)]}{letters[Random.Next(20)]}";
    }

    public static string Upn()
    {
        lock (Gate) return SendInterop.Domain.Identifiers.Upn.Create(LaCode.Parse("926"), 2000 + Random.Next(1000), 10 + Random.Next(10), Random.Next(1000)).Value;
    }

    public static JsonObject Patient(string given, string family, string birthDate, string gender = "female", string? postcode = null,
        string? nhs = null, bool verified = true, string? upn = null)
    {
        var identifiers = new JsonArray();
        if (nhs is not null)
        {
            var identifier = new JsonObject { ["system"] = IdentifierSystems.NhsNumber, ["value"] = nhs };
            if (verified)
                identifier["extension"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["url"] = VerificationExtension,
                        ["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = VerificationSystem, ["code"] = "01", ["display"] = "Number present and verified" } } },
                    },
                };
            identifiers.Add(identifier);
        }
        if (upn is not null) identifiers.Add(new JsonObject { ["system"] = IdentifierSystems.Upn, ["value"] = upn });
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["name"] = new JsonArray { new JsonObject { ["use"] = "official", ["family"] = family, ["given"] = new JsonArray { given } } },
            ["gender"] = gender,
            ["birthDate"] = birthDate,
        };
        if (identifiers.Count > 0) patient["identifier"] = identifiers;
        if (postcode is not null) patient["address"] = new JsonArray { new JsonObject { ["use"] = "home", ["city"] = "Norwich", ["postalCode"] = postcode } };
        return patient;
    }
}
