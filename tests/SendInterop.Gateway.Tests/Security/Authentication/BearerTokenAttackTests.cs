using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>
/// The attack list of issue #3 point 6 against the FHIR API: each bad token gets 401 (or 403 for a verified token
/// whose claims are unusable) with an OperationOutcome naming the check that failed, never echoing the token, and
/// each attempt is audited without the token.
/// </summary>
public sealed class BearerTokenAttackTests(AuthGateway gateway) : IClassFixture<AuthGateway>
{
    private readonly GatewayKey _key = new(gateway);

    [Fact]
    public async Task A_valid_gateway_token_reads_the_api()
    {
        var response = await gateway.Fhir().GetAsync("Organization?_count=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Missing_token_is_401_with_a_bearer_challenge_and_audited()
    {
        var response = await gateway.AnonymousFhir().GetAsync("Patient");
        var outcome = await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, AuthRules.MissingToken, token: null);
        Assert.Equal("Bearer realm=\"SendInterop\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("Authorization: Bearer", outcome.Issues());
    }

    [Fact]
    public async Task Another_authorization_scheme_is_a_missing_token()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "Patient");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("a:b")));
        await AssertRefusedAsync(await gateway.AnonymousFhir().SendAsync(request), HttpStatusCode.Unauthorized, AuthRules.MissingToken, token: null);
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var past = DateTimeOffset.UtcNow.AddMinutes(-20);
        var token = _key.Sign(_key.Claims(past));
        var outcome = await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.TokenExpired, token);
        Assert.Contains("expired", outcome.Issues());
    }

    [Fact]
    public async Task Expired_token_within_the_clock_skew_is_still_accepted()
    {
        var claims = _key.Claims(DateTimeOffset.UtcNow.AddMinutes(-5));
        claims["exp"] = Jws.Epoch(DateTimeOffset.UtcNow.AddSeconds(-10));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(_key.Sign(claims))).StatusCode);
    }

    [Fact]
    public async Task Token_not_yet_valid_is_401()
    {
        var claims = _key.Claims();
        claims["nbf"] = Jws.Epoch(DateTimeOffset.UtcNow.AddMinutes(3));
        await AssertRefusedAsync(await SendAsync(_key.Sign(claims)), HttpStatusCode.Unauthorized, AuthRules.TokenNotYetValid, null);
    }

    [Fact]
    public async Task Token_without_exp_is_401()
    {
        var claims = _key.Claims();
        claims.Remove("exp");
        await AssertRefusedAsync(await SendAsync(_key.Sign(claims)), HttpStatusCode.Unauthorized, AuthRules.MissingExpiry, null);
    }

    [Fact]
    public async Task Wrong_audience_is_401()
    {
        var claims = _key.Claims();
        claims["aud"] = "https://another-server.example/fhir";
        await AssertRefusedAsync(await SendAsync(_key.Sign(claims)), HttpStatusCode.Unauthorized, AuthRules.WrongAudience, null);
    }

    [Fact]
    public async Task A_client_assertion_audience_is_not_an_access_token_audience()
    {
        var claims = _key.Claims();
        claims["aud"] = _key.Issuer + "/auth/token";
        await AssertRefusedAsync(await SendAsync(_key.Sign(claims)), HttpStatusCode.Unauthorized, AuthRules.WrongAudience, null);
    }

    [Fact]
    public async Task Wrong_issuer_is_401_even_when_signed_with_the_gateway_key()
    {
        var claims = _key.Claims();
        claims["iss"] = "https://evil.example";
        await AssertRefusedAsync(await SendAsync(_key.Sign(claims)), HttpStatusCode.Unauthorized, AuthRules.UntrustedIssuer, null);
    }

    [Fact]
    public async Task Alg_none_is_401()
    {
        var token = Jws.Encode(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = _key.Kid }, _key.Claims(), sign: null);
        await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.AlgorithmNotAllowed, token);
    }

    [Theory]
    [InlineData("jwk")]
    [InlineData("spki")]
    public async Task Hs256_signed_with_the_public_key_bytes_is_401(string keyForm)
    {
        var secret = keyForm == "jwk" ? Encoding.UTF8.GetBytes(_key.PublicJwkJson) : _key.Rsa.ExportSubjectPublicKeyInfo();
        var token = Jws.Encode(new Dictionary<string, string> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = _key.Kid }, _key.Claims(), Jws.Hs256(secret));
        await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.AlgorithmNotAllowed, token);
    }

    [Fact]
    public async Task Unknown_kid_is_401()
    {
        var token = _key.Sign(_key.Claims(), kid: "no-such-key");
        await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.UnknownKid, token);
    }

    [Fact]
    public async Task Token_without_kid_is_401()
    {
        var token = Jws.Encode(new Dictionary<string, string> { ["alg"] = "RS384", ["typ"] = "JWT" }, _key.Claims(),
            Jws.Rs(_key.Rsa, System.Security.Cryptography.HashAlgorithmName.SHA384));
        await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.UnknownKid, token);
    }

    [Fact]
    public async Task Tampered_payload_is_401()
    {
        var token = gateway.TokenFor(new TokenSpec(Organisation: "la-935"));
        var parts = token.Split('.');
        var payload = Jws.Payload(token);
        payload["org"] = "la-926";
        payload["scope"] = "system/*.cruds";
        var tampered = parts[0] + "." + Jws.B64(Encoding.UTF8.GetBytes(payload.ToJsonString())) + "." + parts[2];
        await AssertRefusedAsync(await SendAsync(tampered), HttpStatusCode.Unauthorized, AuthRules.BadSignature, tampered);
    }

    [Fact]
    public async Task Signature_from_another_key_under_the_gateway_kid_is_401()
    {
        using var other = System.Security.Cryptography.RSA.Create(2048);
        var token = Jws.Encode(new Dictionary<string, string> { ["alg"] = "RS384", ["typ"] = "JWT", ["kid"] = _key.Kid }, _key.Claims(),
            Jws.Rs(other, System.Security.Cryptography.HashAlgorithmName.SHA384));
        await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.BadSignature, token);
    }

    [Fact]
    public async Task Oversized_token_is_401_unread()
    {
        var claims = _key.Claims();
        claims["padding"] = new string('x', 9000);
        var token = _key.Sign(claims);
        await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.TokenOversized, token);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJSUzM4NCJ9.%%%.abc")]
    public async Task Malformed_token_is_401(string token) =>
        await AssertRefusedAsync(await SendAsync(token), HttpStatusCode.Unauthorized, AuthRules.TokenMalformed, token);

    [Theory]
    [InlineData("scope", "system/Patient.xyz")]
    [InlineData("scope", "system/Patient.rs launch/other")]
    [InlineData("scope", "openid")]
    [InlineData("agency", "police")]
    [InlineData("purposes", "direct-care marketing")]
    public async Task Verified_token_with_unusable_claims_is_403_and_audited_with_the_client(string claim, string value)
    {
        var claims = _key.Claims();
        claims[claim] = value;
        var token = _key.Sign(claims);
        var response = await SendAsync(token);
        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, AuthRules.InvalidClaims, token);
        var record = gateway.Audit.Records.Last(r => r.Rule == AuthRules.InvalidClaims);
        Assert.Equal("forged-client", record.ClientId);
        Assert.Equal("la-926", record.OrganisationId);
    }

    [Fact]
    public async Task Token_missing_the_organisation_claim_is_403()
    {
        var claims = _key.Claims();
        claims.Remove("org");
        await AssertRefusedAsync(await SendAsync(_key.Sign(claims)), HttpStatusCode.Forbidden, AuthRules.InvalidClaims, null);
    }

    [Theory]
    [InlineData("GET", "_history")]
    [InlineData("POST", "")]
    [InlineData("GET", "Patient/123/$everything")]
    [InlineData("DELETE", "Patient")]
    [InlineData("GET", "Patient/123/_history/1")]
    [InlineData("POST", "Patient/$validate")]
    public async Task Every_fhir_route_including_the_fallback_requires_a_token(string method, string path)
    {
        var response = await gateway.AnonymousFhir().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, AuthRules.MissingToken, null);
    }

    [Fact]
    public async Task The_refusal_follows_the_requested_fhir_format()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "Patient?_format=xml");
        var response = await gateway.AnonymousFhir().SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<OperationOutcome", await response.Content.ReadAsStringAsync());
    }

    private async Task<HttpResponseMessage> SendAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "Organization?_count=1");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await gateway.AnonymousFhir().SendAsync(request);
    }

    /// <summary>Status, an OperationOutcome naming the rule, the challenge, no token in the body, and an audit record without it.</summary>
    private async Task<JsonNode> AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string rule, string? token)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = JsonNode.Parse(text)!;
        Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
        Assert.Equal(rule, outcome["issue"]![0]!["details"]!["coding"]![0]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(outcome.Issues()));
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith("Bearer", challenge);
        if (status == HttpStatusCode.Unauthorized && rule != AuthRules.MissingToken)
            Assert.Contains("error=\"invalid_token\"", challenge);
        if (status == HttpStatusCode.Forbidden) Assert.Contains("error=\"insufficient_scope\"", challenge);
        if (token is { Length: > 8 })
        {
            Assert.DoesNotContain(token, text);
            Assert.DoesNotContain(token, challenge);
            foreach (var part in token.Split('.').Where(p => p.Length > 8)) Assert.DoesNotContain(part, text);
        }

        var correlation = (await Task.FromResult(gateway.Audit.Records.ToList()))
            .LastOrDefault(r => r.Interaction == AuthAudit.Authenticate && r.Rule == rule);
        Assert.NotNull(correlation);
        Assert.Equal(AuditDecision.Deny, correlation!.Decision);
        Assert.Equal(AuditAction.Execute, correlation.Action);
        if (token is { Length: > 8 }) Assert.DoesNotContain(token, correlation.ToString());
        if (status == HttpStatusCode.Unauthorized) Assert.Null(correlation.ClientId);
        return outcome;
    }
}
