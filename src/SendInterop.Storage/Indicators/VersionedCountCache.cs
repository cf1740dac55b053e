namespace SendInterop.Storage.Indicators;

/// <summary>
/// Counts already taken from the projection, kept while the projection's version (<see cref="ProjectionVersion"/>) has
/// not moved. An LA's report counts its whole region (suppression is decided across it), so the dashboard's several
/// LAs of one region, or a second request for a neighbour, would otherwise run the same region-wide queries again.
/// </summary>
/// <remarks>
/// <para>Never stale: an entry is served only to a request that read exactly the version the entry was stored under,
/// and seeing a newer version empties the cache (versions only grow, so older entries can never be served again).
/// A request that read an older version than the cache's (a race with a write) counts for itself and stores nothing.</para>
/// <para>Bounded: entries weigh what <c>cost</c> says (tallies held); the least recently used go first once the total
/// passes the capacity. Concurrent requests for the same key share one computation; it runs without their
/// cancellation, so one caller giving up does not fail the others, and a failure is not kept.</para>
/// </remarks>
internal sealed class VersionedCountCache<T>(long capacity, Func<T, long> cost) where T : class
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private long _version = long.MinValue;
    private long _cost;
    private long _hits;
    private long _misses;

    /// <summary>Requests served from an entry (or an entry being computed).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Requests that had to compute.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public async Task<T> GetOrAddAsync(string key, long version, Func<Task<T>> compute, CancellationToken ct)
    {
        Task<T>? task = null;
        lock (_gate)
        {
            if (version > _version) Reset(version);
            if (capacity <= 0 || version < _version)
            {
                Interlocked.Increment(ref _misses);
            }
            else if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                Interlocked.Increment(ref _hits);
                task = node.Value.Task;
            }
            else
            {
                Interlocked.Increment(ref _misses);
                var entry = new Entry(key);
                // Settled inside the task, so a caller that has its answer also sees the entry weighed (or dropped).
                entry.Task = task = Task.Run(async () =>
                {
                    try
                    {
                        var value = await compute();
                        Settle(entry, value);
                        return value;
                    }
                    catch
                    {
                        Drop(entry);
                        throw;
                    }
                }, CancellationToken.None);
                _entries[key] = _recency.AddFirst(entry);
            }
        }

        // Not cacheable: counted for this request alone, outside the lock.
        if (task is null) return await compute();
        return await task.WaitAsync(ct);
    }

    private void Reset(long version)
    {
        _entries.Clear();
        _recency.Clear();
        _cost = 0;
        _version = version;
    }

    /// <summary>Once computed: weighed, and the least recently used evicted past capacity (this one too, if it alone is too big).</summary>
    private void Settle(Entry entry, T value)
    {
        lock (_gate)
        {
            if (!IsCurrent(entry, out _)) return; // reset meanwhile
            entry.Cost = Math.Max(1, cost(value));
            _cost += entry.Cost;
            while (_cost > capacity && _recency.Last is { } last) Remove(last);
        }
    }

    /// <summary>A failed computation is not kept: the next request tries again.</summary>
    private void Drop(Entry entry)
    {
        lock (_gate)
        {
            if (IsCurrent(entry, out var node)) Remove(node);
        }
    }

    private bool IsCurrent(Entry entry, out LinkedListNode<Entry> node) =>
        _entries.TryGetValue(entry.Key, out node!) && ReferenceEquals(node.Value, entry);

    private void Remove(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recency.Remove(node);
        _cost -= node.Value.Cost;
    }

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public Task<T> Task { get; set; } = null!;

        /// <summary>0 while being computed (not yet weighed).</summary>
        public long Cost { get; set; }
    }
}
