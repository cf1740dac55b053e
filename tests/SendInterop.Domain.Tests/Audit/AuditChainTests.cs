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
