using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// What is left of a person's transaction once each entry's conditional look-up has been done, once: the entries that
/// change something, pinned to what the look-up found, and the child's stored Patient when there is one (the record then
/// reconciles its earlier resources, <see cref="Sen2StaleRecords"/>). <see cref="Transaction"/> is null when nothing changes.
/// </summary>
public sealed record Sen2Changes(Bundle? Transaction, ResourceRecord? Child);

/// <summary>
/// Takes out of a person's transaction the entries that would change nothing, so importing the same file twice writes
/// nothing the second time (a conditional update always stores a new version, even of identical content). An entry is
/// unchanged when its conditional create already matches a record, or its conditional update matches one record whose stored
/// content, with references resolved, is the same as the entry's (meta and id apart: the server sets them). References
/// to a dropped entry are rewritten to the stored <c>Type/id</c>, which the transaction checks like any other reference.
/// </summary>
/// <remarks>
/// The look-ups go through <see cref="ConditionalResolver"/> as the caller: they see what the transaction would see, and their
/// gate decisions are audited with the request. They are not repeated by the transaction: an entry whose look-up found one
/// resource becomes a plain update of that id expecting the version looked at (If-Match), so a change made in between fails
/// the record's transaction (409/412) instead of being overwritten; an SEN2-keyed entry that found none becomes a plain
/// create. The keys are this LA's and an LA's imports run one at a time (<see cref="Sen2ImportLocks"/>), so nothing else
/// creates them in between. The Patient keeps its If-None-Exist: another system may create the child meanwhile, and a
/// duplicate child is worth one more look-up to avoid. An ambiguous look-up is left conditional for the transaction to refuse.
/// </remarks>
public sealed class Sen2UnchangedEntries(ConditionalResolver resolver, Sen2ContentComparer comparer)
{
    public async Task<Sen2Changes> TrimAsync(Bundle transaction, AccessSession access, CancellationToken ct)
    {
        // The mapper gives every entry a fullUrl, a resource and a request; anything else is left to the transaction.
        if (transaction.Entry.Any(e => e.FullUrl is null || e.Resource is null || e.Request?.Url is null)) return new Sen2Changes(transaction, null);
        var entries = transaction.Entry.Select(e => (FullUrl: e.FullUrl!, Resource: e.Resource!, Request: e.Request!)).ToList();

        var stored = new Dictionary<string, ResourceRecord>(StringComparer.Ordinal);
        var notFound = new HashSet<string>(StringComparer.Ordinal);
        ResourceRecord? child = null;
        foreach (var (fullUrl, resource, request) in entries)
        {
            var type = resource.TypeName;
            var query = request.Method == Bundle.HTTPVerb.POST ? request.IfNoneExist : QueryOf(request.Url!);
            if (string.IsNullOrEmpty(query)) continue;
            var matches = await resolver.ResolveAsync(type, query, access, ct);
            if (matches.Count == 0) notFound.Add(fullUrl);
            if (matches.Count != 1) continue; // ambiguous: the transaction refuses it
            if (resource is Patient && !matches[0].IsDeleted) child = matches[0];
            stored[fullUrl] = matches[0];
        }

        var references = stored.Where(kv => !kv.Value.IsDeleted)
            .ToDictionary(kv => kv.Key, kv => $"{kv.Value.ResourceType}/{kv.Value.ResourceId}", StringComparer.Ordinal);
        var unchanged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (fullUrl, resource, request) in entries)
        {
            if (!stored.TryGetValue(fullUrl, out var match) || match.IsDeleted) continue;
            // A conditional create that matched writes nothing; an update is unchanged only when its content is.
            if (request.Method == Bundle.HTTPVerb.POST || comparer.Same(resource, match, references)) unchanged.Add(fullUrl);
        }

        if (unchanged.Count == entries.Count) return new Sen2Changes(null, child);
        var dropped = unchanged.ToDictionary(u => u, u => references[u], StringComparer.Ordinal);
        var trimmed = new Bundle { Type = Bundle.BundleType.Transaction };
        // The mapped entries are the import's own, made for this one transaction: changed in place rather than copied.
        foreach (var entry in transaction.Entry.Where(e => !unchanged.Contains(e.FullUrl!)))
        {
            Sen2ContentComparer.Rewrite(entry.Resource!, dropped);
            if (entry.Request!.Method == Bundle.HTTPVerb.PUT) Pin(entry, stored.GetValueOrDefault(entry.FullUrl!), notFound.Contains(entry.FullUrl!));
            trimmed.Entry.Add(entry);
        }

        return new Sen2Changes(trimmed, child);
    }

    /// <summary>A conditional update whose look-up is done: an update of the id found (its version expected), else a create.</summary>
    private static void Pin(Bundle.EntryComponent entry, ResourceRecord? match, bool notFound)
    {
        var type = entry.Resource!.TypeName;
        if (match is not null)
        {
            // A deleted match is brought back under its own id (its history continues), as the conditional update did.
            entry.Request = new Bundle.RequestComponent
            {
                Method = Bundle.HTTPVerb.PUT, Url = $"{type}/{match.ResourceId}",
                IfMatch = match.IsDeleted ? null : $"W/\"{match.VersionId}\"",
            };
            entry.Resource!.Id = match.ResourceId;
        }
        else if (notFound)
        {
            entry.Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = type };
        }
    }

    private static string? QueryOf(string url) => url.IndexOf('?') is var q and >= 0 ? url[(q + 1)..] : null;
}
