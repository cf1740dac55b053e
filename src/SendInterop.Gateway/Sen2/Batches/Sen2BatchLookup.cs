using SendInterop.Domain.Access;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Sen2.Batches;

/// <summary>
/// The look-ups of a whole batch of records, set-based: one statement per resource type for every child identifier or
/// record key of the batch, where the record-by-record import ran a conditional search (a query compilation and a round
/// trip) per entry. What it finds is what those searches found: current resources only, filtered through the consent gate
/// as the importer (a match it may not see does not exist for it, and the decision is recorded with the request, as
/// <see cref="Fhir.Interactions.ConditionalResolver"/> does).
/// </summary>
public sealed class Sen2BatchLookup(IResourceStore store, DisclosureGate gate)
{
    private const string IdentifierParam = "identifier";

    public async Task<Sen2StoredRecords> FindAsync(IReadOnlyList<Sen2MappedRecord> records, AccessSession access, CancellationToken ct)
    {
        var found = new Sen2StoredRecords();
        var identifiers = records.SelectMany(r => r.PatientIdentifiers).ToHashSet();
        foreach (var (match, system, code) in await VisibleAsync("Patient", identifiers, access, ct))
            found.AddPatient(system, code, match);

        foreach (var type in Sen2StaleRecords.KeyedTypes)
        {
            var keys = records.SelectMany(r => r.Keyed).Where(k => k.Type == type).Select(k => (Sen2FhirUrls.RecordIdentifier, k.Key)).ToHashSet();
            foreach (var (match, _, code) in await VisibleAsync(type, keys, access, ct))
                found.AddKeyed(type, code, match);
        }

        return found;
    }

    /// <summary>
    /// Adds every current resource of the keyed types about each child: the candidates for <see cref="Sen2StaleRecords.Select"/>.
    /// Not filtered here, as <see cref="Sen2StaleRecords"/> reads them: only the importer's own are ever chosen, and the gate
    /// then decides, per chosen one, whether the importer may see it (as the record's own transaction does before a delete).
    /// </summary>
    public async Task AddAboutChildrenAsync(Sen2StoredRecords found, IReadOnlyCollection<string> childIds, CancellationToken ct)
    {
        if (childIds.Count == 0) return;
        foreach (var type in Sen2StaleRecords.KeyedTypes)
            foreach (var match in await store.FindReferringAsync(type, Sen2StaleRecords.SubjectParam, "Patient", childIds, ct))
                found.AddAboutChild(match.TargetId, match.Record);
    }

    private async Task<IReadOnlyList<(ResourceRecord Record, string System, string Code)>> VisibleAsync(
        string type, HashSet<(string System, string Value)> tokens, AccessSession access, CancellationToken ct)
    {
        if (tokens.Count == 0) return [];
        var matches = (await store.FindByTokensAsync(type, IdentifierParam, tokens.Select(t => t.Value).ToList(), ct))
            .Where(m => m.System is not null && tokens.Contains((m.System, m.Code)))
            .ToList();
        if (matches.Count == 0 || access.IsInternal) return matches.Select(m => (m.Record, m.System!, m.Code)).ToList();
        var distinct = matches.Select(m => m.Record).DistinctBy(r => r.Key).ToList();
        var visible = (await gate.FilterAsync(access, distinct, access.ScopeFor(type, SmartPermissions.Read), ct)).Select(r => r.Key).ToHashSet();
        return matches.Where(m => visible.Contains(m.Record.Key)).Select(m => (m.Record, m.System!, m.Code)).ToList();
    }
}
