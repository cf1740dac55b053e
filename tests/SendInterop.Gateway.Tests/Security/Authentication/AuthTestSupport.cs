using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>Keeps every audit record written, for tests that check what authentication audits.</summary>
public sealed class CapturingAuditSink : IAuditSink
{
    public ConcurrentQueue<AuditRecord> Records { get; } = new();

    public Task AppendAsync(AuditRecord record, CancellationToken ct = default)
    {
        Records.Enqueue(record);
        return Task.CompletedTask;
    }

    public IReadOnlyList<AuditRecord> For(string correlationId) => Records.Where(r => r.CorrelationId == correlationId).ToList();
}

/// <summary>The gateway on SQLite (in-process) with a capturing audit sink.</summary>
public sealed class AuthGateway : GatewayFixture
{
    private readonly string _dir;
    private readonly bool _ownsDirectory;

    public AuthGateway() : this(null) { }

    private AuthGateway(string? sharedDirectory)
    {
        _ownsDirectory = sharedDirectory is null;
        _dir = sharedDirectory ?? Directory.CreateTempSubdirectory("sendinterop-authtest-").FullName;
    }

    /// <summary>A second gateway on the same database (its own keys, registry file and memory): another replica.</summary>
    public static AuthGateway ReplicaOf(AuthGateway primary) => new(primary._dir);

    public CapturingAuditSink Audit { get; } = new();

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Fhir:Validation:WarmUpOnStart", "false");
        builder.ConfigureTestServices(s => s.AddSingleton<IAuditSink>(Audit));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_ownsDirectory) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Builds and signs JWTs by hand, so tests control every header and claim (including the wrong ones).</summary>
public static class Jws
{
    public static string Encode(object header, object payload, Func<byte[], byte[]>? sign)
    {
        var signingInput = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(payload));
        return signingInput + "." + (sign is null ? "" : B64(sign(Encoding.ASCII.GetBytes(signingInput))));
    }

    public static Func<byte[], byte[]> Rs(RSA rsa, HashAlgorithmName hash) => data => rsa.SignData(data, hash, RSASignaturePadding.Pkcs1);

    public static Func<byte[], byte[]> Es(ECDsa ec, HashAlgorithmName hash) => data => ec.SignData(data, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public static Func<byte[], byte[]> Hs256(byte[] secret) => data => HMACSHA256.HashData(secret, data);

    public static string B64(byte[] bytes) => Base64UrlEncoder.Encode(bytes);

    public static long Epoch(DateTimeOffset t) => t.ToUnixTimeSeconds();

    /// <summary>The JSON payload of a JWT (no verification).</summary>
    public static JsonObject Payload(string jwt) => JsonNode.Parse(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]))!.AsObject();

    public static JsonObject Header(string jwt) => JsonNode.Parse(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[0]))!.AsObject();
}

/// <summary>The gateway's own signing key, read from the fixture's key file, to forge tokens with chosen claims.</summary>
public sealed class GatewayKey
{
    public GatewayKey(GatewayFixture fixture)
    {
        fixture.TokenFor(); // the key file exists once a token has been minted
        var jwk = SigningKeyFile.Read(fixture.SigningKeyFile).Keys.OrderBy(k => k.Created).Last();
        Kid = jwk.Kid!;
        Rsa = ((RsaSecurityKey)jwk.ToSecurityKey(out _)!).Rsa;
        PublicJwkJson = JsonSerializer.Serialize(jwk.ToPublic(), JwkSet.JsonOptions);
        Issuer = fixture.GatewayBase;
        Audience = fixture.GatewayBase + "/fhir";
    }

    public string Kid { get; }
    public RSA Rsa { get; }
    public string PublicJwkJson { get; }
    public string Issuer { get; }
    public string Audience { get; }

    public Dictionary<string, object?> Claims(DateTimeOffset? now = null)
    {
        var t = now ?? DateTimeOffset.UtcNow;
        return new()
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "forged-client", ["client_id"] = "forged-client",
            ["org"] = "la-926", ["agency"] = "education", ["scope"] = "system/*.cruds", ["purposes"] = "direct-care",
            ["iat"] = Jws.Epoch(t), ["nbf"] = Jws.Epoch(t), ["exp"] = Jws.Epoch(t.AddMinutes(5)), ["jti"] = Guid.NewGuid().ToString("N"),
        };
    }

    public string Sign(Dictionary<string, object?> claims, string? kid = null, string alg = "RS384") =>
        Jws.Encode(new Dictionary<string, string> { ["alg"] = alg, ["typ"] = "at+jwt", ["kid"] = kid ?? Kid }, claims,
            Jws.Rs(Rsa, alg switch { "RS256" => HashAlgorithmName.SHA256, "RS512" => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA384 }));
}

