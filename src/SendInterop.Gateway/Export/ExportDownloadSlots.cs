using System.Collections.Concurrent;

namespace SendInterop.Gateway.Export;

/// <summary>
/// How many output files one client (in one organisation) is downloading from this replica at once. A download holds
/// its file and the lines' facts in memory while each line is decided again, so parallel downloads are bounded per
/// client (<see cref="ExportOptions.MaxConcurrentDownloadsPerClient"/>): one client cannot take the replica's memory
/// with a burst of requests; a further download answers 429 with Retry-After.
/// </summary>
public sealed class ExportDownloadSlots(Microsoft.Extensions.Options.IOptions<ExportOptions> options)
{
    private readonly ConcurrentDictionary<(string Client, string Organisation), int> _inUse = new();

    /// <summary>Downloads one client may have in progress at once (the setting, at least 1).</summary>
    public int Limit => Math.Max(1, options.Value.MaxConcurrentDownloadsPerClient);

    /// <summary>A slot for this client, released when disposed; null when it already has as many downloads as it may.</summary>
    public Slot? TryTake(string client, string organisation)
    {
        var key = (client, organisation);
        var limit = Limit;
        while (true)
        {
            var current = _inUse.GetOrAdd(key, 0);
            if (current >= limit) return null;
            if (_inUse.TryUpdate(key, current + 1, current)) return new Slot(this, key);
        }
    }

    /// <summary>Downloads in progress for this client (for tests and diagnostics).</summary>
    public int InUse(string client, string organisation) => _inUse.TryGetValue((client, organisation), out var n) ? n : 0;

    private void Release((string, string) key)
    {
        while (true)
        {
            var current = _inUse[key];
            // The last slot removes the entry, so clients seen once leave nothing behind; a racing TryTake re-adds it.
            if (current == 1 ? _inUse.TryRemove(new KeyValuePair<(string, string), int>(key, 1)) : _inUse.TryUpdate(key, current - 1, current)) return;
        }
    }

    public sealed class Slot : IDisposable
    {
        private readonly (string, string) _key;
        private ExportDownloadSlots? _owner;

        internal Slot(ExportDownloadSlots owner, (string, string) key) => (_owner, _key) = (owner, key);

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(_key);
    }
}
