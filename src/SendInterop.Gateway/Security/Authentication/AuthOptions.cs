using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Authentication settings, bound from the <c>Auth</c> section. Every URL left unset is derived from the gateway's
/// own address as the request sees it (scheme, host, path base), which suits development and tests; a production
/// deployment sets <see cref="Issuer"/> (and with it the token endpoint and the audience) so that nothing depends
/// on the Host header.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Longest access-token lifetime that may be configured.</summary>
    public static readonly TimeSpan MaxAccessTokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Largest clock skew that may be configured.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The gateway's own issuer (the <c>iss</c> of the tokens it mints), e.g. <c>https://send.example.org</c>. Unset:
    /// the request's base URL. The token endpoint is <c>{Issuer}/auth/token</c> and the JWKS <c>{Issuer}/.well-known/jwks.json</c>.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Accepted <c>aud</c> values of access tokens: the FHIR base URL(s), e.g. <c>https://send.example.org/fhir</c>.
    /// Empty: <c>{Issuer}/fhir</c> when <see cref="Issuer"/> is set, else the request's FHIR base URL. The first
    /// one is the audience of the tokens the gateway mints.
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The token endpoint URL client assertions must name as <c>aud</c>. Unset: <c>{Issuer}/auth/token</c>.</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>Lifetime of the access tokens the gateway mints (at most 15 minutes).</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead a client assertion's <c>exp</c> may lie (SMART Backend Services: no more than 5 minutes).</summary>
    public TimeSpan ClientAssertionMaxLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Clock skew allowed on <c>exp</c> and <c>nbf</c> (at most 30 seconds).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest bearer token or client assertion accepted, in bytes; longer ones are refused unread.</summary>
    public int MaxTokenBytes { get; set; } = 8192;

    /// <summary>
    /// The gateway's signing key file (private JWKs). Created with one new RS384 key on first use when missing.
    /// Several keys may be listed: the newest (by <c>created</c>) signs, all validate. Unset:
    /// <c>sendinterop-signing-keys.json</c> beside the SQLite database (or in the working directory on PostgreSQL;
    /// several replicas must share one file).
    /// </summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The client registry file the CLI writes. Unset: <c>sendinterop-clients.json</c> beside the signing key file.</summary>
    public string? ClientRegistryFile { get; set; }

    /// <summary>Clients registered in configuration (in addition to the registry file; configuration wins on a duplicate id).</summary>
    public List<ClientRegistration> Clients { get; set; } = [];

    /// <summary>Other issuers whose access tokens the FHIR API accepts (e.g. an NHS or council identity service).</summary>
    public List<TrustedIssuerOptions> TrustedIssuers { get; set; } = [];

    /// <summary>How often the key and registry files are checked for changes (zero: on every use).</summary>
    public TimeSpan FileCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a JWKS fetched by URL is used before it is fetched again (an unknown kid refetches sooner).</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many client-assertion <c>jti</c> values are remembered at once (each until its <c>exp</c>).</summary>
    public int ReplayCacheCapacity { get; set; } = 100_000;
}

/// <summary>An external issuer whose tokens are accepted, with its key set by URL or file (keys chosen by <c>kid</c>).</summary>
public sealed class TrustedIssuerOptions
{
    /// <summary>The exact <c>iss</c> value.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The issuer's JWKS URL (https; http only on a loopback address).</summary>
    public string? JwksUri { get; set; }

    /// <summary>A file holding the issuer's JWKS.</summary>
    public string? JwksFile { get; set; }
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions o)
    {
        var errors = new List<string>();
        if (o.AccessTokenLifetime <= TimeSpan.Zero || o.AccessTokenLifetime > AuthOptions.MaxAccessTokenLifetime)
            errors.Add($"Auth:AccessTokenLifetime must be more than zero and at most {AuthOptions.MaxAccessTokenLifetime}.");
        if (o.ClientAssertionMaxLifetime <= TimeSpan.Zero || o.ClientAssertionMaxLifetime > TimeSpan.FromMinutes(5))
            errors.Add("Auth:ClientAssertionMaxLifetime must be more than zero and at most 5 minutes.");
        if (o.ClockSkew < TimeSpan.Zero || o.ClockSkew > AuthOptions.MaxClockSkew)
            errors.Add($"Auth:ClockSkew must be between zero and {AuthOptions.MaxClockSkew}.");
        if (o.MaxTokenBytes is < 512 or > 65536) errors.Add("Auth:MaxTokenBytes must be between 512 and 65536.");
        if (o.ReplayCacheCapacity < 100) errors.Add("Auth:ReplayCacheCapacity must be at least 100.");
        if (o.FileCheckInterval < TimeSpan.Zero) errors.Add("Auth:FileCheckInterval must not be negative.");
        if (o.JwksRefreshInterval < TimeSpan.FromSeconds(1)) errors.Add("Auth:JwksRefreshInterval must be at least one second.");
        foreach (var url in new[] { o.Issuer, o.TokenEndpoint }.Concat(o.Audiences))
            if (url is not null && !IsHttpUrl(url)) errors.Add($"Auth: '{url}' is not an absolute http(s) URL.");
        foreach (var issuer in o.TrustedIssuers)
        {
            if (string.IsNullOrWhiteSpace(issuer.Issuer)) errors.Add("Auth:TrustedIssuers: every issuer needs an Issuer.");
            if ((issuer.JwksUri is null) == (issuer.JwksFile is null))
                errors.Add($"Auth:TrustedIssuers '{issuer.Issuer}': set exactly one of JwksUri and JwksFile.");
            if (issuer.JwksUri is not null && !JwksCache.IsAllowedUrl(issuer.JwksUri))
                errors.Add($"Auth:TrustedIssuers '{issuer.Issuer}': JwksUri must be https (http only on a loopback address).");
            if (string.Equals(issuer.Issuer, o.Issuer, StringComparison.Ordinal))
                errors.Add($"Auth:TrustedIssuers '{issuer.Issuer}' is the gateway's own issuer.");
        }
        if (o.TrustedIssuers.GroupBy(i => i.Issuer, StringComparer.Ordinal).Any(g => g.Count() > 1))
            errors.Add("Auth:TrustedIssuers lists an issuer twice.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
