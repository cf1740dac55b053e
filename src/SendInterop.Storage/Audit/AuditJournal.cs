using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace SendInterop.Storage.Audit;

/// <summary>Where a record's frame ends in its journal segment: the chain has applied the segment up to here once it is committed.</summary>
public readonly record struct AuditJournalPosition(AuditJournalSegment Segment, long End);

/// <summary>
/// One journal file, held open with an exclusive lock (<see cref="FileShare.None"/>, an <c>flock</c> on Linux) for as
/// long as its writer lives, so a gateway starting beside a live one never replays that one's records.
/// </summary>
public sealed class AuditJournalSegment : IDisposable
{
    internal AuditJournalSegment(string id, string path, SafeFileHandle handle, long length)
    {
        Id = id;
        Path = path;
        Handle = handle;
        Length = length;
    }

    /// <summary>The file name without its extension: 32 hex digits, unique across replicas (the key of <c>audit_journal</c>).</summary>
    public string Id { get; }
    public string Path { get; }
    internal SafeFileHandle Handle { get; }
    /// <summary>Bytes written so far; final once <see cref="Sealed"/>.</summary>
    public long Length { get; internal set; }
    /// <summary>No more frames will be added (the journal moved to a new segment).</summary>
    public bool Sealed { get; internal set; }

    /// <summary>Closes and removes the file: only once every frame in it is in the committed chain.</summary>
    public void Delete()
    {
        Handle.Dispose();
        File.Delete(Path);
    }

    public void Dispose() => Handle.Dispose();
}

/// <summary>
/// One record as the journal stores it, [length][CRC-32][payload] (see <see cref="AuditJournal"/>), in a pooled buffer
/// that <see cref="Dispose"/> returns. Built before the writer takes its append lock, since nothing in it depends on
/// where the frame goes.
/// </summary>
public readonly struct AuditJournalFrame : IDisposable
{
    internal const int HeaderSize = 8;
    private readonly byte[] _buffer;
    private readonly int _size;

    private AuditJournalFrame(byte[] buffer, int size) => (_buffer, _size) = (buffer, size);

    public static AuditJournalFrame Of(ReadOnlySpan<byte> payload)
    {
        var size = HeaderSize + payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(buffer.AsSpan(HeaderSize));
        return new AuditJournalFrame(buffer, size);
    }

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _size);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}

/// <summary>
/// The audit log's first stage (ADR 4): each record is appended to a local file, one <c>pwrite</c> and no flush, before
/// the request that caused it is answered; the writer loop then links it into the hash chain and commits it to the
/// database in batches, durably. Why: a read no longer waits for a database commit and its disk flush, which capped
/// read throughput at about half of an unaudited build (docs/performance.md), yet a crash of the process loses no
/// entry: the bytes are in the operating system's page cache once <c>pwrite</c> returns, and the next start replays
/// every frame the database has not recorded as applied (<c>audit_journal</c>). What a power cut can take is the
/// frames not yet committed: the writer's batch interval plus one flush, a few milliseconds.
/// <para>
/// A frame is [length: int32 LE][CRC-32 of the payload: uint32 LE][payload: the <see cref="Domain.Audit.AuditRecordCodec"/>
/// record]. A frame cut short by a crash fails its length or CRC; reading stops there (its request was never
/// answered, since the write had not returned). Segments roll over at <see cref="SegmentLimit"/> bytes and are deleted
/// once the chain has applied them. Not thread-safe: <see cref="AuditLogWriter"/> serialises appends so that queue
/// order is journal order, which is what makes one offset per segment a correct watermark.
/// </para>
/// </summary>
public sealed class AuditJournal : IDisposable
{
    public const string Extension = ".audit-journal";
    private const int HeaderSize = AuditJournalFrame.HeaderSize;

    /// <summary>A payload larger than this is not a record (the codec writes a few hundred bytes): a corrupt length.</summary>
    private const int MaxPayload = 4 * 1024 * 1024;

    private AuditJournalSegment? _current;
    // Every segment this journal opened or claimed, so Dispose releases their locks (deleting one disposes it too).
    private readonly List<AuditJournalSegment> _open = [];

