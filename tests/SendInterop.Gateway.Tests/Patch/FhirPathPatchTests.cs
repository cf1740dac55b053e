using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using static SendInterop.Gateway.Tests.Patch.PatchTestSupport;

namespace SendInterop.Gateway.Tests.Patch;

/// <summary>FHIRPath Patch (a Parameters body, https://hl7.org/fhir/R4/fhirpatch.html) applied to a stored resource.</summary>
public class FhirPathPatchTests
{
    [Fact]
    public void FhirPath_patch_add_appends_a_telecom_built_from_parts()
    {
        var p = FhirPathPatch(Op("add", "Patient", name: "telecom",
            valueParts: [Part("system", new Code("email")), Part("value", new FhirString("a@b.nhs.uk")), Part("use", new Code("work"))]));
        Assert.Equal(2, p.Telecom.Count);
        Assert.Equal(ContactPoint.ContactPointSystem.Email, p.Telecom[1].System);
        Assert.Equal(ContactPoint.ContactPointUse.Work, p.Telecom[1].Use);
        Assert.Equal("a@b.nhs.uk", p.Telecom[1].Value);
    }

    [Fact]
    public void FhirPath_patch_add_of_a_typed_complex_value_appends_it()
    {
        var p = FhirPathPatch(Op("add", "Patient", name: "identifier", value: new Identifier("z", "333")));
        Assert.Equal(["x", "y", "z"], p.Identifier.Select(i => i.System));
    }

    [Fact]
    public void FhirPath_patch_add_sets_a_choice_element_from_its_typed_value()
    {
        var p = FhirPathPatch(Op("add", "Patient", name: "deceased", value: new FhirDateTime("2020-05-06")));
        Assert.Equal("2020-05-06", ((FhirDateTime)p.Deceased).Value);
    }

    [Fact]
    public void FhirPath_patch_add_into_a_nested_element_uses_the_path_as_the_container()
    {
        var p = FhirPathPatch(Op("add", "Patient.name[0]", name: "given", value: new FhirString("Cleo")));
        Assert.Equal(["Ann", "Beth", "Cleo"], p.Name[0].Given);
    }

    [Fact]
    public void FhirPath_patch_add_of_an_extension_to_a_primitive_works()
    {
        var p = FhirPathPatch(Op("add", "Patient.birthDate", name: "extension",
            valueParts: [Part("url", new FhirUri("http://example.org/accuracy")), Part("valueCode", new Code("estimated"))]));
        var ext = Assert.Single(p.BirthDateElement.Extension);
        Assert.Equal("http://example.org/accuracy", ext.Url);
        Assert.Equal("estimated", ((Code)ext.Value).Value);
        Assert.Equal("1970-01-01", p.BirthDate);
    }

    [Fact]
    public void FhirPath_patch_replace_changes_the_birth_date()
    {
        var p = FhirPathPatch(Op("replace", "Patient.birthDate", value: new Date("1980-02-03")));
        Assert.Equal("1980-02-03", p.BirthDate);
    }

    [Fact]
    public void FhirPath_patch_replace_of_a_bound_code_takes_a_value_code()
    {
        var p = FhirPathPatch(Op("replace", "Patient.gender", value: new Code("male")));
        Assert.Equal(AdministrativeGender.Male, p.Gender);
    }

