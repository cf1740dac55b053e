using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Search;
using SendInterop.Gateway.OpenApi;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.OpenApi;

/// <summary>
/// The OpenAPI document served by the running gateway: every FHIR route is in it with FHIR media types, parameters,
/// headers and error responses, Swagger UI serves, and the example bodies are accepted by the gateway itself.
/// </summary>
[Collection("sqlite")]
public sealed class SwaggerTests(SqliteGateway gateway) : IClassFixture<SqliteGateway>
{
    private const string FhirJson = "application/fhir+json";
    private const string FhirXml = "application/fhir+xml";

    [Fact]
    public async Task Every_fhir_route_is_documented_with_fhir_json_content()
    {
        var document = await DocumentAsync();
        var routes = FhirRoutes();
        Assert.True(routes.Count >= 17, $"expected the 17 FHIR routes, found {routes.Count}");

        foreach (var (path, method, name) in routes)
        {
            var operation = Operation(document, path, method);
            var where = $"{method} {path} ({name})";
            Assert.Equal(name, operation["operationId"]?.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()), $"{where} has no summary");
            Assert.False(string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()), $"{where} has no description");
            Assert.Contains("FHIR R4", operation["tags"]!.AsArray().Select(t => t!.GetValue<string>()));

            var responses = operation["responses"]!.AsObject();
            Assert.Contains(responses, r => r.Key.StartsWith('2'));
            foreach (var (status, reference) in responses)
            {
                var response = Resolve(document, reference!);
                if (status == "204") continue;
                var content = response["content"]?.AsObject();
                // The SEN2 export answers with the DfE file itself (plain XML), not a FHIR resource.
                if (name == "sen2-export" && status[0] == '2')
                {
                    Assert.True(content?.ContainsKey("application/xml") == true, $"{where} response {status} has no application/xml content");
                    continue;
                }
                // A bulk export's status answers with the Bulk Data manifest (JSON), or nothing while in progress; its files are NDJSON.
                if (name is "export-status" or "export-file" && status[0] == '2')
                {
                    var media = status == "202" ? null : name == "export-file" ? "application/fhir+ndjson" : "application/json";
                    Assert.True(media is null ? content is null : content?.ContainsKey(media) == true, $"{where} response {status} has not {media ?? "an empty body"}");
                    continue;
                }
                Assert.True(content?.ContainsKey(FhirJson) == true, $"{where} response {status} has no {FhirJson} content");
                Assert.True(content!.ContainsKey(FhirXml), $"{where} response {status} has no {FhirXml} content");
                if (status[0] is '4' or '5')
                {
                    Assert.Equal("#/components/schemas/OperationOutcome", content[FhirJson]!["schema"]!["$ref"]!.GetValue<string>());
                    Assert.Equal("OperationOutcome", content[FhirJson]!["example"]!["resourceType"]!.GetValue<string>());
                }
            }

