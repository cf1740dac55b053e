using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using static SendInterop.Gateway.Tests.Patch.PatchTestSupport;

namespace SendInterop.Gateway.Tests.Patch;

/// <summary>How PatchApplier picks JSON Patch or FHIRPath Patch from the Content-Type, and what it refuses.</summary>
public class PatchDispatchTests
{
    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/merge-patch+json")]
    [InlineData(null)]
    public void Patch_with_an_unsupported_content_type_is_rejected_with_415(string? contentType)
    {
        var ex = Assert.Throws<FhirException>(() => Apply(PatientJson, Request(contentType!, Bytes("{}"))));
        Assert.Equal(415, ex.Status);
        Assert.Equal(OperationOutcome.IssueType.NotSupported, ex.Code);
    }

    [Fact]
    public void Patch_with_a_json_patch_array_sent_as_application_json_is_rejected_with_415_pointing_at_json_patch()
    {
        var ex = Assert.Throws<FhirException>(() =>
            Apply(PatientJson, Request("application/json", Bytes("""[{ "op": "remove", "path": "/active" }]"""))));
        Assert.Equal(415, ex.Status);
        Assert.Contains("application/json-patch+json", ex.Message);
    }

    [Fact]
    public void Patch_with_a_fhir_body_that_is_not_parameters_is_rejected_with_400()
    {
        var ex = Assert.Throws<FhirException>(() =>
            Apply(PatientJson, Request("application/fhir+json", resource: new Patient { Id = "1" })));
        Assert.Equal(400, ex.Status);
        Assert.Contains("Parameters", ex.Message);
    }

    [Fact]
    public void Patch_content_type_is_matched_without_its_parameters_and_case()
    {
        var p = (Patient)Apply(PatientJson, Request("Application/JSON-Patch+JSON; charset=utf-8", Bytes("""[{ "op": "remove", "path": "/active" }]""")));
        Assert.Null(p.Active);
    }

    [Fact]
    public void Patch_in_a_bundle_entry_as_a_binary_json_patch_is_applied()
    {
        var binary = new Binary { ContentType = "application/json-patch+json", Data = Encoding.UTF8.GetBytes("""[{ "op": "replace", "path": "/gender", "value": "other" }]""") };
        var p = (Patient)Apply(PatientJson, Request("application/fhir+json", resource: binary));
        Assert.Equal(AdministrativeGender.Other, p.Gender);
    }

    [Fact]
    public void Patch_with_an_empty_fhirpath_patch_body_is_rejected_with_400()
    {
        var ex = Assert.Throws<FhirException>(() => Apply(PatientJson, Request("application/fhir+json", [])));
        Assert.Equal(400, ex.Status);
    }
}
