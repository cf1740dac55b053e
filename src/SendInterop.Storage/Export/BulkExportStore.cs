using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Export;

/// <summary>
/// One bulk export (FHIR Bulk Data <c>$export</c>): who asked (the requester the consent gate decides every resource
/// for), what was asked, and how far it has got. Times are Unix milliseconds UTC.
/// </summary>
public sealed class ExportJobRow
{
    public required string JobId { get; set; }

    // Who asked: the requester every resource of the export is decided for, as its token said at kick-off.
    public required string ClientId { get; set; }
    public required string Organisation { get; set; }
    public required string Agency { get; set; }
    public string? Role { get; set; }
    public required string Scopes { get; set; }
    public required string Purpose { get; set; }
    public string? PatientContext { get; set; }
    /// <summary>The client was in the gateway's registry at kick-off: its current registration must still allow the export.</summary>
    public bool Registered { get; set; }

    // What was asked.
    /// <summary><see cref="ExportKinds"/>: system, patient or group.</summary>
    public required string Kind { get; set; }
    public string? GroupId { get; set; }
    /// <summary>The resource types to export, comma-separated, in the order the files are written.</summary>
    public required string Types { get; set; }
    /// <summary><c>_typeFilter</c>: search criteria (<c>Type?query</c>) as a JSON array; a type with any is limited to what matches one of them.</summary>
    public string? TypeFilters { get; set; }
    /// <summary>The <c>patient</c> ids a POSTed kick-off named (a JSON array), or null: the export is limited to their compartments.</summary>
    public string? PatientIds { get; set; }
    /// <summary><c>_since</c> as UTC ticks (the store's last-updated unit), or null.</summary>
    public long? SinceTicks { get; set; }
    /// <summary>The kick-off URL, for the manifest's <c>request</c>.</summary>
    public required string RequestUrl { get; set; }

    // How far it has got.
    /// <summary><see cref="ExportStatuses"/>.</summary>
    public required string Status { get; set; }
    public long CreatedAt { get; set; }
    /// <summary>When the run that produced the files started (the manifest's <c>transactionTime</c>); 0 before.</summary>
    public long TransactionTime { get; set; }
    /// <summary>Resources written to files so far.</summary>
    public long Exported { get; set; }
    /// <summary>After this the job and its files are deleted (set at kick-off for a job never run, at completion otherwise).</summary>
    public long ExpiresAt { get; set; }
    /// <summary>Why a failed export failed: a fixed text, never data.</summary>
    public string? Error { get; set; }
    /// <summary>The status a failed export's status poll answers with (422: the request could not be carried out; 500: the server failed).</summary>
    public int? ErrorStatus { get; set; }
    public string? LeaseOwner { get; set; }
    public long LeaseUntil { get; set; }
    /// <summary>How many times a runner has claimed the job (a job that keeps failing or outliving its runners is given up).</summary>
    public int Attempts { get; set; }
}

/// <summary>One output file of an export: newline-delimited JSON of one resource type.</summary>
public sealed class ExportFileRow
{
    public required string JobId { get; set; }
    public int Seq { get; set; }
    public required string ResourceType { get; set; }
    public int Count { get; set; }
    public required byte[] Content { get; set; }
    /// <summary>
    /// One line per line of <see cref="Content"/>: the stored version's key, type, id and access facts, so the consent
    /// gate decides each line again for whoever downloads the file, without reading the resources again.
    /// </summary>
    public required byte[] LineFacts { get; set; }
}

public static class ExportKinds
{
    public const string System = "system";
    public const string Patient = "patient";
    public const string Group = "group";
}

public static class ExportStatuses
{
    public const string Accepted = "accepted";
    public const string Running = "running";
    public const string Complete = "complete";
    public const string Failed = "failed";
}

/// <summary>How a run ended: complete (no error), or failed with a fixed text and the status its poll answers with.</summary>
public sealed record ExportEnd(string? Error, int? ErrorStatus)
{
    public static readonly ExportEnd Complete = new(null, null);
}

