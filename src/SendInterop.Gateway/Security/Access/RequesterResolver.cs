using System.Security.Claims;
using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Builds the requester of an HTTP request from its validated access token (claims in <see cref="SendClaims"/>) and
/// the <c>X-Purpose-Of-Use</c> / <c>X-Break-Glass-Reason</c> headers. A purpose the client may not claim is a 403;
/// every refusal here is audited (with the claims, never the token).
/// </summary>
public sealed class RequesterResolver(BreakGlassLedger breakGlass, IAuditSink audit, TimeProvider clock)
{
    public const string PurposeHeader = "X-Purpose-Of-Use";
    public const string BreakGlassHeader = "X-Break-Glass-Reason";
    private const int MaxReasonLength = 500;

    public async Task<AccessSession> ResolveAsync(HttpContext context)
    {
        try
        {
            return Resolve(context);
        }
        catch (RequesterRefused ex)
        {
            var user = context.User;
            await audit.AppendAsync(new AuditRecord(
                clock.GetUtcNow(), AuditAction.Execute, "authorise", AuditDecision.Deny, ex.Rule, null,
                Claim(user, SendClaims.ClientId) ?? Claim(user, "sub"), Claim(user, SendClaims.Organisation), Claim(user, SendClaims.Agency),
                Claim(user, SendClaims.Role), null, [], [], context.TraceIdentifier, SourceAddress: context.Connection.RemoteIpAddress?.ToString()), CancellationToken.None);
            throw;
        }
    }

    private AccessSession Resolve(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true && IsPublic(context.Request))
            return AccessSession.For(Anonymous, context.TraceIdentifier);
        if (user.Identity?.IsAuthenticated != true)
            throw new FhirException(401, OperationOutcome.IssueType.Login, "This FHIR endpoint needs a bearer access token (see /.well-known/smart-configuration).");

        // The authorization policy has already checked and parsed the claims once for this request; a principal that
        // got here without passing it is refused all the same.
        var client = context.GetAuthenticatedClient() ?? throw Refuse("unusable-token-claims", "The access token's claims cannot be used (client, organisation, agency or scope).");
        var (clientId, organisation, agency, scopes) = (client.ClientId, client.Organisation, client.Agency, client.Scopes);
        // The purposes in the order the token lists them: the first is the client's default.
        var allowed = (Claim(user, SendClaims.Purposes) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var purpose = context.Request.Headers[PurposeHeader].ToString().Trim();
        if (purpose.Length == 0)
        {
            // The first purpose the token lists is the client's default; a client with several states the one it acts for.
            purpose = allowed.FirstOrDefault() ?? throw Refuse("no-purpose", $"The access token allows no purpose of use; none can be claimed with {PurposeHeader}.");
        }
        else if (!allowed.Contains(purpose, StringComparer.Ordinal))
        {
            throw Refuse("purpose-not-allowed", PurposesOfUse.All.Contains(purpose)
                ? $"This client may not claim the purpose of use '{purpose}'; it may claim: {string.Join(", ", allowed)}."
                : $"'{purpose}' is not a purpose of use ({string.Join(", ", PurposesOfUse.All)}).");
        }

        string? reason = null;
        DateTimeOffset? until = null;
        if (purpose == PurposesOfUse.Safeguarding)
        {
            var stated = context.Request.Headers[BreakGlassHeader].ToString();
            stated = new string(stated.Where(c => !char.IsControl(c)).Take(MaxReasonLength).ToArray()).Trim();
            var window = breakGlass.Resolve(clientId, organisation, stated.Length > 0 ? stated : null);
            reason = window?.Reason;
            until = window?.Until;
        }

        var requester = new Requester(clientId, organisation, agency, client.Role, scopes, client.Purposes, purpose, client.Patient, reason, until, client.RegisteredClient);
        return AccessSession.For(requester, context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>Someone without a token: no scope, no purpose, so every data interaction is refused.</summary>
    private static readonly Requester Anonymous = new("anonymous", "", "", null, ScopeSet.Empty, new HashSet<string>(), "");

    /// <summary>The CapabilityStatement is public (clients discover the token endpoint from it).</summary>
    private static bool IsPublic(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.Value?.TrimEnd('/') is "/fhir/metadata";

    private static string? Claim(ClaimsPrincipal user, string type) => user.FindFirst(type)?.Value is { Length: > 0 } v ? v : null;

    private static RequesterRefused Refuse(string rule, string message) => new(rule, message);

    /// <summary>A 403 from building the requester, with the rule code its audit entry records.</summary>
    private sealed class RequesterRefused(string rule, string message) : FhirException(403, OperationOutcome.IssueType.Forbidden, message)
    {
        public string Rule { get; } = rule;
    }
}
