using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Domain.Indicators;

namespace SendInterop.Domain.Tests.Indicators;

public class MeasureResourceTests
{
    private static readonly IReadOnlyList<Measure> Measures = MeasureFactory.CreateAll();

    [Fact]
    public void The_catalogue_has_the_indicators_the_issue_lists()
    {
        string[] expected =
        [
            "ehc-plans-in-place", "ehc-plans-per-1000-aged-0-25", "new-ehc-plans", "requests-for-assessment", "requests-refused",
            "decisions-within-6-weeks", "plans-issued-within-20-weeks", "plans-issued-within-20-weeks-excluding-exceptions", "mean-weeks-to-issue",
            "annual-reviews-on-time", "placement-mainstream", "placement-special", "placement-independent-special", "placement-further-education",
            "placement-neet", "out-of-area-placements", "plans-with-personal-budget", "plans-with-direct-payment", "plans-ceased",
            "outcomes-achieved-or-improving", "autism-assessment-within-13-weeks", "health-wait-mean-weeks", "tribunal-appeal-rate",
        ];
        foreach (var id in expected) Assert.NotNull(IndicatorCatalogue.Find(id));
    }

    [Fact]
    public void Urls_and_ids_are_unique_and_canonical()
    {
        Assert.Equal(Measures.Count, Measures.Select(m => m.Url).Distinct().Count());
        Assert.Equal(Measures.Count, Measures.Select(m => m.Name).Distinct().Count());
        Assert.All(Measures, m => Assert.Equal("https://fhir.sendinterop.org.uk/Measure/" + m.Id, m.Url));
        Assert.All(Measures, m => Assert.Matches("^[A-Z][A-Za-z0-9_]{0,254}$", m.Name));
    }

    [Fact]
    public void Every_measure_has_the_required_elements_and_extensions()
    {
        foreach (var m in Measures)
        {
            Assert.Equal(PublicationStatus.Active, m.Status);
            Assert.Contains(m.Scoring.Coding[0].Code, new[] { "proportion", "ratio", "continuous-variable", "cohort" });
            Assert.False(string.IsNullOrWhiteSpace(m.Rationale));
            foreach (var url in new[]
            {
                IndicatorCanonical.Extensions.RbaQuadrant, IndicatorCanonical.Extensions.DashboardSection, IndicatorCanonical.Extensions.LogicModelColumn,
                IndicatorCanonical.Extensions.PeriodType, IndicatorCanonical.Extensions.ScoreUnit,
            })
                Assert.IsType<Coding>(m.GetExtension(url)?.Value);

            var group = Assert.Single(m.Group);
            Assert.Contains(group.Population, p => p.Code.Coding[0].Code == "initial-population");
            foreach (var population in group.Population)
            {
                Assert.Equal(IndicatorCanonical.ExpressionLanguage, population.Criteria.Language);
                Assert.False(string.IsNullOrWhiteSpace(population.Criteria.Expression_));
                Assert.False(string.IsNullOrWhiteSpace(population.Criteria.Description));
            }

            var scoring = m.Scoring.Coding[0].Code;
            if (scoring is "proportion" or "ratio")
            {
                Assert.Contains(group.Population, p => p.Code.Coding[0].Code == "numerator");
                Assert.Contains(group.Population, p => p.Code.Coding[0].Code == "denominator");
            }

            if (scoring == "continuous-variable") Assert.Contains(group.Population, p => p.Code.Coding[0].Code == "measure-observation");
            foreach (var stratifier in group.Stratifier)
                Assert.Equal(IndicatorCanonical.ExpressionLanguage, stratifier.Criteria.Language);
        }
    }

    [Fact]
    public void Row_counted_measures_have_the_six_standard_stratifiers_with_the_age_basis_stated()
    {
        foreach (var m in Measures.Where(m => m.Id != "ehc-plans-per-1000-aged-0-25"))
        {
            var codes = m.Group[0].Stratifier.Select(s => s.Code.Coding[0].Code).ToList();
            foreach (var code in new[] { "age-band", "primary-need", "setting-type", "sex", "ethnicity", "local-authority" }) Assert.Contains(code, codes);
            var age = m.Group[0].Stratifier.Single(s => s.Code.Coding[0].Code == "age-band");
            Assert.Contains("reference date", ((FhirString)age.GetExtension(IndicatorCanonical.Extensions.StratumBasis).Value).Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Comparators_name_series_that_exist()
    {
        foreach (var indicator in IndicatorCatalogue.All.Where(i => i.Comparator is not null))
            Assert.NotNull(ComparatorSeriesCatalogue.Find(indicator.Comparator!));
    }

    [Fact]
    public void Every_measure_survives_a_strict_json_round_trip()
    {
        var serializer = new FhirJsonSerializer();
        var parser = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        foreach (var m in Measures)
        {
            var json = serializer.SerializeToString(m);
            var back = parser.Deserialize<Measure>(json);
            Assert.True(m.IsExactly(back), m.Id);
            Assert.Contains("\"resourceType\":\"Measure\"", json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_measure_report_survives_a_strict_json_round_trip()
    {
        var serializer = new FhirJsonSerializer();
        var parser = new FhirJsonDeserializer(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
        foreach (var indicator in IndicatorCatalogue.All)
        {
            var report = SmallNumberSuppression.Apply(IndicatorEvaluator.Evaluate(indicator, IndicatorFixture.Rows, IndicatorFixture.Year2025, IndicatorFixture.Norfolk, 1200));
            var back = parser.Deserialize<MeasureReport>(serializer.SerializeToString(report));
            Assert.True(report.IsExactly(back), indicator.Id);
        }
    }
}
