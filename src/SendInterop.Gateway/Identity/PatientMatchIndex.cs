using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Synthetic;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// The in-memory linkage index over every current Patient in the store, for <c>Patient/$match</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Built lazily</b> on the first <see cref="GetAsync"/>: every current Patient is read from the store (keyset
/// pages, internal access: the index holds all children, the consent gate decides later what each caller may see).</item>
/// <item><b>Trained once</b> per process, at that first build: on the stored Patients when there are at least
/// <see cref="MinimumTrainingRecords"/> of them, otherwise on a seeded synthetic UK population
/// (<see cref="UkSyntheticPopulation"/>, <see cref="SyntheticTrainingChildren"/> children), because EM on a handful
/// of records estimates nothing useful. The model is kept; later builds reuse it. Options bind from
/// <c>Identity:Linkage</c>.</item>
/// <item><b>Kept current</b> by <see cref="Written"/>, called by the write paths (single writes and Bundles) after a
/// commit on this node: on the next match each Patient written since is read again and put in the index in place of
/// its old record, or taken out when it was deleted (a rebuild from the store on every update or delete had made each
/// Patient create cost in proportion to all the Patients stored; docs/performance.md, "Session 17"). Only when more
/// Patients changed than half the index (a bulk load) is it rebuilt instead, with the same model. Patients written by
/// another replica are not seen until this node writes a Patient or restarts.</item>
/// <item><b>Thread-safe</b>: matches read a published index; one build or catch-up at a time under a semaphore.</item>
/// </list>
/// </remarks>
public sealed class PatientMatchIndex(IResourceStore store, FhirSerialization serialization, IConfiguration configuration, ILogger<PatientMatchIndex> logger)
    : Fhir.Interactions.IResourceWriteObserver
{
    public const int MinimumTrainingRecords = 200;
    public const int SyntheticTrainingChildren = 2000;
    private const int PageSize = 500;

    private readonly LinkageEngine _engine = new(configuration.GetSection("Identity:Linkage").Get<LinkageOptions>() ?? new LinkageOptions());
    private readonly SemaphoreSlim _build = new(1, 1);
    private readonly ConcurrentQueue<string> _pending = new();
    private LinkageModel? _model;
    private volatile LinkageIndex? _index;

    public LinkageOptions Options => _engine.Options;

    /// <summary>Whether the model was trained on synthetic records (too few stored Patients at the first build).</summary>
    public bool TrainedOnSynthetic { get; private set; }

    /// <summary>Notes Patient writes (create, update, delete) committed on this node; cheap, no I/O.</summary>
    public void Written(IReadOnlyList<ResourceWrite> writes)
    {
        foreach (var w in writes)
        {
            if (w.ResourceType == "Patient") _pending.Enqueue(w.ResourceId);
        }
    }

    /// <summary>The index, built or brought up to date first when needed.</summary>
    public async Task<LinkageIndex> GetAsync(CancellationToken ct)
    {
        if (_index is { } ready && _pending.IsEmpty) return ready;
        await _build.WaitAsync(ct);
        try
        {
            if (_index is null) await RebuildAsync(ct);
            else if (!_pending.IsEmpty) await CatchUpAsync(ct);
            return _index!;
        }
        finally
        {
            _build.Release();
        }
    }

    /// <summary>
    /// Each changed Patient's current version replaces its record (none when it was deleted or cannot be read). Read
    /// from the store rather than taken from the write, so the index holds what was committed, whatever the order of the
    /// notes. Under <see cref="_build"/>.
    /// </summary>
    private async System.Threading.Tasks.Task CatchUpAsync(CancellationToken ct)
    {
        var changed = new HashSet<string>(StringComparer.Ordinal);
        while (_pending.TryDequeue(out var id)) changed.Add(id);
        var index = _index!;
        if (changed.Count > Math.Max(PageSize, index.Count / 2))
        {
            await RebuildAsync(ct);
            return;
        }
        foreach (var id in changed)
        {
            var record = await store.ReadAsync("Patient", id, ct);
            var linkage = record is null || record.IsDeleted ? null : ToLinkage(record.ResourceId, record.Json);
            index.Remove(id); // false when it was not indexed (new, or unreadable before)
            if (linkage is not null) index.Add(linkage);
        }
    }

    private async System.Threading.Tasks.Task RebuildAsync(CancellationToken ct)
    {
        while (_pending.TryDequeue(out _)) { } // the full read below sees every write committed before it
        var records = await LoadAsync(ct);
        if (_model is null)
        {
            TrainedOnSynthetic = records.Count < MinimumTrainingRecords;
            var training = TrainedOnSynthetic
                ? UkSyntheticPopulation.Generate(new UkSyntheticOptions { Children = SyntheticTrainingChildren }).Records
                : records;
            _model = await System.Threading.Tasks.Task.Run(() => _engine.Train(training), ct);
            logger.LogInformation("Patient match model trained on {Count} {Source} records", training.Count, TrainedOnSynthetic ? "synthetic" : "stored");
        }
        _index = _engine.CreateIndex(_model, records);
        logger.LogInformation("Patient match index built over {Count} Patients", records.Count);
    }

    private async Task<List<LinkageRecord>> LoadAsync(CancellationToken ct)
    {
        var records = new List<LinkageRecord>();
        var request = new SearchRequest { ResourceType = "Patient", Count = PageSize, SkipTotal = true };
        while (true)
        {
            var page = await store.SearchAsync(request, ct);
            foreach (var r in page.Matches)
            {
                if (!r.IsDeleted && ToLinkage(r.ResourceId, r.Json) is { } linkage) records.Add(linkage);
            }
            if (page.NextCursor is null || page.Matches.Count == 0) break;
            request.Cursor = page.NextCursor;
        }
        return records;
    }

    private LinkageRecord? ToLinkage(string id, byte[] json)
    {
        try
        {
            return serialization.ParseStored(json) is Patient patient ? PatientLinkageRecords.From(patient, id) : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception's type only: a parser's message can quote the stored data.
            logger.LogWarning("A stored Patient could not be read for the match index ({Error}); it is left out", ex.GetType().Name);
            return null;
        }
    }
}