/// <summary>A system client with a real key pair, as an integrator would have: it registers and signs assertions.</summary>
public sealed class TestClient
{
    private TestClient(string clientId, string kid, string alg, AsymmetricAlgorithm key, Jwk publicJwk)
    {
        ClientId = clientId;
        Kid = kid;
        Alg = alg;
        Key = key;
        PublicJwk = publicJwk;
    }

    public string ClientId { get; }
    public string Kid { get; }
    public string Alg { get; }
    public AsymmetricAlgorithm Key { get; }
    public Jwk PublicJwk { get; }

    public static TestClient Es384(string? clientId = null)
    {
        var jwk = Jwk.NewEcP384(DateTimeOffset.UtcNow);
        var ec = ((ECDsaSecurityKey)jwk.ToSecurityKey(out _)!).ECDsa;
        var pub = jwk.ToPublic();
        return new TestClient(clientId ?? "client-" + FhirHttp.Unique(), jwk.Kid!, "ES384", ec, pub);
    }

    public static TestClient Rs384(string? clientId = null)
    {
        var jwk = Jwk.NewRsa("RS384", 2048, DateTimeOffset.UtcNow);
        var rsa = ((RsaSecurityKey)jwk.ToSecurityKey(out _)!).Rsa;
        var pub = jwk.ToPublic();
        return new TestClient(clientId ?? "client-" + FhirHttp.Unique(), jwk.Kid!, "RS384", rsa, pub);
    }

    public ClientRegistration Registration(string scope = "system/*.rs", string organisation = "la-926", string agency = "education",
        string purposes = "direct-care ehc-assessment", string? role = "sen-caseworker") => new()
    {
        ClientId = ClientId, ClientName = "Test " + ClientId, Organisation = organisation, Agency = agency, Scope = scope,
        Purposes = purposes.Split(' ').ToList(), Role = role, Jwks = new JwkSet { Keys = [PublicJwk] },
    };

    /// <summary>A client assertion; every part can be overridden to make a wrong one.</summary>
    public string Assertion(string audience, TimeSpan? expiresIn = null, string? jti = null, string? alg = null, string? kid = null,
        string? issuer = null, AsymmetricAlgorithm? signWith = null, DateTimeOffset? now = null)
    {
        var t = now ?? DateTimeOffset.UtcNow;
        var useAlg = alg ?? Alg;
        var key = signWith ?? Key;
        var hash = useAlg[2..] switch { "256" => HashAlgorithmName.SHA256, "512" => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA384 };
        var sign = key is ECDsa ec ? Jws.Es(ec, hash) : Jws.Rs((RSA)key, hash);
        var claims = new Dictionary<string, object>
        {
            ["iss"] = issuer ?? ClientId, ["sub"] = issuer ?? ClientId, ["aud"] = audience,
            ["exp"] = Jws.Epoch(t + (expiresIn ?? TimeSpan.FromMinutes(4))), ["iat"] = Jws.Epoch(t),
            ["jti"] = jti ?? Guid.NewGuid().ToString("N"),
        };
        return Jws.Encode(new Dictionary<string, string> { ["alg"] = useAlg, ["typ"] = "JWT", ["kid"] = kid ?? Kid }, claims, sign);
    }
}

public static class TokenRequests
{
    public static FormUrlEncodedContent Form(string assertion, string? scope = null, string grantType = "client_credentials",
        string assertionType = ClientAssertionValidator.AssertionType)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("grant_type", grantType), new("client_assertion_type", assertionType), new("client_assertion", assertion),
        };
        if (scope is not null) fields.Add(new("scope", scope));
        return new FormUrlEncodedContent(fields);
    }

    /// <summary>
    /// Writes (replaces) the registry file the gateway reads, and has the gateway read it now: a rewrite of the same length
    /// within one file-system timestamp tick looks unchanged to the file watch (modification time and length).
    /// </summary>
    public static void Register(GatewayFixture fixture, params ClientRegistration[] clients)
    {
        WriteRegistry(fixture, clients);
        (fixture.Services.GetService(typeof(ClientRegistry)) as ClientRegistry)?.Reload();
    }

    /// <summary>Writes (replaces) the registry file only: for the test of the gateway's own file watch.</summary>
    public static void WriteRegistry(GatewayFixture fixture, params ClientRegistration[] clients) =>
        File.WriteAllText(fixture.ClientRegistryFile, JsonSerializer.Serialize(new ClientRegistryDocument { Clients = clients.ToList() }, JwkSet.JsonOptions));

    public static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(HttpClient http, string tokenUrl, HttpContent form)
    {
        var response = await http.PostAsync(tokenUrl, form);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }
}
