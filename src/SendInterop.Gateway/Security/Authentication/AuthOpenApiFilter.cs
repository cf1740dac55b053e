using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Marks the operations that need no token as public in the OpenAPI document (<c>security: []</c>, no 401/403):
/// the CapabilityStatement (FHIR and SMART require it to be readable without authorization) and the Development
/// token shortcut. Every other FHIR operation keeps the document's bearer requirement.
/// </summary>
internal sealed class AuthOpenApiFilter : IOperationFilter, IDocumentFilter
{
    public static readonly IReadOnlySet<string> PublicOperations = new HashSet<string>(StringComparer.Ordinal) { "capabilities", "dev-token" };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var name = context.ApiDescription.ActionDescriptor.EndpointMetadata?.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName;
        if (name is not null && PublicOperations.Contains(name)) operation.Security = [];
    }

    /// <summary>Runs after the FHIR document filter has added 401 and 403 to every FHIR operation.</summary>
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            if (operation.OperationId is null || !PublicOperations.Contains(operation.OperationId)) continue;
            operation.Security = [];
            operation.Responses?.Remove("401");
            operation.Responses?.Remove("403");
        }
    }
}
