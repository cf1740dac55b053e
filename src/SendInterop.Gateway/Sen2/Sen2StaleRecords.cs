using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using System.Runtime.CompilerServices;
using SendInterop.Domain.Search;
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
/// indexed search per type by the child's reference, paged to the end: the candidates are the importer's own resources,
/// which the transaction may delete whatever the consent gate would show (a delete is decided by ownership), so there is
/// no disclosure decision to make, and a resolver's match limit must not make a stale resource survive.
/// </remarks>
public sealed class Sen2StaleRecords(IResourceStore store, SearchRequestParser parser, FhirSerialization serialization)
{
    private const int PageSize = 200;

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
        var owner = access.Requester?.OrganisationId;
        var candidates = new List<ResourceRecord>();
        foreach (var type in KeyedTypes)
            await foreach (var match in OwnedByAsync(type, child.ResourceId, owner, ct)) candidates.Add(match);
        return Select(child, transaction, la, owner, candidates);
    }

    /// <summary>
    /// Which of <paramref name="candidates"/> (current resources of the <see cref="KeyedTypes"/> about the child, found by the
    /// caller) are stale: the importer's own, keyed by this LA for one of the child's identifiers, and not in the record.
    /// </summary>
    public IReadOnlyList<Bundle.EntryComponent> Select(
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
        var stale = new List<Bundle.EntryComponent>();
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
            stale.Add(new Bundle.EntryComponent
            {
                Request = new Bundle.RequestComponent
                {
                    Method = Bundle.HTTPVerb.DELETE, Url = $"{match.ResourceType}/{match.ResourceId}", IfMatch = $"W/\"{match.VersionId}\"",
                },
            });
        }

        return stale;
    }

    /// <summary>The current resources of one type about the child that <paramref name="owner"/> owns.</summary>
    private async IAsyncEnumerable<ResourceRecord> OwnedByAsync(string type, string patientId, string? owner,
        [EnumeratorCancellation] CancellationToken ct)
    {
        if (owner is null) yield break;
        // By the child's reference alone (a selective index); the key is checked on the few resources this returns. A
        // system-only identifier criterion would match every SEN2 resource of the store.
        var request = parser.Parse(type, [new("subject", "Patient/" + patientId)]);
        if (request.Problems.Count > 0) throw new InvalidOperationException($"SEN2 stale look-up of {type}: " + string.Join(" ", request.Problems));
        request.Count = PageSize;
        request.SkipTotal = true;
        while (true)
        {
            var page = await store.SearchAsync(request, ct);
            foreach (var match in page.Matches)
                if (!match.IsDeleted && string.Equals(match.Owner, owner, StringComparison.Ordinal)) yield return match;
            if (page.NextCursor is null || page.Matches.Count == 0) yield break;
            request.Cursor = page.NextCursor;
        }
    }

    private static HashSet<string> Tokens(IEnumerable<Identifier> identifiers) =>
        identifiers.Where(i => i.System is not null && ChildIdentifierSystems.Contains(i.System) && !string.IsNullOrEmpty(i.Value))
            .Select(Sen2RecordKey.PersonTokenFor).ToHashSet(StringComparer.Ordinal);
}
