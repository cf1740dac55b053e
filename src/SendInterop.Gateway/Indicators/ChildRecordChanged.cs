namespace SendInterop.Gateway.Indicators;

/// <summary>
/// A change event: some of a child's resources changed and committed. Small and free of personal data (the Patient id
/// and resource type names only), so a message bus can carry it as it is when NHS systems push changes from outside.
/// </summary>
/// <param name="ChildId">The Patient id whose record changed.</param>
/// <param name="ResourceTypes">The types written (Patient, CarePlan, ...), for consumers that care about some only.</param>
/// <param name="At">When the change committed.</param>
public sealed record ChildRecordChanged(string ChildId, IReadOnlyList<string> ResourceTypes, DateTimeOffset At);

/// <summary>
/// A change event: Organizations changed (an LA, a school's type or its LA). Every child's setting type and
/// out-of-area flag may depend on them, so it asks for a full rebuild rather than naming children.
/// </summary>
public sealed record OrganisationDirectoryChanged(IReadOnlyList<string> OrganisationIds, DateTimeOffset At);

/// <summary>
/// Where change events go. In-process today (<see cref="InProcessChildRecordChanges"/>); a message-bus publisher can
/// replace it without touching the producers (the commit handler) or the consumer (the projection worker).
/// </summary>
public interface IChildRecordChangePublisher
{
    ValueTask PublishAsync(ChildRecordChanged change, CancellationToken ct = default);

    ValueTask PublishAsync(OrganisationDirectoryChanged change, CancellationToken ct = default);
}

/// <summary>Delivers change events straight to this process's projection worker.</summary>
public sealed class InProcessChildRecordChanges(IndicatorProjectionWorker worker) : IChildRecordChangePublisher
{
    public ValueTask PublishAsync(ChildRecordChanged change, CancellationToken ct = default)
    {
        worker.Enqueue(change);
        return ValueTask.CompletedTask;
    }

    public ValueTask PublishAsync(OrganisationDirectoryChanged change, CancellationToken ct = default)
    {
        worker.Enqueue(change);
        return ValueTask.CompletedTask;
    }
}
