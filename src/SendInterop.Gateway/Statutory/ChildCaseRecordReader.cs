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

    /// <summary>
    /// The records of several children with one search per type for all of them (a bulk import's batch), instead of one per
    /// type per child. Each child's record is then made up exactly as <see cref="ReadAsync(string,bool,CancellationToken)"/>
    /// makes it. Null when the batch cannot be read this way (a resource whose subject is not a plain <c>Patient/id</c>, or a
    /// type hitting the read limit): the caller then reads child by child.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ChildCaseRecord>?> ReadManyAsync(IReadOnlyList<TouchedChild> children, CancellationToken ct)
    {
        // One statement per type for the slice (the children's ids as a list, where a composed search was compiled per
        // slice); the criteria the single-child read gives as search parameters (a process-step code, the annual-review
        // type) are the same tests made on the parsed resources.
        var ids = children.Select(c => c.PatientId).ToList();
        if (await ReferringAsync("Task", ids, _ => true, ct) is not { } tasks
            || await ReferringAsync("ServiceRequest", ids, r => HasCode(((ServiceRequest)r).Code, null), ct) is not { } requests
            || await ReferringAsync("CarePlan", ids, _ => true, ct) is not { } plans
            || await ReferringAsync("Encounter", ids, r => ((Encounter)r).Type.Any(t => HasCode(t, EhcRecordVocabulary.AnnualReview)), ct) is not { } reviews)
            return null;

        var bySubject = new Dictionary<string, List<StoredResource>>(StringComparer.Ordinal);
        foreach (var resource in tasks.Concat(requests).Concat(plans).Concat(reviews))
        {
            if (PatientIdOf(resource.Resource) is not { } id) return null;
            if (!bySubject.TryGetValue(id, out var list)) bySubject[id] = list = [];
            list.Add(resource);
        }

        var records = new Dictionary<string, ChildCaseRecord>(StringComparer.Ordinal);
        foreach (var child in children)
        {
            var own = bySubject.GetValueOrDefault(child.PatientId) ?? [];
            var childTasks = own.Where(r => r.Resource is FhirTask).ToList();
            var statutory = childTasks.Where(t => StatutoryTasks.IsStatutoryTask(t.Resource)).ToList();
            if (child.OnlyIfTracked && statutory.Count == 0) { records[child.PatientId] = ChildCaseRecord.Empty(child.PatientId); continue; }
            var childRequests = own.Where(r => r.Resource is ServiceRequest).ToList();
            var childPlans = own.Where(r => r.Resource is CarePlan).ToList();
            if (childRequests.Count == 0 && childPlans.Count == 0 && statutory.Count == 0) { records[child.PatientId] = ChildCaseRecord.Empty(child.PatientId); continue; }

            // The same order and the same extra reads as the single-child read.
            var resources = new List<StoredResource>();
            resources.AddRange(childRequests);
            resources.AddRange(childPlans);
            var processTasks = childTasks.Where(t => !StatutoryTasks.IsStatutoryTask(t.Resource)).ToList();
            resources.AddRange(processTasks);
            resources.AddRange(own.Where(r => r.Resource is Encounter));
            if (await ReadAsync("Patient", child.PatientId, ct) is { } patient) resources.Add(patient);
            foreach (var reference in processTasks.SelectMany(t => ((FhirTask)t.Resource).Output).Select(o => (o.Value as ResourceReference)?.Reference)
                         .Where(r => r is not null && r.StartsWith("DocumentReference/", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
            {
                if (await ReadAsync("DocumentReference", reference!["DocumentReference/".Length..], ct) is { } document) resources.Add(document);
            }
            records[child.PatientId] = new ChildCaseRecord(child.PatientId, resources, statutory);
        }

        return records;
    }

    /// <summary>The Patient id a case resource's subject names, when it is a plain relative <c>Patient/id</c>.</summary>
    private static string? PatientIdOf(Resource resource)
    {
        var reference = resource switch
        {
            FhirTask t => t.For?.Reference,
            ServiceRequest r => r.Subject?.Reference,
            CarePlan p => p.Subject?.Reference,
            Encounter e => e.Subject?.Reference,
            _ => null,
        };
        if (reference is null || !reference.StartsWith("Patient/", StringComparison.Ordinal)) return null;
        var id = reference["Patient/".Length..];
        return id.Contains('/', StringComparison.Ordinal) ? null : id;
    }

    /// <summary>
    /// The current resources of a type whose subject is one of the children, that pass <paramref name="keep"/>; null when
    /// they are <see cref="MaxPerType"/> or more, before any is parsed (the caller reads child by child then).
    /// </summary>
    private async Task<List<StoredResource>?> ReferringAsync(string type, IReadOnlyCollection<string> patientIds, Func<Resource, bool> keep, CancellationToken ct)
    {
        var matches = await store.FindReferringAsync(type, "subject", "Patient", patientIds, ct);
        if (matches.Count >= MaxPerType) return null;
        var found = new List<StoredResource>();
        var seen = new HashSet<long>();
        // In key order, as the search pages them.
        foreach (var match in matches.OrderBy(m => m.Record.Key))
        {
            if (!seen.Add(match.Record.Key)) continue;
            var resource = serialization.ParseStored(match.Record.Json);
            if (keep(resource)) found.Add(new StoredResource(resource, match.Record));
        }

        return found;
    }

    /// <summary>A coding of the EHC process-step system (with this code, when given): the <c>code=system|code</c> criterion.</summary>
    private static bool HasCode(CodeableConcept? concept, string? code) =>
        concept?.Coding.Any(c => c.System == EhcRecordVocabulary.ProcessStepSystem && (code is null || c.Code == code)) == true;

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
