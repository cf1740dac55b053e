using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Search;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// <c>Patient/{id}/$everything</c> (http://hl7.org/fhir/R4/patient-operation-everything.html): the child's Patient and
/// every current resource that refers to it through any reference search parameter (its compartment as the reference
/// index holds it: plans, goals, needs, requests, episodes, consents, Tasks, linked Patients), as a searchset Bundle in
/// the order they were stored, paged with <c>_count</c> and sealed next links that carry every parameter in effect
/// (a POSTed filter holds on every page; <see cref="EverythingInputs"/>).
/// <para>
/// Disclosure is a search's: each type needs read and search scope (the Patient's too, else 403); the Patient must be
/// visible (hidden answers 404 or 403 as configured, as a read does), and every other resource is decided by the
/// consent gate and recorded for the audit; a type the token may not read and search, and a resource the gate
/// withholds, is left out as if it did not exist (the decision recorded all the same). Pages fill past hidden
/// resources, and a next link is given only when a resource the requester may see lies beyond, so neither a short page
/// nor an empty last one says that something was withheld. <c>Bundle.total</c> is given when the answer is one page
/// (then it is that page's size); counting a longer answer would walk the whole compartment through the gate.
/// What a page's entries refer to (Organizations, Practitioners, other resources) follows as include entries, gated as a
/// search's <c>_include</c> is and limited by <c>_type</c>; the care-date filters (start, end) are not supported.
/// </para>
/// <para>
/// <c>linked=true</c> adds the child's other Patient records from the master child index (as HAPI's <c>_mdm=true</c>)
/// and their compartments, but only the records the requester may see: a hidden record's compartment is not walked,
/// since a visible resource found through it would say that the two records are one child. The leading Patients (the
/// child's, then its linked records by id) come first and count towards <c>_count</c> like any entry.
/// </para>
/// </summary>
public sealed class PatientEverythingOperation(IResourceStore store, DisclosureGate gate, ReadInteractions reads, SearchCursorSeal cursors,
    Domain.Search.SearchParameterRegistry registry, LinkedIdentifierSearch linked, PermittedIncludes includes)
{
    /// <summary>
    /// The permissions each type needs: read, and search, since $everything enumerates what exists as a search does
    /// (a token with <c>.r</c> alone may read an id it knows, not list them).
    /// </summary>
    private const SmartPermissions Needed = SmartPermissions.Read | SmartPermissions.Search;

    /// <summary>Linked records of one child are few; more than this many visible is refused rather than half answered.</summary>
    public const int MaxLinkedRecords = LinkedIdentifierSearch.MaxRecords;

    /// <summary>The smallest batch read from the store while filling a page or looking beyond it.</summary>
    private const int MinBatch = 50;
    /// <summary>The largest batch of resources (bodies included) read at once.</summary>
    private const int MaxBatch = 1_000;

    public async Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
    {
        var id = request.Url.Id!;
        var inputs = new EverythingInputs(request, registry);
        var session = request.Access;
        var patientGrant = session.RequireScope("Patient", Needed);
        var patient = await store.ReadAsync("Patient", id, ct) ?? throw FhirException.NotFound($"Patient/{id} does not exist.");
        // The child's Patient is decided as a read; the decision is recorded where the Patient is disclosed (the first
        // page, unless _type or _since leave it out) and wherever it is refused or gone, not on pages that only go on past it.
        var shownHere = inputs.Cursor is null && inputs.Includes("Patient") && (inputs.SinceTicks is null || patient.LastUpdated >= inputs.SinceTicks);
        if (shownHere || patient.IsDeleted || !await gate.IsPermittedWithinScopeAsync(session, patient, patientGrant, ct))
            await reads.EnsureVisibleAsync(session, patientGrant, patient, ct);
        if (patient.IsDeleted)
            throw new FhirException(410, OperationOutcome.IssueType.Deleted, $"Patient/{id} was deleted (version {patient.VersionId}); its history is still available.");

        var (leadingAfter, after) = inputs.Cursor is null ? (null, long.MinValue) : cursors.OpenEverythingPage(inputs.Cursor, id);
        var patients = new List<ResourceRecord> { patient };
        if (inputs.Linked) patients.AddRange(await VisibleLinkedAsync(session, patientGrant, id, ct));
        var ids = patients.Select(p => p.ResourceId).ToHashSet(StringComparer.Ordinal);

        // The leading Patients first: the child's own (decided as a read above), then its linked records by
        // id, each decided again and recorded as it is disclosed. A later page goes on after the last one given, so a
        // record linked or unlinked in between is neither repeated nor shifts the others.
        var leading = patients.Where(p => inputs.Includes("Patient") && (inputs.SinceTicks is null || p.LastUpdated >= inputs.SinceTicks))
            .Where(p => leadingAfter switch
            {
                null => true,
                SearchCursorSeal.EverythingLeadingDone => false,
                "" => !ReferenceEquals(p, patient),
                var last => !ReferenceEquals(p, patient) && string.CompareOrdinal(p.ResourceId, last) > 0,
            })
            .ToList();
        var entries = new List<ResourceRecord>(inputs.Count);
        var taken = 0;
        for (; taken < leading.Count && entries.Count < inputs.Count; taken++)
            if (ReferenceEquals(leading[taken], patient) || await gate.PermitsWithinScopeAsync(session, leading[taken], patientGrant, ct)) entries.Add(leading[taken]);
        var nextLeading = taken < leading.Count
            ? (taken == 0 ? leadingAfter ?? "" : ReferenceEquals(leading[taken - 1], patient) ? "" : leading[taken - 1].ResourceId)
            : SearchCursorSeal.EverythingLeadingDone;
        bool more;
        long lastKey = after;
        if (taken < leading.Count) more = true; // linked records left over, each visible (checked above, unrecorded)
        else if (entries.Count == inputs.Count) more = await AnyPermittedAfterAsync(session, ids, inputs, after, mayHoldMore: true, ct);
        else (more, lastKey) = await FillAsync(session, ids, inputs, after, entries, ct);

        var body = new BundleBody { Type = Bundle.BundleType.Searchset, Total = inputs.Cursor is null && !more ? entries.Count : null };
        var path = $"{request.BaseUrl}/Patient/{id}/$everything";
        // Both links carry the parameters in effect (a POSTed body's too), so they say what was asked.
        var self = inputs.Cursor is null ? inputs.Effective : inputs.Effective.Append(new("_cursor", inputs.Cursor));
        body.Links.Add(("self", path + SearchInteraction.QueryString(self)));
        if (more)
        {
            var query = inputs.Effective.Append(new("_cursor", cursors.SealEverythingPage(id, nextLeading, lastKey)));
            body.Links.Add(("next", path + SearchInteraction.QueryString(query)));
        }
        foreach (var r in entries)
            body.Entries.Add(new BundleBodyEntry { FullUrl = $"{request.BaseUrl}/{r.ResourceType}/{r.ResourceId}", Json = r.Json, SearchMode = Bundle.SearchEntryMode.Match });
        foreach (var r in await ReferencedAsync(session, inputs, ids, entries, ct))
            body.Entries.Add(new BundleBodyEntry { FullUrl = $"{request.BaseUrl}/{r.ResourceType}/{r.ResourceId}", Json = r.Json, SearchMode = Bundle.SearchEntryMode.Include });
        if (inputs.Ignored.Count > 0)
        {
            var outcome = new OperationOutcome();
            foreach (var name in inputs.Ignored) outcome.Issue.Add(OperationOutcomes.Warning($"$everything does not support the parameter '{name}'; it was ignored."));
            body.Entries.Add(new BundleBodyEntry { Resource = outcome, SearchMode = Bundle.SearchEntryMode.Outcome });
        }
        return new FhirResponse { Bundle = body };
    }

    /// <summary>
    /// What this page's entries refer to (the spec's "any resource referenced from those": the LA, schools, trusts,
    /// practitioners), as include entries: each through the gate like a search's <c>_include</c> (<see cref="PermittedIncludes"/>)
    /// with the read and search scope the entries need, only of the <c>_type</c>s asked for and changed since <c>_since</c>,
    /// never the child's own Patient records (entries of their own), at most
    /// <see cref="Domain.Search.SearchDefaults.MaxCount"/> a page, in one walk over all the entries. A later page may repeat
    /// an include.
    /// </summary>
    private async Task<List<ResourceRecord>> ReferencedAsync(AccessSession session, EverythingInputs inputs, IReadOnlyCollection<string> patients,
        List<ResourceRecord> entries, CancellationToken ct)
    {
        var seen = entries.Select(e => (e.ResourceType, e.ResourceId)).Concat(patients.Select(p => ("Patient", p))).ToHashSet();
        var spec = new Domain.Search.IncludeSpec(Domain.Search.IncludeSpec.AnySource, "*", null);
        return await includes.CollectAsync(session, seen, (after, limit) => store.IncludeAfterAsync(entries, spec, after, limit, ct), ct,
            wanted: r => inputs.Includes(r.ResourceType) && (inputs.SinceTicks is null || r.LastUpdated >= inputs.SinceTicks), needed: Needed);
    }

    /// <summary>
    /// The child's other current Patient records in the master child index that the requester may see, by id
    /// (<see cref="LinkedIdentifierSearch.VisibleMembersAsync"/>). Not recorded here: the ones given are decided (and
    /// recorded) as they are put on a page.
    /// </summary>
    private async Task<List<ResourceRecord>> VisibleLinkedAsync(AccessSession session, ScopeGrant? grant, string id, CancellationToken ct)
    {
        var visible = new List<ResourceRecord>();
        // The child's own record counts as found, so the limit is on its other records.
        var found = new HashSet<string>(StringComparer.Ordinal) { id };
        await foreach (var record in linked.VisibleMembersAsync([id], found, session, grant, TooManyLinked, ct)) visible.Add(record);
        return visible;
    }

    private static FhirException TooManyLinked() =>
        new(422, OperationOutcome.IssueType.TooCostly, $"This child has more than {MaxLinkedRecords} records in the master child index; ask without linked=true.");

    /// <summary>
    /// Adds the permitted compartment resources after <paramref name="after"/> (each decision recorded) until the page
    /// holds <see cref="EverythingInputs.Count"/> entries or the compartment runs out. Returns whether a permitted
    /// resource lies beyond the page (the next link) and the key to continue after.
    /// </summary>
    private async Task<(bool More, long LastKey)> FillAsync(AccessSession session, IReadOnlyCollection<string> patients, EverythingInputs inputs, long after,
        List<ResourceRecord> entries, CancellationToken ct)
    {
        var lastKey = after;
        var batch = Math.Max(inputs.Count, MinBatch);
        while (true)
        {
            var rows = await store.ReferringAfterAsync("Patient", patients, inputs.Types, inputs.SinceTicks, after, batch, ct);
            for (var i = 0; i < rows.Count; i++)
            {
                if (IsLeading(rows[i], patients)) continue; // a Patient.link between the child's records: already a leading entry
                if (entries.Count == inputs.Count)
                    return (await AnyPermittedAsync(session, patients, rows.Skip(i), ct) || await AnyPermittedAfterAsync(session, patients, inputs, rows[^1].Key, rows.Count == batch, ct), lastKey);
                if (await PermitsAsync(session, rows[i], ct))
                {
                    entries.Add(rows[i]);
                    lastKey = rows[i].Key;
                }
            }
            if (rows.Count < batch) return (false, lastKey);
            after = rows[^1].Key;
            if (entries.Count == inputs.Count)
                return (await AnyPermittedAfterAsync(session, patients, inputs, after, true, ct), lastKey);
            batch = Math.Min(MaxBatch, batch * 4);
        }
    }

    /// <summary>Whether a permitted resource lies after <paramref name="after"/> (when the store may hold more). Not recorded.</summary>
    private async Task<bool> AnyPermittedAfterAsync(AccessSession session, IReadOnlyCollection<string> patients, EverythingInputs inputs, long after, bool mayHoldMore, CancellationToken ct)
    {
        for (var batch = MinBatch; mayHoldMore; batch = Math.Min(MaxBatch, batch * 4))
        {
            var rows = await store.ReferringAfterAsync("Patient", patients, inputs.Types, inputs.SinceTicks, after, batch, ct);
            if (await AnyPermittedAsync(session, patients, rows, ct)) return true;
            mayHoldMore = rows.Count == batch;
            if (mayHoldMore) after = rows[^1].Key;
        }
        return false;
    }

    private static bool IsLeading(ResourceRecord record, IReadOnlyCollection<string> patients) => record.ResourceType == "Patient" && patients.Contains(record.ResourceId);

    /// <summary>
    /// The disclosure decision for one resource, recorded: the token's scope for its type (constraints included), then
    /// the gate. A type the scopes do not reach is left out, and that too is recorded.
    /// </summary>
    private async Task<bool> PermitsAsync(AccessSession session, ResourceRecord record, CancellationToken ct)
    {
        if (session.IsInternal) return true;
        var grant = session.ScopeFor(record.ResourceType, Needed);
        if (grant is not null) return await gate.PermitsWithinScopeAsync(session, record, grant, ct);
        gate.RecordOutOfScope(session, record);
        return false;
    }

    /// <summary>Whether any of these the requester may see: a look beyond a full page that discloses nothing but a link. Not recorded.</summary>
    private async Task<bool> AnyPermittedAsync(AccessSession session, IReadOnlyCollection<string> patients, IEnumerable<ResourceRecord> records, CancellationToken ct)
    {
        foreach (var record in records)
        {
            if (IsLeading(record, patients)) continue;
            if (session.IsInternal) return true;
            var grant = session.ScopeFor(record.ResourceType, Needed);
            if (grant is not null && await gate.IsPermittedWithinScopeAsync(session, record, grant, ct)) return true;
        }
        return false;
    }
}
