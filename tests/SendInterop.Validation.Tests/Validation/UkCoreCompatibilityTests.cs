using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using static SendInterop.Validation.Tests.OutcomeAssertions;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Validation.Tests.Validation;

/// <summary>
/// Our Patient output must also be a valid UK Core Patient, so NHS systems that expect UK Core can consume it. UK Core
/// comes from the shared data set (snapshots generated with the same Firely version), read in place.
/// </summary>
public class UkCoreCompatibilityTests(UkCoreValidatorFixture fixture) : IClassFixture<UkCoreValidatorFixture>
{
    private const string UkCorePatient = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient";

    [Fact]
    public async Task Send_child_patient_validates_against_uk_core_patient()
    {
        var patient = SendResources.Child();
        patient.Meta = null; // validate against UK Core alone
        var outcome = await fixture.Validator.ValidateAsync(patient, UkCorePatient);
        AssertNoErrors(outcome);
    }

    [Fact]
    public async Task Send_child_declaring_both_profiles_validates_against_both()
    {
        var patient = SendResources.Child();
        patient.Meta!.Profile = [.. patient.Meta.Profile, UkCorePatient];
        AssertNoErrors(await fixture.Validator.ValidateAsync(patient));
    }

    [Fact]
    public async Task Uk_core_example_patient_validates_against_uk_core_patient()
    {
        var patient = LoadExample<Patient>("UKCore-Patient-RichardSmith-Example.json");
        var outcome = await fixture.Validator.ValidateAsync(patient, UkCorePatient);
        AssertNoErrors(outcome);
    }

    [Fact]
    public async Task Uk_core_example_patient_nhs_number_passes_our_identifier_rules()
    {
        // The example's NHS number is 9912003888; validating as our SEND child adds only the rules it breaks.
        var patient = LoadExample<Patient>("UKCore-Patient-RichardSmith-Example.json");
        var outcome = await fixture.Validator.ValidateAsync(patient, UkCorePatient);
        Assert.DoesNotContain(outcome.Issue, i => i.Diagnostics?.Contains("NHS number", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Uk_core_example_patient_with_broken_nhs_number_fails_naming_the_rule()
    {
        var patient = LoadExample<Patient>("UKCore-Patient-RichardSmith-Example.json");
        patient.Identifier.Single(i => i.System == "https://fhir.nhs.uk/Id/nhs-number").Value = "9912003880";
        var outcome = await fixture.Validator.ValidateAsync(patient, UkCorePatient);
        AssertHasError(outcome, "NHS number check digit is 0 but the modulus 11 rule gives 8");
    }

    private static T LoadExample<T>(string name) where T : Resource
    {
        var json = File.ReadAllText(Path.Combine(RepositoryPaths.UkCore, "examples", name));
        return (T)new FhirJsonDeserializer().DeserializeResource(json);
    }
}
