using SendInterop.Domain.Audit;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>
/// The audit log's writer and verification on a database of its own per test (tampering breaks the chain for good),
/// on SQLite and PostgreSQL: edits, deletions and reordering are found at the entry concerned; a failed commit fails
/// its callers and the log carries on; a restarted writer continues the chain; shutdown drains the queue.
/// </summary>
public abstract class AuditLogTests(bool postgres)
{
    private Task<AuditStack> Stack() => AuditStack.CreateAsync(postgres);

    [Fact]
    public async Task An_untouched_log_verifies_and_reports_its_head()
    {
        await using var s = await Stack();
        Assert.Equal(new AuditChainVerification(0, null, null), await s.Reader.VerifyAsync());
        var sequences = await s.AppendAsync(12);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), sequences);
        var result = await s.Reader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        Assert.Equal(12, result.EntriesChecked);
        Assert.Equal(s.Writer.Head, result.Head);
    }

    [Fact]
    public async Task One_edited_payload_byte_is_reported_at_exactly_that_entry()
    {
        await using var s = await Stack();
        await s.AppendAsync(20);
        var payload = await s.PayloadAsync(7);
        var at = Array.IndexOf(payload, (byte)'l'); // inside "la-926"
        payload[at] = (byte)'m';
        await s.SetPayloadAsync(7, payload);

        var result = await s.Reader.VerifyAsync();
        Assert.Equal(7, result.Break!.Sequence);
        Assert.Contains("changed after it was written", result.Break.Reason);
        Assert.Equal(6, result.EntriesChecked);
    }

    [Fact]
    public async Task An_edited_payload_with_recomputed_hashes_still_breaks_the_link_to_the_next_entry()
    {
        await using var s = await Stack();
        await s.AppendAsync(10);
        var payload = await s.PayloadAsync(4);
        // An edit the search columns cannot see (the correlation id), with the entry's own hash recomputed to match.
        var at = System.Text.Encoding.UTF8.GetString(payload).IndexOf("\"corr-", StringComparison.Ordinal) + 1;
        payload[at] = (byte)'k';
        var previous = await s.ScalarAsync<string>("""SELECT "Hash" FROM audit_log WHERE "Sequence" = 3""");
        await s.ExecuteAsync("""UPDATE audit_log SET "Payload" = @p, "Hash" = @h WHERE "Sequence" = 4""",
            ("p", payload), ("h", AuditChain.Hash(previous, 4, payload)));
        Assert.Equal(5, (await s.Reader.VerifyAsync()).Break!.Sequence);
    }

    [Fact]
    public async Task A_deleted_entry_is_reported_as_the_gap_it_leaves()
    {
        await using var s = await Stack();
        await s.AppendAsync(10);
        await s.ExecuteAsync("""DELETE FROM audit_patient WHERE "Sequence" = 5""");
        Assert.Equal(1, await s.ExecuteAsync("""DELETE FROM audit_log WHERE "Sequence" = 5"""));

        var result = await s.DatabaseOnlyReader.VerifyAsync();
        Assert.Equal(5, result.Break!.Sequence);
        Assert.Contains("missing", result.Break.Reason);
        Assert.Equal(4, result.EntriesChecked);
    }

    [Fact]
    public async Task Two_swapped_payloads_are_detected_at_the_first_of_them()
    {
        await using var s = await Stack();
        await s.AppendAsync(10);
        var (three, four) = (await s.PayloadAsync(3), await s.PayloadAsync(4));
        await s.SetPayloadAsync(3, four);
        await s.SetPayloadAsync(4, three);
        Assert.Equal(3, (await s.Reader.VerifyAsync()).Break!.Sequence);
    }

    [Fact]
    public async Task Removing_a_child_from_an_entrys_search_columns_is_detected()
    {
        // The hash covers the AuditEvent, not the query columns: verification checks them against it, so nobody can
        // quietly take an entry out of "who has seen my record".
        await using var s = await Stack();
        await s.AppendAsync(10, i => AuditRecords.Record(children: ["child-a", "child-b"]));
        await s.ExecuteAsync("""DELETE FROM audit_patient WHERE "Sequence" = 6 AND "PatientId" = 'child-b'""");
        var result = await s.Reader.VerifyAsync();
        Assert.Equal(6, result.Break!.Sequence);
        Assert.Contains("search columns", result.Break.Reason);
        Assert.Equal(5, result.EntriesChecked);
    }

    [Fact]
    public async Task Editing_the_organisation_or_decision_column_is_detected()
    {
        await using var s = await Stack();
        await s.AppendAsync(10);
        await s.ExecuteAsync("""UPDATE audit_log SET "Organisation" = 'la-999' WHERE "Sequence" = 8""");
        Assert.Equal(8, (await s.Reader.VerifyAsync()).Break!.Sequence);
        await s.ExecuteAsync("""UPDATE audit_log SET "Decision" = 'deny' WHERE "Sequence" = 2""");
        Assert.Equal(2, (await s.Reader.VerifyAsync()).Break!.Sequence);
    }

    [Fact]
    public async Task A_cut_off_tail_is_reported_and_new_entries_leave_the_gap_visible()
    {
        await using var s = await Stack();
        await s.AppendAsync(20);
        await s.ExecuteAsync("""DELETE FROM audit_patient WHERE "Sequence" > 18""");
        await s.ExecuteAsync("""DELETE FROM audit_log WHERE "Sequence" > 18""");

        // The chain alone cannot show a missing tail; the writer that committed it can.
        var result = await s.Reader.VerifyAsync();
        Assert.Equal(19, result.Break!.Sequence);
        Assert.Contains("19 to 20 are missing", result.Break.Reason);

        // The writer links new entries to the head it knows, not to the truncated one: the gap stays in the database.
        Assert.Equal(21, await s.Writer.WriteAsync(AuditRecords.Record()));
        Assert.Equal(19, (await s.DatabaseOnlyReader.VerifyAsync()).Break!.Sequence);
    }

    [Fact]
    public async Task A_failed_commit_fails_every_caller_in_the_batch_and_the_next_batch_commits()
    {
        await using var s = await Stack();
        await s.AppendAsync(3);
        await s.ExecuteAsync("ALTER TABLE audit_log RENAME TO audit_log_away");

        var failed = Enumerable.Range(0, 20).Select(_ => s.Writer.WriteAsync(AuditRecords.Record())).ToList();
        foreach (var t in failed) await Assert.ThrowsAsync<AuditLogUnavailableException>(() => t);

        await s.ExecuteAsync("ALTER TABLE audit_log_away RENAME TO audit_log");
        Assert.Equal(3, await s.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
        Assert.Equal(0, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_patient WHERE "Sequence" > 3"""));
        Assert.Equal(4, await s.Writer.WriteAsync(AuditRecords.Record()));
        var result = await s.Reader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        Assert.Equal(4, result.EntriesChecked);
    }

    [Fact]
    public async Task A_restarted_writer_continues_the_chain_from_the_stored_head()
    {
        await using var s = await Stack();
        await s.AppendAsync(30);
        // The first writer is abandoned, never stopped (its connection stays open), as if the process had died.
        var second = await s.StartWriterAsync();
        Assert.Equal(new AuditChainHead(30, s.Writer.Head!.Hash), second.Head);
        Assert.Equal(new long[] { 31, 32, 33 }, await s.AppendAsync(3, writer: second));
        var result = await AuditLogServiceCollectionExtensions.CreateReader(s.Database, second).VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        Assert.Equal(33, result.EntriesChecked);
    }

    [Fact]
    public async Task Shutdown_writes_everything_queued_then_refuses_new_entries()
    {
        await using var s = await Stack();
        var queued = Enumerable.Range(0, 500).Select(_ => s.Writer.WriteAsync(AuditRecords.Record())).ToList();
        await s.Writer.StopAsync();
        Assert.All(queued, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), queued.Select(t => t.Result).Order());
        Assert.Equal(500, await s.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
        await Assert.ThrowsAsync<AuditLogUnavailableException>(() => s.Writer.AppendAsync(AuditRecords.Record()));
    }

    [Fact]
    public async Task A_cancelled_wait_does_not_cancel_the_write()
    {
        await using var s = await Stack();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.Writer.AppendAsync(AuditRecords.Record(client: "cancelled-caller"), cts.Token));
        Assert.Equal(2, await s.Writer.WriteAsync(AuditRecords.Record()));
        Assert.Equal(1, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_log WHERE "Client" = 'cancelled-caller'"""));
    }

    [Fact]
    public async Task A_record_the_columns_cannot_hold_is_refused_alone()
    {
        await using var s = await Stack();
        var bad = s.Writer.WriteAsync(AuditRecords.Record(children: [new string('x', 65)]));
        var good = s.Writer.WriteAsync(AuditRecords.Record());
        await Assert.ThrowsAsync<ArgumentException>(() => bad);
        Assert.Equal(1, await good);
    }

    [Fact]
    public async Task A_commit_writes_the_chain_only_and_the_index_follows_when_a_reader_asks()
    {
        await using var s = await Stack();
        var writer = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1));
        await s.Writer.IndexNowAsync();
        var sequence = await writer.WriteAsync(AuditRecords.Record(children: ["child-late"]));

        Assert.Equal(0, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_search WHERE "Sequence" = @s""", ("s", sequence)));
        Assert.Equal(0, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_patient WHERE "Sequence" = @s""", ("s", sequence)));
        // Read by id needs no index: its children come from the entry itself.
        Assert.Equal(["child-late"], (await s.DatabaseOnlyReader.ReadAsync(sequence))!.PatientIds);
        // A search brings the index up to date first, so it sees every entry committed before it.
        var reader = AuditLogServiceCollectionExtensions.CreateReader(s.Database, writer);
        Assert.Equal([sequence], (await reader.SearchAsync(new AuditLogQuery(PatientId: "child-late"))).Entries.Select(e => e.Sequence));
        Assert.Equal(1, await s.ScalarAsync<long>("""SELECT count(*) FROM audit_search WHERE "Sequence" = @s""", ("s", sequence)));
        Assert.Equal(sequence, await s.ScalarAsync<long>("""SELECT "IndexedSequence" FROM audit_index_state"""));
    }

    [Fact]
    public async Task A_broken_search_index_fails_its_readers_but_never_the_chain()
    {
        await using var s = await Stack();
        var writer = await s.StartWriterAsync(indexInterval: TimeSpan.FromMilliseconds(50));
        await s.Writer.IndexNowAsync();
        await s.ExecuteAsync("DROP TABLE audit_search");

        // Records keep committing (and answering) while every index run fails and is retried after its interval.
        var sequences = new List<long>();
        for (int i = 0; i < 20; i++)
        {
            sequences.Add(await writer.WriteAsync(AuditRecords.Record()).WaitAsync(TimeSpan.FromSeconds(10)));
            await Task.Delay(10);
        }
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), sequences);
        await Assert.ThrowsAsync<AuditLogUnavailableException>(() => writer.IndexNowAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(21, await writer.WriteAsync(AuditRecords.Record()).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(21, await s.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
    }

    [Fact]
    public async Task Entries_left_unindexed_by_a_crash_are_indexed_from_the_watermark_and_verify()
    {
        await using var s = await Stack();
        await s.AppendAsync(10, i => AuditRecords.Record(children: [$"child-{i}"], organisation: i % 2 == 0 ? "la-926" : "ods-RY3"));
        // The state a crash between commit and indexing leaves: entries 6-10 committed, the index stopped after 5.
        await s.ExecuteAsync("""DELETE FROM audit_patient WHERE "Sequence" > 5""");
        await s.ExecuteAsync("""DELETE FROM audit_search WHERE "Sequence" > 5""");
        await s.ExecuteAsync("""UPDATE audit_index_state SET "IndexedSequence" = 5""");

        var restarted = await s.StartWriterAsync();
        var reader = AuditLogServiceCollectionExtensions.CreateReader(s.Database, restarted);
        Assert.Equal([9L], (await reader.SearchAsync(new AuditLogQuery(PatientId: "child-8"))).Entries.Select(e => e.Sequence));
        Assert.Equal([10L, 8L, 6L, 4L, 2L], (await reader.SearchAsync(new AuditLogQuery(OrganisationId: "ods-RY3"))).Entries.Select(e => e.Sequence));
        var result = await reader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        Assert.Equal(10, result.EntriesChecked);
    }

    [Fact]
    public async Task A_search_index_row_removed_or_edited_behind_the_log_is_reported()
    {
        await using var s = await Stack();
        await s.AppendAsync(8);
        await s.ExecuteAsync("""UPDATE audit_search SET "Organisation" = 'la-000' WHERE "Sequence" = 3""");
        Assert.Equal(3, (await s.Reader.VerifyAsync()).Break!.Sequence);
        await s.ExecuteAsync("""UPDATE audit_search SET "Organisation" = 'la-926' WHERE "Sequence" = 3""");
        Assert.True((await s.Reader.VerifyAsync()).Intact);
        await s.ExecuteAsync("""DELETE FROM audit_search WHERE "Sequence" = 6""");
        var result = await s.Reader.VerifyAsync();
        Assert.Equal(6, result.Break!.Sequence);
        Assert.Contains("search columns", result.Break.Reason);
    }

    [Theory]
    [InlineData(new string[0], new string[0])]
    [InlineData(new[] { "child-a" }, new[] { "child-a" })]
    [InlineData(new[] { "child-a", "child-a" }, new[] { "child-a" })]
    [InlineData(new[] { "child-b", "child-a", "child-b", "child-c" }, new[] { "child-b", "child-a", "child-c" })]
    public void The_children_indexed_for_an_entry_are_its_children_once_each_in_first_seen_order(string[] children, string[] indexed)
    {
        Assert.Equal(indexed, AuditEventRenderer.IndexOf(AuditRecords.Record(children: children)).PatientIds);
    }

    [Fact]
    public async Task An_entry_is_stored_as_its_compact_record_and_read_as_the_AuditEvent_rendered_from_it()
    {
        await using var s = await Stack();
        var record = AuditRecords.Record(children: ["child-a", "child-b"], entities: ["Observation/o-1", "CarePlan/p-1"]);
        var sequence = await s.Writer.WriteAsync(record);

        var payload = await s.PayloadAsync(sequence);
        Assert.Equal(AuditRecordCodec.Encode(record), payload);
        Assert.True(payload.Length < 600, $"{payload.Length} bytes");
        var entry = await s.Reader.ReadAsync(sequence);
        Assert.Equal(new AuditEventRenderer().Render(record, sequence), entry!.Json);
        Assert.Equal(["child-a", "child-b"], entry.PatientIds);
    }

    [Fact]
    public async Task Entries_of_the_first_format_still_read_and_verify_and_the_chain_continues_after_them()
    {
        // Logs written before the compact record stored whole AuditEvents: they must keep verifying, read the same,
        // and new entries must link to them.
        await using var s = await Stack();
        await s.AppendAsync(3);
        var old = AuditRecords.Record(children: ["child-old"]);
        var renderer = new AuditEventRenderer();
        var payload = renderer.Render(old, 4);
        var previous = await s.ScalarAsync<string>("""SELECT "Hash" FROM audit_log WHERE "Sequence" = 3""");
        await s.ExecuteAsync("""
            INSERT INTO audit_log ("Sequence", "Recorded", "PreviousHash", "Hash", "Payload", "Organisation", "Client", "Decision", "BreakGlass")
            VALUES (4, @r, @ph, @h, @p, @o, @c, 'permit', @b)
            """, ("r", old.Recorded.UtcTicks), ("ph", previous), ("h", AuditChain.Hash(previous, 4, payload)), ("p", payload),
            ("o", old.OrganisationId!), ("c", old.ClientId!), ("b", false));
        await s.ExecuteAsync("""INSERT INTO audit_patient ("Sequence", "PatientId") VALUES (4, 'child-old')""");

        var restarted = await s.StartWriterAsync();
        Assert.Equal(new long[] { 5 }, await s.AppendAsync(1, writer: restarted));
        var result = await AuditLogServiceCollectionExtensions.CreateReader(s.Database, restarted).VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        Assert.Equal(5, result.EntriesChecked);
        Assert.Equal(payload, (await s.DatabaseOnlyReader.ReadAsync(4))!.Json);
        Assert.Equal(4, (await s.DatabaseOnlyReader.SearchAsync(new AuditLogQuery(PatientId: "child-old"))).Entries.Single().Sequence);
    }

    [Fact]
    public async Task A_compact_record_rewritten_with_the_whole_chain_recomputed_no_longer_matches_its_search_columns()
    {
        // Someone with write access rewrites entry 3's decision and recomputes every later hash, so the chain itself
        // verifies: the search columns, checked against the decoded record, still give it away.
        await using var s = await Stack();
        await s.AppendAsync(5);
        var previous = await s.ScalarAsync<string>("""SELECT "Hash" FROM audit_log WHERE "Sequence" = 2""");
        for (long sequence = 3; sequence <= 5; sequence++)
        {
            var payload = await s.PayloadAsync(sequence);
            if (sequence == 3)
                payload = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(payload).Replace("\"d\":\"permit\"", "\"d\":\"deny\""));
            var hash = AuditChain.Hash(previous, sequence, payload);
            await s.ExecuteAsync("""UPDATE audit_log SET "Payload" = @p, "PreviousHash" = @ph, "Hash" = @h WHERE "Sequence" = @s""",
                ("p", payload), ("ph", previous), ("h", hash), ("s", sequence));
            previous = hash;
        }
        var result = await s.DatabaseOnlyReader.VerifyAsync();
        Assert.Equal(3, result.Break!.Sequence);
        Assert.Contains("search columns", result.Break.Reason);
    }
}

