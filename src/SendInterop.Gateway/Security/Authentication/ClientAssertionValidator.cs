using System.Data.Common;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SendInterop.Storage.Access;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>The outcome of checking a client assertion.</summary>
/// <param name="Client">The client, set only when the assertion's signature verified with one of its keys.</param>
/// <param name="Rule">The rule that decided (an <see cref="AuthRules"/> code).</param>
/// <param name="Description">What a client may be told (never the assertion).</param>
public sealed record ClientAssertionResult(RegisteredClient? Client, bool Valid, string Rule, string Description);

/// <summary>
/// Checks a client assertion (RFC 7523 private_key_jwt, SMART Backend Services): a JWS signed RS384, RS512 or ES384
/// with one of the client's registered keys (by kid), iss = sub = client_id, aud = the token endpoint, exp no more than
/// <see cref="AuthOptions.ClientAssertionMaxLifetime"/> ahead, and a jti not seen before.
/// </summary>
public sealed class ClientAssertionValidator(ClientRegistry registry, JtiReplayCache replay, UsedAssertionLedger ledger, IOptions<AuthOptions> options,
    TimeProvider time)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    public const int MaxJtiLength = 256;

    public async Task<ClientAssertionResult> ValidateAsync(string assertion, GatewayUrls urls, CancellationToken ct)
    {
        var o = options.Value;
        if (assertion.Length > o.MaxTokenBytes)
            return Refuse(AuthRules.AssertionInvalid, $"client_assertion is longer than this server accepts ({o.MaxTokenBytes} bytes).");

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(assertion);
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or FormatException)
        {
            return Refuse(AuthRules.AssertionInvalid, "client_assertion is not a well-formed signed JWT.");
        }
        if (jwt.IsEncrypted) return Refuse(AuthRules.AssertionInvalid, "client_assertion must be signed, not encrypted.");
        if (!RegisteredClient.AssertionAlgorithms.Contains(jwt.Alg))
            return Refuse(AuthRules.AssertionInvalid, "client_assertion must be signed with RS384, RS512 or ES384.");

        var clientId = jwt.Issuer;
        if (string.IsNullOrEmpty(clientId) || !string.Equals(clientId, jwt.Subject, StringComparison.Ordinal))
            return Refuse(AuthRules.AssertionInvalid, "client_assertion must have iss and sub both equal to the client_id.");
        var client = registry.Find(clientId);
        if (client is null) return Refuse(AuthRules.UnknownClient, "The client is not registered.");
        if (string.IsNullOrEmpty(jwt.Kid)) return Refuse(AuthRules.UnknownKid, "client_assertion's header has no kid.");
        var key = await registry.FindKeyAsync(client, jwt.Kid, ct);
        if (key is null) return Refuse(AuthRules.UnknownKid, "client_assertion's kid is not one of the client's registered keys.");

        var handler = new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = o.MaxTokenBytes };
        var result = await handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            RequireSignedTokens = true,
            ValidAlgorithms = RegisteredClient.AssertionAlgorithms,
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            ValidateIssuerSigningKey = true,
            ValidIssuer = client.ClientId,
            ValidAudience = urls.TokenEndpoint,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = o.ClockSkew,
            RequireAudience = true,
        });
        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenInvalidSignatureException => Refuse(AuthRules.AssertionInvalid, "client_assertion's signature does not verify with the registered key."),
                SecurityTokenExpiredException => Refuse(AuthRules.AssertionInvalid, "client_assertion has expired."),
                SecurityTokenNotYetValidException => Refuse(AuthRules.AssertionInvalid, "client_assertion is not valid yet (nbf)."),
                SecurityTokenNoExpirationException => Refuse(AuthRules.AssertionInvalid, "client_assertion has no exp."),
                SecurityTokenInvalidAudienceException => Refuse(AuthRules.AssertionInvalid, $"client_assertion's aud must be the token endpoint, {urls.TokenEndpoint}."),
                SecurityTokenInvalidIssuerException => Refuse(AuthRules.AssertionInvalid, "client_assertion's iss must be the client_id."),
                _ => Refuse(AuthRules.AssertionInvalid, "client_assertion is not valid."),
            };
        }

        // From here the signature is proven: the client is known.
        var now = time.GetUtcNow();
        var expires = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
        if (expires - now > o.ClientAssertionMaxLifetime + o.ClockSkew)
            return new(client, false, AuthRules.AssertionLifetimeTooLong,
                $"client_assertion's exp is more than {o.ClientAssertionMaxLifetime.TotalMinutes:0} minutes ahead.");
        var jti = jwt.Id;
        // Printable only: a control character is no identifier, and a database refuses some (PostgreSQL, NUL).
        if (string.IsNullOrEmpty(jti) || jti.Length > MaxJtiLength || jti.Any(char.IsControl))
            return new(client, false, AuthRules.AssertionInvalid, $"client_assertion needs a jti of 1-{MaxJtiLength} printable characters.");
        // This process's memory first (a replay here costs no database round trip), then the ledger every replica shares.
        var outcome = replay.TryUse(client.ClientId, jti, expires + o.ClockSkew);
        if (outcome == JtiReplayCache.Outcome.Accepted)
        {
            bool first;
            try
            {
                first = await ledger.TryUseAsync(client.ClientId, jti, expires + o.ClockSkew, now, ct);
            }
            catch (Exception ex) when (ex is DbException or TimeoutException)
            {
                // Not known whether another replica used it: refuse for now (503) without using it up here.
                replay.Release(client.ClientId, jti);
                return new(client, false, AuthRules.ReplayLedgerUnavailable, "The server cannot check the assertion right now; try again shortly with the same assertion.");
            }

            if (!first) outcome = JtiReplayCache.Outcome.Replayed;
        }
        return outcome switch
        {
            JtiReplayCache.Outcome.Accepted => new(client, true, AuthRules.TokenIssued, ""),
            JtiReplayCache.Outcome.Replayed => new(client, false, AuthRules.ReplayedJti, "client_assertion's jti has been used already: make a new assertion for every token request."),
            _ => new(client, false, AuthRules.ReplayCacheFull, "The server is busy; try again shortly."),
        };
    }

    private static ClientAssertionResult Refuse(string rule, string description) => new(null, false, rule, description);
}
