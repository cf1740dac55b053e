using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi;
using SendInterop.Gateway.Fhir.Validation;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SendInterop.Gateway.OpenApi;

/// <summary>
/// The OpenAPI document of the FHIR API (Swashbuckle) and Swagger UI. The document is served at
/// <see cref="FhirOpenApiDocument.Path"/>, the UI at <c>/swagger</c>, and the same document is generated at build time
/// into <c>openapi/sendinterop-fhir.json</c> (scripts/check-openapi.sh checks the committed copy).
/// </summary>
/// <remarks>
/// Swashbuckle has a class of the same name in Microsoft.Extensions.DependencyInjection, so refer to the constants through
/// <see cref="FhirOpenApiDocument"/>; the extension methods resolve without ambiguity.
/// </remarks>
public static class SwaggerServiceCollectionExtensions
{
    /// <summary>Registers the OpenAPI document of the FHIR API (ApiExplorer, SwaggerGen and the FHIR filters).</summary>
    public static WebApplicationBuilder AddFhirSwagger(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddEndpointsApiExplorer();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiDescriptionProvider, FhirRequestDelegateApiDescriptionProvider>());
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(FhirOpenApiDocument.Name, new OpenApiInfo { Title = FhirOpenApiDocument.Title, Version = FhirOpenApiDocument.Name, Description = FhirOpenApiDocument.Description });
            // Server-relative: the API is wherever this document is served from (a PathBase is added per request below).
            o.AddServer(new OpenApiServer { Url = "/", Description = "This gateway" });
            o.OperationFilter<FhirOperationFilter>();
            o.DocumentFilter<FhirDocumentFilter>();
        });

        if (OpenApiDocumentGeneration.IsRunning)
        {
            // The generator only reads the document: do not load the FHIR specification in the background.
            services.PostConfigure<ValidationOptions>(o => o.WarmUpOnStart = false);
        }
        return builder;
    }

    /// <summary>
    /// The hook for access control: declares <paramref name="scheme"/> (e.g. a bearer JWT) as a security scheme required by
    /// every operation, and adds the 401 and 403 responses to every FHIR operation. <see cref="AddFhirSwagger"/> does not
    /// call it; the module that adds authentication does, for example:
    /// <code>
    /// builder.Services.ConfigureSwaggerGen(o => o.AddFhirSecurityScheme("bearer",
    ///     new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT" }));
    /// </code>
    /// </summary>
    public static SwaggerGenOptions AddFhirSecurityScheme(this SwaggerGenOptions options, string name, OpenApiSecurityScheme scheme)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(scheme);
        options.AddSecurityDefinition(name, scheme);
        options.AddSecurityRequirement(document => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(name, document)] = [] });
        return options;
    }

    /// <summary>Serves the document at <see cref="FhirOpenApiDocument.Path"/> and Swagger UI at <c>/swagger</c>.</summary>
    public static WebApplication UseFhirSwagger(this WebApplication app)
    {
        app.UseSwagger(o =>
        {
            o.OpenApiVersion = FhirOpenApiDocument.SpecVersion;
            o.PreSerializeFilters.Add((document, request) =>
            {
                if (request.PathBase.HasValue) document.Servers = [new OpenApiServer { Url = request.PathBase.Value, Description = "This gateway" }];
            });
        });
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = FhirOpenApiDocument.UiRoutePrefix;
            o.DocumentTitle = FhirOpenApiDocument.Title;
            o.SwaggerEndpoint($"{FhirOpenApiDocument.Name}/swagger.json", FhirOpenApiDocument.Title); // relative to /swagger/, so it works under a PathBase
            o.DisplayOperationId();
            o.DisplayRequestDuration();
            o.EnableDeepLinking();
        });
        return app;
    }
}
