using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>
/// POST /auth/token: client_credentials with a private_key_jwt client assertion signed by a key made in the test.
/// Every request is audited (the client id only once its signature verified), and no error repeats the assertion.
/// </summary>
public sealed class TokenEndpointTests(AuthGateway gateway) : IClassFixture<AuthGateway>
{
    private const string TokenUrl = "http://localhost/auth/token";
    private readonly HttpClient _http = gateway.CreateClient();

    [Fact]
    public async Task A_registered_client_gets_a_token_carrying_exactly_the_send_claims()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration(scope: "system/*.rs system/CarePlan.cruds", role: "sen-caseworker"));

        var response = await _http.PostAsync(TokenUrl, TokenRequests.Form(client.Assertion(TokenUrl), scope: "system/Patient.rs system/CarePlan.cru"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(300, body["expires_in"]!.GetValue<int>());
        Assert.Equal("system/Patient.rs system/CarePlan.cru", body["scope"]!.GetValue<string>());

        var token = body["access_token"]!.GetValue<string>();
        Assert.Equal("at+jwt", Jws.Header(token)["typ"]!.GetValue<string>());
        Assert.Equal("RS384", Jws.Header(token)["alg"]!.GetValue<string>());
        var claims = Jws.Payload(token);
        Assert.Equal(
            new[] { "agency", "aud", "client_id", "exp", "iat", "iss", "jti", "nbf", "org", "purposes", "registered_client", "role", "scope", "sub" },
            claims.Select(c => c.Key).Order(StringComparer.Ordinal).ToArray());
        Assert.True(claims["registered_client"]!.GetValue<bool>());
        Assert.Equal(client.ClientId, claims["client_id"]!.GetValue<string>());
        Assert.Equal(client.ClientId, claims["sub"]!.GetValue<string>());
        Assert.Equal("la-926", claims["org"]!.GetValue<string>());
        Assert.Equal("education", claims["agency"]!.GetValue<string>());
        Assert.Equal("direct-care ehc-assessment", claims["purposes"]!.GetValue<string>());
        Assert.Equal("sen-caseworker", claims["role"]!.GetValue<string>());
        Assert.Equal("http://localhost", claims["iss"]!.GetValue<string>());
        Assert.Equal("http://localhost/fhir", claims["aud"]!.GetValue<string>());
        Assert.Equal(300, claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>());

        var request = new HttpRequestMessage(HttpMethod.Get, "Patient?_count=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await gateway.AnonymousFhir().SendAsync(request)).StatusCode);

        var record = gateway.Audit.Records.Last(r => r.Interaction == AuthAudit.Token);
        Assert.Equal(AuditDecision.Permit, record.Decision);
        Assert.Equal(AuthRules.TokenIssued, record.Rule);
        Assert.Equal(client.ClientId, record.ClientId);
        Assert.Equal("la-926", record.OrganisationId);
        Assert.DoesNotContain(token, record.ToString());
    }

    [Theory]
    [InlineData("system/*.rs", "system/Patient.rs system/CarePlan.rs")]
    [InlineData("system/*.cruds", "system/Patient.rs system/CarePlan.cruds")]
    [InlineData("system/CarePlan.r", "system/CarePlan.r")]
    [InlineData("system/CarePlan.d system/Patient.r", "system/CarePlan.d system/Patient.r")]
    [InlineData("", "system/Patient.rs system/CarePlan.cruds")]
    public async Task Granted_scope_is_the_intersection_with_the_registration(string requested, string expected)
    {
        var client = TestClient.Rs384();
        TokenRequests.Register(gateway, client.Registration(scope: "system/Patient.rs system/CarePlan.cruds"));
        var (status, body) = await TokenRequests.PostAsync(_http, TokenUrl, TokenRequests.Form(client.Assertion(TokenUrl), scope: requested));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(expected, body["scope"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("patient/*.rs")]
    [InlineData("system/Observation.rs")]
    [InlineData("system/Patient.c")]
    [InlineData("openid")]
    [InlineData("system/Patient.xyz")]
    public async Task Requested_scope_outside_the_registration_is_invalid_scope(string requested)
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration(scope: "system/Patient.rs"));
        await AssertRefusedAsync(TokenRequests.Form(client.Assertion(TokenUrl), scope: requested), "invalid_scope", AuthRules.InvalidScope, client.ClientId);
    }

    [Fact]
    public async Task Replayed_jti_is_refused_and_audited_with_the_client()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var assertion = client.Assertion(TokenUrl);
        var (first, _) = await TokenRequests.PostAsync(_http, TokenUrl, TokenRequests.Form(assertion));
        Assert.Equal(HttpStatusCode.OK, first);
        await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.ReplayedJti, client.ClientId, assertion);
        // The same jti in a freshly signed assertion is a replay too.
        var jti = Jws.Payload(assertion)["jti"]!.GetValue<string>();
        await AssertRefusedAsync(TokenRequests.Form(client.Assertion(TokenUrl, jti: jti)), "invalid_client", AuthRules.ReplayedJti, client.ClientId);
    }

    [Fact]
    public async Task A_jti_with_a_control_character_is_refused_as_invalid()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        await AssertRefusedAsync(TokenRequests.Form(client.Assertion(TokenUrl, jti: "a\u0000b")), "invalid_client", AuthRules.AssertionInvalid, client.ClientId);
    }

    [Fact]
    public async Task When_the_shared_jti_ledger_cannot_be_reached_the_answer_is_503_and_the_assertion_is_not_used_up()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var assertion = client.Assertion(TokenUrl);
        var contexts = gateway.Services.GetRequiredService<SendInterop.Storage.Store.FhirDbContextFactory>();
        async Task Sql(string text)
        {
            await using var db = contexts.Create();
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, text);
        }

        var before = gateway.Audit.Records.Count;
        await Sql("ALTER TABLE auth_used_assertion RENAME TO auth_used_assertion_away");
        try
        {
            var (status, body) = await TokenRequests.PostAsync(_http, TokenUrl, TokenRequests.Form(assertion));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("temporarily_unavailable", body["error"]!.GetValue<string>());
            Assert.Contains(gateway.Audit.Records.Skip(before), r => r.Rule == AuthRules.ReplayLedgerUnavailable && r.ClientId == client.ClientId);
        }
        finally
        {
            await Sql("ALTER TABLE auth_used_assertion_away RENAME TO auth_used_assertion");
        }

        // Nothing was used up: the same assertion gets its token once the ledger is back, and only once.
        Assert.Equal(HttpStatusCode.OK, (await TokenRequests.PostAsync(_http, TokenUrl, TokenRequests.Form(assertion))).Status);
        await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.ReplayedJti, client.ClientId, assertion);
    }

    [Fact]
    public async Task An_assertion_used_at_one_replica_is_refused_at_another()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var replica = AuthGateway.ReplicaOf(gateway);
        await replica.InitializeAsync();
        try
        {
            TokenRequests.Register(replica, client.Registration());
            var assertion = client.Assertion(TokenUrl);
            var (first, _) = await TokenRequests.PostAsync(_http, TokenUrl, TokenRequests.Form(assertion));
            Assert.Equal(HttpStatusCode.OK, first);

            // The replica's own memory has never seen this jti: only the shared ledger can refuse it.
            var (second, body) = await TokenRequests.PostAsync(replica.CreateClient(), TokenUrl, TokenRequests.Form(assertion));
            Assert.Equal(HttpStatusCode.BadRequest, second);
            Assert.Equal("invalid_client", body["error"]!.GetValue<string>());
            Assert.Contains(replica.Audit.Records, r => r.Rule == AuthRules.ReplayedJti && r.ClientId == client.ClientId);

            // A fresh assertion is still accepted there.
            Assert.Equal(HttpStatusCode.OK, (await TokenRequests.PostAsync(replica.CreateClient(), TokenUrl, TokenRequests.Form(client.Assertion(TokenUrl)))).Status);
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task Assertion_expiring_too_far_ahead_is_refused()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var assertion = client.Assertion(TokenUrl, expiresIn: TimeSpan.FromMinutes(10));
        await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.AssertionLifetimeTooLong, client.ClientId, assertion);
    }

    [Fact]
    public async Task Expired_assertion_is_refused()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var assertion = client.Assertion(TokenUrl, now: DateTimeOffset.UtcNow.AddMinutes(-10));
        await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.AssertionInvalid, null, assertion);
    }

    [Theory]
    [InlineData("http://localhost/fhir")]
    [InlineData("https://other.example/auth/token")]
    public async Task Assertion_for_another_audience_is_refused(string audience)
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var assertion = client.Assertion(audience);
        var body = await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.AssertionInvalid, null, assertion);
        Assert.Contains("aud", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_client_is_refused()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, TestClient.Es384().Registration());
        var assertion = client.Assertion(TokenUrl);
        await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.UnknownClient, null, assertion);
    }

    [Fact]
    public async Task Assertion_signed_with_another_clients_key_is_refused()
    {
        var alice = TestClient.Es384();
        var mallory = TestClient.Es384();
        TokenRequests.Register(gateway, alice.Registration(), mallory.Registration());
        // Mallory's key under Alice's kid: the signature does not verify.
        var forged = alice.Assertion(TokenUrl, signWith: mallory.Key);
        await AssertRefusedAsync(TokenRequests.Form(forged), "invalid_client", AuthRules.AssertionInvalid, null, forged);
        // Mallory's key with Mallory's kid, claiming to be Alice: that kid is not one of Alice's.
        var borrowed = alice.Assertion(TokenUrl, signWith: mallory.Key, kid: mallory.Kid);
        await AssertRefusedAsync(TokenRequests.Form(borrowed), "invalid_client", AuthRules.UnknownKid, null, borrowed);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS384")]
    public async Task Assertion_algorithm_outside_rs384_rs512_es384_is_refused(string alg)
    {
        var client = TestClient.Rs384();
        TokenRequests.Register(gateway, client.Registration());
        var assertion = alg == "PS384"
            ? Jws.Encode(new Dictionary<string, string> { ["alg"] = alg, ["kid"] = client.Kid }, new Dictionary<string, object> { ["iss"] = client.ClientId },
                data => ((System.Security.Cryptography.RSA)client.Key).SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA384, System.Security.Cryptography.RSASignaturePadding.Pss))
            : client.Assertion(TokenUrl, alg: alg);
        var body = await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.AssertionInvalid, null, assertion);
        Assert.Contains("RS384, RS512 or ES384", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rs512_assertion_is_accepted()
    {
        var client = TestClient.Rs384();
        TokenRequests.Register(gateway, client.Registration());
        var (status, body) = await TokenRequests.PostAsync(_http, TokenUrl, TokenRequests.Form(client.Assertion(TokenUrl, alg: "RS512")));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task Alg_none_and_hs256_assertions_are_refused()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var claims = Jws.Payload(client.Assertion(TokenUrl));
        var none = Jws.Encode(new Dictionary<string, string> { ["alg"] = "none", ["kid"] = client.Kid }, claims, null);
        await AssertRefusedAsync(TokenRequests.Form(none), "invalid_client", AuthRules.AssertionInvalid, null, none);
        var hs = Jws.Encode(new Dictionary<string, string> { ["alg"] = "HS256", ["kid"] = client.Kid }, claims,
            Jws.Hs256(System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(client.PublicJwk))));
        await AssertRefusedAsync(TokenRequests.Form(hs), "invalid_client", AuthRules.AssertionInvalid, null, hs);
    }

    [Fact]
    public async Task Oversized_assertion_is_refused()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        var assertion = client.Assertion(TokenUrl) + new string('A', 9000);
        await AssertRefusedAsync(TokenRequests.Form(assertion), "invalid_client", AuthRules.AssertionInvalid, null, assertion);
    }

    [Fact]
    public async Task Wrong_grant_type_and_assertion_type_are_refused()
    {
        var client = TestClient.Es384();
        TokenRequests.Register(gateway, client.Registration());
        await AssertRefusedAsync(TokenRequests.Form(client.Assertion(TokenUrl), grantType: "password"), "unsupported_grant_type", AuthRules.UnsupportedGrantType, null);
        await AssertRefusedAsync(TokenRequests.Form(client.Assertion(TokenUrl), assertionType: "urn:other"), "invalid_request", AuthRules.InvalidRequest, null);
        var json = new StringContent("{\"grant_type\":\"client_credentials\"}", System.Text.Encoding.UTF8, "application/json");
        await AssertRefusedAsync(json, "invalid_request", AuthRules.InvalidRequest, null);
    }

    [Fact]
    public async Task Registry_file_changes_apply_without_a_restart()
    {
        var client = TestClient.Es384();
        // The file alone, no reload: the gateway must notice (the two documents differ in length, so within one
        // timestamp tick too).
        TokenRequests.WriteRegistry(gateway);
        await AssertRefusedAsync(TokenRequests.Form(client.Assertion(TokenUrl)), "invalid_client", AuthRules.UnknownClient, null);
        TokenRequests.WriteRegistry(gateway, client.Registration());
        var (status, _) = await TokenRequests.PostAsync(_http, TokenUrl, TokenRequests.Form(client.Assertion(TokenUrl)));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    private async Task<JsonObject> AssertRefusedAsync(HttpContent form, string error, string rule, string? auditedClient, string? assertion = null)
    {
        var before = gateway.Audit.Records.Count;
        var (status, body) = await TokenRequests.PostAsync(_http, TokenUrl, form);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body.ToJsonString()}");
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["error_description"]?.GetValue<string>()));
        Assert.Equal(2, body.Count);
        if (assertion is not null)
            foreach (var part in assertion.Split('.').Where(p => p.Length > 8)) Assert.DoesNotContain(part, body.ToJsonString());

        var record = gateway.Audit.Records.Skip(before).Single(r => r.Interaction == AuthAudit.Token);
        Assert.Equal(AuditDecision.Deny, record.Decision);
        Assert.Equal(rule, record.Rule);
        Assert.Equal(auditedClient, record.ClientId);
        if (assertion is not null) Assert.DoesNotContain(assertion, record.ToString());
        return body;
    }
}
