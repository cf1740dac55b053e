using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace SendInterop.Storage.Audit;

/// <summary>Where a record's frame ends in its journal segment: the chain has applied the segment up to here once it is committed.</summary>
public readonly record struct AuditJournalPosition(AuditJournalSegment Segment, long End);

/// <summary>
/// One journal file, held open with an exclusive lock (<see cref="FileShare.None"/>, an <c>flock</c> on Linux) for as
/// long as its writer lives, so a gateway starting beside a live one never replays that one's records.
/// <para>
/// The segment being written is mapped into memory (a shared mapping of the whole file, its space reserved on disk
/// when it is created), and a frame is appended by copying it into the mapping: no system call per record. Why: the
/// <c>pwrite</c> per record and the contention on the append lock around it were about 8 % of the gateway's CPU under
/// a read load (docs/performance.md, "Consent gate cost"). The guarantee is the same: once the copy returns, the bytes
/// are in the operating system's page cache, which outlives the process, and any reader of the file sees them. The
/// space is reserved up front (<c>fallocate</c>) because a full disk under a mapping is a SIGBUS, not an error a
/// request can fail with (a file system without <c>fallocate</c>, which .NET silently accepts, keeps that risk: ADR
/// 4). A segment that is sealed or closed is unmapped and cut back to its last frame; one left by a crash ends in
/// unwritten (zero) space, which reading treats as its end.
/// </para>
/// </summary>
public sealed class AuditJournalSegment : IDisposable
{
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;

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
    public bool Sealed { get; private set; }
    /// <summary>Bytes the mapping holds: frames are appended while they fit (0 when not mapped).</summary>
    internal long Capacity { get; private set; }

