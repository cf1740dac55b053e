using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Referential integrity as the writer may know it: a referenced resource exists for the writer only when it exists and
/// the writer may know of it (<see cref="DisclosureGate.MayKnowExistsAsync"/>: the gate would let it read it, or a Tier 1
/// agreement joins the two organisations for the purpose). Were every hidden resource counted as existing, a write's 422
/// for a dangling reference would tell an outsider whether an id it cannot see is taken.
/// </summary>
/// <remarks>
/// Scopes are not asked: a client allowed to write plans references the child without needing to read Patients. The
/// decisions are not audited: nothing of the target is disclosed, and the answer is the same as for an id that never
/// existed.
/// </remarks>
public sealed class ReferenceTargets(IResourceStore store, DisclosureGate gate)
{
    /// <summary>One answer per reference, in order: does it exist and may the requester know of it?</summary>
    public async Task<IReadOnlyList<bool>> ExistForAsync(AccessSession session, IReadOnlyList<(string Type, string Id)> references, CancellationToken ct)
    {
        if (session.IsInternal) return await store.ExistAsync(references, ct);
        var answers = new Dictionary<(string, string), bool>();
        foreach (var r in references)
            if (!answers.ContainsKey(r)) answers[r] = await KnownAsync(session, r.Type, r.Id, ct);
        return references.Select(r => answers[r]).ToList();
    }

    private async Task<bool> KnownAsync(AccessSession session, string type, string id, CancellationToken ct)
    {
        var record = await store.ReadAsync(type, id, ct);
        if (record is null || record.IsDeleted) return false;
        return await gate.MayKnowExistsAsync(session, new AccessRow(record.Key, record.ResourceType, record.ResourceId, record.Owner, record.Access), ct);
    }
}
