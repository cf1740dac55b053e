using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Statutory;

/// <summary>A child whose statutory Tasks a commit may have changed; <see cref="OnlyIfTracked"/> when only the Patient changed.</summary>
public sealed record TouchedChild(string PatientId, bool OnlyIfTracked);

/// <summary>
/// Which committed writes can change a child's statutory timeline, decided from the access facts stored with each write
/// (type, child, codes) without parsing a resource: EHC requests, plans, process-step Tasks, review Encounters, advice
/// documents, and the Patient (its birth date moves phase transfers). Statutory Tasks themselves never trigger, so the
/// writer cannot feed itself.
/// </summary>
public sealed class StatutoryTriggers(AccessFactsCodec codec, IResourceStore store)
{
    private static readonly HashSet<string> CaseTypes = new(StringComparer.Ordinal)
    {
        "ServiceRequest", "CarePlan", "Encounter", "Task", "DocumentReference", "Patient",
    };

    public async Task<IReadOnlyList<TouchedChild>> ChildrenAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        var children = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            if (!CaseTypes.Contains(write.ResourceType)) continue;
            // A Patient just created cannot have statutory Tasks yet (they name an existing Patient): no query at all on
            // the commonest write of a bulk load.
            if (write.ResourceType == "Patient" && write.Method == "POST") continue;
            var facts = await FactsAsync(write, ct);
            if (facts is null || !Relevant(facts)) continue;
            var child = write.ResourceType == "Patient" ? write.ResourceId : facts.ChildId;
            if (child is null) continue;
            var onlyIfTracked = write.ResourceType == "Patient";
            children[child] = children.TryGetValue(child, out var already) ? already && onlyIfTracked : onlyIfTracked;
        }
        return children.Select(kv => new TouchedChild(kv.Key, kv.Value)).ToList();
    }

    /// <summary>A delete carries no facts: those of the version it removed are on the deletion marker.</summary>
    private async Task<ResourceFacts?> FactsAsync(ResourceWrite write, CancellationToken ct)
    {
        if (!write.IsDelete) return codec.Decode(write.ResourceType, write.ResourceId, write.Access);
        var marker = await store.ReadAsync(write.ResourceType, write.ResourceId, ct);
        return marker is null ? null : codec.Decode(write.ResourceType, write.ResourceId, marker.Access);
    }

    private static bool Relevant(ResourceFacts facts) => facts.ResourceType switch
    {
        "Patient" or "CarePlan" => true, // a plan may be recognised by its profile alone, which the facts do not carry
        "Task" => HasCode(facts, EhcRecordVocabulary.ProcessStepSystem) && !HasCode(facts, StatutoryCanonical.StepCodeSystem),
        _ => HasCode(facts, EhcRecordVocabulary.ProcessStepSystem),
    };

    private static bool HasCode(ResourceFacts facts, string system) => facts.Codes.Any(c => c.System == system);
}
