using SendInterop.Domain.Profiles;
using SendInterop.Domain.Search;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Scheduling;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Statutory;

/// <summary>What a sweep did: counts only.</summary>
public sealed record StatutorySweepResult(DateOnly AsOf, int Children, int Failed, StatutoryTaskOutcome Tasks);

/// <summary>
/// Overdue is a matter of time as well as of writes: every open case is recomputed "as of today", so a step whose due
/// date passed overnight turns overdue (businessStatus, priority) although nobody touched the record. Open cases are
/// found from the index, not by loading records: children with an open statutory Task, an open EHC request or an
/// active EHC plan (the last two also repair a child whose Tasks were never written). Each child is recomputed on its
/// own; one that fails is queued for repair and the sweep goes on.
/// </summary>
public sealed partial class StatutorySweep(
    IResourceStore store,
    SearchRequestParser parser,
    AccessFactsCodec codec,
    StatutoryTaskWriter writer,
    StatutoryRepairQueue repairs,
    StatutoryCalendar calendar,
    ScheduledRunStore runs,
    ILogger<StatutorySweep> logger)
{
    private const int PageSize = 1_000;

    /// <summary>The sweep's name in <see cref="ScheduledRunStore"/>.</summary>
    public const string RunName = "statutory-sweep";

    /// <summary>
    /// The start-up sweep: skipped when a sweep already completed today (statutory calendar), as recorded in the database, so
    /// a restart (a deployment, a crash loop, several replicas starting) does not recompute every open case again. A sweep
    /// that never completed today runs. Null when skipped.
    /// </summary>
    public async Task<StatutorySweepResult?> RunUnlessDoneTodayAsync(CancellationToken ct)
    {
        if (await runs.LastDayAsync(RunName, ct) == calendar.Today)
        {
            LogSkipped();
            return null;
        }

        return await RunAsync(ct);
    }

    public async Task<StatutorySweepResult> RunAsync(CancellationToken ct)
    {
        var children = new HashSet<string>(StringComparer.Ordinal);
        await CollectAsync("Task", [new("code", StatutoryTasks.CodeSearch), new("status", "requested,in-progress")], children, ct);
        await CollectAsync("ServiceRequest", [new("code", EhcRecordVocabulary.ProcessStepSystem + "|" + EhcRecordVocabulary.RequestForAssessment),
            new("status", "draft,active,on-hold")], children, ct);
        await CollectAsync("CarePlan", [new("category", SendCanonical.CodeSystems.EhcPlanCategory + "|" + SendCanonical.Codes.EhcPlanCategory),
            new("status", "draft,active,on-hold")], children, ct);
        var queued = repairs.Drain();
        foreach (var q in queued) children.Add(q.PatientId);

        var result = await RecomputeAllAsync(children.Order(StringComparer.Ordinal).Select(c => new TouchedChild(c, false)), ct);
        // Completed (children that failed are queued for repair, not left for the next sweep): today is done.
        await runs.RecordAsync(RunName, result.AsOf, calendar.Clock.GetUtcNow(), ct);
        LogSwept(result.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), result.Children, result.Tasks.Created,
            result.Tasks.Updated, result.Tasks.Cancelled, result.Failed);
        return result;
    }

    /// <summary>Recomputes the children queued after failed commits; a no-op when none are.</summary>
    public async Task<StatutorySweepResult> RepairAsync(CancellationToken ct)
    {
        var queued = repairs.Drain();
        if (queued.Count == 0) return new StatutorySweepResult(calendar.Today, 0, 0, StatutoryTaskOutcome.None);
        var result = await RecomputeAllAsync(queued, ct);
        LogRepaired(result.Children - result.Failed, result.Failed);
        return result;
    }

    private async Task<StatutorySweepResult> RecomputeAllAsync(IEnumerable<TouchedChild> children, CancellationToken ct)
    {
        var asOf = calendar.Today;
        var total = StatutoryTaskOutcome.None;
        int count = 0, failed = 0;
        foreach (var child in children)
        {
            ct.ThrowIfCancellationRequested();
            count++;
            try
            {
                total = total.Plus(await writer.RecomputeAsync(child.PatientId, child.OnlyIfTracked, ct));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed++;
                repairs.Add(child.PatientId, child.OnlyIfTracked);
                LogChildFailed(ex.GetType().Name);
            }
        }
        return new StatutorySweepResult(asOf, count, failed, total);
    }

    /// <summary>The children of every match, from the access facts stored with each row (no resource is parsed).</summary>
    private async System.Threading.Tasks.Task CollectAsync(string type, List<KeyValuePair<string, string>> query, HashSet<string> children, CancellationToken ct)
    {
        var request = parser.Parse(type, query);
        if (request.Problems.Count > 0) throw new InvalidOperationException($"Statutory sweep query on {type}: " + string.Join(" ", request.Problems));
        request.Count = PageSize;
        request.SkipTotal = true;
        while (true)
        {
            var page = await store.SearchAsync(request, ct);
            foreach (var row in page.Matches)
                if (!row.IsDeleted && codec.Decode(row.ResourceType, row.ResourceId, row.Access).ChildId is { } child) children.Add(child);
            if (page.NextCursor is null || page.Matches.Count == 0) break;
            request.Cursor = page.NextCursor;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Statutory sweep at start-up skipped: today's sweep already completed")]
    private partial void LogSkipped();

    [LoggerMessage(Level = LogLevel.Information, Message = "Statutory sweep as of {AsOf}: {Children} children, Tasks created {Created}, updated {Updated}, cancelled {Cancelled}; {Failed} children failed (queued for repair)")]
    private partial void LogSwept(string asOf, int children, int created, int updated, int cancelled, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Statutory Tasks repaired for {Repaired} children; {Failed} still failing")]
    private partial void LogRepaired(int repaired, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statutory sweep: one child's recomputation failed ({Error}); queued for repair")]
    private partial void LogChildFailed(string error);
}