    /// <summary>A new, empty segment of <paramref name="capacity"/> bytes, mapped for appending.</summary>
    internal static AuditJournalSegment Create(string id, string path, long capacity)
    {
        // preallocationSize reserves the blocks (posix_fallocate), failing here with an IOException on a full disk.
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, capacity);
        var segment = new AuditJournalSegment(id, path, handle, 0);
        try
        {
            RandomAccess.SetLength(handle, capacity);
            segment._map = MemoryMappedFile.CreateFromFile(handle, null, capacity, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            segment._view = segment._map.CreateViewAccessor(0, capacity);
            segment.Capacity = capacity;
            return segment;
        }
        catch
        {
            segment.Unmap(trim: false);
            handle.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>A segment found on disk (left by a stopped process): never appended to again.</summary>
    internal static AuditJournalSegment Claimed(string id, string path, SafeFileHandle handle) =>
        new(id, path, handle, RandomAccess.GetLength(handle)) { Sealed = true };

    /// <summary>Copies a frame to the end of the written part; the caller has checked that it fits.</summary>
    internal void Write(ReadOnlySpan<byte> frame)
    {
        var view = _view ?? throw new ObjectDisposedException(Path, "The journal segment is closed.");
        view.SafeMemoryMappedViewHandle.WriteSpan((ulong)(view.PointerOffset + Length), frame);
        Length += frame.Length;
    }

    /// <summary>Takes no more frames: unmapped, and cut back to its last frame.</summary>
    internal void Seal()
    {
        Sealed = true;
        Unmap(trim: true);
    }

    private void Unmap(bool trim)
    {
        if (_map is null) return;
        _view?.Dispose();
        _map.Dispose();
        (_view, _map, Capacity) = (null, null, 0);
        // Leaves the file as long as what was written, as a pwrite-appended file would be. Best effort: reading
        // treats the unwritten space as the end anyway.
        if (trim && !Handle.IsClosed)
        {
            try { RandomAccess.SetLength(Handle, Length); }
            catch (IOException) { }
        }
    }

    /// <summary>Closes and removes the file: only once every frame in it is in the committed chain.</summary>
    public void Delete()
    {
        Unmap(trim: false);
        Handle.Dispose();
        File.Delete(Path);
    }

    public void Dispose()
    {
        Unmap(trim: true);
        Handle.Dispose();
    }
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
/// The audit log's first stage (ADR 4): each record is appended to a local file, a copy into the file's shared memory
/// mapping (<see cref="AuditJournalSegment"/>; before, one <c>pwrite</c>) and no flush, before
/// the request that caused it is answered; the writer loop then links it into the hash chain and commits it to the
/// database in batches, durably. Why: a read no longer waits for a database commit and its disk flush, which capped
/// read throughput at about half of an unaudited build (docs/performance.md), yet a crash of the process loses no
/// entry: the bytes are in the operating system's page cache once the copy returns, and the next start replays
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
    private bool _disposed;

    public AuditJournal(string directory, long segmentLimit = 64L * 1024 * 1024)
    {
        Directory = directory;
        SegmentLimit = segmentLimit;
    }

    public string Directory { get; }
    public long SegmentLimit { get; }

    /// <summary>
    /// Writes one frame (no flush) and returns where it ends. Opens the first segment on first use, and a new one
    /// when the frame does not fit in the current one's <see cref="SegmentLimit"/> bytes (the old one is sealed, left
    /// for the writer to delete).
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
        ObjectDisposedException.ThrowIf(_disposed, this); // a closed journal takes nothing, not even in a new segment
        var bytes = frame.Bytes;
        var segment = _current;
        if (segment is null || segment.Length + bytes.Length > segment.Capacity)
        {
            segment?.Seal();
            _current = segment = CreateSegment(bytes.Length);
        }
        segment.Write(bytes);
        return new AuditJournalPosition(segment, segment.Length);
    }

    /// <summary>
    /// Opens the first segment now rather than at the first record, so a folder that cannot be written stops the
    /// gateway at start-up instead of failing every request that needs an audit entry.
    /// </summary>
    public void Open() => _current ??= CreateSegment();

    /// <summary>The segment frames are being appended to, if any.</summary>
    public AuditJournalSegment? Current => _current;

    /// <summary>A new segment, mapped, with room for <see cref="SegmentLimit"/> bytes (or the one frame that is larger).</summary>
    private AuditJournalSegment CreateSegment(int firstFrame = 0)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var id = Guid.NewGuid().ToString("N");
        var segment = AuditJournalSegment.Create(id, Path.Combine(Directory, id + Extension), Math.Max(SegmentLimit, firstFrame));
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
            claimed.Add(AuditJournalSegment.Claimed(Path.GetFileNameWithoutExtension(path), path, handle));
        }
        _open.AddRange(claimed);
        return claimed;
    }

    /// <summary>
    /// The whole frames of a segment after <paramref name="from"/>, in order, each with where it ends;
    /// <paramref name="end"/> is where the last of them ends. Stops at unwritten space (a zero header: the rest of a
    /// mapped segment its process never reached) or at the first frame that is cut short or fails its CRC;
    /// <paramref name="discarded"/> says how many bytes follow in that second case.
    /// </summary>
    public static List<(byte[] Payload, long End)> ReadFrames(AuditJournalSegment segment, long from, out long end, out long discarded)
    {
        var frames = new List<(byte[], long)>();
        var length = RandomAccess.GetLength(segment.Handle);
        var offset = from;
        var unwritten = false;
        Span<byte> header = stackalloc byte[HeaderSize];
        while (offset + HeaderSize <= length)
        {
            if (RandomAccess.Read(segment.Handle, header, offset) < HeaderSize) break;
            var size = BinaryPrimitives.ReadInt32LittleEndian(header);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (size == 0 && crc == 0)
            {
                unwritten = true;
                break;
            }
            if (size < 0 || size > MaxPayload || offset + HeaderSize + size > length) break;
            var payload = new byte[size];
            if (RandomAccess.Read(segment.Handle, payload, offset + HeaderSize) < size || Crc32.HashToUInt32(payload) != crc) break;
            offset += HeaderSize + size;
            frames.Add((payload, offset));
        }
        end = offset;
        discarded = unwritten ? 0 : Math.Max(0, length - offset);
        return frames;
    }

    /// <summary>Closes every segment still open (releasing its lock); the files stay.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var segment in _open) segment.Dispose();
    }
}
