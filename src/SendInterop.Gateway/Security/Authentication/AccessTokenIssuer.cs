using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>What an access token says about its holder: exactly the claims of <see cref="SendClaims"/>.</summary>
/// <param name="ClientId">The client (also <c>sub</c>).</param>
/// <param name="Organisation">An Organization id: <c>la-926</c>, <c>ods-RGN</c>, <c>school-123456</c>.</param>
/// <param name="Agency">education, social-care or health.</param>
/// <param name="Scope">Granted SMART scopes, space-separated.</param>
/// <param name="Purposes">Purposes of use the client may claim.</param>
/// <param name="Role">Optional role (sen-caseworker, senco, clinician, ig-lead...).</param>
/// <param name="Patient">Optional Patient id in context.</param>
public sealed record AccessTokenClaims(
    string ClientId,
    string Organisation,
    string Agency,
    string Scope,
    IReadOnlyList<string> Purposes,
    string? Role = null,
    string? Patient = null,
    bool RegisteredClient = false);

/// <summary>A minted access token and what it grants.</summary>
public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt, int ExpiresIn, string Scope);

/// <summary>
/// Mints the gateway's access tokens: a JWT (typ <c>at+jwt</c>, RFC 9068) signed RS384 with the newest gateway key,
/// carrying <see cref="AccessTokenClaims"/> plus iss, aud, sub, exp, nbf, iat and jti. The token endpoint, the
/// Development shortcut and the test fixtures all mint through this one service.
/// </summary>
public sealed class AccessTokenIssuer(GatewaySigningKeys keys, IOptions<AuthOptions> options, TimeProvider time)
{
    public const string TokenType = "at+jwt";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>Mints a token for the gateway at <paramref name="gatewayBase"/> (e.g. <c>http://127.0.0.1:5080</c>).</summary>
    public IssuedToken Issue(AccessTokenClaims claims, string gatewayBase, TimeSpan? lifetime = null)
    {
        var urls = GatewayUrls.For(gatewayBase, options.Value);
        return Issue(claims, urls.Issuer, urls.Audience, lifetime);
    }

    /// <summary>Mints a token with an explicit issuer and audience.</summary>
    public IssuedToken Issue(AccessTokenClaims claims, string issuer, string audience, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var life = lifetime ?? options.Value.AccessTokenLifetime;
        if (life <= TimeSpan.Zero || life > AuthOptions.MaxAccessTokenLifetime)
            throw new ArgumentOutOfRangeException(nameof(lifetime), life, "An access token lives more than zero and at most 15 minutes.");

        var now = time.GetUtcNow();
        var expires = now + life;
        var payload = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = claims.ClientId,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [SendClaims.ClientId] = claims.ClientId,
            [SendClaims.Organisation] = claims.Organisation,
            [SendClaims.Agency] = claims.Agency,
            [SendClaims.Scope] = claims.Scope,
            [SendClaims.Purposes] = string.Join(' ', claims.Purposes),
        };
        if (claims.Role is not null) payload[SendClaims.Role] = claims.Role;
        if (claims.Patient is not null) payload[SendClaims.Patient] = claims.Patient;
        if (claims.RegisteredClient) payload[SendClaims.RegisteredClient] = true;

        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = payload,
            SigningCredentials = keys.SigningCredentials,
            TokenType = TokenType,
        });
        return new IssuedToken(token, expires, (int)life.TotalSeconds, claims.Scope);
    }
}
