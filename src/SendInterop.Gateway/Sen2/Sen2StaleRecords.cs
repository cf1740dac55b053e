using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// The resources an earlier import of this LA's return created for a child that the new record no longer contains (a
/// request, plan, need or review taken out of the file, or filed under another key because its received date was
/// corrected), as DELETE entries for the record's own transaction. They are deleted, not ended or cancelled: SEN2 is the
/// LA's statement of its record, so an item it no longer returns was never (or is no longer) true, and no FHIR status says
/// that for all four types (a "revoked" request or plan claims a withdrawal, which SEN2 records as an outcome of its own).
/// A delete keeps every earlier version in the history, goes through the normal write path (delete scope, ownership,
/// If-Match on the version looked at) and drops out of every search, the export, the statutory clock and the indicators
/// without any of them having to learn a new status.
/// </summary>
/// <remarks>
/// Only what the import itself made is touched: a resource of one of the import's types that names the child as subject,
/// carries a <see cref="Sen2FhirUrls.RecordIdentifier"/> of this LA for one of the child's identifiers (the person tokens of
/// the file's and the stored Patient's UPN, ULN and LA child id), and is owned by the importing organisation. Another
/// system's records of the child carry no such key (or another owner) and stay. The look-up reads the index directly, one
/// statement per type by the child's reference (<see cref="IResourceStore.FindReferringAsync"/>), every match: a resolver's
/// match limit must not make a stale resource survive. Nothing is disclosed by it; the transaction's delete then asks the
/// gate whether the importer may see each one (a hidden one fails the record, 412), and the batch path does the same.
/// </remarks>
public sealed class Sen2StaleRecords(IResourceStore store, FhirSerialization serialization)
{
    /// <summary>The parameter every keyed type names the child by.</summary>
    public const string SubjectParam = "subject";

    /// <summary>The types the import keys with a record identifier (the Patient is never deleted: other systems share it).</summary>
    public static readonly string[] KeyedTypes = ["ServiceRequest", "CarePlan", "Condition", "Encounter"];

    private static readonly HashSet<string> ChildIdentifierSystems = new(StringComparer.Ordinal)
    {
        IdentifierSystems.Upn, IdentifierSystems.Uln, IdentifierSystems.LaChildId,
    };

    /// <param name="child">The stored Patient the record's entries refer to (its current version).</param>
    /// <param name="transaction">The record's full mapped transaction (unchanged entries included): what is still current.</param>
    public async Task<IReadOnlyList<Bundle.EntryComponent>> FindAsync(
        ResourceRecord child, Bundle transaction, LaCode la, AccessSession access, CancellationToken ct)
    {
        // Only the importer's own resources can be stale: without an organisation there is nothing to look up.
        if (access.Requester?.OrganisationId is null) return [];
        var candidates = new List<ResourceRecord>();
        foreach (var type in KeyedTypes)
            candidates.AddRange((await store.FindReferringAsync(type, SubjectParam, "Patient", [child.ResourceId], ct)).Select(m => m.Record));
        return Select(child, transaction, la, access.Requester?.OrganisationId, candidates).Select(DeleteEntry).ToList();
    }

    /// <summary>The DELETE entry for a stale resource, expecting the version looked at.</summary>
    private static Bundle.EntryComponent DeleteEntry(ResourceRecord stale) => new()
    {
        Request = new Bundle.RequestComponent
        {
            Method = Bundle.HTTPVerb.DELETE, Url = $"{stale.ResourceType}/{stale.ResourceId}", IfMatch = $"W/\"{stale.VersionId}\"",
        },
    };

    /// <summary>
    /// Which of <paramref name="candidates"/> (current resources of the <see cref="KeyedTypes"/> about the child, found by the
    /// caller) are stale: the importer's own, keyed by this LA for one of the child's identifiers, and not in the record.
    /// </summary>
    public IReadOnlyList<ResourceRecord> Select(
        ResourceRecord child, Bundle transaction, LaCode la, string? owner, IEnumerable<ResourceRecord> candidates)
    {
        var current = new HashSet<string>(StringComparer.Ordinal);
        var identifiers = new List<Identifier>();
        foreach (var resource in transaction.Entry.Select(e => e.Resource))
        {
            if (resource is Patient patient) identifiers.AddRange(patient.Identifier);
            else if (Sen2RecordKey.ValueOf(resource) is { } key) current.Add(key);
        }

        var tokens = Tokens(identifiers);
        var stale = new List<ResourceRecord>();
        var storedTokensAdded = false;
        foreach (var match in candidates)
        {
            if (owner is null || match.IsDeleted || !string.Equals(match.Owner, owner, StringComparison.Ordinal)) continue;
            var key = Sen2RecordKey.ValueOf(serialization.ParseStored(match.Json));
            if (key is null || current.Contains(key) || Sen2RecordKey.LaOf(key) != la.Value) continue;
            var token = Sen2RecordKey.PersonTokenOf(key);
            if (!tokens.Contains(token) && !storedTokensAdded)
            {
                // Keys made from an identifier the file no longer gives (a child who has since been given a UPN).
                if (serialization.ParseStored(child.Json) is Patient stored) tokens.UnionWith(Tokens(stored.Identifier));
                storedTokensAdded = true;
            }

            if (!tokens.Contains(token)) continue;
            stale.Add(match);
        }

        return stale;
    }

    private static HashSet<string> Tokens(IEnumerable<Identifier> identifiers) =>
        identifiers.Where(i => i.System is not null && ChildIdentifierSystems.Contains(i.System) && !string.IsNullOrEmpty(i.Value))
            .Select(Sen2RecordKey.PersonTokenFor).ToHashSet(StringComparer.Ordinal);
}
