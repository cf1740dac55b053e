using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Search;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Reads what the gate needs to know about a child: birth date and capacity (who decides), the child's active
/// Consents, and the LAs with an open EHC needs assessment or review (the statutory basis). Results are shared across
/// requests; a write on this node to the child's Patient, Consent or ServiceRequest drops them at once, another
/// replica's write within <see cref="AccessOptions.ChildContextPollMilliseconds"/> (<see cref="ChildContextInvalidator"/>
/// follows the store's changes), and <see cref="AccessOptions.ChildContextSeconds"/> bounds any entry's age as a backstop.
/// </summary>
public sealed class ChildContextProvider(
    IResourceStore store,
    SearchRequestParser parser,
    FhirSerialization serialization,
    IOptions<AccessOptions> options,
    AccessFactsCodec codec,
    TimeProvider clock) : Fhir.Interactions.IResourceWriteObserver
{
    /// <summary>Extension on Patient recording that the young person lacks capacity to decide (the parent still does).</summary>
    public const string LacksCapacityExtension = SendCanonical.Base + "/StructureDefinition/lacks-capacity";

    /// <summary>The process steps that open a statutory basis for the LA performing them.</summary>
    private static readonly HashSet<string> OpenProcessCodes = new(StringComparer.Ordinal) { EhcRecordVocabulary.RequestForAssessment, EhcRecordVocabulary.AnnualReview };
    private const string ProcessStepSystem = EhcRecordVocabulary.ProcessStepSystem;
    private const int PageSize = 200;

    /// <summary>The resource types whose writes change a child's context.</summary>
    public static readonly IReadOnlySet<string> ContextTypes = new HashSet<string>(StringComparer.Ordinal) { "Patient", "Consent", "ServiceRequest" };

    private const int MaxCached = 100_000;
    private long _added;
    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);

    /// <summary>
    /// One load per child at a time: concurrent requests for a child whose context expired share the same load instead
    /// of each running the queries.
    /// </summary>
    private sealed class Entry(Task<ChildContext?> load, DateTimeOffset loadedAt)
    {
        public Task<ChildContext?> Load { get; } = load;
        public DateTimeOffset LoadedAt { get; } = loadedAt;
    }

    public void Invalidate(string childId) => _cache.TryRemove(childId, out _);

    /// <summary>Drops the context of the child a stored version of a context type concerns (another replica's write).</summary>
    public void Changed(ResourceChange change)
    {
        if (!ContextTypes.Contains(change.ResourceType)) return;
        var child = change.ResourceType == "Patient" ? change.ResourceId
            : change.Access is null ? null : codec.Decode(change.ResourceType, change.ResourceId, change.Access).ChildId;
        if (child is not null) Invalidate(child);
    }

    /// <summary>
    /// Called after writes commit: a changed Patient, Consent or ServiceRequest drops its child's context. A deletion
    /// does not say whose it was, so it drops every context (rare, and it only costs re-reads).
    /// </summary>
    public void Written(IReadOnlyList<ResourceWrite> writes)
    {
        foreach (var w in writes)
        {
            if (!ContextTypes.Contains(w.ResourceType)) continue;
            if (w.IsDelete) { _cache.Clear(); return; }
            var child = w.ResourceType == "Patient" ? w.ResourceId : codec.Decode(w.ResourceType, w.ResourceId, w.Access).ChildId;
            if (child is not null) Invalidate(child);
        }
    }

    public async Task<ChildContext?> GetAsync(string childId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var ttl = Backstop(childId);
        while (true)
        {
            if (_cache.TryGetValue(childId, out var hit))
            {
                if (now - hit.LoadedAt < ttl && !hit.Load.IsFaulted && !hit.Load.IsCanceled) return await hit.Load.WaitAsync(ct);
                // Expired or failed: replace it, unless another request already has.
                var fresh = new Entry(LoadAsync(childId), now);
                if (_cache.TryUpdate(childId, fresh, hit)) return await fresh.Load.WaitAsync(ct);
                continue;
            }
            // Bounded without counting on every load (Count takes every lock of the dictionary): a rough trim.
            if ((Interlocked.Increment(ref _added) & 4095) == 0 && _cache.Count > MaxCached) _cache.Clear();
            var entry = new Entry(LoadAsync(childId), now);
            if (_cache.TryAdd(childId, entry)) return await entry.Load.WaitAsync(ct);
        }
    }

    /// <summary>
    /// The backstop age, spread over up to a fifth more per child so contexts loaded together (a busy start) do not all
    /// expire and reload in the same second.
    /// </summary>
    private TimeSpan Backstop(string childId)
    {
        var seconds = options.Value.ChildContextSeconds;
        var spread = (uint)StringComparer.Ordinal.GetHashCode(childId) % 1000 / 1000.0 * 0.2;
        return TimeSpan.FromSeconds(seconds * (1 + spread));
    }

    /// <summary>Not cancelled by one caller: the load is shared by every request waiting for this child.</summary>
    private async Task<ChildContext?> LoadAsync(string childId)
    {
        var ct = CancellationToken.None;
        var record = await store.ReadAsync("Patient", childId, ct);
        if (record is null || record.IsDeleted) return null;
        var patient = (Patient)serialization.ParseStored(record.Json);
        DateOnly? birthDate = DateOnly.TryParseExact(patient.BirthDate ?? "", "yyyy-MM-dd", out var b) ? b : null;
        var lacksCapacity = patient.GetExtensionValue<FhirBoolean>(LacksCapacityExtension)?.Value == true;

        var consents = new List<ConsentDirective>();
        foreach (var c in await AllOfChildAsync("Consent", "patient", childId, ct))
            if (serialization.ParseStored(c.Json) is Consent { Status: Consent.ConsentState.Active } consent
                && ConsentDirectiveMapper.Map(consent, childId) is { } directive)
                consents.Add(directive);

        var open = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in await AllOfChildAsync("ServiceRequest", "subject", childId, ct))
        {
            if (serialization.ParseStored(r.Json) is not ServiceRequest { Status: RequestStatus.Active } request) continue;
            if (request.Code?.Coding.Any(c => c.System == ProcessStepSystem && c.Code is not null && OpenProcessCodes.Contains(c.Code)) != true) continue;
            foreach (var performer in request.Performer)
                if (performer.Reference is { } text && text.StartsWith("Organization/", StringComparison.Ordinal)) open.Add(text["Organization/".Length..]);
        }
        return new ChildContext(childId, birthDate, lacksCapacity, consents, open);
    }

    /// <summary>
    /// Every current resource of <paramref name="type"/> whose <paramref name="parameter"/> is the child, all pages (a
    /// refusal Consent missed on a later page would turn a deny into a permit). One reference criterion only, and
    /// the status checked on the parsed resource: with a second criterion (status=active) SQLite may drive the query
    /// from the status index, which matches every active resource of the type, and that made each load scan them all.
    /// </summary>
    private async Task<List<Storage.Model.ResourceRecord>> AllOfChildAsync(string type, string parameter, string childId, CancellationToken ct)
    {
        var all = new List<Storage.Model.ResourceRecord>();
        string? cursor = null;
        do
        {
            var request = parser.Parse(type, [new(parameter, "Patient/" + childId), new("_count", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            request.SkipTotal = true;
            request.Cursor = cursor;
            var page = await store.SearchAsync(request, ct);
            all.AddRange(page.Matches);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }
}
