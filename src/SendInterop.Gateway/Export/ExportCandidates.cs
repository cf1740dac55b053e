using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Search;
using SendInterop.Storage.Export;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Export;

/// <summary>
/// What an export could hold, before the consent gate: pages of current resources, each resource once. A system export
/// walks each type in key order; a Patient export walks every Patient and each one's compartment as the reference index
/// holds it (what refers to the child, as <c>$everything</c> does); a Group export the compartments of the Group's
/// active Patient members (a member is <c>Patient/[id]</c>; other forms, and <c>member.period</c>, are not read). A
/// requester with a patient in context (a <c>patient/</c> token) walks that child's compartment only, whatever the kind
/// (nothing else could be permitted to it), and a POSTed <c>patient</c> parameter limits a Patient or Group export to
/// those children. A type with <c>_typeFilter</c> queries keeps what matches one of them.
/// Nothing here is disclosed: <see cref="ExportRun"/> decides every resource.
/// </summary>
public sealed class ExportCandidates(IResourceStore store, Domain.Search.SearchRequestParser parser, FhirSerialization serialization)
{
    /// <summary>Resources read from the store at once.</summary>
    public const int PageSize = 1_000;

    /// <summary>Patients whose compartments are read together.</summary>
    private const int PatientBatch = 200;

    /// <summary>Criteria every Patient meets: its <see cref="PlainCriteria.ForResources"/> reads a batch of ids with one search.</summary>
    private static readonly PlainCriteria AnyPatient = new("Patient", []);

    /// <param name="group">The Group's current version, for a Group export (read by the runner, which decides it first).</param>
    public IAsyncEnumerable<IReadOnlyList<ResourceRecord>> PagesAsync(ExportJobRow job, IReadOnlyList<string> types, ResourceRecord? group, CancellationToken ct)
    {
        var filters = Filters(job.TypeFilters);
        // The children the export is limited to, if anything limits it: the patient in context, the patient parameter, a Group's members.
        List<string>? children = job.PatientContext is { } context ? [context] : null;
        if (job.PatientIds is { } named) children = Limit(children, System.Text.Json.JsonSerializer.Deserialize<List<string>>(named) ?? []);
        if (group is not null) children = Limit(children, MemberIds(group));
        return (job.Kind, children) switch
        {
            (_, { } some) => CompartmentPagesAsync(MemberIdPagesAsync(some, ct), types, job.SinceTicks, filters, ct),
            (ExportKinds.System, _) => SystemPagesAsync(types, job.SinceTicks, filters, ct),
            _ => CompartmentPagesAsync(PatientIdPagesAsync(ct), types, job.SinceTicks, filters, ct),
        };
    }

