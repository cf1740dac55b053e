using System.Security.Cryptography;

namespace SendInterop.Domain.Audit;

/// <summary>
/// One link of the append-only audit log: the serialised AuditEvent, its position, and the hash that chains it to
/// everything before it. Editing, removing or reordering any earlier entry changes every later hash.
/// </summary>
public sealed record AuditChainEntry(long Sequence, byte[] Payload, string PreviousHash, string Hash);

/// <summary>
/// The hash chain of the audit log (issue #3 point 4): hash(n) = SHA-256(hash(n-1) || sequence || payload), with a
/// fixed genesis value. Pure functions, so the store, a verification command and the tests share one definition.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public static readonly string Genesis = new('0', 64);

    public static AuditChainEntry Append(AuditChainEntry? previous, byte[] payload)
    {
        var sequence = (previous?.Sequence ?? 0) + 1;
        var previousHash = previous?.Hash ?? Genesis;
        return new AuditChainEntry(sequence, payload, previousHash, Hash(previousHash, sequence, payload));
    }

    public static string Hash(string previousHash, long sequence, byte[] payload)
    {
        // One-shot over one buffer (previous hash bytes || sequence || payload): the same bytes an incremental hash
        // would see, without allocating a native hash context per entry (every request writes one).
        // (A tampered previous hash of another length is hashed as it is, so verification reports the entry.)
        var previous = Convert.FromHexString(previousHash);
        var size = previous.Length + 8 + payload.Length;
        var rented = size > 1024 ? System.Buffers.ArrayPool<byte>.Shared.Rent(size) : null;
        Span<byte> buffer = rented is null ? stackalloc byte[size] : rented.AsSpan(0, size);
        try
        {
            previous.CopyTo(buffer);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(buffer.Slice(previous.Length, 8), sequence);
            payload.CopyTo(buffer[(previous.Length + 8)..]);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(buffer, hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Walks the chain in order and reports the first entry that does not fit: a gap in the sequence (a deleted
    /// entry), a previous-hash that does not match (an entry removed or reordered), or a hash that does not match
    /// its own content (an edited entry). Returns null when the whole chain verifies.
    /// </summary>
    public static AuditChainBreak? Verify(IEnumerable<AuditChainEntry> entries)
    {
        string expectedPrevious = Genesis;
        long expectedSequence = 1;
        foreach (var e in entries)
        {
            if (e.Sequence != expectedSequence)
                return new AuditChainBreak(expectedSequence, $"entry {expectedSequence} is missing (found {e.Sequence} next)");
            if (!string.Equals(e.PreviousHash, expectedPrevious, StringComparison.Ordinal))
                return new AuditChainBreak(e.Sequence, $"entry {e.Sequence} does not follow entry {e.Sequence - 1}: the chain was cut or reordered");
            if (!string.Equals(Hash(e.PreviousHash, e.Sequence, e.Payload), e.Hash, StringComparison.Ordinal))
                return new AuditChainBreak(e.Sequence, $"entry {e.Sequence} was changed after it was written");
            expectedPrevious = e.Hash;
            expectedSequence++;
        }
        return null;
    }
}

/// <summary>Where and how a chain failed verification.</summary>
public sealed record AuditChainBreak(long Sequence, string Reason);
