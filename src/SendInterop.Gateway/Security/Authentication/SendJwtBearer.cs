using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Configures the JwtBearer scheme of the FHIR API: the gateway's own tokens (its key file) and those of the
/// configured external issuers (each with its own key set, a key chosen by kid and never another issuer's key),
/// the accepted audiences, lifetime with a small skew, asymmetric algorithms only (so <c>alg: none</c> and HS/RS
/// key confusion are refused), claim names kept as issued, and a maximum token size.
/// </summary>
public sealed class SendJwtBearer(IOptions<AuthOptions> options, GatewaySigningKeys ownKeys, TrustedIssuers trusted, JwksCache jwks)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    /// <summary>Algorithms an access token may be signed with: RSA, RSA-PSS and ECDSA only.</summary>
    public static readonly IReadOnlyList<string> AccessTokenAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public void Configure(string? name, JwtBearerOptions o)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme) return;
        var auth = options.Value;

        o.TokenHandlers.Clear();
        o.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = auth.MaxTokenBytes });
        o.MapInboundClaims = false;
        o.SaveToken = false;
        o.IncludeErrorDetails = false;
        o.EventsType = typeof(BearerTokenEvents);

        // With Auth:Issuer or Auth:Audiences configured these are checked here; otherwise they derive from each
        // request and BearerTokenEvents.MessageReceived has checked them against it before validation.
        IReadOnlySet<string>? audiences = auth.Issuer is not null || auth.Audiences.Count > 0
            ? GatewayUrls.For("", auth).Audiences.ToHashSet(StringComparer.Ordinal)
            : null;

        o.TokenValidationParameters = new TokenValidationParameters
        {
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = AccessTokenAlgorithms,
            TryAllIssuerSigningKeys = false,
            IssuerSigningKeyResolver = ResolveKeys,
            ValidateIssuer = true,
            IssuerValidator = (issuer, _, _) =>
                trusted.IsTrusted(issuer) || (auth.Issuer is null ? AuthOptionsValidator.IsHttpUrl(issuer) : issuer == auth.Issuer)
                    ? issuer
                    : throw new SecurityTokenInvalidIssuerException("The issuer is not trusted."),
            ValidateAudience = true,
            AudienceValidator = (tokenAudiences, _, _) => audiences is null || tokenAudiences.Any(audiences.Contains),
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = auth.ClockSkew,
            NameClaimType = SendClaims.ClientId,
            RoleClaimType = SendClaims.Role,
        };
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    /// <summary>The key with the token's kid, from its issuer's key set only.</summary>
    private IEnumerable<SecurityKey> ResolveKeys(string token, SecurityToken securityToken, string kid, TokenValidationParameters parameters)
    {
        var issuer = (securityToken as JsonWebToken)?.Issuer ?? securityToken.Issuer;
        var keys = trusted.TryGetJwksLocation(issuer, out var location) ? jwks.Cached(location) : ownKeys.ValidationKeys;
        return kid is not null && keys.TryGetValue(kid, out var key) ? [key] : [];
    }
}