    /// <summary>The job's _typeFilter queries by type (checked at kick-off).</summary>
    private Dictionary<string, List<PlainCriteria>> Filters(string? stored)
    {
        var byType = new Dictionary<string, List<PlainCriteria>>(StringComparer.Ordinal);
        foreach (var text in stored is null ? [] : System.Text.Json.JsonSerializer.Deserialize<List<string>>(stored) ?? [])
        {
            // Checked at kick-off; one that no longer parses (a changed parser) fails the run rather than exporting the type unfiltered.
            if (!PlainCriteria.TryParse(text, parser, "_typeFilter", ExportKickOff.NotExported, "is not exported.", out var criteria, out var error))
                throw new InvalidOperationException("A stored _typeFilter no longer parses: " + error);
            (byType.TryGetValue(criteria!.ResourceType, out var list) ? list : byType[criteria.ResourceType] = []).Add(criteria);
        }
        return byType;
    }

    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> SystemPagesAsync(IReadOnlyList<string> types, long? sinceTicks,
        Dictionary<string, List<PlainCriteria>> filters, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var type in types)
        {
            // A type with filters: what matches any of them, each resource once.
            var seen = filters.ContainsKey(type) ? new HashSet<long>() : null;
            foreach (var query in filters.TryGetValue(type, out var some) ? some.Select(f => f.Query) : [[]])
                await foreach (var page in TypePagesAsync(type, sinceTicks, query, ct))
                {
                    // The search's _lastUpdated is to the second (below); the exact instant is applied here.
                    var wanted = page.Where(r => (sinceTicks is null || r.LastUpdated >= sinceTicks) && (seen is null || seen.Add(r.Key))).ToList();
                    if (wanted.Count > 0) yield return wanted;
                }
        }
    }

    /// <summary>
    /// Every current resource of <paramref name="type"/> meeting <paramref name="query"/> (last updated from the second of
    /// <paramref name="sinceTicks"/>), a page at a time, in key order.
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> TypePagesAsync(string type, long? sinceTicks, IEnumerable<KeyValuePair<string, string>>? query = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        // Only what changed since is read (the index answers it), not every body of the type.
        var criteria = (query ?? []).ToList();
        if (sinceTicks is { } since)
            criteria.Add(new("_lastUpdated", "ge" + new DateTime(since - since % TimeSpan.TicksPerSecond, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)));
        string? cursor = null;
        do
        {
            var request = parser.Parse(type, criteria);
            request.Count = PageSize;
            request.SkipTotal = true;
            request.Cursor = cursor;
            var page = await store.SearchAsync(request, ct);
            if (page.Matches.Count > 0) yield return page.Matches;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> PatientIdPagesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var page in TypePagesAsync("Patient", null, ct: ct))
            foreach (var chunk in page.Chunk(PatientBatch)) yield return chunk;
    }

    /// <summary>The Group's active members that are Patients (<c>Patient/[id]</c>).</summary>
    private List<string> MemberIds(ResourceRecord groupRecord)
    {
        var group = (Group)serialization.ParseStored(groupRecord.Json);
        return group.Member.Where(m => m.Inactive != true)
            .Select(m => m.Entity?.Reference)
            .Where(r => r is not null && r.StartsWith("Patient/", StringComparison.Ordinal) && r.IndexOf('/', 8) < 0)
            .Select(r => r![8..]).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The children of <paramref name="limit"/> that are also in <paramref name="more"/> (all of <paramref name="more"/> when nothing limited them yet).</summary>
    private static List<string> Limit(List<string>? limit, List<string> more)
    {
        if (limit is null) return more;
        var allowed = new HashSet<string>(more, StringComparer.Ordinal); // up to 10,000 named children against a Group's members
        return limit.Where(allowed.Contains).ToList();
    }

    /// <summary>The stored, current Patients of <paramref name="ids"/>, in batches, each batch read with one search.</summary>
    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> MemberIdPagesAsync(List<string> ids,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(PatientBatch))
        {
            var found = (await store.SearchAsync(AnyPatient.ForResources(parser, chunk), ct)).Matches;
            if (found.Count > 0) yield return found;
        }
    }

    /// <summary>
    /// For each batch of Patients: the Patients themselves (when Patient is exported), then what refers to them, of the
    /// exported types, changed since <paramref name="sinceTicks"/>; a resource that refers to several children comes once.
    /// Another Patient that refers to one of them (a link between a child's records) is not part of the batch's
    /// compartments: it comes in its own batch, if at all (not for a Group it is not a member of).
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> CompartmentPagesAsync(IAsyncEnumerable<IReadOnlyList<ResourceRecord>> patientBatches,
        IReadOnlyList<string> types, long? sinceTicks, Dictionary<string, List<PlainCriteria>> filters,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var seen = new HashSet<long>();
        var wantPatients = types.Contains("Patient");
        await foreach (var patients in patientBatches.WithCancellation(ct))
        {
            var leading = await MatchingAsync(patients.Where(p => wantPatients && (sinceTicks is null || p.LastUpdated >= sinceTicks) && seen.Add(p.Key)).ToList(), filters, ct);
            if (leading.Count > 0) yield return leading;
            var ids = patients.Select(p => p.ResourceId).ToList();
            var after = long.MinValue;
            while (true)
            {
                var rows = await store.ReferringAfterAsync("Patient", ids, types, sinceTicks, after, PageSize, ct);
                var fresh = await MatchingAsync(rows.Where(r => r.ResourceType != "Patient" && seen.Add(r.Key)).ToList(), filters, ct);
                if (fresh.Count > 0) yield return fresh;
                if (rows.Count < PageSize) break;
                after = rows[^1].Key;
            }
        }
    }

    /// <summary>Those of <paramref name="records"/> whose type has no filter or that match one: one search per filter for the lot.</summary>
    private async Task<List<ResourceRecord>> MatchingAsync(List<ResourceRecord> records, Dictionary<string, List<PlainCriteria>> filters, CancellationToken ct)
    {
        if (filters.Count == 0 || records.Count == 0) return records;
        var matched = new HashSet<(string, string)>();
        foreach (var byType in records.GroupBy(r => r.ResourceType).Where(g => filters.ContainsKey(g.Key)))
            foreach (var ids in byType.Select(r => r.ResourceId).Distinct(StringComparer.Ordinal).Chunk(PatientBatch))
                foreach (var filter in filters[byType.Key])
                    foreach (var match in (await store.SearchAsync(filter.ForResources(parser, ids), ct)).Matches)
                        matched.Add((match.ResourceType, match.ResourceId));
        return records.Where(r => !filters.ContainsKey(r.ResourceType) || matched.Contains((r.ResourceType, r.ResourceId))).ToList();
    }
}
