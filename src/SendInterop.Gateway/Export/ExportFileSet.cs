using SendInterop.Storage.Export;

namespace SendInterop.Gateway.Export;

/// <summary>
/// The output files of one run being filled: one open NDJSON buffer per resource type, stored as a file when it reaches
/// <see cref="ExportOptions.MaxResourcesPerFile"/> resources or <see cref="ExportOptions.MaxFileBytes"/> bytes, and
/// at the end. Each store is guarded by the run's lease, so a replica that lost the job stores nothing more.
/// </summary>
internal sealed class ExportFileSet(string jobId, string owner, BulkExportStore jobs, ExportOptions options)
{
    private readonly Dictionary<string, Buffer> _open = new(StringComparer.Ordinal);
    private int _seq;

    /// <summary>Resources stored in files so far.</summary>
    public long Exported { get; private set; }

    /// <summary>Adds one line; false when the run no longer holds the job.</summary>
    public async Task<bool> AddAsync(string type, ReadOnlyMemory<byte> line, CancellationToken ct)
    {
        if (!_open.TryGetValue(type, out var buffer)) _open[type] = buffer = new Buffer();
        buffer.Append(line);
        if (buffer.Count < Math.Max(1, options.MaxResourcesPerFile) && buffer.Length < Math.Max(1, options.MaxFileBytes)) return true;
        _open.Remove(type);
        return await StoreAsync(type, buffer, ct);
    }

    /// <summary>Stores every buffer still open, in type order.</summary>
    public async Task<bool> FlushAllAsync(CancellationToken ct)
    {
        foreach (var type in _open.Keys.Order(StringComparer.Ordinal).ToList())
        {
            var buffer = _open[type];
            _open.Remove(type);
            if (!await StoreAsync(type, buffer, ct)) return false;
        }
        return true;
    }

    private async Task<bool> StoreAsync(string type, Buffer buffer, CancellationToken ct)
    {
        var stored = await jobs.AddFileAsync(jobId, owner, new ExportFileInfo(++_seq, type, buffer.Count), buffer.ToArray(), Exported + buffer.Count, ct);
        if (stored) Exported += buffer.Count;
        return stored;
    }

    private sealed class Buffer
    {
        private readonly MemoryStream _bytes = new();
        public int Count { get; private set; }
        public long Length => _bytes.Length;

        public void Append(ReadOnlyMemory<byte> line)
        {
            _bytes.Write(line.Span);
            _bytes.WriteByte((byte)'\n');
            Count++;
        }

        public byte[] ToArray() => _bytes.ToArray();
    }
}
