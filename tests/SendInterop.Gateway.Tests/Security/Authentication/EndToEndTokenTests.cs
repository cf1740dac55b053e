using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>
/// Over real HTTP (Kestrel on a socket): an integrator registers with the CLI, gets a token from the token endpoint
/// with a real client assertion, and reads the FHIR API with it.
/// </summary>
[Collection("http")]
public sealed class EndToEndTokenTests(RealHttpGateway gateway) : IClassFixture<RealHttpGateway>
{
    private string BaseUrl => gateway.GatewayBase;

    [Fact]
    public async Task A_client_assertion_gets_a_token_that_reads_and_writes_fhir_over_http()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration(scope: "system/*.cruds"));
        using var http = new HttpClient();
        var tokenUrl = BaseUrl + "/auth/token";
        var (status, body) = await TokenRequests.PostAsync(http, tokenUrl, TokenRequests.Form(client.Assertion(tokenUrl), scope: "system/*.cruds"));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var token = body["access_token"]!.GetValue<string>();

        using var fhir = gateway.AnonymousRealClient();
        fhir.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var id = await fhir.CreateAsync("Organization", Build.Organization("End to end " + FhirHttp.Unique()));
        var read = await fhir.GetAsync($"Organization/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        using var anonymous = gateway.AnonymousRealClient();
        var refused = await anonymous.GetAsync($"Organization/{id}");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("OperationOutcome", (await refused.JsonAsync())["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_cli_registers_a_client_and_gets_a_token_in_one_step()
    {
        var dir = Directory.CreateTempSubdirectory("sendinterop-cli-").FullName;
        try
        {
            var key = Path.Combine(dir, "la-926-cms.jwk");
            var clientId = "la-926-cms-" + FhirHttp.Unique();
            var (rc, output, error) = await RunCliAsync("register", "--client-id", clientId, "--org", "la-926", "--agency", "education",
                "--scopes", "system/*.rs", "--purposes", "ehc-assessment direct-care", "--role", "sen-caseworker",
                "--registry", gateway.ClientRegistryFile, "--key-out", key);
            Assert.True(rc == 0, output + error);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            var registry = JsonNode.Parse(File.ReadAllText(gateway.ClientRegistryFile))!["clients"]!.AsArray();
            var registered = registry.Single(c => c!["client_id"]!.GetValue<string>() == clientId)!;
            Assert.DoesNotContain("\"d\"", registered.ToJsonString());

            // Registering the same id again is refused without --force.
            (rc, _, error) = await RunCliAsync("register", "--client-id", clientId, "--org", "la-926", "--agency", "education",
                "--scopes", "system/*.rs", "--purposes", "direct-care", "--registry", gateway.ClientRegistryFile, "--key-out", key + "2");
            Assert.Equal(1, rc);
            Assert.Contains("registered already", error);

            (rc, output, error) = await RunCliAsync("token", "--client-id", clientId, "--key", key, "--url", BaseUrl);
            Assert.True(rc == 0, output + error);
            var token = output.Trim();
            var claims = Jws.Payload(token);
            Assert.Equal("la-926", claims["org"]!.GetValue<string>());
            Assert.Equal("system/*.rs", claims["scope"]!.GetValue<string>());
            Assert.Equal("ehc-assessment direct-care", claims["purposes"]!.GetValue<string>());

            using var fhir = gateway.AnonymousRealClient();
            fhir.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Equal(HttpStatusCode.OK, (await fhir.GetAsync("Organization?_count=1")).StatusCode);

            (rc, output, _) = await RunCliAsync("token", "--client-id", clientId, "--key", key, "--url", BaseUrl, "--curl");
            Assert.Equal(0, rc);
            Assert.StartsWith("curl -H 'Authorization: Bearer ey", output);

            // A scope beyond the registration: the CLI reports the gateway's refusal and fails.
            (rc, _, error) = await RunCliAsync("token", "--client-id", clientId, "--key", key, "--url", BaseUrl, "--scope", "system/*.cruds system/Patient.c");
            Assert.Equal(1, rc);
            Assert.Contains("invalid_scope", error);

            // The assertion command prints one signed JWT for the given token endpoint.
            (rc, output, _) = await RunCliAsync("assertion", "--client-id", clientId, "--key", key, "--token-url", BaseUrl + "/auth/token");
            Assert.Equal(0, rc);
            var assertion = Jws.Payload(output.Trim());
            Assert.Equal(clientId, assertion["iss"]!.GetValue<string>());
            Assert.Equal(BaseUrl + "/auth/token", assertion["aud"]!.GetValue<string>());
            Assert.Equal("ES384", Jws.Header(output.Trim())["alg"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_cli_rejects_bad_registrations_before_writing_anything()
    {
        var dir = Directory.CreateTempSubdirectory("sendinterop-cli-").FullName;
        try
        {
            var registry = Path.Combine(dir, "clients.json");
            var (rc, _, error) = await RunCliAsync("register", "--client-id", "x", "--org", "la-926", "--agency", "police",
                "--scopes", "system/Patient.xyz", "--purposes", "marketing", "--registry", registry, "--key-out", Path.Combine(dir, "x.jwk"));
            Assert.Equal(2, rc);
            Assert.Contains("--agency", error);
            Assert.Contains("--scopes", error);
            Assert.Contains("--purposes", error);
            Assert.Empty(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(int Rc, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var rc = await SendInterop.Cli.Program.RunAsync(args, output, error);
        return (rc, output.ToString(), error.ToString());
    }
}
