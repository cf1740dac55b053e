using SendInterop.Domain.Identity.Linkage;
using SendInterop.Domain.Identity.Linkage.Blocking;
using SendInterop.Domain.Identity.Linkage.Comparisons;
using SendInterop.Domain.Identity.Linkage.Evaluation;
using SendInterop.Domain.Identity.Linkage.Scoring;

namespace SendInterop.Domain.Tests.Identity.Linkage;

/// <summary>Blocking, training, scoring, explanation and clustering on the synthetic UK set.</summary>
public class LinkageEngineTests
{
    [Fact]
    public void Blocking_finds_nearly_every_true_pair_and_each_pair_once()
    {
        var result = LinkageTestData.UkResult;
        var truth = LinkageTestData.Uk.ChildOfRecord;
        var pairs = result.Pairs;
        var seen = new HashSet<(int, int)>();
        long blockedTrue = 0;
        for (var k = 0; k < pairs.Count; k++)
        {
            Assert.True(pairs.Left[k] < pairs.Right[k]);
            Assert.True(seen.Add((pairs.Left[k], pairs.Right[k])), "a pair was generated twice");
            if (truth[pairs.Left[k]] == truth[pairs.Right[k]])
            {
                blockedTrue++;
            }
        }
        var truePairs = PairwiseMetrics.FromClusters(truth, truth).TruePairs;
        Assert.True(blockedTrue >= 0.99 * truePairs, $"blocking found {blockedTrue} of {truePairs} true pairs");
        Assert.Equal(pairs.Count, pairs.Rules.Sum(r => r.NewPairs));
        // Near-linear: a few dozen candidate pairs per record, not a fraction of all n(n-1)/2.
        Assert.True(pairs.Count < 40L * result.Records.Count, $"{pairs.Count} pairs for {result.Records.Count} records");
    }

    [Fact]
    public void Oversized_blocks_are_skipped_and_reported()
    {
        var records = Enumerable.Range(0, 50).Select(i => new LinkageRecord { Id = $"r{i}", GivenNames = $"Name{i}", City = "Norwich" }).ToList();
        var rules = new[] { new BlockingRule("city", "same city", r => r.City) };
        var pairs = new PairBlocker(rules, maxBlockSize: 10).Generate(LinkageEngine.Prepare(records));
        Assert.Equal(0, pairs.Count);
        Assert.Equal(1, pairs.Rules[0].SkippedBlocks);
        Assert.Equal(50, pairs.Rules[0].SkippedRecords);
        var all = new PairBlocker(rules, maxBlockSize: 100).Generate(LinkageEngine.Prepare(records));
        Assert.Equal(50 * 49 / 2, all.Count);
    }

    [Fact]
    public void Em_converges_and_recovers_the_true_m_of_the_strong_levels()
    {
        var result = LinkageTestData.UkResult;
        var training = result.Model.Training!;
        Assert.True(training.Converged, $"EM did not converge in {training.Iterations} iterations");
        Assert.True(training.Iterations < 60);
        // The last iterations move the parameters less than the first.
        Assert.True(training.History[^1].MaxParameterChange < training.History[0].MaxParameterChange);

        // m from the labels, over all true pairs, against m from EM (no labels).
        var truth = LinkageTestData.Uk.ChildOfRecord;
        var model = result.Model;
        var dob = model.Comparisons.ToList().FindIndex(c => c is DateOfBirthComparison);
        var family = model.Comparisons.ToList().FindIndex(c => c is FamilyNameComparison);
        var (dobExact, familyExact) = TrueShares(result, truth, dob, DateOfBirthComparison.Exact, family, FamilyNameComparison.Exact);
        Assert.InRange(model.M(dob, DateOfBirthComparison.Exact), dobExact - 0.1, dobExact + 0.1);
        Assert.InRange(model.M(family, FamilyNameComparison.Exact), familyExact - 0.1, familyExact + 0.1);

        // λ: the expected share of matching pairs, against the true share.
        var truePairs = PairwiseMetrics.FromClusters(truth, truth).TruePairs;
        var n = (double)truth.Count;
        var trueLambda = truePairs / (n * (n - 1) / 2);
        Assert.InRange(model.ProbabilityTwoRandomRecordsMatch, trueLambda / 2, trueLambda * 2);
    }

