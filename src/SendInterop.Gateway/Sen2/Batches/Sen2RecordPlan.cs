using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Sen2.Batches;

/// <summary>One resource write a record needs: a create (new id), an update of the version looked at, or a delete.</summary>
/// <param name="Resource">Null for a delete.</param>
/// <param name="Current">The stored version a delete removes (the gate decides whether the importer may see it).</param>
public sealed record Sen2PlannedWrite(string ResourceType, string ResourceId, Resource? Resource, int? ExpectedVersion, bool Create, ResourceRecord? Current = null);

/// <summary>
/// What one record of a batch changes, decided from the batch's look-ups exactly as <see cref="Sen2UnchangedEntries"/> and
/// <see cref="Sen2StaleRecords"/> decide it for a record on its own; or why it must go the record-by-record way
/// (<see cref="Fallback"/>), whose transaction then gives the refusal or the answer in its own words.
/// </summary>
public sealed class Sen2RecordPlan
{
    private Sen2RecordPlan(Sen2MappedRecord mapped, string? childId, IReadOnlyList<Sen2PlannedWrite> writes, string? fallback)
    {
        Mapped = mapped;
        ChildId = childId;
        Writes = writes;
        Fallback = fallback;
    }

    public Sen2MappedRecord Mapped { get; }

    /// <summary>The child's Patient id: the stored one, or the one the plan creates.</summary>
    public string? ChildId { get; }

    /// <summary>In transaction order; empty when the record is unchanged.</summary>
    public IReadOnlyList<Sen2PlannedWrite> Writes { get; private set; }

    /// <summary>Why this record is imported on its own instead (an ambiguous match, a key another record of the batch also
    /// claims, something the plan cannot resolve); null when the plan stands.</summary>
    public string? Fallback { get; private set; }

    public void FallBack(string reason)
    {
        Fallback = reason;
        Writes = [];
    }

    public static Sen2RecordPlan Make(Sen2MappedRecord mapped, Sen2StoredRecords stored, LaCode la, string? owner,
        Sen2ContentComparer comparer, Sen2StaleRecords staleRecords)
    {
        var patients = stored.PatientsWith(mapped.PatientIdentifiers);
        if (patients.Count > 1) return new(mapped, null, [], "several Patients carry the child's identifiers");
        var child = patients.Count == 1 ? patients[0] : null;

        // Every entry's fullUrl to the Type/id it is (stored) or will be (new), so references resolve before comparing.
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new List<(Resource Resource, string Id, ResourceRecord? Match)>();
        foreach (var entry in mapped.Transaction.Entry)
        {
            var resource = entry.Resource!;
            var type = resource.TypeName;
            ResourceRecord? match;
            if (resource is Patient)
            {
                match = child;
            }
            else
            {
                var matches = stored.Keyed(type, Sen2RecordKey.ValueOf(resource) ?? "");
                if (matches.Count > 1) return new(mapped, null, [], $"several {type} resources carry one SEN2 record key");
                match = matches.Count == 1 ? matches[0] : null;
                // Another organisation's resource: the write would be refused (and with it the whole batch); on its own, the
                // record's transaction says so.
                if (match is not null && !string.Equals(match.Owner, owner, StringComparison.Ordinal))
                    return new(mapped, null, [], "a keyed resource belongs to another organisation");
            }

            var id = match?.ResourceId ?? ResourcePreparer.NewId();
            references[entry.FullUrl!] = $"{type}/{id}";
            pending.Add((resource, id, match));
        }

        var writes = new List<Sen2PlannedWrite>();
        foreach (var (resource, id, match) in pending)
        {
            // A Patient found is never written (the conditional create matched: other systems share the child's record); a
            // keyed resource is written only when its content changed.
            if (match is not null && (resource is Patient || comparer.Same(resource, match, references))) continue;
            Sen2ContentComparer.Rewrite(resource, references);
            if (ReferenceWalker.All(resource).Any(r => r.Reference?.StartsWith("urn:", StringComparison.Ordinal) == true))
                return new(mapped, null, [], "a reference inside the record did not resolve");
            resource.Id = id;
            writes.Add(new Sen2PlannedWrite(resource.TypeName, id, resource, match?.VersionId, Create: match is null));
        }

        if (child is not null)
        {
            foreach (var stale in staleRecords.Select(child, mapped.Transaction, la, owner, stored.AboutChild(child.ResourceId)))
                writes.Add(new Sen2PlannedWrite(stale.ResourceType, stale.ResourceId, null, stale.VersionId, Create: false, stale));
        }

        var patientUrl = mapped.Transaction.Entry.First(e => e.Resource is Patient).FullUrl!;
        return new(mapped, references[patientUrl]["Patient/".Length..], writes, null);
    }
}
