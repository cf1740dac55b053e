using Hl7.Fhir.Model;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Security.Access;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// Turns a planned Task into the form the gateway stores: day-count wording taken out, and the access meta of the
/// record it is about, so the consent gate discloses the Task exactly as it discloses the case.
/// </summary>
public static class StoredTaskForm
{
    /// <summary>
    /// The planner's businessStatus text counts days from the "as of" day ("Due in 12 days", "Overdue by 3 days"). Stored,
    /// it would be wrong tomorrow and would make every open Task a new version every day; the stored text is the
    /// state's display, and the day count follows from restriction.period.end.
    /// </summary>
    public static void DropDayCounts(FhirTask task)
    {
        if (task.BusinessStatus is { } status) status.Text = status.Coding.FirstOrDefault()?.Display ?? status.Text;
    }

    /// <summary>
    /// Owner: the owner of the record the step is about (the request for assessment steps, the plan for plan steps),
    /// else the case's other record, else the LA. Data class and security labels follow that record, so whoever may see
    /// the request or plan may see what is owed on it, and nobody else.
    /// </summary>
    public static void TakeAccessFrom(FhirTask task, StoredResource? about, StoredResource? fallback, string? localAuthorityReference, AccessFactsCodec codec)
    {
        var source = about ?? fallback;
        var owner = about?.Record.Owner ?? fallback?.Record.Owner
            ?? (localAuthorityReference?.StartsWith("Organization/", StringComparison.Ordinal) == true ? localAuthorityReference["Organization/".Length..] : null);
        task.Meta = new Meta();
        if (owner is not null) OwnershipTags.SetOwner(task, owner);
        if (source is null) return;
        var facts = codec.Decode(source.Record.ResourceType, source.Record.ResourceId, source.Record.Access);
        task.Meta.Tag.Add(new Coding(DataClasses.System, facts.DataClass));
        foreach (var label in source.Resource.Meta?.Security ?? [])
            task.Meta.Security.Add(new Coding(label.System, label.Code, label.Display));
    }

    /// <summary>
    /// Same content, meta aside except what decides access (owner and class tags, security labels): versionId and
    /// lastUpdated always differ and must not force a write.
    /// </summary>
    public static bool SameContent(FhirTask stored, FhirTask planned)
    {
        var a = (FhirTask)stored.DeepCopy();
        var b = (FhirTask)planned.DeepCopy();
        a.Meta = AccessMeta(a.Meta);
        b.Meta = AccessMeta(b.Meta);
        return a.IsExactly(b);
    }

    private static Meta AccessMeta(Meta? meta) => new()
    {
        Tag = (meta?.Tag ?? []).OrderBy(t => t.System, StringComparer.Ordinal).ThenBy(t => t.Code, StringComparer.Ordinal)
            .Select(t => new Coding(t.System, t.Code)).ToList(),
        Security = (meta?.Security ?? []).OrderBy(t => t.System, StringComparer.Ordinal).ThenBy(t => t.Code, StringComparer.Ordinal)
            .Select(t => new Coding(t.System, t.Code)).ToList(),
    };

    /// <summary>The Task the record no longer supports: cancelled (never deleted, so the history of what was owed stays).</summary>
    public static FhirTask Cancelled(FhirTask stored)
    {
        var task = (FhirTask)stored.DeepCopy();
        task.Status = FhirTask.TaskStatus.Cancelled;
        task.BusinessStatus = new CodeableConcept(StatutoryCanonical.StepStatusCodeSystem, "cancelled", "No longer owed", "No longer owed");
        task.StatusReason = new CodeableConcept { Text = "The record no longer supports this step (the case changed or was removed)." };
        task.Priority = RequestPriority.Routine;
        return task;
    }

    public static bool IsCancelled(FhirTask task) => task.Status == FhirTask.TaskStatus.Cancelled;
}
