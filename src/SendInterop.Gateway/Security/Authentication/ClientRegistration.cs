using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// A system client as registered, in configuration (<c>Auth:Clients</c>) or in the registry file the CLI writes.
/// Member names follow RFC 7591 where one exists (<c>client_id</c>, <c>client_name</c>, <c>scope</c>, <c>jwks</c>,
/// <c>jwks_uri</c>); <c>organisation</c>, <c>agency</c>, <c>purposes</c> and <c>role</c> are the gateway's own.
/// </summary>
public sealed class ClientRegistration
{
    [JsonPropertyName("client_id"), ConfigurationKeyName("client_id")] public string? ClientId { get; set; }
    [JsonPropertyName("client_name"), ConfigurationKeyName("client_name")] public string? ClientName { get; set; }
    /// <summary>The client's organisation as an Organization id: <c>la-926</c>, <c>ods-RGN</c>, <c>school-123456</c>.</summary>
    [JsonPropertyName("organisation")] public string? Organisation { get; set; }
    /// <summary>education, social-care or health.</summary>
    [JsonPropertyName("agency")] public string? Agency { get; set; }
    /// <summary>The SMART v2 scopes the client may be granted, space-separated.</summary>
    [JsonPropertyName("scope")] public string? Scope { get; set; }
    /// <summary>The purposes of use the client may claim (codes of <see cref="PurposesOfUse"/>).</summary>
    [JsonPropertyName("purposes")] public List<string> Purposes { get; set; } = [];
    [JsonPropertyName("role")] public string? Role { get; set; }
    /// <summary>The client's public keys (each with a kid).</summary>
    [JsonPropertyName("jwks")] public JwkSet? Jwks { get; set; }
    /// <summary>Where the client publishes its public keys instead (https).</summary>
    [JsonPropertyName("jwks_uri"), ConfigurationKeyName("jwks_uri")] public string? JwksUri { get; set; }
}

/// <summary>The registry file: <c>{"clients": [...]}</c>.</summary>
public sealed class ClientRegistryDocument
{
    [JsonPropertyName("clients")] public List<ClientRegistration> Clients { get; set; } = [];
}

/// <summary>A registration that passed every check, ready for the token endpoint.</summary>
public sealed partial record RegisteredClient(
    string ClientId,
    string Name,
    string Organisation,
    string Agency,
    ScopeSet AllowedScopes,
    IReadOnlyList<string> Purposes,
    string? Role,
    IReadOnlyDictionary<string, SecurityKey> Keys,
    string? JwksUri)
{
    /// <summary>Algorithms a client assertion may be signed with (SMART Backend Services).</summary>
    public static readonly IReadOnlySet<string> AssertionAlgorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512, SecurityAlgorithms.EcdsaSha384,
    };

    /// <summary>Checks a registration; null with the problems when it cannot be used.</summary>
    public static RegisteredClient? From(ClientRegistration r, out List<string> problems)
    {
        problems = [];
        var id = r.ClientId?.Trim();
        if (string.IsNullOrEmpty(id) || id.Length > 128 || id.Any(c => c is < '!' or > '~'))
            problems.Add("client_id must be 1-128 printable ASCII characters without spaces");
        if (r.Organisation is null || !FhirId().IsMatch(r.Organisation))
            problems.Add($"organisation '{r.Organisation}' is not an Organization id (e.g. la-926, ods-RGN, school-123456)");
        if (r.Agency is null || !Agencies.All.Contains(r.Agency))
            problems.Add($"agency '{r.Agency}' is not one of {string.Join(", ", Agencies.All.Order(StringComparer.Ordinal))}");
        var scopes = SmartScopeParser.ParseMany(r.Scope);
        if (scopes.HasErrors) problems.Add("scope: " + string.Join("; ", scopes.Errors));
        if (scopes.ResourceScopes.Count == 0 && scopes.NonResourceScopes.Count == 0) problems.Add("scope is empty");
        foreach (var purpose in r.Purposes.Where(p => !PurposesOfUse.All.Contains(p)))
            problems.Add($"purpose '{purpose}' is not one of {string.Join(", ", PurposesOfUse.All.Order(StringComparer.Ordinal))}");
        if (r.Purposes.Count == 0) problems.Add("purposes is empty");
        if (r.Role is not null && !FhirId().IsMatch(r.Role)) problems.Add($"role '{r.Role}' must be a code (letters, digits, '-', '.')");

        var keys = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var jwk in r.Jwks?.Keys ?? [])
        {
            if (jwk.HasPrivateParts) { problems.Add($"key '{jwk.Kid}' carries private parts: register the public key only"); continue; }
            if (jwk.Kid is not { Length: > 0 }) { problems.Add("every key needs a kid"); continue; }
            if (jwk.Alg is not null && !AssertionAlgorithms.Contains(jwk.Alg)) { problems.Add($"key '{jwk.Kid}' has alg {jwk.Alg}; allowed: RS384, RS512, ES384"); continue; }
            if (jwk.Kty == "EC" && jwk.Crv != "P-384") { problems.Add($"key '{jwk.Kid}': EC keys must be P-384 (ES384)"); continue; }
            var key = jwk.ToSecurityKey(out var problem);
            if (key is null) problems.Add(problem);
            else if (!keys.TryAdd(jwk.Kid, key)) problems.Add($"kid '{jwk.Kid}' is listed twice");
        }
        if (r.JwksUri is not null && !JwksCache.IsAllowedUrl(r.JwksUri)) problems.Add("jwks_uri must be https (http only on a loopback address)");
        if (keys.Count == 0 && r.JwksUri is null) problems.Add("no usable public key: give jwks or jwks_uri");

        return problems.Count > 0 ? null : new RegisteredClient(
            id!, r.ClientName ?? id!, r.Organisation!, r.Agency!, scopes, r.Purposes.Distinct(StringComparer.Ordinal).ToList(), r.Role, keys, r.JwksUri);
    }

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex FhirId();
}
