using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Export;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Export;

/// <summary>
/// What an export could hold, before the consent gate: pages of current resources, each resource once. A system export
/// walks each type in key order; a Patient export walks every Patient and each one's compartment as the reference index
/// holds it (what refers to the child, as <c>$everything</c> does); a Group export the compartments of the Group's
/// active Patient members. Nothing here is disclosed: <see cref="ExportRun"/> decides every resource.
/// </summary>
public sealed class ExportCandidates(IResourceStore store, Domain.Search.SearchRequestParser parser, FhirSerialization serialization)
{
    /// <summary>Resources read from the store at once.</summary>
    public const int PageSize = 1_000;

    /// <summary>Patients whose compartments are read together.</summary>
    private const int PatientBatch = 200;

    /// <param name="group">The Group's current version, for a Group export (read by the runner, which decides it first).</param>
    public IAsyncEnumerable<IReadOnlyList<ResourceRecord>> PagesAsync(ExportJobRow job, IReadOnlyList<string> types, ResourceRecord? group, CancellationToken ct) =>
        job.Kind switch
        {
            ExportKinds.System => SystemPagesAsync(types, job.SinceTicks, ct),
            ExportKinds.Patient => CompartmentPagesAsync(PatientIdPagesAsync(ct), types, job.SinceTicks, ct),
            _ => CompartmentPagesAsync(MemberIdPagesAsync(group!, ct), types, job.SinceTicks, ct),
        };

    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> SystemPagesAsync(IReadOnlyList<string> types, long? sinceTicks,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var type in types)
            await foreach (var page in TypePagesAsync(type, ct))
            {
                var wanted = sinceTicks is { } since ? page.Where(r => r.LastUpdated >= since).ToList() : page;
                if (wanted.Count > 0) yield return wanted;
            }
    }

    /// <summary>Every current resource of <paramref name="type"/>, a page at a time, in key order.</summary>
    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> TypePagesAsync(string type,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var request = parser.Parse(type, []);
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
        await foreach (var page in TypePagesAsync("Patient", ct))
            foreach (var chunk in page.Chunk(PatientBatch)) yield return chunk;
    }

    /// <summary>The Group's active members that are stored, current Patients, in batches.</summary>
    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> MemberIdPagesAsync(ResourceRecord groupRecord,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var group = (Group)serialization.ParseStored(groupRecord.Json);
        var ids = group.Member.Where(m => m.Inactive != true)
            .Select(m => m.Entity?.Reference)
            .Where(r => r is not null && r.StartsWith("Patient/", StringComparison.Ordinal) && r.IndexOf('/', 8) < 0)
            .Select(r => r![8..]).Distinct(StringComparer.Ordinal).ToList();
        foreach (var chunk in ids.Chunk(PatientBatch))
        {
            var found = new List<ResourceRecord>(chunk.Length);
            foreach (var id in chunk)
                if (await store.ReadAsync("Patient", id, ct) is { IsDeleted: false } patient) found.Add(patient);
            if (found.Count > 0) yield return found;
        }
    }

    /// <summary>
    /// For each batch of Patients: the Patients themselves (when Patient is exported), then what refers to them, of the
    /// exported types, changed since <paramref name="sinceTicks"/>; a resource that refers to several children comes once.
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<ResourceRecord>> CompartmentPagesAsync(IAsyncEnumerable<IReadOnlyList<ResourceRecord>> patientBatches,
        IReadOnlyList<string> types, long? sinceTicks, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var seen = new HashSet<long>();
        var wantPatients = types.Contains("Patient");
        await foreach (var patients in patientBatches.WithCancellation(ct))
        {
            var leading = patients.Where(p => wantPatients && (sinceTicks is null || p.LastUpdated >= sinceTicks) && seen.Add(p.Key)).ToList();
            if (leading.Count > 0) yield return leading;
            var ids = patients.Select(p => p.ResourceId).ToList();
            var after = long.MinValue;
            while (true)
            {
                var rows = await store.ReferringAfterAsync("Patient", ids, types, sinceTicks, after, PageSize, ct);
                var fresh = rows.Where(r => seen.Add(r.Key)).ToList();
                if (fresh.Count > 0) yield return fresh;
                if (rows.Count < PageSize) break;
                after = rows[^1].Key;
            }
        }
    }
}
