using System.Net;
using System.Text;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Api;

/// <summary>Bad input never gives a 500: each case gets an OperationOutcome with the right 4xx status.</summary>
public abstract class BadInputTests(GatewayFixture gateway)
{
    private readonly HttpClient _fhir = gateway.Fhir();

    private async Task<string> ExpectAsync(HttpStatusCode expected, HttpRequestMessage request)
    {
        var r = await _fhir.SendAsync(request);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{request.Method} {request.RequestUri} expected {(int)expected}, got {(int)r.StatusCode}: {text}");
        Assert.Contains("\"resourceType\":\"OperationOutcome\"", text);
        return text;
    }

    private static HttpRequestMessage Post(string url, string body, string contentType = Json) =>
        new(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, contentType) };

    [Theory]
    [InlineData("{\"resourceType\":\"Patient\",")]
    [InlineData("not json at all")]
    [InlineData("{\"resourceType\":\"Patient\",\"birthDate\":\"2015-13-45\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"gender\":\"robot\"}")]
    [InlineData("{\"resourceType\":\"Patient\",\"unknownElement\":true}")]
    [InlineData("{\"name\":[{\"family\":\"No type\"}]}")]
    [InlineData("[]")]
    public async Task Malformed_json_is_400(string body) => await ExpectAsync(HttpStatusCode.BadRequest, Post("Patient", body));

    [Fact]
    public async Task Malformed_xml_is_400() =>
        await ExpectAsync(HttpStatusCode.BadRequest, Post("Patient", "<Patient xmlns=\"http://hl7.org/fhir\"><name>", "application/fhir+xml"));

    [Fact]
    public async Task Xml_with_a_dtd_is_refused() =>
        await ExpectAsync(HttpStatusCode.BadRequest, Post("Patient", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><Patient xmlns=\"http://hl7.org/fhir\"><id value=\"&e;\"/></Patient>", "application/fhir+xml"));

    /// <summary>FHIR XML nested <paramref name="levels"/> extensions deep.</summary>
    private static string NestedXml(int levels)
    {
        var xml = new StringBuilder("<Basic xmlns=\"http://hl7.org/fhir\">");
        for (var i = 0; i < levels; i++) xml.Append("<extension url=\"http://example.org/x\">");
        xml.Append("<valueString value=\"x\"/>");
        for (var i = 0; i < levels; i++) xml.Append("</extension>");
        return xml.Append("<code><text value=\"x\"/></code></Basic>").ToString();
    }

    [Theory]
    [InlineData(10_000)] // overflowed the parser's stack and took the process down
    [InlineData(1_000)] // a 500 from the JSON writer
    [InlineData(100)] // stored, then every read, patch and $validate of it was a 500 (deeper than stored JSON is read)
    public async Task Deeply_nested_xml_is_refused_and_the_gateway_stays_up(int levels)
    {
        await ExpectAsync(HttpStatusCode.BadRequest, Post("Basic", NestedXml(levels), "application/fhir+xml"));
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync("metadata")).StatusCode);
    }

    [Fact]
    public async Task Nested_xml_within_the_limit_is_stored_and_read_back_in_both_formats()
    {
        var r = await _fhir.SendAsync(Post("Basic", NestedXml(20), "application/fhir+xml"));
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        var id = System.Text.Json.Nodes.JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync($"Basic/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync($"Basic/{id}?_format=xml")).StatusCode);
    }

    [Fact]
    public async Task A_body_that_is_not_what_its_content_encoding_says_is_400()
    {
        foreach (var encoding in new[] { "br", "gzip", "deflate" })
        {
            var request = Post("Basic", "{\"resourceType\":\"Basic\",\"code\":{\"text\":\"x\"}}");
            request.Content!.Headers.ContentEncoding.Add(encoding);
            await ExpectAsync(HttpStatusCode.BadRequest, request);
        }
    }

    [Theory]
    [InlineData("birthdate=2026-13-45")]
    [InlineData("birthdate=ap9999")]
    [InlineData("_lastUpdated=2026-13-45")]
    public async Task A_scope_constraint_the_store_cannot_search_by_grants_nothing_instead_of_a_500(string constraint)
    {
        var id = await _fhir.CreateAsync("Patient", Build.Patient(birthDate: "2015-03-14"));
        // The control: a constraint the Patient meets grants the read.
        Assert.Equal(HttpStatusCode.OK, (await gateway.Fhir(new TokenSpec(Scope: "system/Patient.rs?birthdate=2015-03-14")).GetAsync($"Patient/{id}")).StatusCode);
        var constrained = gateway.Fhir(new TokenSpec(Scope: $"system/Patient.rs?{constraint}"));
        foreach (var url in new[] { $"Patient/{id}", $"Patient/{id}/_history" })
        {
            var r = await constrained.GetAsync(url);
            Assert.True((int)r.StatusCode is >= 400 and < 500, $"GET {url} with ?{constraint}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Unknown_resource_type_is_404() => await ExpectAsync(HttpStatusCode.NotFound, new HttpRequestMessage(HttpMethod.Get, "Unicorn/1"));

    [Fact]
    public async Task Body_type_not_matching_the_url_is_400() =>
        await ExpectAsync(HttpStatusCode.BadRequest, Post("Observation", Build.Organization("Wrong type")));

    [Fact]
    public async Task Id_mismatch_between_url_and_body_is_400()
    {
        var org = Build.Organization("Mismatch").Replace("\"resourceType\":\"Organization\"", "\"resourceType\":\"Organization\",\"id\":\"abc\"");
        await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Put, "Organization/xyz") { Content = Body(org) });
    }

    [Fact]
    public async Task Update_without_an_id_in_the_body_is_400() =>
        await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Put, "Organization/xyz") { Content = Body(Build.Organization("No id")) });

    [Fact]
    public async Task Invalid_id_is_400() => await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Get, "Patient/" + new string('a', 65)));

    [Fact]
    public async Task Non_fhir_content_type_is_415() => await ExpectAsync(HttpStatusCode.UnsupportedMediaType, Post("Patient", Build.Patient(), "text/plain"));

    [Fact]
    public async Task Deeply_nested_json_is_refused()
    {
        var deep = "{\"resourceType\":\"Patient\",\"extension\":[" + string.Concat(Enumerable.Repeat("{\"url\":\"http://x\",\"extension\":[", 200)) + string.Concat(Enumerable.Repeat("]}", 200)) + "]}";
        await ExpectAsync(HttpStatusCode.BadRequest, Post("Patient", deep));
    }

    [Fact]
    public async Task A_huge_array_is_refused_with_413()
    {
        var huge = "{\"resourceType\":\"Patient\",\"name\":[" + string.Join(",", Enumerable.Repeat("{\"family\":\"x\"}", 60_000)) + "]}";
        await ExpectAsync(HttpStatusCode.RequestEntityTooLarge, Post("Patient", huge));
    }

    [Fact]
    public async Task Invalid_nhs_number_is_422_naming_the_rule()
    {
        var text = await ExpectAsync(HttpStatusCode.UnprocessableEntity, Post("Patient", Build.Patient(nhs: "9990000019")));
        Assert.Contains("check digit", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Reference_to_a_missing_resource_is_422() =>
        await ExpectAsync(HttpStatusCode.UnprocessableEntity, Post("Observation", Build.Observation("nobody")));

    [Fact]
    public async Task Malformed_if_match_is_400()
    {
        var id = await _fhir.CreateAsync("Organization", Build.Organization("Etag"));
        var req = new HttpRequestMessage(HttpMethod.Put, $"Organization/{id}") { Content = Body(Build.Organization("Etag").Replace("\"resourceType\":\"Organization\"", $"\"resourceType\":\"Organization\",\"id\":\"{id}\"")) };
        req.Headers.TryAddWithoutValidation("If-Match", "banana");
        await ExpectAsync(HttpStatusCode.BadRequest, req);
    }

    [Fact]
    public async Task Wrong_method_is_405() => await ExpectAsync(HttpStatusCode.MethodNotAllowed, new HttpRequestMessage(HttpMethod.Post, "Patient/123"));

    [Fact]
    public async Task Bundle_of_the_wrong_type_is_400()
    {
        var r = Post("", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}");
        await ExpectAsync(HttpStatusCode.BadRequest, r);
    }

    [Fact]
    public async Task Transaction_entry_without_request_is_400() =>
        await ExpectAsync(HttpStatusCode.BadRequest, Post("", "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":" + Build.Organization("x") + "}]}"));

    [Fact]
    public async Task Unknown_operation_is_404() => await ExpectAsync(HttpStatusCode.NotFound, new HttpRequestMessage(HttpMethod.Post, "Patient/$frobnicate") { Content = Body(Build.Patient()) });

    [Theory]
    [InlineData("AuditEvent?agent=%00")]
    [InlineData("AuditEvent?agent=Organization/a%20b")]
    public async Task A_bad_audit_agent_is_400(string url) => await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Get, url));

    [Theory]
    [InlineData("AuditEvent?date=9999-12-31T23:59:59.9999999Z")]
    [InlineData("AuditEvent?date=le9999-12-31T23:59:59.9999999Z")]
    [InlineData("AuditEvent?date=gt9999-12-31T23:59:59.9999999Z")]
    public async Task An_audit_date_at_the_end_of_time_is_searched_not_a_server_error(string url)
    {
        var r = await _fhir.GetAsync(url);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{url} expected 200, got {(int)r.StatusCode}: {text}");
        Assert.Contains("\"resourceType\":\"Bundle\"", text);
    }

    [Fact]
    public async Task Bad_version_in_vread_is_400() => await ExpectAsync(HttpStatusCode.BadRequest, new HttpRequestMessage(HttpMethod.Get, "Patient/abc/_history/zero"));
}

[Collection("sqlite")] public sealed class SqliteBadInputTests(SqliteGateway g) : BadInputTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresBadInputTests(PostgresGateway g) : BadInputTests(g), IClassFixture<PostgresGateway>;
