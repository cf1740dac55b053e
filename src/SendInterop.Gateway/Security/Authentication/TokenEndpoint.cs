using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Audit;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// <c>POST /auth/token</c>: the OAuth 2.0 client credentials grant with a private_key_jwt client assertion (SMART
/// Backend Services, NHS England signed-JWT authentication). Every request, granted or refused, is audited. Errors
/// are RFC 6749 JSON with status 400 (503 when the replay cache is full), and never repeat the assertion.
/// </summary>
public static class TokenEndpoint
{
    private const int MaxFormBytes = 64 * 1024;
    private static readonly string[] Parameters = ["grant_type", "client_assertion_type", "client_assertion", "scope", "client_id"];

    public static async Task HandleAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var audit = services.GetRequiredService<AuthAudit>();
        var options = services.GetRequiredService<IOptions<AuthOptions>>().Value;

        var form = await ReadFormAsync(context);
        if (form is null)
        {
            await RefuseAsync(context, audit, null, AuthRules.InvalidRequest, "invalid_request", "Send the parameters as application/x-www-form-urlencoded (at most 64 KB).");
            return;
        }
        if (Parameters.FirstOrDefault(p => form.TryGetValue(p, out var v) && v.Count > 1) is { } repeated)
        {
            await RefuseAsync(context, audit, null, AuthRules.InvalidRequest, "invalid_request", $"Parameter {repeated} is repeated.");
            return;
        }
        if (form["grant_type"].ToString() != "client_credentials")
        {
            await RefuseAsync(context, audit, null, AuthRules.UnsupportedGrantType, "unsupported_grant_type", "grant_type must be client_credentials.");
            return;
        }
        if (form["client_assertion_type"].ToString() != ClientAssertionValidator.AssertionType)
        {
            await RefuseAsync(context, audit, null, AuthRules.InvalidRequest, "invalid_request", $"client_assertion_type must be {ClientAssertionValidator.AssertionType}.");
            return;
        }
        var assertion = form["client_assertion"].ToString();
        if (assertion.Length == 0)
        {
            await RefuseAsync(context, audit, null, AuthRules.InvalidRequest, "invalid_request", "client_assertion is missing.");
            return;
        }

        var urls = GatewayUrls.For(context.Request, options);
        var checkedAssertion = await services.GetRequiredService<ClientAssertionValidator>().ValidateAsync(assertion, urls, context.RequestAborted);
        var client = checkedAssertion.Client;
        if (!checkedAssertion.Valid || client is null)
        {
            if (checkedAssertion.Rule is AuthRules.ReplayCacheFull or AuthRules.ReplayLedgerUnavailable)
                await RefuseAsync(context, audit, client, checkedAssertion.Rule, "temporarily_unavailable", checkedAssertion.Description, StatusCodes.Status503ServiceUnavailable);
            else
                await RefuseAsync(context, audit, client, checkedAssertion.Rule, "invalid_client", checkedAssertion.Description);
            return;
        }
        if (form.TryGetValue("client_id", out var clientIdParameter) && clientIdParameter.ToString() != client.ClientId)
        {
            await RefuseAsync(context, audit, client, AuthRules.InvalidRequest, "invalid_request", "client_id does not match the client_assertion.");
            return;
        }

        if (!ScopeGrant.TryGrant(form["scope"].ToString(), client, out var granted, out var scopeError))
        {
            await RefuseAsync(context, audit, client, AuthRules.InvalidScope, "invalid_scope", scopeError);
            return;
        }

        var token = services.GetRequiredService<AccessTokenIssuer>().Issue(
            new AccessTokenClaims(client.ClientId, client.Organisation, client.Agency, granted, client.Purposes, client.Role, RegisteredClient: true),
            urls.Issuer, urls.Audience);
        await audit.TokenRequestAsync(context, AuditDecision.Permit, AuthRules.TokenIssued, client);
        await WriteTokenAsync(context, token);
    }

    /// <summary>The RFC 6749 section 5.1 response.</summary>
    internal static Task WriteTokenAsync(HttpContext context, IssuedToken token, string? warning = null)
    {
        var body = new Dictionary<string, object>
        {
            ["access_token"] = token.AccessToken,
            ["token_type"] = "bearer",
            ["expires_in"] = token.ExpiresIn,
            ["scope"] = token.Scope,
        };
        if (warning is not null) body["warning"] = warning;
        NoStore(context.Response);
        return context.Response.WriteAsJsonAsync(body, context.RequestAborted);
    }

    private static async Task RefuseAsync(HttpContext context, AuthAudit audit, RegisteredClient? proven, string rule, string error, string description, int status = StatusCodes.Status400BadRequest)
    {
        await audit.TokenRequestAsync(context, AuditDecision.Deny, rule, proven);
        context.Response.StatusCode = status;
        NoStore(context.Response);
        await context.Response.WriteAsJsonAsync(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, context.RequestAborted);
    }

    private static void NoStore(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
    }

    private static async Task<IFormCollection?> ReadFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType || context.Request.ContentType?.Contains("multipart", StringComparison.OrdinalIgnoreCase) == true) return null;
        if (context.Request.ContentLength > MaxFormBytes) return null;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxFormBytes;
        try
        {
            return await context.Request.ReadFormAsync(new FormOptions { ValueLengthLimit = MaxFormBytes, KeyLengthLimit = 64, ValueCountLimit = 16 }, context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException or JsonException)
        {
            return null;
        }
    }
}
