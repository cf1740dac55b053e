using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Search;
using SendInterop.Domain.Sen2;
using SendInterop.Domain.Tests.Identity.Linkage;
using SendInterop.Domain.Tests.Sen2;

namespace SendInterop.Domain.Tests.Search;

/// <summary>
/// Index extraction skips a parameter whose expression can only start at top-level elements the resource lacks
/// (<see cref="ExpressionRoots"/>). The shortcut must never change the index: checked against evaluating every expression,
/// over the Synthea sample (../shared/data: up to 400 resources of each of its 13 types, 2,374 in all) and the SEN2 mapper's output.
/// </summary>
public class IndexExtractionShortcutTests
{
    private static readonly SearchIndexExtractor Extractor = new(SearchParameterRegistry.Default);

    [Theory]
    [InlineData("Patient.name | Patient.address.postalCode", "Patient", "name,address")]
    [InlineData("(Condition.onset as Age) | (Condition.onset as Range)", "Condition", "onset")]
    [InlineData("meta.tag", "Patient", "meta")]
    [InlineData("Encounter.reasonReference.where(resolve() is Condition)", "Encounter", "reasonReference")]
    public void Plainly_rooted_expressions_name_their_top_level_elements(string expression, string type, string expected) =>
        Assert.Equal(expected.Split(',').Order(), ExpressionRoots.Of(expression, type)!.Order());

    [Theory]
    [InlineData("(Patient.name | Patient.address).where(use = 'home')", "Patient")]
    [InlineData("Patient.where(active = true).name", "Patient")]
    [InlineData("Patient.extension('http://x').value", "Patient")]
    [InlineData("%resource.name", "Patient")]
    [InlineData("Observation.code | Patient.name", "Observation")]
    [InlineData("Patient.deceased.exists() and Patient.deceased != false", "Patient")]
    [InlineData("Patient.name.empty()", "Patient")]
    [InlineData("Patient.name.exists ()", "Patient")]
    [InlineData("", "Patient")]
    public void Anything_else_is_always_evaluated(string expression, string type) =>
        Assert.Null(ExpressionRoots.Of(expression, type));

    [Fact]
    public void The_shortcut_gives_the_same_index_for_every_synthea_resource()
    {
        var folder = Path.Combine(LinkageTestData.RepositoryRoot(), "..", "shared", "data", "synthea-bulk", "10-patients");
        Assert.True(Directory.Exists(folder), $"Test data missing: {folder} (shared/ must sit beside the repository).");
        var parser = new FhirJsonDeserializer();
        var checkedTypes = new HashSet<string>();
        var count = 0;
        // The resource files (Type.000.ndjson); the folder also holds the export's own log.
        foreach (var file in Directory.GetFiles(folder, "*.ndjson").Where(f => Hl7.Fhir.Model.ModelInfo.IsKnownResource(Path.GetFileName(f).Split('.')[0])))
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0).Take(400))
            {
                var resource = parser.DeserializeResource(line);
                AssertSameIndex(resource);
                checkedTypes.Add(resource.TypeName);
                count++;
            }

        Assert.True(checkedTypes.Count >= 10 && count > 1000, $"only {count} resources of {checkedTypes.Count} types were compared");
    }

    [Fact]
    public void The_shortcut_gives_the_same_index_for_every_sen2_mapped_resource()
    {
        var la = LaCode.Parse("926");
        var count = 0;
        foreach (var record in Sen2Fixtures.Read(Sen2Fixtures.ValidReturn).Records)
        {
            Assert.True(Sen2ToFhirMapper.TryMap(record.Person!, la, LaChildId.Parse("926/C1234567"), out var bundle, out var problem), problem);
            foreach (var resource in bundle.Entry.Select(e => e.Resource!))
            {
                AssertSameIndex(resource);
                count++;
            }
        }

        Assert.True(count >= 20, $"only {count} mapped resources were compared");
    }

    private static void AssertSameIndex(Resource resource)
    {
        var shortcut = Describe(Extractor.Extract(resource, skipAbsentRoots: true));
        var full = Describe(Extractor.Extract(resource, skipAbsentRoots: false));
        Assert.True(full.SequenceEqual(shortcut),
            $"{resource.TypeName}/{resource.Id}: the shortcut lost {string.Join(", ", full.Except(shortcut))} and added {string.Join(", ", shortcut.Except(full))}");
    }

    private static List<string> Describe(ExtractedIndex index) =>
        index.Tokens.Select(t => $"token {t.Param} {t.System}|{t.Code}")
            .Concat(index.Strings.Select(s => $"string {s.Param} {s.Value}"))
            .Concat(index.Dates.Select(d => $"date {d.Param} {d.Range.StartTicks}-{d.Range.EndTicks}"))
            .Concat(index.References.Select(r => $"reference {r.Param} {r.TargetType}/{r.TargetId}"))
            .Concat(index.Quantities.Select(q => $"quantity {q.Param} {q.Value} {q.System}|{q.Code}"))
            .Order(StringComparer.Ordinal).ToList();
}