    public AuditJournal(string directory, long segmentLimit = 64L * 1024 * 1024)
    {
        Directory = directory;
        SegmentLimit = segmentLimit;
    }

    public string Directory { get; }
    public long SegmentLimit { get; }

    /// <summary>
    /// Writes one frame (no flush) and returns where it ends. Opens the first segment on first use, and a new one
    /// when the current has reached <see cref="SegmentLimit"/> (the old one is sealed, left for the writer to delete).
    /// </summary>
    public AuditJournalPosition Append(ReadOnlySpan<byte> payload)
    {
        using var frame = AuditJournalFrame.Of(payload);
        return Append(frame);
    }

    /// <summary>
    /// Writes a frame built beforehand (<see cref="AuditJournalFrame.Of"/>): what the caller has to serialise is then
    /// only the placement and the write, not the checksum and the copy.
    /// </summary>
    public AuditJournalPosition Append(in AuditJournalFrame frame)
    {
        var segment = _current;
        if (segment is null || segment.Length >= SegmentLimit)
        {
            if (segment is not null) segment.Sealed = true;
            _current = segment = CreateSegment();
        }
        RandomAccess.Write(segment.Handle, frame.Bytes, segment.Length);
        segment.Length += frame.Bytes.Length;
        return new AuditJournalPosition(segment, segment.Length);
    }

    /// <summary>
    /// Opens the first segment now rather than at the first record, so a folder that cannot be written stops the
    /// gateway at start-up instead of failing every request that needs an audit entry.
    /// </summary>
    public void Open() => _current ??= CreateSegment();

    /// <summary>The segment frames are being appended to, if any.</summary>
    public AuditJournalSegment? Current => _current;

    private AuditJournalSegment CreateSegment()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var id = Guid.NewGuid().ToString("N");
        var path = Path.Combine(Directory, id + Extension);
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        var segment = new AuditJournalSegment(id, path, handle, 0);
        _open.Add(segment);
        return segment;
    }

    /// <summary>
    /// Segments in the directory that no live writer holds: left by a process that stopped without applying them
    /// (a crash, or a database that was unreachable at shutdown). Each comes back open and locked, so two gateways
    /// starting together cannot both replay it.
    /// </summary>
    public IReadOnlyList<AuditJournalSegment> ClaimOrphans()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var claimed = new List<AuditJournalSegment>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension).Order(StringComparer.Ordinal))
        {
            if (_current is not null && path == _current.Path) continue;
            SafeFileHandle handle;
            try { handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) { continue; } // a live writer holds it
            claimed.Add(new AuditJournalSegment(Path.GetFileNameWithoutExtension(path), path, handle, RandomAccess.GetLength(handle)) { Sealed = true });
        }
        _open.AddRange(claimed);
        return claimed;
    }

    /// <summary>
    /// The whole frames of a segment after <paramref name="from"/>, in order, each with where it ends. Stops at the
    /// first frame that is cut short or fails its CRC; <paramref name="discarded"/> says how many bytes follow it.
    /// </summary>
    public static List<(byte[] Payload, long End)> ReadFrames(AuditJournalSegment segment, long from, out long discarded)
    {
        var frames = new List<(byte[], long)>();
        var length = RandomAccess.GetLength(segment.Handle);
        var offset = from;
        Span<byte> header = stackalloc byte[HeaderSize];
        while (offset + HeaderSize <= length)
        {
            if (RandomAccess.Read(segment.Handle, header, offset) < HeaderSize) break;
            var size = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size <= 0 || size > MaxPayload || offset + HeaderSize + size > length) break;
            var payload = new byte[size];
            if (RandomAccess.Read(segment.Handle, payload, offset + HeaderSize) < size || Crc32.HashToUInt32(payload) != crc) break;
            offset += HeaderSize + size;
            frames.Add((payload, offset));
        }
        discarded = length - offset;
        return frames;
    }

    /// <summary>Closes every segment still open (releasing its lock); the files stay.</summary>
    public void Dispose()
    {
        foreach (var segment in _open) segment.Dispose();
    }
}
