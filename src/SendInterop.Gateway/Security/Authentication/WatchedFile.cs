namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Tells whether a file changed since it was last read (modification time and length), looking at most once per
/// interval so a hot path pays for one clock read, not a file-system call.
/// </summary>
internal sealed class WatchedFile(string path, TimeSpan interval, TimeProvider time)
{
    private readonly object _gate = new();
    private long _nextCheck = long.MinValue;
    private (bool Exists, DateTime Modified, long Length) _seen = (false, DateTime.MinValue, -1);

    public string Path { get; } = path;

    /// <summary>True the first time and whenever the file appeared, disappeared or changed since the last true.</summary>
    public bool Changed()
    {
        var now = time.GetTimestamp();
        if (now < Volatile.Read(ref _nextCheck)) return false;
        lock (_gate)
        {
            if (now < _nextCheck) return false;
            _nextCheck = interval <= TimeSpan.Zero ? long.MinValue : now + (long)(interval.TotalSeconds * time.TimestampFrequency);
            var info = new FileInfo(Path);
            var state = info.Exists ? (true, info.LastWriteTimeUtc, info.Length) : (false, DateTime.MinValue, -1L);
            if (state == _seen) return false;
            _seen = state;
            return true;
        }
    }

    /// <summary>Forgets what was seen, so the next <see cref="Changed"/> reads the file again.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _seen = (false, DateTime.MinValue, -2);
            _nextCheck = long.MinValue;
        }
    }
}
