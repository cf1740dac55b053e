using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Export;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Export;

/// <summary>
/// Runs one claimed export: every candidate (<see cref="ExportCandidates"/>) is decided by the consent gate for the
/// requester that kicked it off (<see cref="StandingDisclosure"/>: its scopes, its client's current registration, then
/// the gate), each decision, permit or deny, audited as an "export" under the correlation id <c>export/[job]</c> before
/// the file holding it is stored. Only permitted resources are written, so a file, its count and the manifest say
/// nothing of what was withheld.
/// </summary>
public sealed partial class ExportRun(
    BulkExportStore jobs,
    IResourceStore store,
    ExportCandidates candidates,
    StandingDisclosure disclosure,
    AccessAuditor auditor,
    FhirSerialization serialization,
    IOptions<ExportOptions> options,
    TimeProvider clock,
    ILogger<ExportRun> logger)
{
    public const string Interaction = "export";

    /// <summary>How a run ended.</summary>
    public enum Outcome { Complete, Failed, Lost }

    /// <summary>Runs <paramref name="job"/> to its end, holding the lease as <paramref name="owner"/>.</summary>
    public async Task<Outcome> RunAsync(ExportJobRow job, string owner, TimeSpan lease, CancellationToken ct)
    {
        var grant = new StandingGrant(job.ClientId, job.Organisation, job.Agency, job.Role, job.Scopes, job.Purpose, job.PatientContext, job.Registered);
        var files = new ExportFileSet(job.JobId, owner, jobs, options.Value);
        var types = job.Types.Split(',', StringSplitOptions.RemoveEmptyEntries);

        ResourceRecord? group = null;
        if (job.Kind == ExportKinds.Group)
        {
            group = await store.ReadAsync("Group", job.GroupId!, ct);
            // The Group is decided again for the run (recorded), as at kick-off: one hidden or deleted since exports nothing.
            var session = Session(grant, job);
            var visible = group is { IsDeleted: false } && await disclosure.PermitsAsync(session, grant, group, SmartPermissions.Read, ct);
            await auditor.FlushAsync(session, ct);
            if (!visible) return await FinishAsync(job, owner, files, new ExportEnd($"Group/{job.GroupId} is no longer available to this client.", 422), ct);
        }

        await foreach (var page in candidates.PagesAsync(job, types, group, ct))
        {
            var session = Session(grant, job);
            var permitted = new List<ResourceRecord>(page.Count);
            foreach (var record in page)
                if (await disclosure.PermitsAsync(session, grant, record, ExportKickOff.Needed, ct)) permitted.Add(record);
            // Audited before the file that holds them is stored: a file is never served with its decisions unrecorded.
            await auditor.FlushAsync(session, ct);
            foreach (var record in permitted)
                if (!await files.AddAsync(record.ResourceType, Line(record), ct)) return Outcome.Lost;
            if (!await jobs.RenewAsync(job.JobId, owner, clock.GetUtcNow(), lease, ct)) return Outcome.Lost;
        }
        if (!await files.FlushAllAsync(ct)) return Outcome.Lost;
        return await FinishAsync(job, owner, files, ExportEnd.Complete, ct);
    }

    /// <summary>Marks a run that threw as failed (the client sees a fixed text; the cause is logged without data).</summary>
    public async Task FailAsync(ExportJobRow job, string owner, Exception cause, CancellationToken ct)
    {
        LogFailed(job.JobId, cause.GetType().Name);
        await jobs.FinishAsync(job.JobId, owner, new ExportEnd("The export could not be completed; start a new one.", 500), 0, Expiry(), ct);
    }

    private async Task<Outcome> FinishAsync(ExportJobRow job, string owner, ExportFileSet files, ExportEnd end, CancellationToken ct)
    {
        if (!await jobs.FinishAsync(job.JobId, owner, end, files.Exported, Expiry(), ct)) return Outcome.Lost;
        return end.Error is null ? Outcome.Complete : Outcome.Failed;
    }

    private DateTimeOffset Expiry() => clock.GetUtcNow().AddMinutes(Math.Max(1, options.Value.FileLifetimeMinutes));

    private static AccessSession Session(StandingGrant grant, ExportJobRow job)
    {
        // The correlation id names the job, so "who has seen my record" shows which export a decision belonged to.
        var session = AccessSession.For(grant.ToRequester(), $"export/{job.JobId}");
        session.Interaction = Interaction;
        session.Action = AuditAction.Read;
        return session;
    }

    /// <summary>
    /// The stored JSON as one NDJSON line. It is stored compact, so this is the stored bytes; anything holding a raw line
    /// break (never written by this gateway, but not assumed) is written again compact.
    /// </summary>
    private ReadOnlyMemory<byte> Line(ResourceRecord record) =>
        Array.IndexOf(record.Json, (byte)'\n') < 0 && Array.IndexOf(record.Json, (byte)'\r') < 0
            ? record.Json
            : serialization.ToJsonBytes(serialization.ParseStored(record.Json));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {JobId} failed ({Error})")]
    private partial void LogFailed(string jobId, string error);
}
