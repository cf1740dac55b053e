using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// Turns committed writes into change events: one <see cref="ChildRecordChanged"/> per child whose record was touched
/// (the child comes from the access facts the gateway stored with the version), one
/// <see cref="OrganisationDirectoryChanged"/> when Organizations changed. Runs after every commit, on every write path.
/// </summary>
public sealed class IndicatorChangeDetector(
    IChildRecordChangePublisher publisher,
    IResourceStore store,
    AccessFactsCodec codec,
    TimeProvider clock,
    ILogger<IndicatorChangeDetector> logger) : IResourceCommitHandler
{
    /// <summary>
    /// The types the projector reads (IndicatorProjector and the statutory clock's EhcCaseReader): writes of other types
    /// (Consent, AuditEvent, Provenance...) cannot change an indicator and raise no event.
    /// </summary>
    public static readonly IReadOnlySet<string> ProjectedTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "ServiceRequest", "CarePlan", "Encounter", "Task", "Goal", "Observation", "EpisodeOfCare", "Condition", "DocumentReference",
    };

    public async Task CommittedAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        try
        {
            var at = clock.GetUtcNow();
            var children = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            var organisations = new List<string>();
            foreach (var w in writes)
            {
                if (w.ResourceType == "Organization")
                {
                    organisations.Add(w.ResourceId);
                    continue;
                }

                if (!ProjectedTypes.Contains(w.ResourceType)) continue;
                var child = await ChildOfAsync(w, ct);
                if (child is null) continue;
                if (!children.TryGetValue(child, out var types)) children[child] = types = new SortedSet<string>(StringComparer.Ordinal);
                types.Add(w.ResourceType);
            }

            foreach (var (child, types) in children) await publisher.PublishAsync(new ChildRecordChanged(child, types.ToList(), at), ct);
            if (organisations.Count > 0) await publisher.PublishAsync(new OrganisationDirectoryChanged(organisations, at), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The write has committed: never fail it. The daily rebuild repairs a missed event. No personal data logged.
            logger.LogWarning("Indicator change event not published for {Count} writes ({Error}); the next rebuild will repair the projection", writes.Count, ex.GetType().Name);
        }
    }

    /// <summary>
    /// The child a write belongs to. A delete carries no facts of its own, so the deletion marker's (it keeps the facts
    /// of the version it deleted) are read back.
    /// </summary>
    private async Task<string?> ChildOfAsync(ResourceWrite w, CancellationToken ct)
    {
        if (w.ResourceType == "Patient") return w.ResourceId;
        var access = w.Access;
        if (w.IsDelete) access = (await store.ReadAsync(w.ResourceType, w.ResourceId, ct))?.Access;
        return access is null ? null : codec.Decode(w.ResourceType, w.ResourceId, access).ChildId;
    }
}
