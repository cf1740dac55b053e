using System.Collections.Concurrent;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// Children whose Tasks could not be recomputed after a commit (the client's write stood). Tried again on the next
/// repair tick; in memory only, because the daily sweep also finds every open case after a restart.
/// </summary>
public sealed class StatutoryRepairQueue
{
    private readonly ConcurrentDictionary<string, bool> _pending = new(StringComparer.Ordinal);

    public void Add(string patientId, bool onlyIfTracked) =>
        _pending.AddOrUpdate(patientId, onlyIfTracked, (_, was) => was && onlyIfTracked);

    public int Count => _pending.Count;

    /// <summary>Takes everything queued so far.</summary>
    public IReadOnlyList<TouchedChild> Drain()
    {
        var taken = new List<TouchedChild>();
        foreach (var id in _pending.Keys)
            if (_pending.TryRemove(id, out var onlyIfTracked)) taken.Add(new TouchedChild(id, onlyIfTracked));
        return taken;
    }
}
