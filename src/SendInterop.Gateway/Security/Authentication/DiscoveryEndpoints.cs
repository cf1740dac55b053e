using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The public discovery documents: the SMART configuration (SMART App Launch v2,
/// <c>/.well-known/smart-configuration</c>, also under the FHIR base) and the gateway's JWKS (public keys only).
/// </summary>
public static class DiscoveryEndpoints
{
    /// <summary>Scopes offered to backend clients (the registration decides what each client gets).</summary>
    public static readonly string[] ScopesSupported = ["system/*.cruds", "system/*.rs", "system/*.cud", "system/Patient.rs", "system/CarePlan.cruds", "system/Consent.cruds"];

    public static IResult SmartConfiguration(HttpContext context, IOptions<AuthOptions> options)
    {
        var urls = GatewayUrls.For(context.Request, options.Value);
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = urls.Issuer,
            ["jwks_uri"] = urls.JwksUri,
            ["token_endpoint"] = urls.TokenEndpoint,
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.EcdsaSha384 },
            ["scopes_supported"] = ScopesSupported,
            ["response_types_supported"] = Array.Empty<string>(),
            ["capabilities"] = new[] { "client-confidential-asymmetric", "permission-v2" },
        });
    }

    public static IResult Jwks(HttpContext context, GatewaySigningKeys keys)
    {
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Json(keys.PublicJwks, JwkSet.JsonOptions, contentType: "application/jwk-set+json");
    }
}
