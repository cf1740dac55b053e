using SendInterop.Gateway.Identity;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Statutory;

/// <summary>What the writer will do to one Task.</summary>
public enum TaskChangeKind
{
    Create,
    Update,
    Cancel,
}

public sealed record TaskChange(TaskChangeKind Kind, FhirTask Task, int? ExpectedVersion)
{
    /// <summary>As a write of the gateway's own: a create must not find the id taken, an update expects the version it read.</summary>
    public GatewayWrites.Item ToWrite() => Kind == TaskChangeKind.Create
        ? new GatewayWrites.Item(Task, "POST")
        : new GatewayWrites.Item(Task, "PUT", ExpectedVersion);
}

/// <summary>
/// Compares the Tasks a child should have with the ones stored, matching by business identifier: new steps are
/// created, changed ones updated, unchanged ones left alone (no new version), and stored ones the plan no longer
/// contains cancelled. Pure: the same inputs give the same changes.
/// </summary>
public static class StatutoryTaskReconciler
{
    public static IReadOnlyList<TaskChange> Reconcile(IReadOnlyList<FhirTask> planned, IReadOnlyList<StoredResource> stored)
    {
        // A second stored Task with the same identifier (which deterministic ids should prevent) is not matched, so it
        // ends up cancelled below rather than shadowing the real one.
        var byIdentifier = new Dictionary<string, StoredResource>(StringComparer.Ordinal);
        foreach (var s in stored.OrderBy(s => s.Record.ResourceId, StringComparer.Ordinal))
            if (StatutoryTasks.IdentifierValue((FhirTask)s.Resource) is { } value) byIdentifier.TryAdd(value, s);

        var changes = new List<TaskChange>();
        var planIdentifiers = new HashSet<string>(StringComparer.Ordinal);
        var matchedIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in planned)
        {
            var value = StatutoryTasks.IdentifierValue(task) ?? throw new ArgumentException("A planned Task has no statutory-step identifier.", nameof(planned));
            if (!planIdentifiers.Add(value)) continue; // the planner never repeats a step; if it did, the first wins
            if (byIdentifier.TryGetValue(value, out var existing))
            {
                task.Id = existing.Record.ResourceId;
                matchedIds.Add(existing.Record.ResourceId);
                if (!StoredTaskForm.SameContent((FhirTask)existing.Resource, task))
                    changes.Add(new TaskChange(TaskChangeKind.Update, task, existing.Record.VersionId));
            }
            else
            {
                task.Id = StatutoryTasks.IdFor(value);
                changes.Add(new TaskChange(TaskChangeKind.Create, task, null));
            }
        }

        foreach (var s in stored)
        {
            var task = (FhirTask)s.Resource;
            if (matchedIds.Contains(s.Record.ResourceId) || StoredTaskForm.IsCancelled(task)) continue;
            changes.Add(new TaskChange(TaskChangeKind.Cancel, StoredTaskForm.Cancelled(task), s.Record.VersionId));
        }
        return changes;
    }
}
