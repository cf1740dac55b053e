using Hl7.Fhir.Model;
using SendInterop.Domain.Search;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Statutory;

/// <summary>A stored version and the resource parsed from it.</summary>
public sealed record StoredResource(Resource Resource, ResourceRecord Record)
{
    public string Reference => Record.ResourceType + "/" + Record.ResourceId;
}

/// <summary>
/// What the statutory clock needs of one child, read as the gateway (no consent gate: the Tasks must reflect the whole
/// record whoever wrote each part): the resources the EHC case is made of, and the statutory Tasks already stored.
/// </summary>
public sealed record ChildCaseRecord(string PatientId, IReadOnlyList<StoredResource> CaseResources, IReadOnlyList<StoredResource> StatutoryTasks)
{
    public static ChildCaseRecord Empty(string patientId) => new(patientId, [], []);

    public bool IsEmpty => CaseResources.Count == 0 && StatutoryTasks.Count == 0;

    public StoredResource? Find(string? reference) =>
        reference is null ? null : CaseResources.FirstOrDefault(r => r.Reference == reference);
}

/// <summary>
/// Reads a child's EHC record: the child's Tasks first (a child with no case and no statutory Task costs one or two
/// queries), then requests and plans, and only when there is a case the reviews, the Patient and the advice documents.
/// </summary>
public sealed class ChildCaseRecordReader(IResourceStore store, SearchRequestParser parser, FhirSerialization serialization)
{
    /// <summary>More than this many resources of one type for one child is not a real record: stop reading, do not loop.</summary>
    private const int MaxPerType = 5_000;

    private const int PageSize = 1_000;

    /// <param name="onlyIfTracked">Stop unless the child already has statutory Tasks (a Patient edit matters only then).</param>
    public async Task<ChildCaseRecord> ReadAsync(string patientId, bool onlyIfTracked, CancellationToken ct)
    {
        var subject = "Patient/" + patientId;
        var tasks = await SearchAsync("Task", [new("subject", subject)], ct);
        var statutory = tasks.Where(t => StatutoryTasks.IsStatutoryTask(t.Resource)).ToList();
        if (onlyIfTracked && statutory.Count == 0) return ChildCaseRecord.Empty(patientId);

        var requests = await SearchAsync("ServiceRequest", [new("subject", subject), new("code", EhcRecordVocabulary.ProcessStepSystem + "|")], ct);
        var plans = await SearchAsync("CarePlan", [new("subject", subject)], ct);
        if (requests.Count == 0 && plans.Count == 0 && statutory.Count == 0) return ChildCaseRecord.Empty(patientId);

        var resources = new List<StoredResource>();
        resources.AddRange(requests);
        resources.AddRange(plans);
        var processTasks = tasks.Where(t => !StatutoryTasks.IsStatutoryTask(t.Resource)).ToList();
        resources.AddRange(processTasks);
        resources.AddRange(await SearchAsync("Encounter", [new("subject", subject), new("type", EhcRecordVocabulary.ProcessStepSystem + "|" + EhcRecordVocabulary.AnnualReview)], ct));
        if (await ReadAsync("Patient", patientId, ct) is { } patient) resources.Add(patient);
        // Advice documents name the adviser's organisation (custodian): read the ones advice Tasks output, not every document.
        foreach (var reference in processTasks.SelectMany(t => ((FhirTask)t.Resource).Output).Select(o => (o.Value as ResourceReference)?.Reference)
                     .Where(r => r is not null && r.StartsWith("DocumentReference/", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            if (await ReadAsync("DocumentReference", reference!["DocumentReference/".Length..], ct) is { } document) resources.Add(document);
        }
        return new ChildCaseRecord(patientId, resources, statutory);
    }

    private async Task<StoredResource?> ReadAsync(string type, string id, CancellationToken ct)
    {
        var record = await store.ReadAsync(type, id, ct);
        return record is { IsDeleted: false } ? new StoredResource(serialization.ParseStored(record.Json), record) : null;
    }

    private async Task<List<StoredResource>> SearchAsync(string type, List<KeyValuePair<string, string>> query, CancellationToken ct)
    {
        var request = parser.Parse(type, query);
        if (request.Problems.Count > 0) throw new InvalidOperationException($"Statutory read of {type}: " + string.Join(" ", request.Problems));
        request.Count = PageSize;
        request.SkipTotal = true;
        var found = new List<StoredResource>();
        while (found.Count < MaxPerType)
        {
            var page = await store.SearchAsync(request, ct);
            found.AddRange(page.Matches.Where(m => !m.IsDeleted).Select(m => new StoredResource(serialization.ParseStored(m.Json), m)));
            if (page.NextCursor is null || page.Matches.Count == 0) break;
            request.Cursor = page.NextCursor;
        }
        return found;
    }
}
