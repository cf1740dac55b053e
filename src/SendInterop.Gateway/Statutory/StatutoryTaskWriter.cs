using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Identity;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Statutory;

/// <summary>What one recomputation of a child did: counts only (safe to log).</summary>
public sealed record StatutoryTaskOutcome(int Created, int Updated, int Cancelled)
{
    public static StatutoryTaskOutcome None { get; } = new(0, 0, 0);

    public bool Changed => Created + Updated + Cancelled > 0;

    public StatutoryTaskOutcome Plus(StatutoryTaskOutcome other) => new(Created + other.Created, Updated + other.Updated, Cancelled + other.Cancelled);
}

/// <summary>
/// Recomputes one child's statutory Tasks as of today and writes the difference as the gateway itself
/// (<see cref="GatewayWrites"/>, so validation, index, access facts and write observers apply as to any write), all of a
/// child's changes in one transaction. Nothing is written when nothing changed, so re-saving the same record, or a
/// sweep on a quiet day, makes no new versions.
/// </summary>
public sealed class StatutoryTaskWriter(
    ChildCaseRecordReader reader,
    ChildTaskPlanner planner,
    StatutoryCalendar calendar,
    GatewayWrites writes,
    IResourceStore store,
    ChildLocks locks)
{
    public const string Purpose = "statutory-tasks";

    /// <param name="onlyIfTracked">Do nothing unless the child already has statutory Tasks (for writes that cannot open a case).</param>
    public async Task<StatutoryTaskOutcome> RecomputeAsync(string patientId, bool onlyIfTracked, CancellationToken ct)
    {
        using var _ = await locks.AcquireAsync(patientId, ct);
        try
        {
            return await RecomputeLockedAsync(patientId, onlyIfTracked, ct);
        }
        catch (FhirException ex) when (ex.Status == 409)
        {
            // Another node wrote one of these Tasks between our read and our write; nothing of ours was stored. Once
            // more on fresh data; a second conflict goes to the caller (repaired later).
            return await RecomputeLockedAsync(patientId, onlyIfTracked, ct);
        }
    }

    /// <summary>
    /// Several children at once (a bulk import's batch): their locks together, their records read with one search per type
    /// for all of them, each child planned on its own, and all their changes written in one store call (one commit instead of
    /// one per child). If that combined write fails (a conflict with another node, one child's Task refused) nothing of it was
    /// stored, and each child is then read again and written on its own, as <see cref="RecomputeAsync"/> does, so one
    /// child's failure leaves the others' Tasks written.
    /// </summary>
    /// <returns>The children that failed, with the error, for the caller to queue for repair.</returns>
    public async Task<IReadOnlyList<(TouchedChild Child, Exception Error)>> RecomputeManyAsync(IReadOnlyList<TouchedChild> children, CancellationToken ct)
    {
        using var _ = await locks.AcquireManyAsync(children.Select(c => c.PatientId), ct);
        var failed = new List<(TouchedChild, Exception)>();
        var records = await reader.ReadManyAsync(children, ct);
        var planned = new List<(TouchedChild Child, IReadOnlyList<GatewayWrites.Item> Items)>();
        foreach (var child in children)
        {
            try
            {
                if (records is null) await RecomputeAloneAsync(child, ct);
                else if (await ChangesAsync(records[child.PatientId], ct) is { Items.Count: > 0 } changes) planned.Add((child, changes.Items));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed.Add((child, ex));
            }
        }

        if (planned.Count == 0) return failed;
        try
        {
            await writes.WriteAsync(Purpose, planned.SelectMany(p => p.Items).ToList(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var (child, _) in planned)
            {
                try
                {
                    await RecomputeAloneAsync(child, ct);
                }
                catch (Exception again) when (again is not OperationCanceledException)
                {
                    failed.Add((child, again));
                }
            }
        }

        return failed;
    }

    /// <summary>One child read and written on its own (its lock already held); a conflict is read again and retried once.</summary>
    private async Task RecomputeAloneAsync(TouchedChild child, CancellationToken ct)
    {
        try
        {
            await RecomputeLockedAsync(child.PatientId, child.OnlyIfTracked, ct);
        }
        catch (FhirException ex) when (ex.Status == 409)
        {
            await RecomputeLockedAsync(child.PatientId, child.OnlyIfTracked, ct);
        }
    }

    private async Task<StatutoryTaskOutcome> RecomputeLockedAsync(string patientId, bool onlyIfTracked, CancellationToken ct) =>
        await WriteChangesAsync(await reader.ReadAsync(patientId, onlyIfTracked, ct), ct);

    private async Task<StatutoryTaskOutcome> WriteChangesAsync(ChildCaseRecord record, CancellationToken ct)
    {
        var (outcome, items) = await ChangesAsync(record, ct);
        if (items.Count > 0) await writes.WriteAsync(Purpose, items, ct);
        return outcome;
    }

    /// <summary>What one child's Tasks need, as writes, with their counts.</summary>
    private async Task<(StatutoryTaskOutcome Outcome, IReadOnlyList<GatewayWrites.Item> Items)> ChangesAsync(ChildCaseRecord record, CancellationToken ct)
    {
        if (record.IsEmpty) return (StatutoryTaskOutcome.None, []);
        var planned = await planner.PlanAsync(record, calendar.Today, ct);
        var changes = StatutoryTaskReconciler.Reconcile(planned, record.StatutoryTasks);
        if (changes.Count == 0) return (StatutoryTaskOutcome.None, []);

        var items = new List<GatewayWrites.Item>(changes.Count);
        foreach (var change in changes) items.Add(await ToWriteAsync(change, ct));
        return (new StatutoryTaskOutcome(
            changes.Count(c => c.Kind == TaskChangeKind.Create),
            changes.Count(c => c.Kind == TaskChangeKind.Update),
            changes.Count(c => c.Kind == TaskChangeKind.Cancel)), items);
    }

    /// <summary>
    /// A new step's id may already be taken by its own Task filed under another Patient (the request was moved to the
    /// right child): that Task is then taken over by an update rather than failing the create for ever.
    /// </summary>
    private async Task<GatewayWrites.Item> ToWriteAsync(TaskChange change, CancellationToken ct)
    {
        if (change.Kind != TaskChangeKind.Create) return change.ToWrite();
        var existing = await store.ReadAsync("Task", change.Task.Id!, ct);
        // A deleted one (its owner removed it) is simply created again: the record still says the step is owed.
        return existing is { IsDeleted: false } ? new GatewayWrites.Item(change.Task, "PUT", existing.VersionId) : change.ToWrite();
    }
}
