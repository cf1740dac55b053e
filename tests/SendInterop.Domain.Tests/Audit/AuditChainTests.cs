using System.Text;
using SendInterop.Domain.Audit;

namespace SendInterop.Domain.Tests.Audit;

public sealed class AuditChainTests
{
    private static List<AuditChainEntry> Chain(int n)
    {
        var entries = new List<AuditChainEntry>();
        AuditChainEntry? last = null;
        for (int i = 0; i < n; i++)
        {
            last = AuditChain.Append(last, Encoding.UTF8.GetBytes($"{{\"resourceType\":\"AuditEvent\",\"n\":{i}}}"));
            entries.Add(last);
        }
        return entries;
    }

    /// <summary>
    /// The hash is pinned to values computed outside .NET (Python's hashlib over previous-hash bytes || big-endian
    /// sequence || payload): stored chains must keep verifying whatever the implementation does inside.
    /// </summary>
    [Theory]
    [InlineData(false, "f54d07d65384aadddd9f6cbedb54c2ae5f144c9a5557402475b89b9316296d7a")]
    [InlineData(true, "36bfb009f5e09c6ab9be488361a8a000ce89e9e812d0a7d3444a4637546a99f3")]
    public void The_hash_is_sha256_of_previous_hash_sequence_and_payload(bool large, string expected)
    {
        var actual = large
            ? AuditChain.Hash(string.Concat(Enumerable.Repeat("ab", 32)), 123456789, Enumerable.Repeat(Enumerable.Range(0, 256).Select(i => (byte)i), 5).SelectMany(b => b).ToArray())
            : AuditChain.Hash(AuditChain.Genesis, 1, """{"r":1}"""u8.ToArray());
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void An_untouched_chain_verifies()
    {
        Assert.Null(AuditChain.Verify(Chain(50)));
        Assert.Null(AuditChain.Verify([]));
    }

    [Fact]
    public void Each_entry_carries_the_hash_of_the_previous_one()
    {
        var chain = Chain(3);
        Assert.Equal(AuditChain.Genesis, chain[0].PreviousHash);
        Assert.Equal(chain[0].Hash, chain[1].PreviousHash);
        Assert.Equal(chain[1].Hash, chain[2].PreviousHash);
        Assert.Equal(64, chain[2].Hash.Length);
    }

    [Fact]
    public void An_edited_entry_is_detected_at_that_entry()
    {
        var chain = Chain(10);
        chain[4] = chain[4] with { Payload = Encoding.UTF8.GetBytes("{\"resourceType\":\"AuditEvent\",\"n\":\"forged\"}") };
        var broken = AuditChain.Verify(chain);
        Assert.Equal(5, broken!.Sequence);
        Assert.Contains("changed", broken.Reason);
    }

    [Fact]
    public void An_edit_with_a_recomputed_hash_is_detected_at_the_next_entry()
    {
        var chain = Chain(10);
        var forged = Encoding.UTF8.GetBytes("{\"forged\":true}");
        chain[4] = chain[4] with { Payload = forged, Hash = AuditChain.Hash(chain[4].PreviousHash, 5, forged) };
        Assert.Equal(6, AuditChain.Verify(chain)!.Sequence);
    }

    [Fact]
    public void A_deleted_entry_is_detected()
    {
        var chain = Chain(10);
        chain.RemoveAt(3);
        var broken = AuditChain.Verify(chain);
        Assert.Equal(4, broken!.Sequence);
        Assert.Contains("missing", broken.Reason);
    }

    [Fact]
    public void Deleting_the_tail_and_renumbering_is_detected()
    {
        var chain = Chain(10);
        chain.RemoveAt(3);
        for (int i = 3; i < chain.Count; i++) chain[i] = chain[i] with { Sequence = i + 1 };
        Assert.Equal(4, AuditChain.Verify(chain)!.Sequence);
    }

    [Fact]
    public void Reordered_entries_are_detected()
    {
        var chain = Chain(6);
        (chain[2], chain[3]) = (chain[3] with { Sequence = 3 }, chain[2] with { Sequence = 4 });
        Assert.NotNull(AuditChain.Verify(chain));
    }
}
