using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>
/// Tokens of configured external issuers: one publishing its JWKS at a URL (another gateway, over real HTTP) and one
/// whose JWKS is a file. Each issuer's tokens verify only with that issuer's keys, chosen by kid.
/// </summary>
[Collection("http")]
public sealed class TrustedIssuerTests : IAsyncLifetime
{
    private const string FileIssuer = "https://idp.example.nhs.uk";
    private readonly RealHttpGateway _remote = new();
    private readonly Jwk _fileKey = Jwk.NewEcP384(DateTimeOffset.UtcNow);
    private readonly string _jwksFile = Path.Combine(Path.GetTempPath(), "sendinterop-idp-" + Guid.NewGuid().ToString("N") + ".json");
    private TrustingGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        await _remote.InitializeAsync();
        _remote.TokenFor(); // creates the remote gateway's key
        // The first JWKS request warms the remote gateway (routing, JIT) here, outside the trusting gateway's 5 s
        // fetch timeout: a cold first fetch on a busy machine timed out, and the token was refused.
        using (var warm = new HttpClient { Timeout = TimeSpan.FromSeconds(60) })
            (await warm.GetAsync(_remote.GatewayBase + "/.well-known/jwks.json")).EnsureSuccessStatusCode();
        File.WriteAllText(_jwksFile, JsonSerializer.Serialize(new JwkSet { Keys = [_fileKey.ToPublic()] }, JwkSet.JsonOptions));
        _gateway = new TrustingGateway(new()
        {
            ["Auth:TrustedIssuers:0:Issuer"] = _remote.GatewayBase,
            ["Auth:TrustedIssuers:0:JwksUri"] = _remote.GatewayBase + "/.well-known/jwks.json",
            ["Auth:TrustedIssuers:1:Issuer"] = FileIssuer,
            ["Auth:TrustedIssuers:1:JwksFile"] = _jwksFile,
        });
        await _gateway.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _remote.DisposeAsync();
        File.Delete(_jwksFile);
    }

    [Fact]
    public async Task A_token_of_an_issuer_with_a_jwks_url_is_accepted_for_this_audience_only()
    {
        var issuer = _remote.Services.GetService(typeof(AccessTokenIssuer)) as AccessTokenIssuer;
        var claims = TokenSpec.Default.ToClaims();
        var forUs = issuer!.Issue(claims, _remote.GatewayBase, "http://localhost/fhir").AccessToken;
        Assert.Equal(HttpStatusCode.OK, await StatusWith(forUs));

        var forThem = issuer.Issue(claims, _remote.GatewayBase, _remote.GatewayBase + "/fhir").AccessToken;
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(forThem));
    }

    [Fact]
    public async Task A_token_of_an_issuer_with_a_jwks_file_is_accepted_and_verified_with_its_key_only()
    {
        var ec = ((Microsoft.IdentityModel.Tokens.ECDsaSecurityKey)_fileKey.ToSecurityKey(out _)!).ECDsa;
        Dictionary<string, object> Claims(string iss) => new()
        {
            ["iss"] = iss, ["aud"] = "http://localhost/fhir", ["sub"] = "nhs-app", ["client_id"] = "nhs-app", ["org"] = "ods-RY3",
            ["agency"] = "health", ["scope"] = "system/*.rs", ["purposes"] = "direct-care",
            ["iat"] = Jws.Epoch(DateTimeOffset.UtcNow), ["exp"] = Jws.Epoch(DateTimeOffset.UtcNow.AddMinutes(5)),
        };
        var header = new Dictionary<string, string> { ["alg"] = "ES384", ["kid"] = _fileKey.Kid! };
        Assert.Equal(HttpStatusCode.OK, await StatusWith(Jws.Encode(header, Claims(FileIssuer), Jws.Es(ec, HashAlgorithmName.SHA384))));

        // The same key presented as the gateway's own issuer, or as the other trusted issuer: no key of theirs has this kid.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Jws.Encode(header, Claims("http://localhost"), Jws.Es(ec, HashAlgorithmName.SHA384))));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Jws.Encode(header, Claims(_remote.GatewayBase), Jws.Es(ec, HashAlgorithmName.SHA384))));
        // Another key under the trusted kid: the signature fails.
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Jws.Encode(header, Claims(FileIssuer), Jws.Es(other, HashAlgorithmName.SHA384))));
        // An issuer that is not configured.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(Jws.Encode(header, Claims("https://idp.example.org"), Jws.Es(ec, HashAlgorithmName.SHA384))));
    }

    [Fact]
    public async Task An_external_issuers_role_claim_does_not_open_the_audit_verification()
    {
        var issuer = _remote.Services.GetService(typeof(AccessTokenIssuer)) as AccessTokenIssuer;
        var external = issuer!.Issue(new TokenSpec(Role: "ig-lead", Scope: "system/AuditEvent.r").ToClaims(), _remote.GatewayBase, "http://localhost/fhir").AccessToken;
        Assert.Equal(HttpStatusCode.Forbidden, await StatusWith(external, "AuditEvent/$verify"));
        // The same claims in a token of the gateway's own: permitted.
        Assert.Equal(HttpStatusCode.OK, await StatusWith(_gateway.TokenFor(new TokenSpec(Role: "ig-lead", Scope: "system/AuditEvent.r")), "AuditEvent/$verify"));
    }

    private async Task<HttpStatusCode> StatusWith(string token, string url = "Organization?_count=1")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await _gateway.AnonymousFhir().SendAsync(request)).StatusCode;
    }

    private sealed class TrustingGateway(Dictionary<string, string?> trust) : SqliteGatewayFixture("sendinterop-trust-")
    {
        protected override Dictionary<string, string?> MoreSettings() => trust;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Fhir:Validation:WarmUpOnStart", "false");
        }
    }
}
