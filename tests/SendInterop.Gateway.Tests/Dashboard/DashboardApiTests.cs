using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Dashboard;
using SendInterop.Gateway.Tests.Indicators;
using SendInterop.Gateway.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Dashboard;

/// <summary>
/// The dashboard's routes in-process: the page is served (no token, strict CSP), the data API needs a token with the
/// commissioner role and Measure read scope (403 otherwise), and its reports are exactly <c>$evaluate-measure</c>'s.
/// </summary>
public sealed class DashboardApiTests(IndicatorGateway gateway) : IClassFixture<IndicatorGateway>
{
    private static readonly TokenSpec Commissioner = new(Role: CommissionerRole.Value, Scope: "system/Measure.rs", Purposes: "commissioning");

    private HttpClient Client(TokenSpec? spec)
    {
        var client = gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (spec is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gateway.TokenFor(spec));
        return client;
    }

    [Fact]
    public async Task The_page_and_its_bundle_are_served_with_a_strict_content_security_policy()
    {
        var client = Client(null);
        var page = await client.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var csp = string.Join(" ", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("src=\"dashboard.js\"", html);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal); // every asset is the gateway's own: no CDN

        var script = await client.GetAsync("/dashboard/dashboard.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Chart.js", await script.Content.ReadAsStringAsync()); // bundled, with its licence notice

        var cached = new HttpRequestMessage(HttpMethod.Get, "/dashboard/dashboard.js");
        cached.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(cached)).StatusCode);

        var bare = await client.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal("/dashboard/", bare.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/dashboard/missing.js")).StatusCode);
    }

    [Fact]
    public async Task Login_options_offer_no_dev_token_outside_development()
    {
        var options = JsonNode.Parse(await Client(null).GetStringAsync("/dashboard/api/login-options"))!;
        Assert.Equal(CommissionerRole.Value, options["role"]!.GetValue<string>());
        Assert.Null(options["devTokenPath"]);
    }

    [Theory]
    [InlineData("/dashboard/api/areas")]
    [InlineData("/dashboard/api/measures")]
    [InlineData("/dashboard/api/reports?subject=England&sen2Year=2025")]
    public async Task The_data_needs_a_commissioner_token(string path)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(null).GetAsync(path)).StatusCode);

        foreach (var refused in new[]
                 {
                     new TokenSpec(Scope: "system/Measure.rs"), // no role
                     new TokenSpec(Role: "sen-caseworker", Scope: "system/*.rs"), // another role
                     new TokenSpec(Role: CommissionerRole.Value, Scope: "system/Patient.rs", Purposes: "commissioning"), // no Measure scope
                 })
        {
            var response = await Client(refused).GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            var outcome = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
            Assert.Equal("forbidden", outcome["issue"]![0]!["code"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.OK, (await Client(Commissioner).GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Reports_are_what_evaluate_measure_answers()
    {
        await gateway.Fhir().PutAsync("Organization/la-926", FhirHttp.Body(IndicatorGateway.La("926", "Norfolk County Council")));
        var areas = JsonNode.Parse(await Client(Commissioner).GetStringAsync("/dashboard/api/areas"))!;
        Assert.Contains(areas["areas"]!.AsArray(), a => a!["code"]!.GetValue<string>() == "926");
        Assert.Contains("1 to 5", areas["suppressionRule"]!.GetValue<string>());

        var bundle = JsonNode.Parse(await Client(Commissioner).GetStringAsync(
            "/dashboard/api/reports?subject=Organization/la-926&subject=England&sen2Year=2024&sen2Year=2025&measure=ehc-plans-in-place,requests-refused"))!;
        Assert.Equal("collection", bundle["type"]!.GetValue<string>());
        var reports = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        Assert.Equal(2 * 2 * 2, reports.Count);

        var fhir = gateway.Fhir(Commissioner);
        foreach (var report in reports)
        {
            var measure = report["measure"]!.GetValue<string>().Split('|')[0].Split('/')[^1];
            var year = report["extension"]!.AsArray().First(e => e!["url"]!.GetValue<string>().EndsWith("indicator-reference-date", StringComparison.Ordinal))!["valueDate"]!.GetValue<string>()[..4];
            var subject = report["subject"]!["identifier"]!["value"]!.GetValue<string>();
            var api = JsonNode.Parse(await fhir.GetStringAsync($"Measure/{measure}/$evaluate-measure?sen2Year={year}&subject={(subject.Length == 3 ? "Organization/la-" + subject : "England")}"))!;
            Assert.Equal(api["group"]!.ToJsonString(), report["group"]!.ToJsonString());
            Assert.Equal(api["period"]!.ToJsonString(), report["period"]!.ToJsonString());
        }
    }

    [Theory]
    [InlineData("subject=England&sen2Year=1999")]
    [InlineData("subject=England&sen2Year=2025&measure=no-such-indicator")]
    [InlineData("sen2Year=2025")]
    [InlineData("subject=nowhere&sen2Year=2025")]
    public async Task A_bad_report_query_is_400(string query)
    {
        var response = await Client(Commissioner).GetAsync("/dashboard/api/reports?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("OperationOutcome", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["resourceType"]!.GetValue<string>());
    }
}
