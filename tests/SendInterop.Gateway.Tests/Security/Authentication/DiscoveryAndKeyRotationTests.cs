using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Gateway.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>What the gateway publishes for clients (SMART configuration, JWKS, CapabilityStatement security) and key rotation.</summary>
public sealed class DiscoveryAndKeyRotationTests(AuthGateway gateway) : IClassFixture<AuthGateway>
{
    [Theory]
    [InlineData("/.well-known/smart-configuration")]
    [InlineData("/fhir/.well-known/smart-configuration")]
    public async Task Smart_configuration_is_public_and_describes_backend_services(string path)
    {
        var response = await gateway.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var config = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("http://localhost", config["issuer"]!.GetValue<string>());
        Assert.Equal("http://localhost/auth/token", config["token_endpoint"]!.GetValue<string>());
        Assert.Equal("http://localhost/.well-known/jwks.json", config["jwks_uri"]!.GetValue<string>());
        Assert.Equal(["client_credentials"], Strings(config["grant_types_supported"]));
        Assert.Equal(["private_key_jwt"], Strings(config["token_endpoint_auth_methods_supported"]));
        Assert.Equal(["RS384", "RS512", "ES384"], Strings(config["token_endpoint_auth_signing_alg_values_supported"]));
        Assert.Contains("system/*.rs", Strings(config["scopes_supported"]));
        Assert.Equal(["client-confidential-asymmetric", "permission-v2"], Strings(config["capabilities"]));
    }

    [Fact]
    public async Task Jwks_publishes_public_keys_only()
    {
        gateway.TokenFor();
        var response = await gateway.CreateClient().GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jwk-set+json", response.Content.Headers.ContentType?.MediaType);
        var keys = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["keys"]!.AsArray();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var members = key!.AsObject().Select(p => p.Key).ToHashSet();
            Assert.Equal("RSA", key["kty"]!.GetValue<string>());
            Assert.Equal("RS384", key["alg"]!.GetValue<string>());
            Assert.Equal("sig", key["use"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(key["kid"]!.GetValue<string>()));
            Assert.Subset(new HashSet<string> { "kty", "kid", "alg", "use", "n", "e" }, members);
            foreach (var secret in new[] { "d", "p", "q", "dp", "dq", "qi", "created" }) Assert.DoesNotContain(secret, members);
        }
        var file = File.ReadAllText(gateway.SigningKeyFile);
        Assert.Contains("\"d\"", file);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(gateway.SigningKeyFile));
    }

    [Fact]
    public async Task Capability_statement_is_public_and_names_the_token_endpoint()
    {
        var response = await gateway.AnonymousFhir().GetAsync("metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var capability = await response.ResourceAsync<CapabilityStatement>();
        var security = capability.Rest[0].Security;
        Assert.Equal("SMART-on-FHIR", security.Service[0].Coding[0].Code);
        var oauth = security.GetExtension(SmartCapabilitySecurity.OAuthUrisExtension);
        Assert.Equal("http://localhost/auth/token", ((FhirUri)oauth.GetExtension("token").Value).Value);
    }

    [Fact]
    public async Task Dev_token_endpoint_is_not_mapped_outside_development()
    {
        var response = await gateway.CreateClient().PostAsync("/auth/dev-token?organisation=la-926", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Key_rotation_keeps_old_tokens_valid_until_the_old_key_is_removed()
    {
        // A fixture of its own: this test rewrites the key file.
        var rotating = new AuthGateway();
        await rotating.InitializeAsync();
        try
        {
        var oldToken = rotating.TokenFor();
        var oldKid = Jws.Header(oldToken)["kid"]!.GetValue<string>();

        var newKey = SigningKeyFile.AddNewKey(rotating.SigningKeyFile, DateTimeOffset.UtcNow.AddSeconds(1));
        var newToken = rotating.TokenFor();
        Assert.Equal(newKey.Kid, Jws.Header(newToken)["kid"]!.GetValue<string>());
        Assert.NotEqual(oldKid, newKey.Kid);

        Assert.Equal(HttpStatusCode.OK, await StatusWith(rotating, oldToken));
        Assert.Equal(HttpStatusCode.OK, await StatusWith(rotating, newToken));
        var published = JsonNode.Parse(await rotating.CreateClient().GetStringAsync("/.well-known/jwks.json"))!["keys"]!.AsArray()
            .Select(k => k!["kid"]!.GetValue<string>()).ToList();
        Assert.Equal([oldKid, newKey.Kid!], published);

        var keys = SigningKeyFile.Read(rotating.SigningKeyFile);
        keys.Keys.RemoveAll(k => k.Kid == oldKid);
        SigningKeyFile.Write(rotating.SigningKeyFile, keys);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(rotating, oldToken));
        Assert.Equal(HttpStatusCode.OK, await StatusWith(rotating, newToken));
        Assert.Contains(rotating.Audit.Records, r => r.Rule == AuthRules.UnknownKid);
        }
        finally
        {
            await rotating.DisposeAsync();
        }
    }

    private static async Task<HttpStatusCode> StatusWith(GatewayFixture fixture, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "Organization?_count=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await fixture.AnonymousFhir().SendAsync(request)).StatusCode;
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToList();
}