/// <summary>A file as the manifest lists it (no content).</summary>
public sealed record ExportFileInfo(int Seq, string ResourceType, int Count);

/// <summary>
/// Bulk exports' durable state in the resource database (export_job, export_file): a job survives a restart and is
/// taken up again by whichever replica claims it once its lease has lapsed, and its files are served by any replica.
/// The files hold what the consent gate permitted when they were written; they are deleted when the job expires.
/// </summary>
public sealed class BulkExportStore(FhirDbContextFactory contexts)
{
    public const string JobTable = "export_job";
    public const string FileTable = "export_file";

    /// <summary>
    /// Stores a new job unless its client (in its organisation) already has <paramref name="maxUnfinished"/> jobs waiting or
    /// running; false then. The count and the insert are one unit, so kick-offs racing on any replicas cannot pass the limit:
    /// on SQLite the transaction takes the write lock at its start (BEGIN IMMEDIATE); on PostgreSQL a transaction-scoped
    /// advisory lock on the client serialises its kick-offs (read committed would let two counts see the same jobs).
    /// </summary>
    public async Task<bool> TryCreateAsync(ExportJobRow job, int maxUnfinished, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (contexts.Provider == StorageProvider.Postgres)
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0}, hashtext({1}))",
                [KickOffLockSpace, job.ClientId + "\n" + job.Organisation], ct);
        if (await CountUnfinishedAsync(db, job.ClientId, job.Organisation, ct) >= maxUnfinished) return false;
        db.Add(job);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>The first key of the two-key advisory locks that serialise one client's kick-offs on PostgreSQL ("EXPT").</summary>
    private const int KickOffLockSpace = 0x4558_5054;

    public async Task<ExportJobRow?> FindAsync(string jobId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.Set<ExportJobRow>().FirstOrDefaultAsync(j => j.JobId == jobId, ct);
    }

    /// <summary>Jobs of this client (in this organisation) not yet finished (accepted or running): what the kick-off limits.</summary>
    public async Task<int> CountUnfinishedAsync(string clientId, string organisation, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await CountUnfinishedAsync(db, clientId, organisation, ct);
    }

    private static Task<int> CountUnfinishedAsync(FhirDbContext db, string clientId, string organisation, CancellationToken ct) =>
        db.Set<ExportJobRow>()
            .CountAsync(j => j.ClientId == clientId && j.Organisation == organisation && (j.Status == ExportStatuses.Accepted || j.Status == ExportStatuses.Running), ct);

    /// <summary>
    /// Takes the oldest job waiting to run, or one whose runner's lease lapsed (a replica that stopped mid-export), for
    /// <paramref name="owner"/>: its files so far are deleted and it starts again, so nothing is written twice. Null when
    /// there is none.
    /// </summary>
    public async Task<ExportJobRow?> ClaimNextAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var nowMs = now.ToUnixTimeMilliseconds();
        var candidate = await db.Set<ExportJobRow>()
            .Where(j => j.Status == ExportStatuses.Accepted || (j.Status == ExportStatuses.Running && j.LeaseUntil < nowMs))
            .OrderBy(j => j.CreatedAt).Select(j => j.JobId).FirstOrDefaultAsync(ct);
        if (candidate is null) return null;
        // The same condition again in the update: of two replicas that read the same candidate, one takes it.
        var affected = await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + JobTable + " SET status = {0}, lease_owner = {1}, lease_until = {2}, transaction_time = {3}, exported = 0, attempts = attempts + 1 "
            + "WHERE job_id = {4} AND (status = {5} OR (status = {0} AND lease_until < {3}))",
            [ExportStatuses.Running, owner, nowMs + (long)lease.TotalMilliseconds, nowMs, candidate, ExportStatuses.Accepted], ct);
        if (affected == 0) return null;
        await db.Set<ExportFileRow>().Where(f => f.JobId == candidate).ExecuteDeleteAsync(ct);
        return await db.Set<ExportJobRow>().FirstOrDefaultAsync(j => j.JobId == candidate, ct);
    }

    /// <summary>Extends the lease; false when it was lost, or the job was cancelled (deleted): the runner stops.</summary>
    public async Task<bool> RenewAsync(string jobId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var nowMs = now.ToUnixTimeMilliseconds();
        return await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + JobTable + " SET lease_until = {0} WHERE job_id = {1} AND lease_owner = {2} AND status = {3} AND lease_until >= {4}",
            [nowMs + (long)lease.TotalMilliseconds, jobId, owner, ExportStatuses.Running, nowMs], ct) == 1;
    }

    /// <summary>
    /// Stores one output file and the count so far, in one transaction and only while <paramref name="owner"/> runs
    /// the job: false when the lease was lost or the job cancelled (nothing is stored then).
    /// </summary>
    public async Task<bool> AddFileAsync(string jobId, string owner, ExportFileInfo file, byte[] content, byte[] lineFacts, long exported, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var updated = await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + JobTable + " SET exported = {0} WHERE job_id = {1} AND lease_owner = {2} AND status = {3}",
            [exported, jobId, owner, ExportStatuses.Running], ct);
        if (updated != 1) return false;
        db.Add(new ExportFileRow { JobId = jobId, Seq = file.Seq, ResourceType = file.ResourceType, Count = file.Count, Content = content, LineFacts = lineFacts });
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Marks the job finished (complete or failed), to be kept until <paramref name="expiresAt"/>; false when it was no longer ours.</summary>
    public async Task<bool> FinishAsync(string jobId, string owner, ExportEnd end, long exported, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var status = end.Error is null ? ExportStatuses.Complete : ExportStatuses.Failed;
        var expires = expiresAt.ToUnixTimeMilliseconds();
        return await db.Set<ExportJobRow>()
            .Where(j => j.JobId == jobId && j.LeaseOwner == owner && j.Status == ExportStatuses.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, status).SetProperty(j => j.Error, end.Error).SetProperty(j => j.ErrorStatus, end.ErrorStatus)
                .SetProperty(j => j.Exported, exported).SetProperty(j => j.ExpiresAt, expires)
                .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseUntil, 0L), ct) == 1;
    }

    /// <summary>
    /// Hands a running job back to the queue, so another replica need not wait for the lease to lapse. A replica that
    /// is stopping (<paramref name="refund"/>) gives the attempt back: a rolling restart is not the job's failure.
    /// </summary>
    public async Task ReleaseAsync(string jobId, string owner, CancellationToken ct, bool refund = false)
    {
        await using var db = contexts.Create();
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE " + JobTable + " SET status = {0}, lease_owner = NULL, lease_until = 0, attempts = attempts - {4} WHERE job_id = {1} AND lease_owner = {2} AND status = {3}",
            [ExportStatuses.Accepted, jobId, owner, ExportStatuses.Running, refund ? 1 : 0], ct);
    }

    /// <summary>Deletes a job and its files (a client's cancellation, or expiry): its status then answers 404.</summary>
    public async Task<bool> DeleteAsync(string jobId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The job row first: on PostgreSQL this waits for a runner's file being stored (its transaction holds the row),
        // whose file the next statement then deletes; a runner that comes after finds no job and stores nothing.
        var deleted = await db.Set<ExportJobRow>().Where(j => j.JobId == jobId).ExecuteDeleteAsync(ct);
        await db.Set<ExportFileRow>().Where(f => f.JobId == jobId).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return deleted == 1;
    }

    /// <summary>Deletes every job (and its files) past its expiry; how many jobs went.</summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // A running job only once its runner is gone too (its lease lapsed): on a deployment where no replica runs jobs
        // any more, it would otherwise stay for ever.
        var expired = db.Set<ExportJobRow>().Where(j => j.ExpiresAt < nowMs && (j.Status != ExportStatuses.Running || j.LeaseUntil < nowMs));
        var gone = await expired.ExecuteDeleteAsync(ct);
        // Files of jobs that are gone (expired just now, or left by anything that removed a job without them).
        await db.Set<ExportFileRow>().Where(f => !db.Set<ExportJobRow>().Any(j => j.JobId == f.JobId)).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return gone;
    }

    /// <summary>The job's files in order, without their content (the manifest).</summary>
    public async Task<IReadOnlyList<ExportFileInfo>> FilesAsync(string jobId, CancellationToken ct)
    {
        await using var db = contexts.Create();
        return await db.Set<ExportFileRow>().Where(f => f.JobId == jobId).OrderBy(f => f.Seq)
            .Select(f => new ExportFileInfo(f.Seq, f.ResourceType, f.Count)).ToListAsync(ct);
    }

    /// <summary>A file's content and its line facts, or null.</summary>
    public async Task<(byte[] Content, byte[] LineFacts)?> FileContentAsync(string jobId, int seq, CancellationToken ct)
    {
        await using var db = contexts.Create();
        var row = await db.Set<ExportFileRow>().Where(f => f.JobId == jobId && f.Seq == seq).Select(f => new { f.Content, f.LineFacts }).FirstOrDefaultAsync(ct);
        return row is null ? null : (row.Content, row.LineFacts);
    }

    internal static void Configure(ModelBuilder b)
    {
        b.Entity<ExportJobRow>(e =>
        {
            e.ToTable(JobTable);
            e.HasKey(j => j.JobId);
            e.Property(j => j.JobId).HasMaxLength(64).HasColumnName("job_id");
            e.Property(j => j.ClientId).HasColumnName("client_id");
            e.Property(j => j.Organisation).HasColumnName("organisation");
            e.Property(j => j.Agency).HasColumnName("agency");
            e.Property(j => j.Role).HasColumnName("role");
            e.Property(j => j.Scopes).HasColumnName("scopes");
            e.Property(j => j.Purpose).HasColumnName("purpose");
            e.Property(j => j.PatientContext).HasColumnName("patient_context");
            e.Property(j => j.Registered).HasColumnName("registered");
            e.Property(j => j.Kind).HasMaxLength(16).HasColumnName("kind");
            e.Property(j => j.GroupId).HasMaxLength(64).HasColumnName("group_id");
            e.Property(j => j.Types).HasColumnName("types");
            e.Property(j => j.SinceTicks).HasColumnName("since_ticks");
            e.Property(j => j.TypeFilters).HasColumnName("type_filters");
            e.Property(j => j.PatientIds).HasColumnName("patient_ids");
            e.Property(j => j.RequestUrl).HasColumnName("request_url");
            e.Property(j => j.Status).HasMaxLength(16).HasColumnName("status");
            e.Property(j => j.CreatedAt).HasColumnName("created_at");
            e.Property(j => j.TransactionTime).HasColumnName("transaction_time");
            e.Property(j => j.Exported).HasColumnName("exported");
            e.Property(j => j.ExpiresAt).HasColumnName("expires_at");
            e.Property(j => j.Error).HasColumnName("error");
            e.Property(j => j.ErrorStatus).HasColumnName("error_status");
            e.Property(j => j.LeaseOwner).HasMaxLength(128).HasColumnName("lease_owner");
            e.Property(j => j.LeaseUntil).HasColumnName("lease_until");
            e.Property(j => j.Attempts).HasColumnName("attempts");
            e.HasIndex(j => new { j.Status, j.CreatedAt });
            e.HasIndex(j => j.ClientId);
        });
        b.Entity<ExportFileRow>(e =>
        {
            e.ToTable(FileTable);
            e.HasKey(f => new { f.JobId, f.Seq });
            e.Property(f => f.JobId).HasMaxLength(64).HasColumnName("job_id");
            e.Property(f => f.Seq).HasColumnName("seq");
            e.Property(f => f.ResourceType).HasMaxLength(64).HasColumnName("resource_type");
            e.Property(f => f.Count).HasColumnName("count");
            e.Property(f => f.Content).HasColumnName("content");
            e.Property(f => f.LineFacts).HasColumnName("line_facts");
        });
    }
}
