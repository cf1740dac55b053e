using Hl7.Fhir.Model;

namespace SendInterop.Validation.Tests;

internal static class OutcomeAssertions
{
    public static IEnumerable<OperationOutcome.IssueComponent> Errors(this OperationOutcome outcome) =>
        outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);

    public static string Describe(this OperationOutcome outcome) =>
        string.Join(Environment.NewLine, outcome.Issue.Select(i =>
            $"{i.Severity} {i.Code} [{string.Join(",", i.Expression)}] {i.Details?.Text ?? i.Diagnostics}"));

    public static void AssertNoErrors(OperationOutcome outcome) =>
        Assert.True(!outcome.Errors().Any(), "Expected no errors but got:" + Environment.NewLine + outcome.Describe());

    public static void AssertHasError(OperationOutcome outcome, string containing) =>
        Assert.True(
            outcome.Errors().Any(i => (i.Details?.Text ?? i.Diagnostics ?? string.Empty).Contains(containing, StringComparison.OrdinalIgnoreCase)),
            $"Expected an error containing '{containing}' but got:" + Environment.NewLine + outcome.Describe());
}
