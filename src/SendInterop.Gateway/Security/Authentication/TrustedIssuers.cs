using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>The external issuers whose access tokens are accepted, each with where its JWKS is (URL or file).</summary>
public sealed class TrustedIssuers(IOptions<AuthOptions> options)
{
    private readonly IReadOnlyDictionary<string, string> _jwksLocations = options.Value.TrustedIssuers.ToDictionary(
        i => i.Issuer, i => i.JwksUri ?? Path.GetFullPath(i.JwksFile!), StringComparer.Ordinal);

    public bool IsTrusted(string issuer) => _jwksLocations.ContainsKey(issuer);

    public bool TryGetJwksLocation(string issuer, out string location) =>
        _jwksLocations.TryGetValue(issuer, out location!);
}
