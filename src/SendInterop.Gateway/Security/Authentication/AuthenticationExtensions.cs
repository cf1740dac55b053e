using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.OpenApi;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>Registers and maps system-to-system authentication (SMART Backend Services) for the FHIR API.</summary>
public static class AuthenticationExtensions
{
    /// <summary>The OpenAPI security scheme: HTTP bearer, so an integrator pastes a token into Swagger UI's Authorize.</summary>
    public const string OpenApiScheme = "bearer";

    /// <summary>
    /// JwtBearer as the default scheme (the gateway's own tokens and the configured external issuers'), the FHIR
    /// authorization policy, the signing keys, client registry, token issuer and the Swagger security scheme.
    /// Needs an <see cref="Domain.Audit.IAuditSink"/> registration (the audit trail module).
    /// </summary>
    public static WebApplicationBuilder AddSendInteropAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(JwksCache.HttpClientName, c =>
        {
            c.Timeout = TimeSpan.FromSeconds(5);
            c.DefaultRequestHeaders.Accept.ParseAdd("application/jwk-set+json, application/json");
        });

        services.AddSingleton<AuthFiles>();
        services.AddSingleton<GatewaySigningKeys>();
        services.AddSingleton<JwksCache>();
        services.AddSingleton<TrustedIssuers>();
        services.AddSingleton<ClientRegistry>();
        services.AddSingleton<JtiReplayCache>();
        services.AddSingleton<ClientAssertionValidator>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddSingleton<AuthAudit>();
        services.AddSingleton<SmartCapabilitySecurity>();
        services.AddSingleton<BearerTokenEvents>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, SendJwtBearer>();
        services.AddAuthorizationBuilder()
            .AddPolicy(SendClientAuthorization.Policy, p => p
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .AddRequirements(new SendClientRequirement()));
        services.AddSingleton<IAuthorizationHandler, SendClientRequirementHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, SendAuthorizationResultHandler>();

        services.ConfigureSwaggerGen(o =>
        {
            o.AddFhirSecurityScheme(OpenApiScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from POST /auth/token (SMART Backend Services: client_credentials with a "
                    + "private_key_jwt client assertion; the SendInterop CLI's token command gets one in one step). "
                    + "Paste the access_token value without the word Bearer.",
            });
            o.OperationFilter<AuthOpenApiFilter>();
            o.DocumentFilter<AuthOpenApiFilter>();
        });
        return builder;
    }

    /// <summary>
    /// Maps the token endpoint, the SMART configuration (at the root and under the FHIR base), the JWKS, and in
    /// Development only the test-token shortcut.
    /// </summary>
    public static WebApplication MapAuthEndpoints(this WebApplication app)
    {
        app.MapPost(GatewayUrls.TokenPath, TokenEndpoint.HandleAsync)
            .WithName("token").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet(GatewayUrls.SmartConfigurationPath, DiscoveryEndpoints.SmartConfiguration)
            .WithName("smart-configuration").AllowAnonymous().ExcludeFromDescription();
        app.MapGet(FhirHttpHandler.BasePath + GatewayUrls.SmartConfigurationPath, DiscoveryEndpoints.SmartConfiguration)
            .WithName("smart-configuration-fhir").AllowAnonymous().ExcludeFromDescription();
        app.MapGet(GatewayUrls.JwksPath, DiscoveryEndpoints.Jwks)
            .WithName("jwks").AllowAnonymous().ExcludeFromDescription();

        if (app.Environment.IsDevelopment())
        {
            app.MapPost(GatewayUrls.DevTokenPath, DevTokenEndpoint.HandleAsync)
                .WithName("dev-token").AllowAnonymous().WithTags("Development only")
                .WithSummary("DEVELOPMENT ONLY, NOT FOR PRODUCTION: a test token for a demo organisation (la-926, la-935, ods-RY3, ods-RDE, ods-RMY, school-..., college-...)");
        }
        else if (!OpenApiDocumentGeneration.IsRunning && app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Issuer is null)
        {
            app.Logger.LogWarning("Auth:Issuer is not configured: the issuer, audience and token endpoint follow each request's Host header. Configure Auth:Issuer in production.");
        }
        return app;
    }
}