    [Fact]
    public void Every_explanation_adds_up_to_the_match_weight()
    {
        var result = LinkageTestData.UkResult;
        var random = new Random(1);
        for (var i = 0; i < 500; i++)
        {
            var k = random.Next(result.Pairs.Count);
            var score = result.Explain(k);
            var sum = score.PriorWeight + score.Contributions.Sum(c => c.TotalWeight);
            Assert.Equal(score.MatchWeight, sum, 9);
            Assert.Equal(result.Weights[k], score.MatchWeight, 9);
            Assert.Equal(result.Bands[k], score.Band);
            Assert.Equal(LinkageModel.Probability(score.MatchWeight), score.MatchProbability, 12);
            Assert.Equal(result.Model.Comparisons.Count, score.Contributions.Count);
            Assert.All(score.Contributions.Where(c => c.Level == "null"), c => Assert.Equal(0, c.TotalWeight));
        }
    }

    [Fact]
    public void Explanations_show_values_only_when_asked()
    {
        var result = LinkageTestData.UkResult;
        Assert.All(result.Explain(0).Contributions, c => Assert.Null(c.LeftValue));
        Assert.Contains(result.Explain(0, includeValues: true).Contributions, c => c.LeftValue is not null);
        Assert.DoesNotContain(result.Explain(0, includeValues: true).Contributions, c => c.Comparison == "nhs_number" && c.LeftValue is { } v && v.Any(char.IsDigit));
    }

    [Fact]
    public void Twins_are_never_auto_linked()
    {
        var data = LinkageTestData.Uk;
        var result = LinkageTestData.UkResult;
        Assert.NotEmpty(data.Twins);
        var labels = result.AutoLinkClusters.Labels;
        foreach (var (a, b) in data.Twins)
        {
            var clustersOfA = Enumerable.Range(0, labels.Length).Where(i => data.ChildOfRecord[i] == a).Select(i => labels[i]).ToHashSet();
            var clustersOfB = Enumerable.Range(0, labels.Length).Where(i => data.ChildOfRecord[i] == b).Select(i => labels[i]);
            Assert.DoesNotContain(clustersOfB, clustersOfA.Contains);
        }
    }

    [Fact]
    public void A_twin_pair_is_capped_at_review_and_says_why()
    {
        var engine = new LinkageEngine();
        var model = LinkageTestData.UkResult.Model;
        var index = engine.CreateIndex(model, LinkageTestData.Uk.Records);
        var twinA = new LinkageRecord { Id = "twin-a", GivenNames = "Amelia", FamilyName = "Saywood", BirthDate = PartialDate.TryParse("2014-05-06"), Sex = LinkageSex.Female, Postcode = "PE32 5PB", City = "Wisbech", LaCode = "874", Email = "saywood55@example.org.uk" };
        var twinB = twinA with { Id = "twin-b", GivenNames = "Evelyn" };
        index.Add(twinA);
        var score = index.Explain(twinB, "twin-a");
        Assert.True(score.MatchProbability > 0.99, "the independence model alone would link them");
        Assert.NotEqual(MatchBand.AutoLink, score.Band);
        Assert.Contains(score.Rules, r => r.StartsWith("household_guard", StringComparison.Ordinal));
    }

    [Fact]
    public void Synthetic_uk_set_links_with_high_precision_at_auto_link()
    {
        var result = LinkageTestData.UkResult;
        var truth = LinkageTestData.Uk.ChildOfRecord;
        var auto = PairwiseMetrics.FromClusters(result.AutoLinkClusters.Labels, truth);
        var review = PairwiseMetrics.FromClusters(result.ReviewClusters.Labels, truth);
        Assert.True(auto.Precision >= 0.98, $"auto-link {auto}");
        Assert.True(auto.Recall >= 0.95, $"auto-link {auto}");
        Assert.True(review.Recall >= auto.Recall);
    }

    [Fact]
    public void Verified_nhs_numbers_decide_on_their_own()
    {
        var model = LinkageTestData.UkResult.Model;
        var index = new LinkageEngine().CreateIndex(model);
        var child = new LinkageRecord { Id = "a", GivenNames = "Ava", FamilyName = "Jones", BirthDate = PartialDate.TryParse("2012-03-04"), NhsNumber = "9434765919", NhsNumberVerified = true };
        index.Add(child);
        // Everything else different, same verified number: linked.
        var renamed = new LinkageRecord { Id = "b", GivenNames = "Zed", FamilyName = "Quill", BirthDate = PartialDate.TryParse("1990-01-01"), NhsNumber = "943 476 5919", NhsNumberVerified = true };
        Assert.Equal(MatchBand.AutoLink, index.Explain(renamed, "a").Band);
        // Everything else the same, different verified numbers: never linked.
        var other = child with { Id = "c", NhsNumber = "9434765870" };
        var score = index.Explain(other, "a");
        Assert.Equal(MatchBand.NoLink, score.Band);
        Assert.Contains(score.Rules, r => r.StartsWith("verified_nhs_number", StringComparison.Ordinal));
    }

