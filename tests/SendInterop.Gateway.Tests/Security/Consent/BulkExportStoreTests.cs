using System.Text;
using SendInterop.Gateway.Tests.Indicators;
using SendInterop.Storage.Export;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// Bulk export jobs on both providers: one replica at a time runs a job, another takes it over only once the lease
/// has lapsed (starting again, the partial files deleted), nothing is stored by a runner that lost the job or after a
/// cancellation, and expired jobs go with their files.
/// </summary>
public abstract class BulkExportStoreTests(IndicatorStorage storage)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private BulkExportStore Store => new(storage.Contexts);

    private static ExportJobRow Job(string client = "client-a", string status = ExportStatuses.Accepted, long expiresAt = long.MaxValue) => new()
    {
        JobId = Guid.NewGuid().ToString("N"), ClientId = client, Organisation = "ods-RY3", Agency = "health", Scopes = "system/*.rs", Purpose = "direct-care",
        Kind = ExportKinds.System, Types = "Patient", RequestUrl = "http://127.0.0.1/fhir/$export", Status = status,
        CreatedAt = Now.ToUnixTimeMilliseconds(), ExpiresAt = expiresAt,
    };

    private static byte[] Lines(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task A_job_is_run_by_one_replica_and_taken_over_after_its_lease_lapses_from_the_start()
    {
        var job = Job();
        Assert.True(await Store.TryCreateAsync(job, int.MaxValue, default));
        try
        {
            // Twelve replicas race for it: one runs it.
            var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => Store.ClaimNextAsync($"replica-{i}", Now, Lease, default))));
            var holder = Assert.Single(claims, c => c is not null)!;
            Assert.Equal(job.JobId, holder.JobId);
            var a = holder.LeaseOwner!;
            Assert.Equal(ExportStatuses.Running, holder.Status);
            Assert.Equal(Now.ToUnixTimeMilliseconds(), holder.TransactionTime);
            Assert.Equal(1, holder.Attempts);

            Assert.True(await Store.AddFileAsync(job.JobId, a, new ExportFileInfo(1, "Patient", 2), Lines("{}\n{}\n"), Lines("{}\n{}\n"), 2, default));
            Assert.False(await Store.AddFileAsync(job.JobId, "replica-x", new ExportFileInfo(2, "Patient", 1), Lines("{}\n"), Lines("{}\n"), 3, default));
            Assert.False(await Store.RenewAsync(job.JobId, "replica-x", Now.AddSeconds(1), Lease, default));
            Assert.Null(await Store.ClaimNextAsync("replica-b", Now.AddSeconds(30), Lease, default)); // held until +60

            // a stops renewing; b takes over at +61 and starts again: a's file is gone, the count back to 0.
            var taken = await Store.ClaimNextAsync("replica-b", Now.AddSeconds(61), Lease, default);
            Assert.Equal(job.JobId, taken!.JobId);
            Assert.Equal((0L, 2), (taken.Exported, taken.Attempts)); // counted: a job its runners keep dropping is given up
            Assert.Equal(Now.AddSeconds(61).ToUnixTimeMilliseconds(), taken.TransactionTime);
            Assert.Empty(await Store.FilesAsync(job.JobId, default));
            Assert.False(await Store.AddFileAsync(job.JobId, a, new ExportFileInfo(1, "Patient", 1), Lines("{}\n"), Lines("{}\n"), 1, default)); // a lost it
            Assert.False(await Store.FinishAsync(job.JobId, a, ExportEnd.Complete, 1, Now.AddHours(1), default));

            Assert.True(await Store.AddFileAsync(job.JobId, "replica-b", new ExportFileInfo(1, "Patient", 1), Lines("{\"b\":1}\n"), Lines("[1]\n"), 1, default));
            Assert.True(await Store.FinishAsync(job.JobId, "replica-b", ExportEnd.Complete, 1, Now.AddHours(1), default));
            var done = (await Store.FindAsync(job.JobId, default))!;
            Assert.Equal((ExportStatuses.Complete, 1L, (string?)null), (done.Status, done.Exported, done.LeaseOwner));
            Assert.Equal([new ExportFileInfo(1, "Patient", 1)], await Store.FilesAsync(job.JobId, default));
            Assert.Equal("{\"b\":1}\n", Encoding.UTF8.GetString((await Store.FileContentAsync(job.JobId, 1, default))!.Value.Content));
            Assert.Null(await Store.ClaimNextAsync("replica-c", Now.AddHours(2), Lease, default)); // a finished job is never run again

            // Kept until it expires, then deleted with its files.
            await Store.PurgeExpiredAsync(Now.AddMinutes(59), default);
            Assert.NotNull(await Store.FindAsync(job.JobId, default));
            await Store.PurgeExpiredAsync(Now.AddMinutes(61), default);
            Assert.Null(await Store.FindAsync(job.JobId, default));
            Assert.Null(await Store.FileContentAsync(job.JobId, 1, default));
        }
        finally
        {
            await Store.DeleteAsync(job.JobId, default);
        }
    }

    [Fact]
    public async Task A_runners_lease_is_kept_on_a_timer_and_a_cancellation_stops_the_run()
    {
        var job = Job();
        Assert.True(await Store.TryCreateAsync(job, int.MaxValue, default));
        // Long enough that a loaded machine still renews within it (a renewal after the lapse is refused, by design).
        var lease = TimeSpan.FromSeconds(5);
        try
        {
            var claimed = (await Store.ClaimNextAsync("replica-a", DateTimeOffset.UtcNow, lease, default))!;
            Assert.Equal(job.JobId, claimed.JobId);
            await using var held = new SendInterop.Gateway.Export.ExportLease(Store, job.JobId, "replica-a", lease, TimeProvider.System, default);
            // Renewed meanwhile, with nothing else happening (the run might be walking pages that export nothing).
            await Infrastructure.Poll.UntilAsync(async () => (await Store.FindAsync(job.JobId, default))!.LeaseUntil > claimed.LeaseUntil,
                TimeSpan.FromSeconds(10), "the lease was not renewed");
            Assert.False(held.Token.IsCancellationRequested);

            // Cancelled by its client: the next renewal fails and the run is stopped.
            await Store.DeleteAsync(job.JobId, default);
            await Infrastructure.Poll.UntilAsync(() => Task.FromResult(held.Token.IsCancellationRequested), TimeSpan.FromSeconds(10), "the run was not stopped");
            Assert.True(held.Lost);
        }
        finally
        {
            await Store.DeleteAsync(job.JobId, default);
        }
    }

    [Fact]
    public async Task A_cancelled_job_stores_nothing_more_and_a_failed_one_keeps_its_reason()
    {
        var cancelled = Job();
        Assert.True(await Store.TryCreateAsync(cancelled, int.MaxValue, default));
        var owner = (await Store.ClaimNextAsync("replica-a", Now, Lease, default))!.LeaseOwner!;
        Assert.True(await Store.DeleteAsync(cancelled.JobId, default));
        Assert.False(await Store.AddFileAsync(cancelled.JobId, owner, new ExportFileInfo(1, "Patient", 1), Lines("{}\n"), Lines("{}\n"), 1, default));
        Assert.False(await Store.RenewAsync(cancelled.JobId, owner, Now, Lease, default));
        Assert.False(await Store.FinishAsync(cancelled.JobId, owner, ExportEnd.Complete, 0, Now.AddHours(1), default));
        Assert.Null(await Store.FindAsync(cancelled.JobId, default));
        Assert.Null(await Store.FileContentAsync(cancelled.JobId, 1, default));

        var failed = Job();
        Assert.True(await Store.TryCreateAsync(failed, int.MaxValue, default));
        try
        {
            await Store.ClaimNextAsync("replica-a", Now, Lease, default);
            Assert.True(await Store.FinishAsync(failed.JobId, "replica-a", new ExportEnd("Group/x is no longer available to this client.", 422), 0, Now.AddHours(1), default));
            var row = (await Store.FindAsync(failed.JobId, default))!;
            Assert.Equal((ExportStatuses.Failed, 422, "Group/x is no longer available to this client."), (row.Status, row.ErrorStatus!.Value, row.Error));
        }
        finally
        {
            await Store.DeleteAsync(failed.JobId, default);
        }
    }

    [Fact]
    public async Task Kick_offs_racing_on_many_replicas_never_pass_the_unfinished_limit()
    {
        var client = "racing-" + Guid.NewGuid().ToString("N")[..8];
        var jobs = Enumerable.Range(0, 12).Select(_ => Job(client)).ToList();
        try
        {
            // Twelve kick-offs of one client at once (each its own connection, as on twelve replicas), limit 2: two are stored.
            var stored = await Task.WhenAll(jobs.Select(j => Task.Run(() => Store.TryCreateAsync(j, 2, default))));
            Assert.Equal(2, stored.Count(s => s));
            Assert.Equal(2, await Store.CountUnfinishedAsync(client, "ods-RY3", default));
            // Another client of the same organisation is counted on its own.
            var other = Job(client + "-other");
            jobs.Add(other);
            Assert.True(await Store.TryCreateAsync(other, 2, default));
        }
        finally
        {
            foreach (var j in jobs) await Store.DeleteAsync(j.JobId, default);
        }
    }

    [Fact]
    public async Task A_released_job_goes_back_to_the_queue_and_unfinished_jobs_are_counted_per_client()
    {
        var client = "counted-" + Guid.NewGuid().ToString("N")[..8];
        var first = Job(client);
        var second = Job(client);
        Assert.True(await Store.TryCreateAsync(first, int.MaxValue, default));
        Assert.True(await Store.TryCreateAsync(second, int.MaxValue, default));
        try
        {
            Assert.Equal(2, await Store.CountUnfinishedAsync(client, "ods-RY3", default));
            var claimed = (await Store.ClaimNextAsync("replica-a", Now, Lease, default))!;
            await Store.ReleaseAsync(claimed.JobId, "replica-a", default);
            Assert.Equal(ExportStatuses.Accepted, (await Store.FindAsync(claimed.JobId, default))!.Status);
            // Released: another replica takes it at once, without waiting for the lease.
            var again = (await Store.ClaimNextAsync("replica-b", Now.AddSeconds(1), Lease, default))!;
            Assert.Equal("replica-b", again.LeaseOwner);
            Assert.True(await Store.FinishAsync(again.JobId, "replica-b", ExportEnd.Complete, 0, Now.AddHours(1), default));
            Assert.Equal(1, await Store.CountUnfinishedAsync(client, "ods-RY3", default));
        }
        finally
        {
            await Store.DeleteAsync(first.JobId, default);
            await Store.DeleteAsync(second.JobId, default);
        }
    }

    [Fact]
    public async Task A_job_left_in_the_queue_expires_and_a_running_one_only_once_its_runner_is_gone()
    {
        var queued = Job(expiresAt: Now.AddMinutes(5).ToUnixTimeMilliseconds());
        Assert.True(await Store.TryCreateAsync(queued, int.MaxValue, default));
        await Store.PurgeExpiredAsync(Now.AddMinutes(6), default);
        Assert.Null(await Store.FindAsync(queued.JobId, default));

        var running = Job(expiresAt: Now.AddMinutes(5).ToUnixTimeMilliseconds());
        Assert.True(await Store.TryCreateAsync(running, int.MaxValue, default));
        try
        {
            Assert.Equal(running.JobId, (await Store.ClaimNextAsync("replica-a", Now, TimeSpan.FromMinutes(10), default))!.JobId);
            await Store.PurgeExpiredAsync(Now.AddMinutes(6), default); // its runner holds it
            Assert.NotNull(await Store.FindAsync(running.JobId, default));
            await Store.PurgeExpiredAsync(Now.AddMinutes(11), default); // its runner is gone and nobody took it up
            Assert.Null(await Store.FindAsync(running.JobId, default));
        }
        finally
        {
            await Store.DeleteAsync(running.JobId, default);
        }
    }

    [Fact]
    public async Task A_replica_stopping_gives_its_attempt_back_and_a_failed_run_does_not()
    {
        var job = Job();
        Assert.True(await Store.TryCreateAsync(job, int.MaxValue, default));
        try
        {
            Assert.Equal(1, (await Store.ClaimNextAsync("replica-a", Now, Lease, default))!.Attempts);
            await Store.ReleaseAsync(job.JobId, "replica-a", default, refund: true);
            Assert.Equal(1, (await Store.ClaimNextAsync("replica-b", Now, Lease, default))!.Attempts);
            await Store.ReleaseAsync(job.JobId, "replica-b", default);
            Assert.Equal(2, (await Store.ClaimNextAsync("replica-c", Now, Lease, default))!.Attempts);
        }
        finally
        {
            await Store.DeleteAsync(job.JobId, default);
        }
    }
}

public sealed class SqliteBulkExportStorage() : SqliteIndicatorStorage([]);

public sealed class PostgresBulkExportStorage() : PostgresIndicatorStorage([]);

public sealed class SqliteBulkExportStoreTests(SqliteBulkExportStorage storage) : BulkExportStoreTests(storage), IClassFixture<SqliteBulkExportStorage>;

public sealed class PostgresBulkExportStoreTests(PostgresBulkExportStorage storage) : BulkExportStoreTests(storage), IClassFixture<PostgresBulkExportStorage>;
