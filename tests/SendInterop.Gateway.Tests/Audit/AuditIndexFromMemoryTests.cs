using System.Text;
using SendInterop.Domain.Audit;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>
/// The audit search index filled from the writer's memory (the entries it just committed) instead of reading each row
/// back: it must hold exactly what a read-back would; it must be what is used while the writer holds the entries right
/// after the watermark; and anything the writer does not hold (another writer's entry between its own, entries past
/// the queue's bound) must still be read back, in sequence order. A payload garbled after the commit tells the two
/// paths apart: read back, it is indexed without children; from memory, with the children it was written with.
/// </summary>
public abstract class AuditIndexFromMemoryTests(bool postgres)
{
    private Task<AuditStack> Stack() => AuditStack.CreateAsync(postgres);

    private static readonly byte[] Garbled = Encoding.UTF8.GetBytes("not a record");

    [Fact]
    public async Task The_index_built_from_memory_equals_the_index_read_back_from_the_same_entries()
    {
        await using var s = await Stack();
        await s.Writer.IndexNowAsync(); // the stack's own writer: nothing of its own left to index
        var writer = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1));
        var writes = Enumerable.Range(0, 300).Select(i => writer.WriteAsync(AuditRecords.Record(
            client: i % 7 == 0 ? null : $"client-{i % 5}",
            organisation: i % 3 == 0 ? "ods-RY3" : "la-926",
            children: i % 4 == 0 ? [] : i % 4 == 1 ? [$"child-{i}"] : [$"child-{i}", "child-shared", $"child-{i}"],
            decision: i % 6 == 0 ? AuditDecision.Deny : AuditDecision.Permit,
            breakGlass: i % 11 == 0, breakGlassReason: i % 11 == 0 ? "emergency" : null))).ToList();
        await Task.WhenAll(writes);
        await writer.IndexNowAsync();
        var fromMemory = await IndexRowsAsync(s);

        await ClearIndexAsync(s);
        await s.DatabaseOnlyReader.SearchAsync(new AuditLogQuery(PatientId: "child-shared")); // no writer: reads every entry back
        var readBack = await IndexRowsAsync(s);

        Assert.Equal(300 + 375, fromMemory.Count); // one search row each, a patient row per distinct child
        Assert.Equal(readBack, fromMemory);
        var result = await s.DatabaseOnlyReader.VerifyAsync();
        Assert.True(result.Intact, result.Break?.Reason);
    }

    [Fact]
    public async Task Entries_the_writer_holds_are_indexed_from_memory_without_reading_their_rows_back()
    {
        await using var s = await Stack();
        await s.Writer.IndexNowAsync();
        var writer = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1));
        var sequence = await writer.WriteAsync(AuditRecords.Record(children: ["child-mem"]));
        await s.SetPayloadAsync(sequence, Garbled);

        await writer.IndexNowAsync();
        Assert.Equal(["child-mem"], await PatientsOfAsync(s, sequence));
        Assert.Equal(sequence, await s.ScalarAsync<long>("""SELECT "IndexedSequence" FROM audit_index_state"""));
    }

    [Fact]
    public async Task Another_writers_entry_between_this_writers_own_is_read_back_and_everything_is_indexed_in_order()
    {
        await using var s = await Stack();
        await s.Writer.IndexNowAsync();
        var writer = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1));
        var other = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1));
        var first = await writer.WriteAsync(AuditRecords.Record(children: ["child-1"]));
        var between = await other.WriteAsync(AuditRecords.Record(children: ["child-other"]));
        var last = await writer.WriteAsync(AuditRecords.Record(children: ["child-3"]));
        Assert.Equal([1L, 2L, 3L], new[] { first, between, last });

        // This writer holds 1 and 3: memory covers 1, the database the rest (2, then 3 with it).
        await writer.IndexNowAsync();
        Assert.Equal(last, await s.ScalarAsync<long>("""SELECT "IndexedSequence" FROM audit_index_state"""));
        Assert.Equal([between], (await s.DatabaseOnlyReader.SearchAsync(new AuditLogQuery(PatientId: "child-other"))).Entries.Select(e => e.Sequence));
        Assert.Equal(3, await s.ScalarAsync<long>("SELECT count(*) FROM audit_search"));
        Assert.Equal(3, await s.ScalarAsync<long>("SELECT count(*) FROM audit_patient"));
    }

    [Fact]
    public async Task Entries_committed_before_a_restart_are_read_back_and_the_new_writers_own_follow_from_memory()
    {
        await using var s = await Stack();
        await s.Writer.IndexNowAsync();
        var before = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1));
        var crashed = await before.WriteAsync(AuditRecords.Record(children: ["child-before"]));
        await s.SetPayloadAsync(crashed, Garbled);
        // The writer is abandoned unindexed, as if its process had died; a new one starts.
        var restarted = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1));
        var after = await restarted.WriteAsync(AuditRecords.Record(children: ["child-after"]));
        await s.SetPayloadAsync(after, Garbled);

        await restarted.IndexNowAsync();
        Assert.Empty(await PatientsOfAsync(s, crashed)); // read back: the garbled payload names no child
        Assert.Equal(["child-after"], await PatientsOfAsync(s, after)); // from memory
        Assert.Equal(after, await s.ScalarAsync<long>("""SELECT "IndexedSequence" FROM audit_index_state"""));
    }

    [Fact]
    public async Task Past_its_bound_the_writers_queue_is_dropped_and_those_entries_are_read_back()
    {
        await using var s = await Stack();
        await s.Writer.IndexNowAsync();
        // A long interval: after its first failure the index is not retried until a reader asks, so no run can read
        // an entry back between the writes and the garbling below.
        // A small bound (the default is 80,000 entries), so the test writes a few hundred.
        const int bound = 200;
        var writer = await s.StartWriterAsync(indexInterval: TimeSpan.FromHours(1), indexQueueLimit: bound);
        // The index cannot be written, so nothing leaves the writer's queue while entries keep committing.
        await s.ExecuteAsync("ALTER TABLE audit_patient RENAME TO audit_patient_away");
        var count = bound + 10;
        var sequences = await Task.WhenAll(Enumerable.Range(0, count).Select(i => writer.WriteAsync(AuditRecords.Record(children: [$"child-{i}"]))));
        // Below a chunk and inside the interval no run starts by itself: a reader's request does, and fails.
        await Assert.ThrowsAsync<AuditLogUnavailableException>(() => writer.IndexNowAsync());
        var (oldest, newest) = (sequences.Min(), sequences.Max());
        await s.SetPayloadAsync(oldest, Garbled);
        await s.SetPayloadAsync(newest, Garbled);
        await s.ExecuteAsync("ALTER TABLE audit_patient_away RENAME TO audit_patient");

        await writer.IndexNowAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(count, await s.ScalarAsync<long>("SELECT count(*) FROM audit_search"));
        Assert.Equal(newest, await s.ScalarAsync<long>("""SELECT "IndexedSequence" FROM audit_index_state"""));
        Assert.Empty(await PatientsOfAsync(s, oldest)); // dropped from memory past the bound: read back
        Assert.Single(await PatientsOfAsync(s, newest)); // added after the drop: still from memory
    }

    /// <summary>Every row of both index tables, as text, in key order.</summary>
    private static async Task<List<string>> IndexRowsAsync(AuditStack s)
    {
        var rows = new List<string>();
        await using var c = s.FreshConnection();
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = """SELECT "Sequence", "Recorded", "Organisation", "Client", "BreakGlass" FROM audit_search ORDER BY "Sequence" """;
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                rows.Add($"search {r.GetInt64(0)} {r.GetInt64(1)} {(r.IsDBNull(2) ? "-" : r.GetString(2))} {(r.IsDBNull(3) ? "-" : r.GetString(3))} {r.GetBoolean(4)}");
        }
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = """SELECT "Sequence", "PatientId" FROM audit_patient ORDER BY "Sequence", "PatientId" """;
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) rows.Add($"patient {r.GetInt64(0)} {r.GetString(1)}");
        }
        return rows;
    }

    private static async Task<List<string>> PatientsOfAsync(AuditStack s, long sequence)
    {
        await using var c = s.FreshConnection();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """SELECT "PatientId" FROM audit_patient WHERE "Sequence" = @s ORDER BY "PatientId" """;
        var p = cmd.CreateParameter();
        p.ParameterName = "@s";
        p.Value = sequence;
        cmd.Parameters.Add(p);
        var ids = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetString(0));
        return ids;
    }

    private static async Task ClearIndexAsync(AuditStack s)
    {
        await s.ExecuteAsync("DELETE FROM audit_patient");
        await s.ExecuteAsync("DELETE FROM audit_search");
        await s.ExecuteAsync("""UPDATE audit_index_state SET "IndexedSequence" = 0""");
    }
}

public sealed class SqliteAuditIndexFromMemoryTests() : AuditIndexFromMemoryTests(postgres: false);

public sealed class PostgresAuditIndexFromMemoryTests() : AuditIndexFromMemoryTests(postgres: true);
