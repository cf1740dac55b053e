using Hl7.Fhir.Model;

namespace SendInterop.Gateway.Fhir.Errors;

/// <summary>
/// A failure the client can act on. Thrown anywhere in request handling; turned into an OperationOutcome with
/// <see cref="Status"/> in exactly one place (<see cref="FhirErrorHandler"/>, or the batch entry that caused it).
/// </summary>
public class FhirException(int status, OperationOutcome.IssueType code, string message, IEnumerable<OperationOutcome.IssueComponent>? extraIssues = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public OperationOutcome.IssueType Code { get; } = code;
    public IReadOnlyList<OperationOutcome.IssueComponent> ExtraIssues { get; } = extraIssues?.ToList() ?? [];

    public OperationOutcome ToOutcome()
    {
        var outcome = new OperationOutcome();
        outcome.Issue.Add(new OperationOutcome.IssueComponent
        {
            Severity = Status >= 500 ? OperationOutcome.IssueSeverity.Fatal : OperationOutcome.IssueSeverity.Error,
            Code = Code,
            Diagnostics = Message,
        });
        outcome.Issue.AddRange(ExtraIssues);
        return outcome;
    }

    public static FhirException BadRequest(string message, OperationOutcome.IssueType code = OperationOutcome.IssueType.Invalid) => new(400, code, message);
    public static FhirException NotFound(string message) => new(404, OperationOutcome.IssueType.NotFound, message);
    public static FhirException Gone(string message) => new(410, OperationOutcome.IssueType.Deleted, message);
    public static FhirException Conflict(string message) => new(409, OperationOutcome.IssueType.Conflict, message);
    public static FhirException PreconditionFailed(string message) => new(412, OperationOutcome.IssueType.Conflict, message);
    public static FhirException MethodNotAllowed(string message) => new(405, OperationOutcome.IssueType.NotSupported, message);
    public static FhirException Unprocessable(string message, IEnumerable<OperationOutcome.IssueComponent>? issues = null) =>
        new(422, OperationOutcome.IssueType.Processing, message, issues);
}
