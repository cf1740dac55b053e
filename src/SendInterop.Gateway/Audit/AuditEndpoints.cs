using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Endpoints;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Audit;

/// <summary>
/// <c>GET /fhir/AuditEvent/$verify</c>: walks the whole audit chain and answers with an OperationOutcome. The literal
/// route outranks the FHIR routes' <c>{type}/{id}</c> pattern and the fallback, so it never reaches the dispatcher.
/// </summary>
public static class AuditEndpoints
{
    public const string VerifyPath = FhirHttpHandler.BasePath + "/AuditEvent/$verify";

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(VerifyPath, VerifyAsync)
            .RequireAuthorization()
            .WithTags(FhirEndpoints.Tag)
            .WithName("audit-verify")
            .WithSummary("Verify the audit log's hash chain: 200 when intact, 409 naming the first edited, missing or reordered entry");
        return app;
    }

    /// <summary>
    /// 200 with an information issue when the chain is intact. When it is broken: 409 Conflict with an error issue
    /// naming the first broken entry. Not 200, so a monitoring probe sees the failure from the status alone; not 500,
    /// because the check itself worked (retrying will not help, and nothing is wrong with the server's code); 409
    /// because the stored state of the log conflicts with its own hash chain.
    /// </summary>
    private static async System.Threading.Tasks.Task VerifyAsync(HttpContext context, IAuditLogReader reader, FhirResponseWriter writer)
    {
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
        await writer.WriteAsync(context, response, FhirFormats.ForResponse(context.Request), ElementFilter.From(context.Request.Query));
    }
}
