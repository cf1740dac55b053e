using System.Security.Claims;
using SendInterop.Domain.Audit;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Writes the audit records of authentication: every refused bearer token ("authenticate") and every token request,
/// granted or refused ("token"). Only ids and rule codes: never a token, an assertion or a request body. The client
/// id is recorded only once a signature proved it.
/// </summary>
public sealed class AuthAudit(IAuditSink sink, TimeProvider time)
{
    public const string Authenticate = "authenticate";
    public const string Token = "token";

    /// <param name="verified">The principal of a token whose signature verified (a 403 on its claims), else null.</param>
    public Task AuthenticationRefusedAsync(HttpContext context, string rule, ClaimsPrincipal? verified = null) =>
        sink.AppendAsync(Record(context, Authenticate, AuditDecision.Deny, rule,
            Claim(verified, SendClaims.ClientId) ?? Claim(verified, "sub"), Claim(verified, SendClaims.Organisation),
            Claim(verified, SendClaims.Agency), Claim(verified, SendClaims.Role)), CancellationToken.None);

    public Task TokenRequestAsync(HttpContext context, AuditDecision decision, string rule, RegisteredClient? proven) =>
        sink.AppendAsync(Record(context, Token, decision, rule, proven?.ClientId, proven?.Organisation, proven?.Agency, proven?.Role), CancellationToken.None);

    public Task DevTokenAsync(HttpContext context, AccessTokenClaims claims) =>
        sink.AppendAsync(Record(context, Token, AuditDecision.Permit, AuthRules.DevTokenIssued, claims.ClientId, claims.Organisation, claims.Agency, claims.Role), CancellationToken.None);

    /// <summary>A claim value short enough for the audit (an id or code), else null.</summary>
    private static string? Claim(ClaimsPrincipal? principal, string type) =>
        principal?.FindFirst(type)?.Value is { Length: > 0 and <= 128 } value ? value : null;

    private AuditRecord Record(HttpContext context, string interaction, AuditDecision decision, string rule,
        string? clientId, string? organisation, string? agency, string? role) =>
        new(time.GetUtcNow(), AuditAction.Execute, interaction, decision, rule, PolicyId: null,
            clientId, organisation, agency, role, Purpose: null, ChildIds: [], Entities: [],
            CorrelationId: context.TraceIdentifier, SourceAddress: context.Connection.RemoteIpAddress?.ToString());
}
