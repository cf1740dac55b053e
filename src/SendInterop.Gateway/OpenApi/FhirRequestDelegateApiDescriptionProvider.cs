using System.Reflection;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ApiExplorer;

namespace SendInterop.Gateway.OpenApi;

/// <summary>
/// Makes ApiExplorer (and so Swashbuckle) see the FHIR routes that are mapped to a plain <see cref="RequestDelegate"/>,
/// such as <c>MapGet("/metadata", Handle)</c> with <c>Task Handle(HttpContext)</c>: ASP.NET Core only describes routes
/// whose handler went through the request delegate factory, and silently leaves the others out of the document.
/// Routes ASP.NET Core already describes are left alone, so nothing is listed twice.
/// </summary>
internal sealed class FhirRequestDelegateApiDescriptionProvider(EndpointDataSource endpoints) : IApiDescriptionProvider
{
    /// <summary>Runs after ASP.NET Core's EndpointMetadataApiDescriptionProvider (order -1100).</summary>
    public int Order => -1000;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
            if (name is null || !FhirOperationFilter.EndpointNames.Contains(name)) continue;
            if (endpoint.Metadata.GetMetadata<MethodInfo>() is not null) continue; // described by ASP.NET Core
            if (context.Results.Any(d => d.ActionDescriptor.EndpointMetadata?.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == name) == true)) continue;

            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                context.Results.Add(new ApiDescription
                {
                    HttpMethod = method,
                    RelativePath = endpoint.RoutePattern.RawText?.TrimStart('/'),
                    ActionDescriptor = new ActionDescriptor
                    {
                        DisplayName = endpoint.DisplayName,
                        EndpointMetadata = endpoint.Metadata.ToList(),
                    },
                });
            }
        }
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
    }
}