    [Fact]
    public void The_index_finds_the_records_of_a_new_childs_record_best_first()
    {
        var data = LinkageTestData.Uk;
        var result = LinkageTestData.UkResult;
        var index = new LinkageEngine().CreateIndex(result.Model, data.Records.Skip(1));
        var probe = data.Records[0];
        var matches = index.Match(probe, maxResults: 5);
        var sameChild = data.Records.Select((r, i) => (r, i)).Where(x => x.i > 0 && data.ChildOfRecord[x.i] == data.ChildOfRecord[0]).Select(x => x.r.Id).ToHashSet();
        if (sameChild.Count > 0)
        {
            Assert.NotEmpty(matches);
            Assert.Contains(matches[0].RightId, sameChild);
        }
        Assert.True(matches.Zip(matches.Skip(1)).All(p => p.First.MatchWeight >= p.Second.MatchWeight));
        Assert.All(matches, m => Assert.Equal(probe.Id, m.LeftId));
    }

    [Fact]
    public void A_model_saved_as_parameters_scores_the_same()
    {
        var model = LinkageTestData.UkResult.Model;
        var restored = LinkageModel.FromParameters(model.ToParameters());
        Assert.Equal(model.PriorWeight, restored.PriorWeight, 12);
        for (var c = 0; c < model.Comparisons.Count; c++)
        {
            for (var l = 0; l < model.Comparisons[c].Levels.Count; l++)
            {
                Assert.Equal(model.LevelWeight(c, l), restored.LevelWeight(c, l), 12);
            }
        }
        var json = System.Text.Json.JsonSerializer.Serialize(model.ToParameters());
        var fromJson = System.Text.Json.JsonSerializer.Deserialize<ModelParameters>(json)!;
        Assert.Equal(model.PriorWeight, LinkageModel.FromParameters(fromJson).PriorWeight, 12);
    }

    [Fact]
    public void Configured_overrides_are_not_trained()
    {
        var options = new LinkageOptions
        {
            Overrides = [new LevelOverride { Comparison = "date_of_birth", Level = "exact", M = 0.5, U = 0.001 }],
            ProbabilityTwoRandomRecordsMatch = 0.001,
        };
        var data = LinkageTestData.Uk.Records.Take(1500).ToList();
        var model = new LinkageEngine(options).Train(data);
        var dob = model.Comparisons.ToList().FindIndex(c => c is DateOfBirthComparison);
        Assert.Equal(0.5, model.M(dob, DateOfBirthComparison.Exact), 12);
        Assert.Equal(0.001, model.U(dob, DateOfBirthComparison.Exact), 12);
        Assert.Equal(0.001, model.ProbabilityTwoRandomRecordsMatch, 12);
        Assert.Equal(1.0, Enumerable.Range(1, model.Comparisons[dob].Levels.Count - 1).Sum(l => model.M(dob, l)), 9);
    }

    [Fact]
    public void Unknown_overrides_and_contradictory_thresholds_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LinkageEngine(new LinkageOptions { AutoLinkProbability = 0.4, ReviewProbability = 0.5 }));
        var options = new LinkageOptions { Overrides = [new LevelOverride { Comparison = "shoe_size", Level = "exact", M = 0.5 }] };
        Assert.Throws<ArgumentException>(() => new LinkageEngine(options).Train(LinkageTestData.Uk.Records.Take(200).ToList()));
    }

    [Fact]
    public void Duplicate_record_ids_are_refused()
    {
        var records = new[] { new LinkageRecord { Id = "x" }, new LinkageRecord { Id = "x" } };
        Assert.Throws<ArgumentException>(() => LinkageEngine.Prepare(records));
    }

    private static (double, double) TrueShares(LinkageResult result, IReadOnlyList<int> truth, int c1, int l1, int c2, int l2)
    {
        var byChild = Enumerable.Range(0, truth.Count).GroupBy(i => truth[i]).Where(g => g.Count() > 1);
        double n1 = 0, hit1 = 0, n2 = 0, hit2 = 0;
        Span<byte> levels = stackalloc byte[result.Model.Comparisons.Count];
        foreach (var group in byChild)
        {
            var members = group.ToArray();
            for (var x = 0; x < members.Length; x++)
            {
                for (var y = x + 1; y < members.Length; y++)
                {
                    result.Scorer.ComputeLevels(result.Records[members[x]], result.Records[members[y]], levels);
                    if (levels[c1] != 0)
                    {
                        n1++;
                        hit1 += levels[c1] == l1 ? 1 : 0;
                    }
                    if (levels[c2] != 0)
                    {
                        n2++;
                        hit2 += levels[c2] == l2 ? 1 : 0;
                    }
                }
            }
        }
        return (hit1 / n1, hit2 / n2);
    }
}
