using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Domain.Tests.Identity.Linkage;

/// <summary>
/// An index that records were removed from, or replaced in, must answer every match exactly as an index built from
/// scratch over what is left: the same candidates with the same weights and bands (blocking keys, term frequencies
/// and the prior all follow the removal), including after it has laid itself out again to drop the empty slots.
/// </summary>
public class LinkageIndexRemovalTests
{
    private static IReadOnlyList<LinkageRecord> Records => LinkageTestData.Uk.Records;

    private static LinkageModel Model => LinkageTestData.UkResult.Model;

    [Fact]
    public void Removed_records_are_gone_and_matches_equal_a_fresh_index_over_the_rest()
    {
        var index = new LinkageEngine().CreateIndex(Model, Records);
        var removed = Records.Where((_, i) => i % 7 == 3).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in removed) Assert.True(index.Remove(id));

        Assert.Equal(Records.Count - removed.Count, index.Count);
        Assert.False(index.Remove(removed.First())); // already gone
        AssertSameAnswers(index, Records.Where(r => !removed.Contains(r.Id)).ToList(), removedIds: removed);
    }

    [Fact]
    public void A_replaced_record_matches_as_its_new_version_only()
    {
        var index = new LinkageEngine().CreateIndex(Model, Records);
        // Every tenth record changes its family name and postcode (an update): removed, then added as the new version.
        var current = Records.ToList();
        for (var i = 0; i < current.Count; i += 10)
        {
            var updated = current[i] with { FamilyName = "Zanzibar" + i, Postcode = "ZZ9 " + (i % 10) + "ZZ" };
            Assert.True(index.Remove(updated.Id));
            index.Add(updated);
            current[i] = updated;
        }

        Assert.Equal(Records.Count, index.Count);
        AssertSameAnswers(index, current, removedIds: new HashSet<string>());
    }

    [Fact]
    public void Laying_the_index_out_again_after_many_removals_keeps_its_answers()
    {
        // Two in three removed: more empty slots than live records and more than the threshold, so the index compacts.
        var index = new LinkageEngine().CreateIndex(Model, Records);
        Assert.True(Records.Count > 3 * 1024 / 2, "too few records to make the index compact");
        var removed = Records.Where((_, i) => i % 3 != 0).Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in removed) Assert.True(index.Remove(id));
        var kept = Records.Where(r => !removed.Contains(r.Id)).ToList();
        // Added after the compaction: slots are handed out again from the live count.
        var extra = Records[1] with { Id = "re-added" };
        index.Add(extra);
        kept.Add(extra);

        Assert.Equal(kept.Count, index.Count);
        AssertSameAnswers(index, kept, removedIds: removed);
        Assert.Equal(Explain(index, kept[0].Id, kept[1].Id), Explain(new LinkageEngine().CreateIndex(Model, kept), kept[0].Id, kept[1].Id));
    }

    /// <summary>Every probe (all the records, live or not) gets the same answer from both indexes; no removed id is ever named.</summary>
    private static void AssertSameAnswers(LinkageIndex changed, IReadOnlyList<LinkageRecord> live, IReadOnlySet<string> removedIds)
    {
        var fresh = new LinkageEngine().CreateIndex(Model, live);
        var probes = Records.Concat(live).Where((_, i) => i % 3 == 0).ToList();
        foreach (var probe in probes)
        {
            var got = changed.Match(probe, maxResults: 20, minimumBand: MatchBand.Review);
            var want = fresh.Match(probe, maxResults: 20, minimumBand: MatchBand.Review);
            Assert.Equal(Summary(want), Summary(got));
            Assert.DoesNotContain(got, s => removedIds.Contains(s.RightId));
        }
    }

    private static List<string> Summary(IReadOnlyList<PairScore> scores) =>
        scores.Select(s => $"{s.RightId} {s.MatchWeight:F9} {s.Band}").Order(StringComparer.Ordinal).ToList();

    private static string Explain(LinkageIndex index, string left, string right)
    {
        var score = index.Explain(left, right);
        return $"{score.MatchWeight:F9} {score.Band}";
    }
}
