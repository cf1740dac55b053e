using Microsoft.IdentityModel.Tokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The rule codes recorded in the audit (<see cref="Domain.Audit.AuditRecord.Rule"/>) for authentication and token
/// requests, and named in the OperationOutcome so a client knows which check failed.
/// </summary>
public static class AuthRules
{
    // Bearer tokens on the FHIR API (Interaction "authenticate").
    public const string MissingToken = "missing-token";
    public const string TokenOversized = "token-oversized";
    public const string TokenMalformed = "token-malformed";
    public const string AlgorithmNotAllowed = "alg-not-allowed";
    public const string UnknownKid = "unknown-kid";
    public const string UntrustedIssuer = "untrusted-issuer";
    public const string WrongAudience = "wrong-audience";
    public const string BadSignature = "bad-signature";
    public const string TokenExpired = "token-expired";
    public const string TokenNotYetValid = "token-not-yet-valid";
    public const string MissingExpiry = "missing-exp";
    public const string InvalidToken = "invalid-token";
    /// <summary>Authenticated, but the claims cannot be used (403): malformed scope, unknown agency or purpose, missing claim.</summary>
    public const string InvalidClaims = "invalid-claims";

    // The token endpoint (Interaction "token").
    public const string TokenIssued = "token-issued";
    public const string DevTokenIssued = "dev-token-issued";
    public const string InvalidRequest = "invalid-request";
    public const string UnsupportedGrantType = "unsupported-grant-type";
    public const string UnknownClient = "unknown-client";
    public const string AssertionInvalid = "assertion-invalid";
    public const string AssertionLifetimeTooLong = "assertion-lifetime-too-long";
    public const string ReplayedJti = "replayed-jti";
    public const string ReplayCacheFull = "replay-cache-full";
    /// <summary>The shared jti ledger could not be reached: nothing was used up, the client may send the assertion again.</summary>
    public const string ReplayLedgerUnavailable = "replay-ledger-unavailable";
    public const string InvalidScope = "invalid-scope";

    /// <summary>The rule and a client-safe description for a token validation failure (never the token itself).</summary>
    public static (string Rule, string Description) Describe(Exception? failure) => Unwrap(failure) switch
    {
        null => (MissingToken, "No bearer token: send Authorization: Bearer <access token>."),
        BearerTokenRejectedException r => (r.Rule, r.Message),
        SecurityTokenExpiredException e => (TokenExpired, $"The access token expired at {e.Expires:yyyy-MM-ddTHH:mm:ssZ}."),
        SecurityTokenNotYetValidException e => (TokenNotYetValid, $"The access token is not valid before {e.NotBefore:yyyy-MM-ddTHH:mm:ssZ}."),
        SecurityTokenNoExpirationException => (MissingExpiry, "The access token has no exp."),
        SecurityTokenInvalidLifetimeException => (TokenExpired, "The access token's lifetime is invalid."),
        SecurityTokenInvalidAudienceException => (WrongAudience, "The access token is not for this server (aud)."),
        SecurityTokenInvalidIssuerException => (UntrustedIssuer, "The access token's issuer is not trusted by this server."),
        SecurityTokenSignatureKeyNotFoundException => (UnknownKid, "The access token was signed with a key this server does not know (kid)."),
        SecurityTokenInvalidAlgorithmException => (AlgorithmNotAllowed, "The access token's signing algorithm is not allowed."),
        SecurityTokenInvalidSignatureException => (BadSignature, "The access token's signature does not verify."),
        SecurityTokenMalformedException or ArgumentException => (TokenMalformed, "The access token is not a well-formed signed JWT."),
        _ => (InvalidToken, "The access token is not valid."),
    };

    private static Exception? Unwrap(Exception? e) => e is AggregateException { InnerExceptions.Count: > 0 } a ? Unwrap(a.InnerExceptions[0]) : e;
}

/// <summary>A bearer token refused before signature validation, with the rule that refused it.</summary>
public sealed class BearerTokenRejectedException(string rule, string message) : SecurityTokenValidationException(message)
{
    public string Rule { get; } = rule;
}