    [Fact]
    public void FhirPath_patch_replace_of_a_bound_code_with_a_code_outside_the_binding_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("replace", "Patient.gender", value: new Code("robot")));
        Assert.Equal(422, ex.Status);
        Assert.Contains("robot", ex.Message);
        Assert.Contains("gender", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_replace_of_one_item_of_a_list_keeps_the_others()
    {
        var p = FhirPathPatch(Op("replace", "Patient.identifier.where(system='y')", value: new Identifier("y", "999")));
        Assert.Equal(["111", "999"], p.Identifier.Select(i => i.Value));
    }

    [Fact]
    public void FhirPath_patch_replace_deep_in_a_care_plan_converts_the_code()
    {
        var plan = FhirPathPatch<CarePlan>(CarePlanJson,
            Op("replace", "CarePlan.activity.detail.where(description='third').status", value: new Code("in-progress")));
        Assert.Equal(CarePlan.CarePlanActivityStatus.InProgress, plan.Activity[2].Detail.Status);
        Assert.Equal(CarePlan.CarePlanActivityStatus.Scheduled, plan.Activity[0].Detail.Status);
    }

    [Fact]
    public void FhirPath_patch_delete_removes_the_identifier_selected_by_where()
    {
        var p = FhirPathPatch(Op("delete", "Patient.identifier.where(system='x')"));
        Assert.Equal("y", Assert.Single(p.Identifier).System);
    }

    [Fact]
    public void FhirPath_patch_delete_of_a_single_element_clears_it()
    {
        var p = FhirPathPatch(Op("delete", "Patient.birthDate"));
        Assert.Null(p.BirthDateElement);
    }

    [Fact]
    public void FhirPath_patch_delete_of_a_path_that_matches_nothing_changes_nothing()
    {
        var p = FhirPathPatch(Op("delete", "Patient.identifier.where(system='nope')"));
        Assert.Equal(2, p.Identifier.Count);
    }

    [Fact]
    public void FhirPath_patch_delete_of_a_path_that_matches_several_elements_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("delete", "Patient.identifier"));
        Assert.Equal(422, ex.Status);
        Assert.Contains("Patient.identifier", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_insert_puts_the_value_at_the_index()
    {
        var p = FhirPathPatch(Op("insert", "Patient.identifier", value: new Identifier("z", "333"), index: 1));
        Assert.Equal(["x", "z", "y"], p.Identifier.Select(i => i.System));
    }

    [Fact]
    public void FhirPath_patch_insert_into_a_list_that_is_still_empty_works()
    {
        var p = FhirPathPatch(Op("insert", "Patient.address", index: 0,
            valueParts: [Part("city", new FhirString("Leeds")), Part("line", new FhirString("1 Street")), Part("line", new FhirString("Flat 2"))]));
        var address = Assert.Single(p.Address);
        Assert.Equal("Leeds", address.City);
        Assert.Equal(["1 Street", "Flat 2"], address.Line);
    }

    [Fact]
    public void FhirPath_patch_insert_at_an_index_past_the_end_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("insert", "Patient.identifier", value: new Identifier("z", "3"), index: 3));
        Assert.Equal(422, ex.Status);
        Assert.Contains("index 3", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_insert_into_an_element_that_does_not_repeat_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("insert", "Patient.birthDate", value: new Date("2000-01-01"), index: 0));
        Assert.Equal(422, ex.Status);
        Assert.Contains("does not repeat", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_move_reorders_a_list()
    {
        var plan = FhirPathPatch<CarePlan>(CarePlanJson, Op("move", "CarePlan.activity", source: 2, destination: 0));
        Assert.Equal(["third", "first", "second"], plan.Activity.Select(a => a.Detail.Description));
    }

    [Fact]
    public void FhirPath_patch_move_of_a_nested_list_uses_the_single_container()
    {
        var p = FhirPathPatch(Op("move", "Patient.name.given", source: 0, destination: 1));
        Assert.Equal(["Beth", "Ann"], p.Name[0].Given);
    }

    [Fact]
    public void FhirPath_patch_move_with_a_source_outside_the_list_is_rejected_with_422()
    {
        var ex = FhirPathPatchFailsOn(CarePlanJson, Op("move", "CarePlan.activity", source: 3, destination: 0));
        Assert.Equal(422, ex.Status);
        Assert.Contains("source 3", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_operations_apply_in_order()
    {
        var p = FhirPathPatch(
            Op("add", "Patient", name: "identifier", value: new Identifier("z", "333")),
            Op("replace", "Patient.identifier.where(system='z').value", value: new FhirString("444")),
            Op("delete", "Patient.identifier.where(system='x')"));
        Assert.Equal(["y", "z"], p.Identifier.Select(i => i.System));
        Assert.Equal("444", p.Identifier[1].Value);
    }

    [Fact]
    public void FhirPath_patch_replace_of_a_path_that_matches_nothing_is_rejected_with_422_naming_the_path()
    {
        var ex = FhirPathPatchFails(Op("replace", "Patient.maritalStatus", value: new CodeableConcept("http://s", "M")));
        Assert.Equal(422, ex.Status);
        Assert.Contains("Patient.maritalStatus", ex.Message);
        Assert.Contains("matches 0", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_replace_of_a_path_that_matches_several_elements_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("replace", "Patient.name.given", value: new FhirString("Zed")));
        Assert.Equal(422, ex.Status);
        Assert.Contains("matches 2", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_value_of_the_wrong_type_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("replace", "Patient.birthDate", value: new FhirBoolean(true)));
        Assert.Equal(422, ex.Status);
        Assert.Contains("Patient.birthDate takes date", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_value_parts_for_an_element_the_type_does_not_have_are_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("add", "Patient", name: "telecom", valueParts: [Part("colour", new FhirString("blue"))]));
        Assert.Equal(422, ex.Status);
        Assert.Contains("colour", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_add_of_an_element_the_container_does_not_have_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("add", "Patient", name: "favouriteColour", value: new FhirString("blue")));
        Assert.Equal(422, ex.Status);
        Assert.Contains("favouriteColour", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_add_to_a_container_that_matches_several_elements_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("add", "Patient.identifier", name: "period", valueParts: [Part("start", new FhirDateTime("2020"))]));
        Assert.Equal(422, ex.Status);
        Assert.Contains("matches 2", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_of_a_computed_value_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("replace", "Patient.name.family + 'x'", value: new FhirString("Jones")));
        Assert.Equal(422, ex.Status);
        Assert.Contains("computed", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_with_a_path_that_is_not_fhirpath_is_rejected_with_400()
    {
        var ex = FhirPathPatchFails(Op("delete", "Patient.identifier.where("));
        Assert.Equal(400, ex.Status);
        Assert.Contains("not a valid FHIRPath", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_with_an_unknown_operation_type_is_rejected_with_400()
    {
        var ex = FhirPathPatchFails(Op("upsert", "Patient.birthDate", value: new Date("2000")));
        Assert.Equal(400, ex.Status);
        Assert.Contains("upsert", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_missing_a_required_part_is_rejected_with_400()
    {
        Assert.Equal(400, FhirPathPatchFails(Op("replace", "Patient.birthDate")).Status);
        Assert.Equal(400, FhirPathPatchFails(Op("add", "Patient", value: new Date("2000"))).Status);
        Assert.Equal(400, FhirPathPatchFails(Op("insert", "Patient.identifier", value: new Identifier("z", "1"))).Status);
        Assert.Equal(400, FhirPathPatchFails(Op("move", "Patient.identifier", source: 0)).Status);
    }

    [Fact]
    public void FhirPath_patch_with_a_parameter_that_is_not_an_operation_is_rejected_with_400()
    {
        var other = new Parameters.ParameterComponent { Name = "something", Value = new FhirString("x") };
        var ex = FhirPathPatchFails(Op("delete", "Patient.birthDate"), other);
        Assert.Equal(400, ex.Status);
        Assert.Contains("something", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_value_that_is_not_valid_for_its_type_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("replace", "Patient.birthDate", value: new Date("not-a-date")));
        Assert.Equal(422, ex.Status);
        Assert.Contains("'not-a-date' is not a valid date for", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_delete_of_the_resource_itself_is_rejected_with_422()
    {
        var ex = FhirPathPatchFails(Op("delete", "Patient"));
        Assert.Equal(422, ex.Status);
        Assert.Contains("resource itself", ex.Message);
    }

    [Fact]
    public void FhirPath_patch_that_empties_an_element_drops_it_from_the_result()
    {
        var p = FhirPathPatch(Op("delete", "Patient.telecom.value"), Op("delete", "Patient.telecom.system"));
        Assert.Empty(p.Telecom);
    }

    [Fact]
    public void FhirPath_patch_can_reach_into_a_contained_resource()
    {
        const string stored = """
            {
              "resourceType": "Patient", "id": "1",
              "contained": [ { "resourceType": "Organization", "id": "org", "name": "Old name" } ],
              "managingOrganization": { "reference": "#org" }
            }
            """;
        var p = FhirPathPatch<Patient>(stored, Op("replace", "Patient.contained.ofType(Organization).name", value: new FhirString("New name")));
        Assert.Equal("New name", ((Organization)p.Contained[0]).Name);
    }

    [Fact]
    public void FhirPath_patch_sent_as_json_text_is_applied()
    {
        const string body = """
            {
              "resourceType": "Parameters",
              "parameter": [
                {
                  "name": "operation",
                  "part": [
                    { "name": "type", "valueCode": "add" },
                    { "name": "path", "valueString": "Patient" },
                    { "name": "name", "valueString": "telecom" },
                    { "name": "value", "part": [
                      { "name": "system", "valueCode": "phone" },
                      { "name": "value", "valueString": "0200" }
                    ] }
                  ]
                },
                {
                  "name": "operation",
                  "part": [
                    { "name": "type", "valueCode": "replace" },
                    { "name": "path", "valueString": "Patient.birthDate" },
                    { "name": "value", "valueDate": "1990-09-09" }
                  ]
                }
              ]
            }
            """;
        var p = (Patient)Apply(PatientJson, Request("application/fhir+json; charset=utf-8", Bytes(body)));
        Assert.Equal(["0100", "0200"], p.Telecom.Select(t => t.Value));
        Assert.Equal("1990-09-09", p.BirthDate);
    }

    [Fact]
    public void FhirPath_patch_sent_as_xml_is_applied()
    {
        const string body = """
            <Parameters xmlns="http://hl7.org/fhir">
              <parameter>
                <name value="operation"/>
                <part><name value="type"/><valueCode value="delete"/></part>
                <part><name value="path"/><valueString value="Patient.identifier.where(system='y')"/></part>
              </parameter>
            </Parameters>
            """;
        var p = (Patient)Apply(PatientJson, Request("application/fhir+xml", Encoding.UTF8.GetBytes(body)));
        Assert.Equal("x", Assert.Single(p.Identifier).System);
    }

    [Fact]
    public void FhirPath_patch_sent_as_plain_application_json_parameters_is_applied()
    {
        var p = (Patient)Apply(PatientJson, Request("application/json", resource: PatchOf(Op("replace", "Patient.active", value: new FhirBoolean(false)))));
        Assert.False(p.Active);
    }

    [Fact]
    public void FhirPath_patch_failure_is_reported_as_a_fhir_exception_with_an_outcome()
    {
        var ex = FhirPathPatchFails(Op("replace", "Patient.maritalStatus", value: new CodeableConcept("http://s", "M")));
        var outcome = ex.ToOutcome();
        Assert.Equal(OperationOutcome.IssueSeverity.Error, outcome.Issue[0].Severity);
        Assert.Contains("Patient.maritalStatus", outcome.Issue[0].Diagnostics);
        Assert.IsType<FhirException>(ex);
    }
}