public sealed class SqliteAuditLogTests() : AuditLogTests(postgres: false)
{
    [Fact]
    public async Task Under_full_synchronous_every_commit_is_on_disk_before_its_callers_are_answered()
    {
        await using var s = await AuditStack.CreateAsync(postgres: false);
        foreach (var sequence in await s.AppendAsync(3)) Assert.True(s.Writer.SyncedSequence >= sequence);
    }

    [Fact]
    public async Task Under_normal_synchronous_committed_entries_are_flushed_to_disk_within_the_interval()
    {
        await using var s = await AuditStack.CreateAsync(postgres: false, flushEveryCommit: false);
        await using (var c = await s.Database.OpenAsync())
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "PRAGMA synchronous";
            Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!); // 1 = NORMAL
        }
        await s.AppendAsync(20);
        // The periodic sync (every AuditLogWriter.SyncInterval) is what flushes them; the deadline only bounds a starved run.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (s.Writer.SyncedSequence < 20 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(20, s.Writer.SyncedSequence);
        // The flush is a checkpoint: the write-ahead log's frames are now in the database file itself.
        Assert.Equal(20, await s.ScalarAsync<long>("SELECT count(*) FROM audit_log"));
        Assert.True((await s.Reader.VerifyAsync()).Intact);
    }

    [Fact]
    public async Task Every_awaited_entry_survives_a_crash_image_of_the_files_and_the_chain_continues_from_it()
    {
        await using var s = await AuditStack.CreateAsync(postgres: false);
        var awaited = await s.AppendAsync(50);
        // Pending work that was never awaited may or may not be in the image; awaited work must be.
        var image = Directory.CreateTempSubdirectory("sendinterop-audit-crash-").FullName;
        try
        {
            // Copy the database and its write-ahead log while the writer still holds its connection open (no close,
            // no checkpoint): the state a killed process leaves on disk.
            foreach (var suffix in new[] { "", "-wal" })
            {
                var source = Path.Combine(s.Directory!, "fhir-audit.db" + suffix);
                if (File.Exists(source))
                {
                    using var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    using var to = File.Create(Path.Combine(image, "fhir-audit.db" + suffix));
                    from.CopyTo(to);
                }
            }
            await using var restarted = await AuditStack.CreateAsync(postgres: false, Path.Combine(image, "fhir-audit.db"));
            Assert.Equal(s.Writer.Head, restarted.Writer.Head);
            foreach (var sequence in awaited) Assert.NotNull(await restarted.DatabaseOnlyReader.ReadAsync(sequence));
            Assert.Equal(new long[] { 51, 52 }, await restarted.AppendAsync(2));
            var result = await restarted.Reader.VerifyAsync();
            Assert.True(result.Intact, result.Break?.Reason);
            Assert.Equal(52, result.EntriesChecked);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(image, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task The_audit_file_runs_in_wal_mode_with_full_synchronous_commits()
    {
        await using var s = await AuditStack.CreateAsync(postgres: false);
        await using var c = await s.Database.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)(await cmd.ExecuteScalarAsync())!);
        cmd.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, (long)(await cmd.ExecuteScalarAsync())!); // 2 = FULL
        // Checkpoints eight times rarer than SQLite's default: the audit rewrites the same hot pages (docs/performance.md).
        cmd.CommandText = "PRAGMA wal_autocheckpoint";
        Assert.Equal((long)AuditLogDatabase.WalAutoCheckpointPages, (long)(await cmd.ExecuteScalarAsync())!);
    }
}

public sealed class PostgresAuditLogTests() : AuditLogTests(postgres: true)
{
    [Fact]
    public async Task Two_writers_on_one_database_extend_one_chain_without_forking_it()
    {
        // Two gateway replicas on one PostgreSQL: the advisory lock serialises their batches and each links to the
        // other's entries.
        await using var s = await AuditStack.CreateAsync(postgres: true);
        var second = await s.StartWriterAsync();
        var writes = Enumerable.Range(0, 400).Select(i => (i % 2 == 0 ? s.Writer : second).WriteAsync(AuditRecords.Record())).ToList();
        var sequences = await Task.WhenAll(writes);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (long)i), sequences.Order());
        var result = await s.DatabaseOnlyReader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
        Assert.Equal(400, result.EntriesChecked);
    }
}
