using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The gateway's own URLs for one request: its issuer, the accepted audiences, the token endpoint and the JWKS.
/// Configured values win; the rest derive from the configured issuer or, failing that, from the request's base URL.
/// </summary>
public sealed record GatewayUrls(string Issuer, IReadOnlyList<string> Audiences, string TokenEndpoint, string JwksUri, string SmartConfiguration)
{
    public const string TokenPath = "/auth/token";
    public const string DevTokenPath = "/auth/dev-token";
    public const string JwksPath = "/.well-known/jwks.json";
    public const string SmartConfigurationPath = "/.well-known/smart-configuration";

    /// <summary>The audience of the tokens the gateway mints: the first accepted audience.</summary>
    public string Audience => Audiences[0];

    /// <summary>The request's base URL: scheme, host and path base, without a trailing slash.</summary>
    public static string RequestBase(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}";

    public static GatewayUrls For(HttpRequest request, AuthOptions options) => For(RequestBase(request), options);

    /// <param name="requestBase">The gateway's base URL as the caller sees it, e.g. <c>http://127.0.0.1:5080</c>.</param>
    public static GatewayUrls For(string requestBase, AuthOptions options)
    {
        var root = (options.Issuer ?? requestBase).TrimEnd('/');
        var issuer = options.Issuer ?? root;
        IReadOnlyList<string> audiences = options.Audiences.Count > 0 ? options.Audiences : [root + FhirHttpHandler.BasePath];
        return new GatewayUrls(issuer, audiences, options.TokenEndpoint ?? root + TokenPath, root + JwksPath, root + SmartConfigurationPath);
    }
}
