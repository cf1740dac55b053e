using System.Text;
using SendInterop.Domain.Audit;

namespace SendInterop.Domain.Tests.Audit;

/// <summary>
/// The stored form the chain hashes: every field survives the round trip, the bytes are the same for the same record
/// (the hash depends on it), and anything that is not a record of this format is refused rather than misread.
/// </summary>
public sealed class AuditRecordCodecTests
{
    private static AuditRecord Full => new(
        new DateTimeOffset(2026, 11, 26, 13, 5, 7, 123, TimeSpan.Zero).AddTicks(4567), AuditAction.Read, "search-type", AuditDecision.Deny,
        "explicit-refusal", "Consent/c-9", "client-1", "la-926", "education", "sen-caseworker", "direct-care",
        ["child-a", "child-b"], ["Observation/o1", "Observation/o2/_history/3"], "corr-1", true, "Risk of harm: \"urgent\" é", "10.0.0.1");

    private static AuditRecord Minimal => new(
        DateTimeOffset.UnixEpoch, AuditAction.Execute, "token", AuditDecision.Permit, "token-issued", null, null, null, null, null, null, [], [], null);

    private static void AssertSame(AuditRecord expected, AuditRecord actual)
    {
        Assert.Equal(expected.Recorded.UtcTicks, actual.Recorded.UtcTicks);
        Assert.Equal(TimeSpan.Zero, actual.Recorded.Offset);
        Assert.Equal(expected with { Recorded = actual.Recorded, ChildIds = actual.ChildIds, Entities = actual.Entities }, actual);
        Assert.Equal(expected.ChildIds, actual.ChildIds);
        Assert.Equal(expected.Entities, actual.Entities);
    }

    [Fact]
    public void Every_field_survives_the_round_trip()
    {
        AssertSame(Full, AuditRecordCodec.Decode(AuditRecordCodec.Encode(Full)));
        AssertSame(Minimal, AuditRecordCodec.Decode(AuditRecordCodec.Encode(Minimal)));
    }

    [Theory]
    [InlineData(AuditAction.Create)]
    [InlineData(AuditAction.Read)]
    [InlineData(AuditAction.Update)]
    [InlineData(AuditAction.Delete)]
    [InlineData(AuditAction.Execute)]
    public void Every_action_survives_the_round_trip(AuditAction action) =>
        Assert.Equal(action, AuditRecordCodec.Decode(AuditRecordCodec.Encode(Full with { Action = action })).Action);

    [Fact]
    public void A_time_with_an_offset_is_stored_as_the_same_instant_in_UTC()
    {
        var local = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.FromHours(1));
        var decoded = AuditRecordCodec.Decode(AuditRecordCodec.Encode(Minimal with { Recorded = local }));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), decoded.Recorded);
    }

    [Fact]
    public void The_reused_buffer_never_carries_one_record_into_the_next()
    {
        // The encoder keeps one buffer per thread: a long record, one that outgrows what a thread keeps, and a short
        // one after them each encode exactly as they do alone.
        var minimal = AuditRecordCodec.Encode(Minimal);
        var full = AuditRecordCodec.Encode(Full);
        var huge = Full with { Entities = Enumerable.Range(0, 5_000).Select(i => $"Observation/o{i}").ToList() };
        var hugeBytes = AuditRecordCodec.Encode(huge);
        Assert.True(hugeBytes.Length > 16 * 1024);
        Assert.Equal(5_000, AuditRecordCodec.Decode(hugeBytes).Entities.Count);
        Assert.Equal(minimal, AuditRecordCodec.Encode(Minimal));
        Assert.Equal(full, AuditRecordCodec.Encode(Full));
        Assert.Equal(hugeBytes, AuditRecordCodec.Encode(huge));
        Assert.Equal(minimal, AuditRecordCodec.Encode(Minimal));
        // Threads encoding at once each get their own buffer.
        Parallel.For(0, 2_000, i => Assert.Equal(i % 2 == 0 ? minimal : full, AuditRecordCodec.Encode(i % 2 == 0 ? Minimal : Full)));
    }

    [Fact]
    public void The_same_record_always_gives_the_same_bytes_in_a_fixed_layout()
    {
        Assert.Equal(AuditRecordCodec.Encode(Full), AuditRecordCodec.Encode(Full with { ChildIds = ["child-a", "child-b"] }));
        // Worked out by hand from the member list: absent values are left out, no whitespace.
        Assert.Equal("""{"v":2,"t":621355968000000000,"a":"E","i":"token","d":"permit","r":"token-issued"}""",
            Encoding.UTF8.GetString(AuditRecordCodec.Encode(Minimal)));
        var full = Encoding.UTF8.GetString(AuditRecordCodec.Encode(Full));
        Assert.StartsWith("""{"v":2,"t":""", full);
        Assert.Contains(""","k":["child-a","child-b"],"e":["Observation/o1","Observation/o2/_history/3"],"x":"corr-1","b":true,"br":"Risk of harm: \"urgent\" é","s":"10.0.0.1"}""", full);
    }

    [Fact]
    public void A_record_is_told_apart_from_an_AuditEvent_of_the_first_format()
    {
        Assert.True(AuditRecordCodec.IsRecord(AuditRecordCodec.Encode(Minimal)));
        Assert.False(AuditRecordCodec.IsRecord("""{"resourceType":"AuditEvent","id":"1"}"""u8));
        Assert.False(AuditRecordCodec.IsRecord([]));
    }

    [Theory]
    [InlineData("""{"resourceType":"AuditEvent"}""")]
    [InlineData("""{"v":2,""")]
    [InlineData("""{"v":2,"t":1,"a":"R","i":"read","d":"maybe","r":"x"}""")]
    [InlineData("""{"v":2,"t":1,"a":"Q","i":"read","d":"permit","r":"x"}""")]
    [InlineData("""{"v":2,"t":1,"a":"R","d":"permit","r":"x"}""")]
    [InlineData("""{"v":2,"t":"soon","a":"R","i":"read","d":"permit","r":"x"}""")]
    [InlineData("""{"v":2,"t":1,"a":"R","i":"read","d":"permit","r":"x","k":[null]}""")]
    public void Anything_else_is_refused_as_a_format_error(string payload) =>
        Assert.Throws<FormatException>(() => AuditRecordCodec.Decode(Encoding.UTF8.GetBytes(payload)));
}
