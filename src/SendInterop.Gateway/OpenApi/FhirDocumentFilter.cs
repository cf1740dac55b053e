using Microsoft.OpenApi;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Endpoints;
using SendInterop.Gateway.Fhir.Http;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SendInterop.Gateway.OpenApi;

/// <summary>
/// Finishes the document: the shared components (<see cref="FhirOpenApiComponents"/>), the tag description, the paths in
/// the order the routes are declared (the FHIR base without a trailing slash), and, when a security scheme has been
/// configured, 401 and 403 on every FHIR operation.
/// </summary>
internal sealed class FhirDocumentFilter(SearchParameterRegistry registry, EndpointDataSource endpoints) : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var secured = document.Components?.SecuritySchemes is { Count: > 0 };
        FhirOpenApiComponents.AddTo(document, registry, withSecurityResponses: secured);

        document.Tags = new HashSet<OpenApiTag>
        {
            new()
            {
                Name = FhirEndpoints.Tag,
                Description = "The FHIR R4 RESTful API (http://hl7.org/fhir/R4/http.html): system, type and instance interactions "
                    + "and $validate, for every R4 resource type, at the base URL /fhir.",
                ExternalDocs = new OpenApiExternalDocs { Description = "FHIR R4 RESTful API", Url = new Uri("http://hl7.org/fhir/R4/http.html") },
            },
        };

        // Paths in declaration order. The batch/transaction route is declared as "/" in the /fhir group; FHIR calls it
        // [base], i.e. POST /fhir (routing matches /fhir and /fhir/ alike).
        var declared = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Select(e => PathKey(e.RoutePattern.RawText))
            .Distinct(StringComparer.Ordinal)
            .Select((path, index) => (path, index))
            .ToDictionary(x => x.path, x => x.index, StringComparer.Ordinal);
        var paths = new OpenApiPaths();
        foreach (var (path, item) in document.Paths
            .Select(p => (Path: PathKey(p.Key), Item: p.Value))
            .OrderBy(p => declared.TryGetValue(p.Path, out var i) ? i : int.MaxValue)
            .ThenBy(p => p.Path, StringComparer.Ordinal))
        {
            if (paths.TryGetValue(path, out var existing) && existing is OpenApiPathItem into && item.Operations is { } more)
                foreach (var (method, operation) in more) into.Operations?.TryAdd(method, operation);
            else
                paths[path] = item;
        }
        document.Paths = paths;

        if (secured)
        {
            foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
            {
                if (operation.Tags?.Any(t => t.Name == FhirEndpoints.Tag) != true) continue;
                foreach (var status in FhirOpenApiComponents.SecurityStatuses)
                    operation.Responses![status.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                        new OpenApiResponseReference(FhirOpenApiComponents.ErrorResponses[status], document);
            }
        }
    }

    private static string PathKey(string? path) => "/" + (path ?? "").Trim('/');
}
