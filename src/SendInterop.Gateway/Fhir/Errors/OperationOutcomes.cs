using Hl7.Fhir.Model;

namespace SendInterop.Gateway.Fhir.Errors;

public static class OperationOutcomes
{
    public static OperationOutcome Information(string message) => new()
    {
        Issue = [new() { Severity = OperationOutcome.IssueSeverity.Information, Code = OperationOutcome.IssueType.Informational, Diagnostics = message }],
    };

    public static OperationOutcome.IssueComponent Warning(string message, OperationOutcome.IssueType code = OperationOutcome.IssueType.NotSupported) =>
        new() { Severity = OperationOutcome.IssueSeverity.Warning, Code = code, Diagnostics = message };

    public static OperationOutcome.IssueComponent Error(string message, OperationOutcome.IssueType code = OperationOutcome.IssueType.Invalid, string? expression = null)
    {
        var issue = new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Error, Code = code, Diagnostics = message };
        if (expression is not null) issue.Expression = [expression];
        return issue;
    }

    public static bool HasErrors(this OperationOutcome outcome) =>
        outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
}
