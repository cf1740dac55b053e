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
/// <para>
/// Held without an object per entry: the queue keeps an entry for seconds (an index run takes
/// <see cref="AuditIndexer.Chunk"/> entries at a time), long enough for the garbage collector to promote anything it
/// holds to its oldest generation, which then only a background full collection frees. An object per entry (the
/// entry, its list of children, each child's id string) made that collection run in the gate build alone, about 3 % of
/// the gateway's CPU under a read load (docs/performance.md, "Session 15"). So an entry is a struct in one ring, the
/// organisation and client ids are shared instances (a deployment has few of them), and the children's ids are
/// characters in one reused buffer (<see cref="CharLog"/>); <see cref="TakeRun"/> makes the strings when a run is indexed.
/// </para>
/// Loop-only: the writer loop adds after each commit and the indexer reads it on the same loop, so no locking.
/// </summary>
internal sealed class AuditIndexQueue(int limit)
{
    /// <summary>Distinct organisation and client ids shared between entries at most; past it, an entry keeps its own.</summary>
    public const int SharedNameLimit = 1024;

    /// <summary>One held entry; its children are <see cref="PatientCount"/> ids at <see cref="PatientsAt"/> in the log.</summary>
    private readonly record struct Slot(long Sequence, long Recorded, string? Organisation, string? Client, bool BreakGlass, long PatientsAt, int PatientCount);

    private readonly Queue<Slot> _slots = new();
    private readonly CharLog _patients = new();
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Most entries held; adding more empties the queue (read-back takes over for them).</summary>
    public int Limit { get; } = limit;

    /// <summary>Entries held.</summary>
    public int Count => _slots.Count;

    /// <summary>Adds a committed entry (in commit order, so sequences rise) with the facts its columns were written from.</summary>
    public void Add(long sequence, AuditIndex index)
    {
        if (_slots.Count >= Limit) Clear();
        var at = _patients.End;
        foreach (var id in index.PatientIds)
            if (!_patients.TryAppend(id))
            {
                // Longer than a length prefix can say (the writer refuses such ids; a replayed record is not checked):
                // not held, so the indexer reads this entry back from its row.
                _patients.TruncateTo(at);
                return;
            }
        _slots.Enqueue(new Slot(sequence, index.Recorded, Shared(index.Organisation), Shared(index.Client), index.BreakGlass, at, index.PatientIds.Count));
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
        foreach (var slot in _slots)
        {
            if (slot.Sequence <= after) continue;
            if (taken == max || slot.Sequence != next) break;
            into.Add(new AuditIndexEntry(slot.Sequence, slot.Recorded, slot.Organisation, slot.Client, slot.BreakGlass, _patients.Read(slot.PatientsAt, slot.PatientCount)));
            taken++;
            next++;
        }
    }

    /// <summary>The first sequence held above <paramref name="after"/>, if any: where a read-back can stop.</summary>
    public long? FirstAfter(long after)
    {
        foreach (var slot in _slots)
            if (slot.Sequence > after) return slot.Sequence;
        return null;
    }

    /// <summary>Drops the entries up to and including <paramref name="sequence"/> (now in the index).</summary>
    public void RemoveThrough(long sequence)
    {
        while (_slots.TryPeek(out var first) && first.Sequence <= sequence) _slots.Dequeue();
        if (_slots.TryPeek(out var oldest)) _patients.ReleaseBefore(oldest.PatientsAt);
        else _patients.Clear();
    }

    private void Clear()
    {
        _slots.Clear();
        _patients.Clear();
    }

    /// <summary>The one instance of an organisation or client id that every entry naming it refers to.</summary>
    private string? Shared(string? name)
    {
        if (name is null) return null;
        if (_names.TryGetValue(name, out var shared)) return shared;
        if (_names.Count < SharedNameLimit) _names[name] = name;
        return name;
    }

    /// <summary>
    /// Ids as characters, each behind a one-character length, appended at the end and released from the front, in one
    /// buffer that is reused (moved down when the front is free, grown when it is full). Positions are counted from the
    /// log's start, so they stay valid when the buffer moves.
    /// </summary>
    private sealed class CharLog
    {
        private char[] _buffer = new char[4096];
        private long _base; // the position of _buffer[0]
        private int _start, _end; // the live characters: _buffer[_start.._end]

        public long End => _base + _end;

        public bool TryAppend(string id)
        {
            if (id.Length > char.MaxValue) return false;
            Reserve(id.Length + 1);
            _buffer[_end++] = (char)id.Length;
            id.CopyTo(_buffer.AsSpan(_end));
            _end += id.Length;
            return true;
        }

        public IReadOnlyList<string> Read(long at, int count)
        {
            if (count == 0) return [];
            var ids = new string[count];
            var i = (int)(at - _base);
            for (var k = 0; k < count; k++)
            {
                int length = _buffer[i++];
                ids[k] = new string(_buffer, i, length);
                i += length;
            }
            return ids;
        }

        /// <summary>Forgets what was appended from <paramref name="at"/> on (an entry not held after all).</summary>
        public void TruncateTo(long at) => _end = (int)(at - _base);

        /// <summary>Frees everything before <paramref name="at"/> (the oldest entry still held).</summary>
        public void ReleaseBefore(long at) => _start = Math.Max(_start, (int)(at - _base));

        public void Clear()
        {
            _base += _end;
            _start = _end = 0;
        }

        private void Reserve(int needed)
        {
            if (_end + needed <= _buffer.Length) return;
            var live = _end - _start;
            if (_start > 0)
            {
                // Move the live part down before growing: the log is drained from the front as runs are indexed.
                Array.Copy(_buffer, _start, _buffer, 0, live);
                _base += _start;
                _start = 0;
                _end = live;
            }
            if (_end + needed > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _end + needed));
        }
    }
}
