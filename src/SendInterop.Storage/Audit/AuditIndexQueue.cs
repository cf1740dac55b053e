namespace SendInterop.Storage.Audit;

/// <summary>What the search index holds for one committed entry (<see cref="Recorded"/> in UTC ticks).</summary>
internal sealed record AuditIndexEntry(long Sequence, long Recorded, string? Organisation, string? Client, bool BreakGlass, IReadOnlyList<string> Patients);

/// <summary>
/// The entries the writer committed and has not yet indexed, as it had them in memory (sequence, the query columns
/// it inserted, and the children it encoded), so <see cref="AuditIndexer"/> can index them without reading each row
/// back and decoding its payload. Why: the indexer was about 7 % of the gateway's CPU under a read load, and the
/// read-back a part of it; the measured change was small (7.3 % to 6.6 %, docs/performance.md, "Consent gate cost").
/// <para>
/// Only a hint: the database stays the truth. The indexer takes from the queue only runs of consecutive sequences
/// that continue from what it has indexed (the watermark, under the index lock), and reads back whatever the queue
/// does not hold: entries committed before a restart, another replica's, or a commit whose sequences were only
/// learned later. The queue is bounded (<see cref="Limit"/>): while the index cannot be written it would otherwise
/// grow with every commit, so past the bound it is emptied and those entries are read back when the index works again.
/// </para>
/// Loop-only: the writer loop adds after each commit and the indexer reads it on the same loop, so no locking.
/// </summary>
internal sealed class AuditIndexQueue(int limit)
{
    private readonly Queue<AuditIndexEntry> _entries = new();

    /// <summary>Most entries held; adding more empties the queue (read-back takes over for them).</summary>
    public int Limit { get; } = limit;

    /// <summary>Adds a committed entry (in commit order, so sequences rise).</summary>
    public void Add(AuditIndexEntry entry)
    {
        if (_entries.Count >= Limit) _entries.Clear();
        _entries.Enqueue(entry);
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the entries from <paramref name="after"/> + 1 on, consecutive, at most
    /// <paramref name="max"/>; none when the queue holds no entry <paramref name="after"/> + 1. Entries at or below
    /// <paramref name="after"/> (indexed by a read-back, or by another replica) are passed over. Nothing is removed:
    /// that waits for the index transaction to commit (<see cref="RemoveThrough"/>).
    /// </summary>
    public void TakeRun(long after, int max, List<AuditIndexEntry> into)
    {
        var next = after + 1;
        var taken = 0;
        foreach (var entry in _entries)
        {
            if (entry.Sequence <= after) continue;
            if (taken == max || entry.Sequence != next) break;
            into.Add(entry);
            taken++;
            next++;
        }
    }

    /// <summary>The first sequence held above <paramref name="after"/>, if any: where a read-back can stop.</summary>
    public long? FirstAfter(long after)
    {
        foreach (var entry in _entries)
            if (entry.Sequence > after) return entry.Sequence;
        return null;
    }

    /// <summary>Drops the entries up to and including <paramref name="sequence"/> (now in the index).</summary>
    public void RemoveThrough(long sequence)
    {
        while (_entries.TryPeek(out var first) && first.Sequence <= sequence) _entries.Dequeue();
    }
}
