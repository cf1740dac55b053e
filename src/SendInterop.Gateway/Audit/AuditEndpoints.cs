using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Audit;

/// <summary>
/// <c>GET /fhir/AuditEvent/$verify</c>: walks the whole audit chain and answers with an OperationOutcome. The literal
/// route outranks the FHIR routes' <c>{type}/{id}</c> pattern and the fallback, so it never reaches the dispatcher.
/// </summary>
public static class AuditEndpoints
{
    public const string VerifyPath = FhirHttpHandler.BasePath + "/AuditEvent/$verify";

    /// <summary>The audit rule code of a permitted verification (a refusal for want of scope is <see cref="GateRules.Scopes"/>).</summary>
    public const string VerifyRule = "audit-verify";

    /// <summary>The audit rule code of a refusal for want of the role (<see cref="AuditVerifyOptions"/>).</summary>
    public const string VerifyRoleRule = "audit-verify-role";

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        // An operator's check rather than an integrator's interaction, so it stays out of the published OpenAPI
        // document (every route there carries a full FHIR description in OpenApi/FhirOperationFilter).
        app.MapGet(VerifyPath, VerifyAsync)
            .RequireAuthorization(SendClientAuthorization.Policy)
            .WithName("audit-verify")
            .WithSummary("Verify the audit log's hash chain: 200 when intact, 409 naming the first edited, missing or reordered entry")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Needs a system/ or user/ scope that grants reading AuditEvent (the result describes the whole log, not one
    /// child's record, so a patient/ scope is not enough) and a role of <see cref="AuditVerifyOptions"/> (the count of
    /// entries and the head say how much every organisation on the gateway has done, which an ordinary client with
    /// <c>system/*.rs</c> must not learn); the attempt is audited either way.
    /// <para>
    /// 200 with an information issue when the chain is intact. When it is broken: 409 Conflict with an error issue
    /// naming the first broken entry. Not 200, so a monitoring probe sees the failure from the status alone; not 500,
    /// because the check itself worked (retrying will not help, and nothing is wrong with the server's code); 409
    /// because the stored state of the log conflicts with its own hash chain.
    /// </para>
    /// </summary>
    private static async System.Threading.Tasks.Task VerifyAsync(HttpContext context, IAuditLogReader reader, IAuditSink audit, FhirResponseWriter writer,
        Microsoft.Extensions.Options.IOptions<AuditVerifyOptions> options, TrustedIssuers trustedIssuers)
    {
        var format = FhirFormats.ForResponse(context.Request);
        var filter = ElementFilter.From(context.Request.Query);
        var client = context.GetAuthenticatedClient();
        var grant = client is null ? null : Security.Access.ScopeGrant.For(client.Scopes, "AuditEvent", SmartPermissions.Read);
        var scoped = grant is { PatientOnly: false, Unconstrained: true };
        // The role as the gateway's own client registration grants it: an external issuer trusted for its own
        // organisation's tokens must not be able to mint a gateway-wide role.
        var roled = client is { Role: { } role } && !(client.Issuer is { } iss && trustedIssuers.IsTrusted(iss))
            && options.Value.EffectiveRoles.Contains(role, StringComparer.Ordinal);
        var permitted = scoped && roled;
        await audit.AppendAsync(new AuditRecord(
            DateTimeOffset.UtcNow, AuditAction.Execute, "operation", permitted ? AuditDecision.Permit : AuditDecision.Deny,
            permitted ? VerifyRule : scoped ? VerifyRoleRule : GateRules.Scopes, null, client?.ClientId, client?.Organisation, client?.Agency, client?.Role,
            Purpose: null, ChildIds: [], Entities: [], context.TraceIdentifier, SourceAddress: context.Connection.RemoteIpAddress?.ToString()),
            context.RequestAborted);
        if (!permitted)
        {
            var refused = OperationOutcomes.Error(
                "Verifying the audit log needs a system/ or user/ scope that grants reading AuditEvent (e.g. system/AuditEvent.r) "
                + "and the information-governance role in this gateway's client registration.",
                OperationOutcome.IssueType.Forbidden);
            await writer.WriteAsync(context, FhirResponse.Of(new OperationOutcome { Issue = [refused] }, StatusCodes.Status403Forbidden), format, filter);
            return;
        }

        var result = await reader.VerifyAsync(context.RequestAborted);
        FhirResponse response;
        if (result.Break is { } broken)
        {
            var issue = OperationOutcomes.Error(
                $"The audit chain is broken at entry {broken.Sequence}: {broken.Reason}. {result.EntriesChecked} entries before it verified.",
                OperationOutcome.IssueType.Conflict, $"AuditEvent/{broken.Sequence}");
            response = FhirResponse.Of(new OperationOutcome { Issue = [issue] }, StatusCodes.Status409Conflict);
        }
        else
        {
            var head = result.Head is { } h ? $"head entry {h.Sequence}, head hash {h.Hash}" : "empty log";
            response = FhirResponse.Of(OperationOutcomes.Information($"{result.EntriesChecked} entries, chain intact, {head}."));
        }
        context.Response.Headers.CacheControl = "no-store";
        await writer.WriteAsync(context, response, format, filter);
    }
}
