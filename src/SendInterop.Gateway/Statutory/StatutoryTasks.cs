using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Domain.Statutory;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// What makes a Task one of the gateway's statutory Tasks, and the stable id each one gets. Clients never write these
/// (they are computed from the record: change the request, plan or review instead), so the generic write path refuses
/// them like the master index's review Tasks.
/// </summary>
public static class StatutoryTasks
{
    /// <summary>Every statutory Task, any step: <c>Task?code={this}|</c>.</summary>
    public const string CodeSearch = StatutoryCanonical.StepCodeSystem + "|";

    public static bool IsStatutoryTask(Resource resource) =>
        resource is FhirTask t && (t.Code?.Coding.Any(c => c.System == StatutoryCanonical.StepCodeSystem) == true
            || t.Identifier.Any(i => i.System == StatutoryCanonical.StepIdentifierSystem));

    /// <summary>The business identifier value ("{caseId}:{step}[:{key}]"), or null for any other Task.</summary>
    public static string? IdentifierValue(FhirTask task) =>
        task.Identifier.FirstOrDefault(i => i.System == StatutoryCanonical.StepIdentifierSystem)?.Value;

    /// <summary>
    /// The logical id of a step's Task, derived from its business identifier: two nodes (or a sweep and a write) that
    /// plan the same step both try to create the same id, so the second gets a conflict and re-reads instead of
    /// creating a duplicate. Hashed because the identifier (two GUIDs and a code) can exceed the 64 characters of an id.
    /// </summary>
    public static string IdFor(string identifierValue)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(identifierValue));
        return "statutory-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Open: still owed by someone (requested or in progress), so the daily sweep must look at it again.</summary>
    public static bool IsOpen(FhirTask task) => task.Status is FhirTask.TaskStatus.Requested or FhirTask.TaskStatus.InProgress;
}
