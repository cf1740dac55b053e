using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Security.Authentication;

/// <summary>
/// The Development-only token shortcut: a token for a demo organisation, marked as such; anything else it is asked for is
/// the client's 400 with an OAuth error body (a missing organisation was a 500: the parameter's binding failed).
/// </summary>
public sealed class DevTokenEndpointTests(DevelopmentGateway gateway) : IClassFixture<DevelopmentGateway>
{
    [Fact]
    public async Task A_demo_organisation_gets_a_marked_token_that_the_api_accepts()
    {
        var response = await gateway.CreateClient().PostAsync("/auth/dev-token?organisation=la-926", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DevTokenEndpoint.HeaderValue, response.Headers.GetValues(DevTokenEndpoint.Header).Single());
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();

        var fhir = gateway.CreateClient();
        fhir.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await fhir.GetAsync("/fhir/Patient?_count=1")).StatusCode);
    }

    [Theory]
    [InlineData("/auth/dev-token", "organisation")]
    [InlineData("/auth/dev-token?organisation=", "organisation")]
    [InlineData("/auth/dev-token?organisation=la-999", "organisation")]
    [InlineData("/auth/dev-token?organisation=ods-RY3&agency=education", "agency")]
    [InlineData("/auth/dev-token?organisation=la-926&scope=system/Nothing.zz", "scope")]
    [InlineData("/auth/dev-token?organisation=la-926&purposes=marketing", "purpose")]
    public async Task Bad_requests_get_400_with_an_error_that_names_the_parameter(string url, string named)
    {
        var response = await gateway.CreateClient().PostAsync(url, null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("invalid_request", body["error"]!.GetValue<string>());
        Assert.Contains(named, body["error_description"]!.GetValue<string>());
    }
}

/// <summary>The gateway on its own SQLite database in the Development environment (where the dev-token shortcut is mapped).</summary>
public sealed class DevelopmentGateway() : SqliteGatewayFixture("sendinterop-development-")
{
    protected override Dictionary<string, string?> MoreSettings() => new()
    {
        ["DemoData:Enabled"] = "false",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
    }
}
