using Hl7.Fhir.Model;
using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Scoring;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Storage.Identity;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// The master child index (issue #4 point 2): links every Patient that enters the gateway to exactly one master
/// identity, durably (<see cref="MasterIndexStore"/>), after the Patient has committed.
/// </summary>
/// <remarks>
/// <para>The decision, for a Patient not yet linked:</para>
/// <list type="number">
/// <item>a verified NHS number (UK Core verification status 01) held by a Patient already linked: that master
/// (deterministic; PDS has verified both numbers, so no demographic evidence could outweigh them);</item>
/// <item>no NHS number at all and a trace service configured (<see cref="INhsNumberTrace"/>): a verified number the
/// trace returns is used as in 1; its outcome and verification status are recorded on the link;</item>
/// <item>otherwise the linkage engine's index (<see cref="PatientMatchIndex"/>, the same model as <c>$match</c>): the
/// best linked candidate in the auto-link band gives its master (unless that master holds a different verified NHS
/// number); in the review band a new master plus a review Task (<see cref="IdentityReviewTasks"/>); below it a new
/// master.</item>
/// </list>
/// <para>Every link keeps its probability, weight, band and the per-comparison weights (never field values).</para>
/// <para>An update of a Patient already linked does not re-decide its master: links made or confirmed by people
/// (merges, review decisions) must not be undone by a routine edit. It refreshes the verified NHS number the link
/// holds for the deterministic step.</para>
/// <para>Linking is serialised on this node (one link decision at a time): two copies of a child arriving together
/// must see each other. A Patient that committed without its link (the process stopped in between, or linking failed)
/// is found and linked by <see cref="ReconcileAsync"/>, which runs once before the first link decision of a process
/// and at start-up.</para>
/// </remarks>
public sealed partial class MasterChildIndex(
    IResourceStore store,
    MasterIndexStore links,
    PatientMatchIndex matchIndex,
    FhirSerialization serialization,
    INhsNumberTrace trace,
    GatewayWrites writes,
    TimeProvider clock,
    ILogger<MasterChildIndex> logger,
    Security.Access.DisclosureGate gate) : IResourceCommitHandler
{
    /// <summary>Candidates asked of the linkage index per new Patient; review Tasks opened at most per Patient.</summary>
    private const int Candidates = 20, MaxReviewTasks = 3, PageSize = 500;

    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _reconciled;
    // Committed requests whose Patients no link run has taken yet (CommittedAsync).
    private readonly Lock _queueGate = new();
    private List<QueuedLink> _queued = [];
    private int _linkRuns;

    /// <summary>Link runs made for committed requests since start (one per batch, however many requests it took).</summary>
    internal int LinkRuns => Volatile.Read(ref _linkRuns);

    /// <summary>Committed requests waiting for a link run.</summary>
    internal int QueuedRequests
    {
        get { lock (_queueGate) return _queued.Count; }
    }

    /// <summary>
    /// Links the Patients among <paramref name="committed"/>; never fails the write (reconciliation repairs). Requests
    /// that arrive while a link run is going on are linked together by the next run: whoever gets the lock links every
    /// Patient queued by then, in arrival order, and the callers whose Patients it linked find them done when their turn
    /// comes. One run reads the links up front and saves them in one transaction, so under load the cost of the save
    /// (a turn at the database's write lock) is shared by the batch, not paid by each Patient in a row: linked one at a
    /// time, Patient writes queued for seconds at 100-300 concurrent writers (docs/performance.md, "Writers taking turns").
    /// </summary>
    public async System.Threading.Tasks.Task CommittedAsync(IReadOnlyList<ResourceWrite> committed, CancellationToken ct)
    {
        var ids = committed.Where(w => w.ResourceType == "Patient" && !w.IsDelete).Select(w => w.ResourceId).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return;
        var request = new QueuedLink(ids);
        lock (_queueGate) _queued.Add(request);
        // Not the request's token: a client that hangs up must not leave its Patient half-way through linking.
        await _lock.WaitAsync(CancellationToken.None);
        try
        {
            if (request.Done) return; // linked by the run before this one
            List<QueuedLink> batch;
            lock (_queueGate) (batch, _queued) = (_queued, []);
            var all = batch.SelectMany(r => r.PatientIds).Distinct(StringComparer.Ordinal).ToList();
            Interlocked.Increment(ref _linkRuns);
            try
            {
                await LinkBatchLockedAsync(all, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Type only: an exception message could quote data. The Patients stay unlinked until reconciliation (a
                // cancellation too: they committed, so they must still be linked).
                LogLinkFailed(all.Count, ex.GetType().Name);
                _reconciled = false;
            }
            finally
            {
                foreach (var r in batch) r.Done = true;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Links each Patient (current version from the store) that has no link yet; refreshes the others.</summary>
    public async System.Threading.Tasks.Task LinkAsync(IReadOnlyList<string> patientIds, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            await LinkBatchLockedAsync(patientIds, ct);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The Patients of one committed request, waiting for a link run; <see cref="Done"/> is set under the lock.</summary>
    private sealed class QueuedLink(IReadOnlyList<string> patientIds)
    {
        public IReadOnlyList<string> PatientIds { get; } = patientIds;
        public volatile bool Done;
    }

    private async System.Threading.Tasks.Task LinkBatchLockedAsync(IReadOnlyList<string> patientIds, CancellationToken ct)
    {
        if (!_reconciled) await ReconcileLockedAsync(ct);
        var pending = await PendingLinks.ForAsync(links, patientIds, ct);
        try
        {
            foreach (var id in patientIds)
            {
                var record = await store.ReadAsync("Patient", id, ct);
                if (record is { IsDeleted: false }) await LinkLockedAsync(record, pending, ct);
            }
        }
        finally
        {
            // What was decided before a failure is kept, as when each link was saved at once; the rest wait for
            // reconciliation (the caller marks it due).
            await pending.SaveAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// Links every current Patient that has no link (in the order they were stored, so earlier records become the
    /// masters later ones join). Run at start-up and before the first link decision of a process.
    /// </summary>
    public async System.Threading.Tasks.Task<int> ReconcileAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            return await ReconcileLockedAsync(ct);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Makes sure every stored Patient is linked (reconciles once per process); for readers of the index.</summary>
    public async System.Threading.Tasks.Task EnsureReconciledAsync(CancellationToken ct)
    {
        if (_reconciled) return;
        await ReconcileAsync(ct);
    }

    /// <summary>Runs <paramref name="change"/> while no link decision is being made (merges, review decisions).</summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> change, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (!_reconciled) await ReconcileLockedAsync(ct);
            return await change();
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<int> ReconcileLockedAsync(CancellationToken ct)
    {
        var linked = await links.LinkedPatientIdsAsync(ct);
        var linkedNow = 0;
        var request = new SearchRequest { ResourceType = "Patient", Count = PageSize, SkipTotal = true };
        while (true)
        {
            var page = await store.SearchAsync(request, ct);
            // These have no link (that is how they were chosen), so there is nothing to read up front.
            var pending = PendingLinks.Empty(links);
            try
            {
                foreach (var r in page.Matches.Where(r => !r.IsDeleted && !linked.Contains(r.ResourceId)))
                {
                    await LinkLockedAsync(r, pending, ct);
                    linkedNow++;
                }
            }
            finally
            {
                await pending.SaveAsync(CancellationToken.None);
            }
            if (page.NextCursor is null || page.Matches.Count == 0) break;
            request.Cursor = page.NextCursor;
        }
        _reconciled = true;
        if (linkedNow > 0) LogReconciled(linkedNow);
        return linkedNow;
    }

    private async System.Threading.Tasks.Task LinkLockedAsync(ResourceRecord record, PendingLinks links, CancellationToken ct)
    {
        if (serialization.ParseStored(record.Json) is not Patient patient) return;
        var probe = PatientLinkageRecords.From(patient, record.ResourceId);
        var now = clock.GetUtcNow();
        var ownVerified = probe.NhsNumberVerified ? probe.NhsNumber : null;

        if (links.Get(record.ResourceId) is { } existing)
        {
            var traced = existing.TraceOutcome == "matched" && existing.TraceVerificationStatus == PatientLinkageRecords.VerifiedCode && probe.NhsNumber is null
                ? existing.NhsNumber : null;
            existing.NhsNumber = ownVerified ?? traced;
            existing.PatientVersion = record.VersionId;
            links.Add(existing);
            return;
        }

        var row = new MasterLinkRow
        {
            PatientId = record.ResourceId, MasterId = NewMasterId(), Method = MasterLinkMethods.NewMaster,
            NhsNumber = ownVerified, PatientVersion = record.VersionId, LinkedAt = now.UtcTicks,
        };
        var method = MasterLinkMethods.VerifiedNhsNumber;
        if (probe.NhsNumber is null && trace.IsAvailable)
        {
            var query = NhsNumberTraceQuery.From(probe);
            var result = query.IsTraceable ? await trace.TraceAsync(query, ct) : NhsNumberTraceResult.NoMatch;
            row.TraceOutcome = result.Code;
            row.TraceVerificationStatus = result.VerificationStatus;
            if (result.IsVerifiedMatch)
            {
                row.NhsNumber = result.NhsNumber;
                method = MasterLinkMethods.TracedNhsNumber;
                probe = probe with { NhsNumber = result.NhsNumber, NhsNumberVerified = true };
            }
        }

        // 1-2: the master already holding this verified NHS number.
        if (row.NhsNumber is { } nhs && (await links.WithNhsNumberAsync(nhs, record.ResourceId, ct)).FirstOrDefault() is { } holder)
        {
            row.MasterId = holder.MasterId;
            row.Method = method;
            row.MatchedPatientId = holder.PatientId;
            row.Probability = 1;
            links.Add(row);
            return;
        }

        // 3: the linkage engine.
        var index = await matchIndex.GetAsync(ct);
        var scores = index.Match(probe, Candidates, MatchBand.Review).Where(s => s.RightId != record.ResourceId).ToList();
        var candidateLinks = (await links.GetManyAsync(scores.Select(s => s.RightId).ToList(), ct)).ToDictionary(l => l.PatientId, StringComparer.Ordinal);
        var ranked = scores.Where(s => candidateLinks.ContainsKey(s.RightId)).ToList();
        var reviews = new List<(PairScore Score, MasterLinkRow Link)>();
        // The engine's band already carries its guards (twins and siblings capped at review, a record auto-linking to
        // two that must stay apart demoted), so an auto-link candidate is trusted even when a held-back one scored higher.
        var auto = ranked.FirstOrDefault(s => s.Band == MatchBand.AutoLink);
        if (auto is not null && !await HoldsOtherVerifiedNumberAsync(links, candidateLinks[auto.RightId].MasterId, row.NhsNumber, ct))
        {
            Describe(row, auto);
            row.MasterId = candidateLinks[auto.RightId].MasterId;
            row.Method = MasterLinkMethods.AutoLink;
        }
        else
        {
            // For a person to decide: the best candidate of each master (a held-back auto-link included), a few at most,
            // among the records the arriving record's owner may know of (the Task is its owner's to read).
            foreach (var score in ranked)
            {
                var candidate = candidateLinks[score.RightId];
                if (reviews.Count < MaxReviewTasks && reviews.All(r => r.Link.MasterId != candidate.MasterId)
                    && await OwnerMayKnowOfAsync(record.Owner, candidate.PatientId, ct)) reviews.Add((score, candidate));
            }
        }
        if (row.Method == MasterLinkMethods.NewMaster && reviews.Count > 0)
        {
            row.Method = MasterLinkMethods.PendingReview;
            Describe(row, reviews[0].Score);
        }
        else if (row.Method == MasterLinkMethods.NewMaster && scores.Count > 0)
        {
            Describe(row, scores[0]);
        }
        links.Add(row);
        if (row.Method == MasterLinkMethods.PendingReview)
        {
            // The link is saved before its review Tasks, as it always was: a crash between them leaves a linked Patient
            // with a Task short, never a Task for a Patient reconciliation would link (and open Tasks for) again.
            await links.SaveAsync(ct);
            var tasks = reviews.Select(r => new GatewayWrites.Item(
                IdentityReviewTasks.Create(record.ResourceId, r.Link.PatientId, record.Owner, LinkExplanation.From(r.Score), now), "POST")).ToList();
            await writes.WriteAsync("identity-review", tasks, ct);
            LogReviewOpened(tasks.Count);
        }
    }

    /// <summary>
    /// Whether a review Task owned by <paramref name="owner"/> may name the stored Patient: the Task, with the engine's
    /// explanation (which fields agreed), is that organisation's to read, so naming another organisation's child there
    /// would let anyone who can create a Patient test guessed demographics against every organisation's children. The
    /// rule is the gate's (<see cref="Security.Access.DisclosureGate.OrganisationMayKnowOf"/>). Other pairs stay unlinked
    /// (a new master): the safe side for identity; reviewing them needs a steward who may see both, which the gateway
    /// does not have yet.
    /// </summary>
    private async Task<bool> OwnerMayKnowOfAsync(string? owner, string patientId, CancellationToken ct)
    {
        if (owner is null) return true; // the gateway's own record: its Tasks are internal
        return gate.OrganisationMayKnowOf(owner, (await store.ReadAsync("Patient", patientId, ct))?.Owner);
    }

    /// <summary>Whether the master has a member with a verified NHS number other than <paramref name="nhs"/>.</summary>
    private static async Task<bool> HoldsOtherVerifiedNumberAsync(PendingLinks links, string masterId, string? nhs, CancellationToken ct)
    {
        if (nhs is null) return false;
        var members = await links.MembersAsync([masterId], ct);
        return members.Any(m => m.NhsNumber is not null && m.NhsNumber != nhs);
    }

    private static void Describe(MasterLinkRow row, PairScore score)
    {
        var why = LinkExplanation.From(score);
        row.Probability = why.Probability;
        row.Weight = why.Weight;
        row.Band = why.Band;
        row.MatchedPatientId = score.RightId;
        row.Explanation = why.ToJson();
    }

    public static string NewMasterId() => "mci-" + Guid.NewGuid().ToString("N");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Master child index: linking {Count} Patient(s) failed ({Error}); reconciliation will link them")]
    private partial void LogLinkFailed(int count, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Master child index: reconciliation linked {Count} Patient(s) stored without a link")]
    private partial void LogReconciled(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Master child index: {Count} identity review Task(s) opened")]
    private partial void LogReviewOpened(int count);
}
