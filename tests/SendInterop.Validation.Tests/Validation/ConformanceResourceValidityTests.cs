using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static SendInterop.Validation.Tests.OutcomeAssertions;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Validation.Tests.Validation;

/// <summary>Our published StructureDefinitions, CodeSystems and ValueSets are themselves valid FHIR R4.</summary>
public class ConformanceResourceValidityTests(SendValidatorFixture fixture) : IClassFixture<SendValidatorFixture>
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Conformance, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Conformance_resource_is_valid_fhir(string file)
    {
        var resource = new FhirJsonDeserializer().DeserializeResource(File.ReadAllText(Path.Combine(RepositoryPaths.Conformance, file)));
        AssertNoErrors(await fixture.Validator.ValidateAsync(resource));
    }
}
