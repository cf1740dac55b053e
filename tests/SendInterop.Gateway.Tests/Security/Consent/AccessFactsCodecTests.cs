using System.Text.Json;
using System.Text.Json.Nodes;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// The access facts stored beside every resource come back as they were written: every decision of the gate starts
/// from them, so a field lost or misread here is a wrong disclosure. The reader is checked against an independent one
/// (JsonNode) on generated facts, and on texts another writer could have left.
/// </summary>
public sealed class AccessFactsCodecTests
{
    private readonly AccessFactsCodec _codec = new();

    [Fact]
    public void Generated_facts_survive_the_round_trip_and_read_as_an_independent_reader_reads_them()
    {
        var random = new Random(20261127);
        for (var i = 0; i < 2_000; i++)
        {
            var facts = Generate(random, i);
            var text = AccessFactsCodec.Encode(facts);
            var read = _codec.Decode(facts.ResourceType, facts.ResourceId, text);
            AssertSame(facts, read);
            AssertSame(Reference(facts.ResourceType, facts.ResourceId, text), read);
        }
    }

    [Fact]
    public void Explicit_nulls_and_members_of_a_later_version_are_read_as_absent_and_skipped()
    {
        var text = """{"o":"la-926","a":null,"c":"education","z":{"nested":[1,2,{"x":null}]},"l":null,"p":"child-1","d":null,"k":["http://snomed.info/sct|123"],"n":[],"y":[true]}""";
        var read = _codec.Decode("Observation", "o1", text);
        Assert.Equal(("la-926", (string?)null, "education", "child-1", (DateTimeOffset?)null), (read.OwnerOrganisation, read.OwnerAgency, read.DataClass, read.ChildId, read.DataDate));
        Assert.Empty(read.Labels);
        Assert.Equal([new DataCode("http://snomed.info/sct", "123")], read.Codes);
        Assert.Empty(read.NamedOrganisations);
    }

    [Fact]
    public void A_long_text_is_read_as_a_short_one_is()
    {
        var facts = new ResourceFacts("CarePlan", "p1", "la-926", "education", DataClasses.Education, [],
            "child-1", null, [], Enumerable.Range(0, 200).Select(i => $"ods-R{i:D4}-named-organisation-é").ToList());
        var text = AccessFactsCodec.Encode(facts);
        Assert.True(text.Length > 2_000);
        AssertSame(facts, _codec.Decode("CarePlan", "p1", text));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"c\":5}")] // a value of the wrong type
    [InlineData("{\"c\":\"health\",\"d\":\"1\"}")]
    [InlineData("{\"c\":\"health\",\"d\":1.5}")]
    [InlineData("{\"c\":\"health\"} junk")] // more after the object
    [InlineData("{\"c\":\"health\"}{\"c\":\"education\"}")]
    [InlineData("{\"c\":\"health\",\"l\":\"MH\"}")] // a list that is not one
    [InlineData("{\"c\":\"health\",\"k\":[null]}")]
    [InlineData("{\"c\":\"health\"")] // cut short
    [InlineData("not json")]
    public void A_text_that_is_not_access_facts_is_refused_rather_than_read_as_less(string text) =>
        Assert.ThrowsAny<JsonException>(() => _codec.Decode("Observation", "o1", text));

    [Fact]
    public void A_row_without_facts_is_owned_by_nobody_and_of_the_health_class_and_facts_without_a_class_are_health()
    {
        var legacy = _codec.Decode("Observation", "o1", null);
        Assert.Equal(((string?)null, DataClasses.Health), (legacy.OwnerOrganisation, legacy.DataClass));
        var classless = _codec.Decode("Observation", "o1", "{\"o\":\"la-926\"}");
        Assert.Equal(("la-926", DataClasses.Health), (classless.OwnerOrganisation, classless.DataClass));
    }

    private static ResourceFacts Generate(Random random, int i)
    {
        string? Maybe(string value) => random.Next(4) == 0 ? null : value;
        List<string> Some(string prefix) => Enumerable.Range(0, random.Next(4)).Select(n => $"{prefix}{n}-{random.Next(1000)}").ToList();
        var classes = new[] { DataClasses.Health, DataClasses.Education, DataClasses.SocialCare, DataClasses.Directory };
        return new ResourceFacts("Observation", $"o{i}", Maybe($"org-{random.Next(50)}"), Maybe("health"), classes[random.Next(classes.Length)],
            Some("label").Select(l => random.Next(3) == 0 ? new SecurityLabel("", l) : new SecurityLabel("http://terminology.hl7.org/CodeSystem/v3-ActCode", l + "\"x\"é")).ToList(),
            Maybe($"child-{random.Next(100)}-ü"),
            random.Next(3) == 0 ? null : new DateTimeOffset(random.NextInt64(DateTimeOffset.UnixEpoch.UtcTicks, new DateTime(2040, 1, 1).Ticks), TimeSpan.Zero),
            Some("code").Select(c => new DataCode("http://snomed.info/sct", c)).ToList(),
            Some("ods-"));
    }

    /// <summary>An independent reader of the stored text.</summary>
    private static ResourceFacts Reference(string type, string id, string text)
    {
        var o = JsonNode.Parse(text)!.AsObject();
        string? S(string name) => o[name]?.GetValue<string>();
        List<string> L(string name) => o[name]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
        (string, string) Split(string s) => s.LastIndexOf('|') is var bar and >= 0 ? (s[..bar], s[(bar + 1)..]) : ("", s);
        return new ResourceFacts(type, id, S("o"), S("a"), S("c")!,
            L("l").Select(s => { var (sys, code) = Split(s); return new SecurityLabel(sys, code); }).ToList(),
            S("p"), o["d"] is { } d ? new DateTimeOffset(d.GetValue<long>(), TimeSpan.Zero) : null,
            L("k").Select(s => { var (sys, code) = Split(s); return new DataCode(sys, code); }).ToList(), L("n"));
    }

    private static void AssertSame(ResourceFacts expected, ResourceFacts actual)
    {
        Assert.Equal((expected.ResourceType, expected.ResourceId, expected.OwnerOrganisation, expected.OwnerAgency, expected.DataClass, expected.ChildId, expected.DataDate),
            (actual.ResourceType, actual.ResourceId, actual.OwnerOrganisation, actual.OwnerAgency, actual.DataClass, actual.ChildId, actual.DataDate));
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Codes, actual.Codes);
        Assert.Equal(expected.NamedOrganisations, actual.NamedOrganisations);
    }
}
