using SendInterop.Storage.Export;
using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Export;

/// <summary>
/// The output files of one run being filled: one open NDJSON buffer (and its line facts, <see cref="ExportLineFacts"/>)
/// per resource type, stored as a file when it reaches <see cref="ExportOptions.MaxResourcesPerFile"/> resources or
/// <see cref="ExportOptions.MaxFileBytes"/> bytes, and at the end. The open buffers together hold at most twice
/// <see cref="ExportOptions.MaxFileBytes"/> (the largest is stored early beyond that), so a walk that mixes many types
/// (a compartment) does not hold a file of each in memory. Each store is guarded by the run's lease, so a replica that
/// lost the job stores nothing more.
/// </summary>
internal sealed class ExportFileSet(string jobId, string owner, BulkExportStore jobs, ExportOptions options)
{
    private readonly Dictionary<string, Buffer> _open = new(StringComparer.Ordinal);
    private int _seq;
    private long _openBytes;

    /// <summary>Resources stored in files so far.</summary>
    public long Exported { get; private set; }

    private int MaxFileBytes => Math.Max(1, options.MaxFileBytes);

    /// <summary>Adds one resource as a line; false when the run no longer holds the job.</summary>
    public async Task<bool> AddAsync(ResourceRecord record, ReadOnlyMemory<byte> line, CancellationToken ct)
    {
        if (!_open.TryGetValue(record.ResourceType, out var buffer)) _open[record.ResourceType] = buffer = new Buffer();
        _openBytes += buffer.Append(record, line);
        if (buffer.Count >= Math.Max(1, options.MaxResourcesPerFile) || buffer.Length >= MaxFileBytes)
            return await StoreAsync(record.ResourceType, ct);
        if (_openBytes > 2L * MaxFileBytes)
            return await StoreAsync(_open.MaxBy(b => b.Value.Length).Key, ct);
        return true;
    }

    /// <summary>Stores every buffer still open, in type order.</summary>
    public async Task<bool> FlushAllAsync(CancellationToken ct)
    {
        foreach (var type in _open.Keys.Order(StringComparer.Ordinal).ToList())
            if (!await StoreAsync(type, ct)) return false;
        return true;
    }

    private async Task<bool> StoreAsync(string type, CancellationToken ct)
    {
        var buffer = _open[type];
        _open.Remove(type);
        _openBytes -= buffer.Length;
        var stored = await jobs.AddFileAsync(jobId, owner, new ExportFileInfo(++_seq, type, buffer.Count), buffer.Content(), buffer.Facts(), Exported + buffer.Count, ct);
        if (stored) Exported += buffer.Count;
        return stored;
    }

    private sealed class Buffer
    {
        private readonly MemoryStream _content = new();
        private readonly MemoryStream _facts = new();
        public int Count { get; private set; }
        public long Length => _content.Length + _facts.Length;

        /// <returns>The bytes added.</returns>
        public long Append(ResourceRecord record, ReadOnlyMemory<byte> line)
        {
            var before = Length;
            _content.Write(line.Span);
            _content.WriteByte((byte)'\n');
            ExportLineFacts.Append(_facts, record);
            Count++;
            return Length - before;
        }

        public byte[] Content() => _content.ToArray();
        public byte[] Facts() => _facts.ToArray();
    }
}
