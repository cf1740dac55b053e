using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir.Errors;

/// <summary>
/// The one place failures become FHIR OperationOutcomes. A <see cref="FhirException"/> carries its own status;
/// anything else is our fault: a 500 with a correlation id and no internals (and no personal data) in the body.
/// </summary>
public sealed partial class FhirErrorHandler(FhirResponseWriter writer, ILogger<FhirErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!context.Request.Path.StartsWithSegments(FhirHttpHandler.BasePath)) return false;
        var (status, outcome) = exception switch
        {
            FhirException fe => (fe.Status, fe.ToOutcome()),
            BadHttpRequestException be when be.StatusCode == 413 => (413, Outcome(OperationOutcome.IssueType.TooCostly, "The request body is larger than this server accepts.")),
            BadHttpRequestException be => (be.StatusCode, Outcome(OperationOutcome.IssueType.Invalid, "The HTTP request is malformed: " + be.Message)),
            // A form over ASP.NET's limits, or a body whose Content-Encoding does not match its bytes.
            // No disclosure without its audit entry: when the audit log cannot be written, the request fails as unavailable.
            SendInterop.Storage.Audit.AuditLogUnavailableException => (503, Outcome(OperationOutcome.IssueType.Transient,
                $"The audit log cannot be written just now, so nothing is disclosed; try again shortly (correlation id {context.TraceIdentifier}).")),
            InvalidDataException ide => (400, Outcome(OperationOutcome.IssueType.Structure, "The request body could not be read: " + ide.Message)),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => (499, Outcome(OperationOutcome.IssueType.Timeout, "The client closed the request.")),
            _ => (500, Outcome(OperationOutcome.IssueType.Exception, $"An internal error occurred; quote correlation id {context.TraceIdentifier} to the service desk.")),
        };
        if (status >= 500) LogUnhandled(logger, exception.GetType().Name, context.TraceIdentifier, Hosting.ScrubbedException.Of(exception));
        if (context.Response.HasStarted) return true;
        context.Response.Clear();
        await writer.WriteAsync(context, new FhirResponse { Status = status, Resource = outcome }, FhirFormats.ForResponse(context.Request), ElementFilter.None);
        return true;
    }

    private static OperationOutcome Outcome(OperationOutcome.IssueType code, string message) => new()
    {
        Issue = [new() { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = message }],
    };

    // The exception type, correlation id and stack trace are logged; not the message, which may quote request data (ScrubbedException).
    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} in FHIR request {CorrelationId}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string correlationId, Exception exception);
}
