using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// Turns <see cref="IdentifierRules"/> failures on a Patient into OperationOutcome issues (severity error, code value),
/// one per broken identifier, each naming the rule and pointing at the identifier by FHIRPath.
/// </summary>
/// <remarks>
/// The profile can only say which systems are allowed; check digits and check letters need code, and this is the one
/// place the write path gets them from.
/// </remarks>
public static class PatientIdentifierCheck
{
    /// <summary>The issues for <paramref name="patient"/>'s identifiers; empty when all pass.</summary>
    public static IReadOnlyList<OperationOutcome.IssueComponent> Check(Patient patient, bool allowTestNhsNumbers)
    {
        ArgumentNullException.ThrowIfNull(patient);
        List<OperationOutcome.IssueComponent>? issues = null;
        for (var i = 0; i < patient.Identifier.Count; i++)
        {
            var error = IdentifierRules.Check(patient.Identifier[i], allowTestNhsNumbers);
            if (error is null)
            {
                continue;
            }

            issues ??= [];
            issues.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Error,
                Code = OperationOutcome.IssueType.Value,
                Diagnostics = error,
                Expression = [$"Patient.identifier[{i}].value"],
            });
        }

        return issues ?? (IReadOnlyList<OperationOutcome.IssueComponent>)[];
    }
}
