using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
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
/// the gate), and only permitted resources are written, so a file, its count and the manifest say nothing of what
/// was withheld. These decisions disclose nothing and are not recorded: each line is decided again, and audited, for
/// whoever downloads the file (<see cref="ExportFileServer"/>). The lease is kept by <see cref="ExportLease"/>.
/// </summary>
public sealed partial class ExportRun(
    BulkExportStore jobs,
    IResourceStore store,
    ExportCandidates candidates,
    StandingDisclosure disclosure,
    FhirSerialization serialization,
    IOptions<ExportOptions> options,
    TimeProvider clock,
    ILogger<ExportRun> logger)
{
    public const string Interaction = "export";

    /// <summary>How a run ended.</summary>
    public enum Outcome { Complete, Failed, Lost }

    /// <summary>Runs <paramref name="job"/> to its end, holding the lease as <paramref name="owner"/>.</summary>
    public async Task<Outcome> RunAsync(ExportJobRow job, string owner, TimeSpan lease, CancellationToken stopping)
    {
        await using var held = new ExportLease(jobs, job.JobId, owner, lease, clock, stopping);
        try
        {
            return await WalkAsync(job, owner, held.Token);
        }
        catch (OperationCanceledException) when (held.Lost && !stopping.IsCancellationRequested)
        {
            return Outcome.Lost;
        }
    }

    private async Task<Outcome> WalkAsync(ExportJobRow job, string owner, CancellationToken ct)
    {
        var grant = new StandingGrant(job.ClientId, job.Organisation, job.Agency, job.Role, job.Scopes, job.Purpose, job.PatientContext, job.Registered);
        var files = new ExportFileSet(job.JobId, owner, jobs, options.Value);
        var types = job.Types.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var requester = grant.ToRequester();

        ResourceRecord? group = null;
        if (job.Kind == ExportKinds.Group)
        {
            group = await store.ReadAsync("Group", job.GroupId!, ct);
            // The Group is decided again for the run, as at kick-off: one hidden or deleted since exports nothing.
            if (group is not { IsDeleted: false } || !await disclosure.IsPermittedAsync(Session(requester, job), grant, group, SmartPermissions.Read, ct))
                return await FinishAsync(job, owner, files, new ExportEnd($"Group/{job.GroupId} is no longer available to this client.", 422), ct);
        }

        await foreach (var page in candidates.PagesAsync(job, types, group, ct))
        {
            // A session per page: it remembers each decision it made, so one for the whole run would grow with the export.
            var session = Session(requester, job);
            foreach (var record in page)
                if (await disclosure.IsPermittedAsync(session, grant, record, ExportKickOff.Needed, ct)
                    && !await files.AddAsync(record, Line(record), ct))
                    return Outcome.Lost;
        }
        if (!await files.FlushAllAsync(ct)) return Outcome.Lost;
        return await FinishAsync(job, owner, files, ExportEnd.Complete, ct);
    }

    /// <summary>Marks a job failed (the client sees a fixed text; the cause, <paramref name="why"/>, is logged without data).</summary>
    public async Task FailAsync(ExportJobRow job, string owner, string why, CancellationToken ct)
    {
        LogFailed(job.JobId, why);
        await jobs.FinishAsync(job.JobId, owner, new ExportEnd("The export could not be completed; start a new one.", 500), 0, Expiry(), ct);
    }

    private async Task<Outcome> FinishAsync(ExportJobRow job, string owner, ExportFileSet files, ExportEnd end, CancellationToken ct)
    {
        if (!await jobs.FinishAsync(job.JobId, owner, end, files.Exported, Expiry(), ct)) return Outcome.Lost;
        return end.Error is null ? Outcome.Complete : Outcome.Failed;
    }

    private static AccessSession Session(Requester requester, ExportJobRow job)
    {
        var session = AccessSession.For(requester, $"export/{job.JobId}");
        session.Interaction = Interaction;
        session.Action = AuditAction.Read;
        return session;
    }

    private DateTimeOffset Expiry() => clock.GetUtcNow().AddMinutes(Math.Max(1, options.Value.FileLifetimeMinutes));

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
