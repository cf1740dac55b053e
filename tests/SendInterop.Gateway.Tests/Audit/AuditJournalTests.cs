using SendInterop.Domain.Audit;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>
/// The audit journal (ADR 4): a caller is answered once its record's frame is in the journal, and the chain catches up
/// behind it. What must hold: an answered record is never lost (a process that dies before the commit leaves it in the
/// journal, and the next start commits it exactly once, in order); a frame cut short is ignored, not half-read; a
/// database that cannot be written makes the writer retry, not drop; applied segments are deleted; a live writer's
/// segment is never replayed by another.
/// </summary>
public abstract class AuditJournalTests(bool postgres)
{
    private Task<AuditStack> Stack() => AuditStack.CreateAsync(postgres);

    private static AuditRecord Record(string client) => AuditRecords.Record(client: client, children: ["child-" + client]);

    private static string[] Segments(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*" + AuditJournal.Extension) : [];

    [Fact]
    public async Task Appends_are_answered_from_the_journal_and_committed_in_order_behind_it()
    {
        await using var s = await Stack();
        var journal = s.NewJournal();
        var writer = await s.StartWriterAsync(journal: journal);
        for (int i = 0; i < 50; i++) await writer.AppendAsync(Record($"j-{i:D2}"));
        var last = await writer.WriteAsync(Record("j-last")); // completes at its commit: everything before it is committed too
        Assert.Equal(51, last);
        Assert.Equal(0, writer.Backlog);

        var clients = await ClientsAsync(s);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"j-{i:D2}").Append("j-last"), clients.TakeLast(51));
        var result = await s.DatabaseOnlyReader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        // The segment's applied offset is everything written to it: a restart would replay nothing. (The file itself is
        // longer while it is being written: its space is reserved up front, see AuditJournalSegment.)
        var segment = Assert.Single(Segments(s.JournalDirectory));
        Assert.Equal(journal.Current!.Path, segment);
        Assert.Equal(journal.Current.Length, await s.ScalarAsync<long>("""SELECT "Applied" FROM audit_journal WHERE "Segment" = @g""", ("g", Path.GetFileNameWithoutExtension(segment))));
    }

    [Fact]
    public async Task An_index_request_waits_for_a_backlog_of_journalled_records_larger_than_one_batch()
    {
        // A reader asks for the index right after its own request was audited, behind a backlog of more than one batch
        // (a slow database, a burst). It must see every record journalled before it asked, not just the first batch's.
        await using var s = await Stack();
        var writer = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1), journal: s.NewJournal(),
            journalBatchWindow: TimeSpan.FromMilliseconds(300));
        await writer.WriteAsync(Record("b-first")); // committed: the next batch now waits for the window
        var backlog = AuditLogWriter.MaxBatch * 2 + 500;
        for (int i = 0; i < backlog; i++) await writer.AppendAsync(Record($"b-{i}"));
        await writer.IndexNowAsync();
        Assert.Equal(backlog + 1, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_search WHERE "Client" LIKE 'b-%'"""));
        Assert.Equal(backlog + 1, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_patient WHERE "PatientId" LIKE 'child-b-%'"""));
    }

    [Fact]
    public async Task A_stopped_writer_leaves_no_segment_and_no_row_behind()
    {
        await using var s = await Stack();
        var writer = await s.StartWriterAsync(journal: s.NewJournal(segmentLimit: 2_000));
        for (int i = 0; i < 40; i++) await writer.AppendAsync(Record($"s-{i}"));
        await writer.StopAsync();
        Assert.Empty(Segments(s.JournalDirectory));
        Assert.Equal(0, await s.ScalarAsync<long>("SELECT count(*) FROM audit_journal"));
        Assert.Equal(40, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_log WHERE "Client" LIKE 's-%'"""));
    }

    [Fact]
    public async Task Small_segments_roll_over_and_applied_ones_are_deleted_while_running()
    {
        await using var s = await Stack();
        var writer = await s.StartWriterAsync(journal: s.NewJournal(segmentLimit: 1_500)); // a few records per segment
        for (int i = 0; i < 60; i++) await writer.WriteAsync(Record($"r-{i:D2}"));
        // Every sealed segment is gone once its last frame committed: only the one being written remains.
        Assert.Single(Segments(s.JournalDirectory));
        await writer.WriteAsync(Record("r-after")); // the next batch removes the rows of the deleted segments
        Assert.InRange(await s.ScalarAsync<long>("SELECT count(*) FROM audit_journal"), 1, 2);
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"r-{i:D2}").Append("r-after"), (await ClientsAsync(s)).TakeLast(61));
    }

    [Fact]
    public async Task Records_left_in_the_journal_by_a_dead_process_are_committed_once_at_the_next_start()
    {
        await using var s = await Stack();
        await s.AppendAsync(3); // an existing chain to continue
        // A process that journalled five records and died before committing any: its journal, never run by a writer.
        var dead = s.NewJournal();
        for (int i = 0; i < 5; i++) dead.Append(AuditRecordCodec.Encode(Record($"dead-{i}")));
        var deadSegment = dead.Current!.Path;
        dead.Dispose(); // the process is gone: its locks are released

        var writer = await s.StartWriterAsync(journal: s.NewJournal());
        Assert.Equal(["dead-0", "dead-1", "dead-2", "dead-3", "dead-4"], (await ClientsAsync(s)).Skip(3));
        Assert.False(File.Exists(deadSegment)); // replayed, then deleted
        Assert.Single(Segments(s.JournalDirectory)); // the new writer's own
        Assert.Equal(9, await writer.WriteAsync(Record("alive")));

        // A second restart replays nothing again.
        await writer.StopAsync();
        await s.StartWriterAsync(journal: s.NewJournal());
        Assert.Equal(9, await s.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
        var result = await s.DatabaseOnlyReader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
    }

    [Fact]
    public async Task Replay_starts_after_the_offset_the_chain_recorded_and_ignores_a_torn_last_frame()
    {
        await using var s = await Stack();
        var dead = s.NewJournal();
        var positions = Enumerable.Range(0, 6).Select(i => dead.Append(AuditRecordCodec.Encode(Record($"t-{i}")))).ToList();
        var segment = dead.Current!;
        // The first two were committed before the crash (their entries and the watermark, in one transaction).
        var committed = await s.StartWriterAsync(); // a commit-mode writer stands in for the dead one's loop
        await committed.WriteAsync(Record("t-0"));
        await committed.WriteAsync(Record("t-1"));
        await s.ExecuteAsync("""INSERT INTO audit_journal ("Segment", "Applied") VALUES (@g, @a)""", ("g", segment.Id), ("a", positions[1].End));
        await committed.StopAsync();
        // The last frame was being written when the process died: only half of it reached the file.
        var path = segment.Path;
        dead.Dispose();
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write)) f.SetLength(positions[4].End + (positions[5].End - positions[4].End) / 2);

        var writer = await s.StartWriterAsync(journal: s.NewJournal());
        Assert.Equal(["t-0", "t-1", "t-2", "t-3", "t-4"], await ClientsAsync(s));
        Assert.False(File.Exists(path));
        await writer.WriteAsync(Record("t-next")); // the batch after the deletion removes the segment's row
        Assert.Equal(0, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_journal WHERE "Segment" = @g""", ("g", segment.Id)));
        var result = await s.DatabaseOnlyReader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
    }

    [Fact]
    public async Task A_segment_left_mapped_by_a_crash_is_replayed_up_to_its_unwritten_space_and_deleted()
    {
        await using var s = await Stack();
        // A process killed while its segment was mapped leaves the file at its full reserved size: the frames it
        // wrote, then zeros. A closed journal cuts its segment back, so the zeros are put back by hand.
        var dead = s.NewJournal();
        var positions = Enumerable.Range(0, 3).Select(i => dead.Append(AuditRecordCodec.Encode(Record($"m-{i}")))).ToList();
        var path = dead.Current!.Path;
        dead.Dispose();
        Assert.Equal(positions[^1].End, new FileInfo(path).Length);
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write)) f.SetLength(1024 * 1024);

        var writer = await s.StartWriterAsync(journal: s.NewJournal());
        Assert.Equal(["m-0", "m-1", "m-2"], await ClientsAsync(s));
        Assert.False(File.Exists(path)); // fully applied at its last frame, not at the end of the zeros
        await writer.WriteAsync(Record("m-next"));
        Assert.Equal(0, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_journal WHERE "Segment" = @g""", ("g", Path.GetFileNameWithoutExtension(path))));
    }

    [Fact]
    public async Task A_frame_with_a_bad_checksum_ends_the_replay_there()
    {
        await using var s = await Stack();
        var dead = s.NewJournal();
        var positions = Enumerable.Range(0, 4).Select(i => dead.Append(AuditRecordCodec.Encode(Record($"c-{i}")))).ToList();
        var path = dead.Current!.Path;
        dead.Dispose();
        // Flip one payload byte of the third frame (a power cut that persisted a later page but not this one).
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[positions[1].End + 20] ^= 0x5A;
        await File.WriteAllBytesAsync(path, bytes);

        await s.StartWriterAsync(journal: s.NewJournal());
        Assert.Equal(["c-0", "c-1"], await ClientsAsync(s));
    }

    [Fact]
    public async Task A_live_writers_segment_is_not_replayed_by_a_second_writer()
    {
        await using var s = await Stack();
        var first = await s.StartWriterAsync(journal: s.NewJournal());
        await first.WriteAsync(Record("live-1"));
        var second = await s.StartWriterAsync(journal: s.NewJournal());
        await second.WriteAsync(Record("live-2"));
        await first.WriteAsync(Record("live-3"));
        Assert.Equal(["live-1", "live-2", "live-3"], await ClientsAsync(s));
        Assert.Equal(2, Segments(s.JournalDirectory).Length);
    }

    [Fact]
    public async Task While_the_database_refuses_commits_callers_are_answered_and_nothing_is_lost()
    {
        await using var s = await Stack();
        var writer = await s.StartWriterAsync(journal: s.NewJournal());
        await writer.WriteAsync(Record("before"));
        await s.ExecuteAsync("ALTER TABLE audit_log RENAME TO audit_log_away");

        // Answered from the journal although no commit can succeed.
        for (int i = 0; i < 20; i++) await writer.AppendAsync(Record($"down-{i:D2}"));
        await Task.Delay(AuditLogWriter.CommitRetryInterval / 2);
        Assert.Equal(20, writer.Backlog);

        await s.ExecuteAsync("ALTER TABLE audit_log_away RENAME TO audit_log");
        Assert.Equal(22, await writer.WriteAsync(Record("after"))); // the retried batch commits first, then this one
        Assert.Equal(new[] { "before" }.Concat(Enumerable.Range(0, 20).Select(i => $"down-{i:D2}")).Append("after"), await ClientsAsync(s));
        Assert.Equal(0, writer.Backlog);
    }

    [Fact]
    public async Task A_shutdown_while_the_database_is_down_keeps_the_records_for_the_next_start()
    {
        await using var s = await Stack();
        var writer = await s.StartWriterAsync(journal: s.NewJournal());
        await writer.WriteAsync(Record("k-0"));
        await s.ExecuteAsync("ALTER TABLE audit_log RENAME TO audit_log_away");
        for (int i = 1; i <= 3; i++) await writer.AppendAsync(Record($"k-{i}"));
        await writer.StopAsync();
        var kept = Assert.Single(Segments(s.JournalDirectory));

        await s.ExecuteAsync("ALTER TABLE audit_log_away RENAME TO audit_log");
        await s.StartWriterAsync(journal: s.NewJournal());
        Assert.Equal(["k-0", "k-1", "k-2", "k-3"], await ClientsAsync(s));
        Assert.False(File.Exists(kept));
    }

    [Fact]
    public async Task A_journal_folder_that_cannot_be_written_stops_the_start()
    {
        await using var s = await Stack();
        var blocked = Path.Combine(s.JournalDirectory, "not-a-folder");
        await File.WriteAllTextAsync(blocked, "a file where the journal's folder should be");
        await Assert.ThrowsAsync<IOException>(() => s.StartWriterAsync(journal: new AuditJournal(blocked)));
    }

    [Fact]
    public async Task A_journal_write_that_fails_fails_the_caller_and_stores_nothing()
    {
        await using var s = await Stack();
        var journal = s.NewJournal();
        var writer = await s.StartWriterAsync(journal: journal);
        journal.Dispose(); // the segment's file handle is gone, as when the disk is lost under the process
        await Assert.ThrowsAsync<AuditLogUnavailableException>(() => writer.AppendAsync(Record("refused")));
        Assert.Equal(0, writer.Backlog);
        Assert.Equal(0, await s.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    private static async Task<List<string>> ClientsAsync(AuditStack s)
    {
        await using var c = s.FreshConnection();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """SELECT "Client" FROM audit_log ORDER BY "Sequence" """;
        var clients = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) clients.Add(r.GetString(0));
        return clients;
    }
}

public sealed class SqliteAuditJournalTests() : AuditJournalTests(postgres: false);

public sealed class PostgresAuditJournalTests() : AuditJournalTests(postgres: true);