            if (method is "POST" or "PUT" or "PATCH")
            {
                var body = operation["requestBody"]?["content"]?.AsObject();
                Assert.True(body is not null, $"{where} has no request body");
                if (name == "search-type-post")
                {
                    Assert.True(body.ContainsKey("application/x-www-form-urlencoded"), $"{where} does not take a form");
                    continue;
                }
                if (name == "sen2-import")
                {
                    // The SEN2 import takes the DfE file itself (plain XML), not a FHIR resource.
                    Assert.True(body.ContainsKey("application/xml"), $"{where} does not take application/xml");
                    continue;
                }
                Assert.True(body.ContainsKey(FhirJson) && body.ContainsKey(FhirXml), $"{where} does not take FHIR JSON and XML");
                Assert.NotEmpty(body[FhirJson]!["examples"]!.AsObject());
                if (method == "PATCH") Assert.True(body.ContainsKey("application/json-patch+json"), $"{where} does not take JSON Patch");
            }
        }
    }

    [Fact]
    public async Task Type_is_an_enum_of_the_r4_resource_types_defaulting_to_Patient()
    {
        var document = await DocumentAsync();
        var schema = document["components"]!["schemas"]!["FhirResourceType"]!;
        var types = schema["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        var registry = gateway.Services.GetRequiredService<SearchParameterRegistry>();
        Assert.Equal(registry.ResourceTypes.Order(StringComparer.Ordinal), types);
        Assert.Contains("CarePlan", types);
        Assert.Equal("Patient", schema["default"]!.GetValue<string>());

        foreach (var (path, method, _) in FhirRoutes().Where(r => r.Path.Contains("{type}")))
        {
            var type = Parameters(document, Operation(document, path, method)).Single(p => p["name"]!.GetValue<string>() == "type");
            Assert.Equal("path", type["in"]!.GetValue<string>());
            Assert.Equal("#/components/schemas/FhirResourceType", type["schema"]!["$ref"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("search-type", "query", "_format,_count,_sort,_summary,_elements,_include,_revinclude")]
    [InlineData("search-type", "header", "Prefer")]
    [InlineData("history-system", "query", "_count,_since")]
    [InlineData("history-type", "query", "_count,_since")]
    [InlineData("history-instance", "query", "_count,_since")]
    [InlineData("create", "header", "If-None-Exist,Prefer")]
    [InlineData("update", "header", "If-Match,Prefer")]
    [InlineData("patch", "header", "If-Match,Prefer")]
    [InlineData("delete", "header", "If-Match")]
    public async Task Fhir_parameters_and_headers_are_documented(string operationId, string location, string names)
    {
        var document = await DocumentAsync();
        var (path, method, _) = FhirRoutes().Single(r => r.Name == operationId);
        var documented = Parameters(document, Operation(document, path, method))
            .Where(p => p["in"]!.GetValue<string>() == location)
            .Select(p => p["name"]!.GetValue<string>())
            .ToList();
        foreach (var name in names.Split(',')) Assert.Contains(name, documented);
    }

    [Fact]
    public async Task Swagger_ui_serves()
    {
        using var client = gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var index = await client.GetAsync("/swagger/index.html");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        var html = await index.Content.ReadAsStringAsync();
        Assert.Contains("swagger-ui", html);
        Assert.Contains(FhirOpenApiDocument.Title, html);

        var redirect = await client.GetAsync("/swagger");
        Assert.True((int)redirect.StatusCode is >= 300 and < 400, $"/swagger gave {(int)redirect.StatusCode}");
        Assert.EndsWith("swagger/index.html", redirect.Headers.Location!.ToString());
    }

    [Fact]
    public async Task The_examples_are_accepted_by_the_gateway()
    {
        var document = await DocumentAsync();
        var examples = document["components"]!["examples"]!;
        string Example(string name) => examples[name]!["value"]! is JsonValue v ? v.GetValue<string>() : examples[name]!["value"]!.ToJsonString();
        var fhir = gateway.Fhir();

        // The SEND child: created (validated against send-child, NHS number and UPN checked).
        var created = await fhir.PostAsync("Patient", Body(Example("SendChild")));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.JsonAsync())["id"]!.GetValue<string>();

        // The transaction: atomic, and its conditional create finds the child created above.
        var transaction = await fhir.PostAsync("", Body(Example("TransactionBundle")));
        var answer = await transaction.Content.ReadAsStringAsync();
        Assert.True(transaction.StatusCode == HttpStatusCode.OK, answer);
        var statuses = JsonNode.Parse(answer)!["entry"]!.AsArray().Select(e => e!["response"]!["status"]!.GetValue<string>()).ToList();
        Assert.Equal(["200", "201", "201", "201"], statuses.Select(s => s[..3]));

        // The EHC plan and the XML examples pass $validate without errors.
        await AssertValidAsync(fhir, "CarePlan", Example("EhcPlan"), FhirJson);
        await AssertValidAsync(fhir, "Patient", Example("SendChildXml"), FhirXml);
        await AssertValidAsync(fhir, "CarePlan", Example("EhcPlanXml"), FhirXml);

        // Both patch examples apply to the child.
        var jsonPatch = new HttpRequestMessage(HttpMethod.Patch, $"Patient/{id}") { Content = new StringContent(Example("JsonPatch"), Encoding.UTF8, "application/json-patch+json") };
        var patched = await fhir.SendAsync(jsonPatch);
        Assert.True(patched.StatusCode == HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        var fhirPathPatch = new HttpRequestMessage(HttpMethod.Patch, $"Patient/{id}") { Content = Body(Example("FhirPathPatch")) };
        patched = await fhir.SendAsync(fhirPathPatch);
        Assert.True(patched.StatusCode == HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        Assert.Equal(2, (await patched.JsonAsync())["address"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_fhir_api_documents_the_bearer_scheme_401_403_and_a_public_capability_statement()
    {
        // Authentication (Security/Authentication) configures the hook: an HTTP bearer scheme for Swagger UI's Authorize.
        var document = await DocumentAsync();

        var scheme = document["components"]!["securitySchemes"]!["bearer"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]!["bearer"]);
        var read = Operation(document, "/fhir/{type}/{id}", "GET");
        Assert.Equal("#/components/responses/Unauthorized", read["responses"]!["401"]!["$ref"]!.GetValue<string>());
        Assert.Equal("#/components/responses/Forbidden", read["responses"]!["403"]!["$ref"]!.GetValue<string>());

        var capabilities = Operation(document, "/fhir/metadata", "GET");
        Assert.Empty(capabilities["security"]!.AsArray());
        Assert.Null(capabilities["responses"]!["401"]);
    }

    private static async Task AssertValidAsync(HttpClient fhir, string type, string body, string mediaType)
    {
        var r = await fhir.PostAsync($"{type}/$validate", new StringContent(body, Encoding.UTF8, mediaType));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, text);
        var errors = JsonNode.Parse(text)!["issue"]!.AsArray().Where(i => i!["severity"]!.GetValue<string>() is "error" or "fatal").ToList();
        Assert.True(errors.Count == 0, $"{type} example ({mediaType}) is not valid: {text}");
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var client = gateway.CreateClient();
        var r = await client.GetAsync(FhirOpenApiDocument.Path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var document = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.0", document["openapi"]!.GetValue<string>());
        Assert.Equal(FhirOpenApiDocument.Title, document["info"]!["title"]!.GetValue<string>());
        return document;
    }

    /// <summary>
    /// Every FHIR route the running app maps (except those explicitly excluded from API descriptions): OpenAPI path (FHIR
    /// base without trailing slash), method, endpoint name.
    /// </summary>
    private List<(string Path, string Method, string Name)> FhirRoutes() =>
        gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw == "/fhir" || raw.StartsWith("/fhir/", StringComparison.Ordinal)))
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription != true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                ("/" + e.RoutePattern.RawText!.Trim('/'), m, e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "(unnamed)")))
            .ToList();

    private static JsonNode Operation(JsonNode document, string path, string method) =>
        document["paths"]?[path]?[method.ToLowerInvariant()] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the OpenAPI document");

    private static IEnumerable<JsonNode> Parameters(JsonNode document, JsonNode operation) =>
        (operation["parameters"]?.AsArray() ?? []).Select(p => Resolve(document, p!));

    /// <summary>Follows a local $ref (#/components/...).</summary>
    private static JsonNode Resolve(JsonNode document, JsonNode node)
    {
        if (node["$ref"]?.GetValue<string>() is not { } reference) return node;
        var target = document;
        foreach (var segment in reference.TrimStart('#', '/').Split('/')) target = target[segment] ?? throw new Xunit.Sdk.XunitException($"dangling {reference}");
        return target;
    }
}
