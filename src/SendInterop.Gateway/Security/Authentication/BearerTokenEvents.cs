using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The FHIR API's bearer-token handling around JwtBearer. Before validation, a cheap look at the token refuses what
/// need not be verified (oversized, malformed, a disallowed algorithm, no kid, an untrusted issuer, another audience)
/// with a precise rule, and fetches an external issuer's keys when the kid is new. On a challenge it writes the
/// 401 OperationOutcome and audits the refusal.
/// </summary>
public sealed class BearerTokenEvents(IOptions<AuthOptions> options, TrustedIssuers trusted, JwksCache jwks, AuthAudit audit) : JwtBearerEvents
{
    private const string BearerPrefix = "Bearer ";

    public override async Task MessageReceived(MessageReceivedContext context)
    {
        var headers = context.Request.Headers.Authorization;
        if (headers.Count == 0) return;
        if (headers.Count > 1)
        {
            Reject(context, AuthRules.TokenMalformed, "Send one Authorization header.");
            return;
        }
        var header = headers[0] ?? "";
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return; // another scheme: no token for us
        var token = header[BearerPrefix.Length..].Trim();
        var o = options.Value;
        if (token.Length == 0)
        {
            Reject(context, AuthRules.TokenMalformed, "The bearer token is empty.");
            return;
        }
        if (token.Length > o.MaxTokenBytes)
        {
            Reject(context, AuthRules.TokenOversized, $"The access token is longer than this server accepts ({o.MaxTokenBytes} bytes).");
            return;
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or FormatException)
        {
            Reject(context, AuthRules.TokenMalformed, "The access token is not a well-formed signed JWT.");
            return;
        }
        if (jwt.IsEncrypted)
        {
            Reject(context, AuthRules.TokenMalformed, "Encrypted access tokens are not accepted.");
            return;
        }
        if (!SendJwtBearer.AccessTokenAlgorithms.Contains(jwt.Alg))
        {
            Reject(context, AuthRules.AlgorithmNotAllowed,
                "The access token's signing algorithm is not allowed: use one of " + string.Join(", ", SendJwtBearer.AccessTokenAlgorithms) + ".");
            return;
        }
        if (string.IsNullOrEmpty(jwt.Kid))
        {
            Reject(context, AuthRules.UnknownKid, "The access token's header has no kid.");
            return;
        }

        var urls = GatewayUrls.For(context.Request, o);
        var issuer = jwt.Issuer;
        if (trusted.TryGetJwksLocation(issuer, out var location))
        {
            await jwks.GetAsync(location, jwt.Kid, context.HttpContext.RequestAborted);
        }
        else if (!string.Equals(issuer, urls.Issuer, StringComparison.Ordinal))
        {
            Reject(context, AuthRules.UntrustedIssuer, "The access token's issuer is not trusted by this server.");
            return;
        }
        if (!jwt.Audiences.Any(a => urls.Audiences.Contains(a, StringComparer.Ordinal)))
        {
            Reject(context, AuthRules.WrongAudience, "The access token is not for this server: its aud must be " + string.Join(" or ", urls.Audiences) + ".");
            return;
        }
        context.Token = token;
    }

    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (rule, description) = AuthRules.Describe(context.AuthenticateFailure);
        await audit.AuthenticationRefusedAsync(context.HttpContext, rule);
        await AuthProblemWriter.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
            rule == AuthRules.MissingToken ? null : "invalid_token", rule, description);
    }

    private static void Reject(MessageReceivedContext context, string rule, string message) =>
        context.Fail(new BearerTokenRejectedException(rule, message));
}
