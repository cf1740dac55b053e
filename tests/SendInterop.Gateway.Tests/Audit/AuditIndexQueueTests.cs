using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>
/// The writer's in-memory index queue holds its entries without an object each (children's ids as characters in one
/// reused buffer that moves down and grows). Whatever it was given must come back unchanged through every move, in
/// runs that start where asked, and what was removed or dropped must not come back.
/// </summary>
public sealed class AuditIndexQueueTests
{
    private static AuditIndex Index(long i) => new(
        Recorded: 1000 + i,
        Organisation: i % 3 == 0 ? null : $"org-{i % 4}",
        Client: i % 5 == 0 ? null : $"client-{i % 2}",
        Decision: "permit",
        BreakGlass: i % 7 == 0,
        // None, one, or several children, some long enough to outgrow the first buffer quickly.
        PatientIds: (i % 4) switch
        {
            0 => [],
            1 => [$"child-{i}"],
            2 => [$"child-{i}", new string('x', 64), "é-ü-ß"],
            _ => [new string((char)('a' + i % 26), (int)(i % 60) + 1)],
        });

    private static void AssertSame(long sequence, AuditIndexEntry actual)
    {
        var expected = Index(sequence);
        Assert.Equal(sequence, actual.Sequence);
        Assert.Equal(expected.Recorded, actual.Recorded);
        Assert.Equal(expected.Organisation, actual.Organisation);
        Assert.Equal(expected.Client, actual.Client);
        Assert.Equal(expected.BreakGlass, actual.BreakGlass);
        Assert.Equal(expected.PatientIds, actual.Patients);
    }

    [Fact]
    public void Entries_come_back_as_given_while_runs_are_added_and_removed_in_rounds()
    {
        var queue = new AuditIndexQueue(limit: 100_000);
        long added = 0, removed = 0;
        // Rounds of unequal sizes, each removing part of what is held: the buffer is drained from the front while it
        // fills at the back, so it both moves its live part down and grows.
        for (var round = 1; round <= 40; round++)
        {
            var n = 37 * round % 500 + 1;
            for (var k = 0; k < n; k++) queue.Add(++added, Index(added));
            var run = new List<AuditIndexEntry>();
            queue.TakeRun(removed, int.MaxValue, run);
            Assert.Equal(added - removed, run.Count);
            for (var k = 0; k < run.Count; k++) AssertSame(removed + 1 + k, run[k]);
            removed += (added - removed) * 2 / 3;
            queue.RemoveThrough(removed);
            Assert.Equal(added - removed, queue.Count);
            Assert.Equal(removed + 1, queue.FirstAfter(0));
        }
    }

    [Fact]
    public void A_run_starts_after_the_watermark_stops_at_a_gap_and_at_its_maximum()
    {
        var queue = new AuditIndexQueue(limit: 100);
        foreach (var s in new long[] { 1, 2, 3, 4, 6, 7 }) queue.Add(s, Index(s));

        var run = new List<AuditIndexEntry>();
        queue.TakeRun(1, 10, run);
        Assert.Equal([2L, 3, 4], run.Select(e => e.Sequence)); // stops at the hole at 5
        run.ForEach(e => AssertSame(e.Sequence, e));

        run.Clear();
        queue.TakeRun(5, 1, run);
        Assert.Equal([6L], run.Select(e => e.Sequence));
        AssertSame(6, run[0]);

        run.Clear();
        queue.TakeRun(4, 10, run);
        Assert.Empty(run); // 5 is not held: the indexer reads it back
        Assert.Equal(6, queue.FirstAfter(4));
    }

    [Fact]
    public void Past_its_limit_the_queue_forgets_what_it_held_and_keeps_the_new_entries()
    {
        var queue = new AuditIndexQueue(limit: 10);
        for (long s = 1; s <= 10; s++) queue.Add(s, Index(s));
        queue.Add(11, Index(11));

        Assert.Equal(1, queue.Count);
        var run = new List<AuditIndexEntry>();
        queue.TakeRun(0, 10, run);
        Assert.Empty(run); // 1-10 are to be read back
        queue.TakeRun(10, 10, run);
        AssertSame(11, Assert.Single(run));
    }

    [Fact]
    public void Removing_everything_held_leaves_nothing_and_the_next_entries_come_back_whole()
    {
        var queue = new AuditIndexQueue(limit: 1000);
        for (long s = 1; s <= 300; s++) queue.Add(s, Index(s));
        queue.RemoveThrough(300);
        Assert.Equal(0, queue.Count);
        Assert.Null(queue.FirstAfter(0));

        for (long s = 301; s <= 900; s++) queue.Add(s, Index(s));
        var run = new List<AuditIndexEntry>();
        queue.TakeRun(300, 1000, run);
        Assert.Equal(600, run.Count);
        run.ForEach(e => AssertSame(e.Sequence, e));
    }

    [Fact]
    public void An_organisation_named_by_many_entries_is_held_once()
    {
        var queue = new AuditIndexQueue(limit: 100);
        // Equal text, distinct instances: as each request makes its own from its token.
        queue.Add(1, Index(1) with { Organisation = new string("la-926".AsSpan()) });
        queue.Add(2, Index(2) with { Organisation = new string("la-926".AsSpan()) });
        var run = new List<AuditIndexEntry>();
        queue.TakeRun(0, 10, run);
        Assert.Same(run[0].Organisation, run[1].Organisation);
    }
}
