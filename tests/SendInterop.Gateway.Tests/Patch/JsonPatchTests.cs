using System.Text;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Patch;
using static SendInterop.Gateway.Tests.Patch.PatchTestSupport;

namespace SendInterop.Gateway.Tests.Patch;

/// <summary>RFC 6902 JSON Patch (application/json-patch+json) applied to a stored resource.</summary>
public class JsonPatchTests
{
    [Fact]
    public void Json_patch_add_with_dash_appends_to_an_array()
    {
        var p = JsonPatch("""[{ "op": "add", "path": "/telecom/-", "value": { "system": "email", "value": "a@b.nhs.uk" } }]""");
        Assert.Equal(2, p.Telecom.Count);
        Assert.Equal("a@b.nhs.uk", p.Telecom[1].Value);
        Assert.Equal(ContactPoint.ContactPointSystem.Email, p.Telecom[1].System);
    }

    [Fact]
    public void Json_patch_add_with_an_index_inserts_before_that_item()
    {
        var p = JsonPatch("""[{ "op": "add", "path": "/name/0/given/1", "value": "Anne-Marie" }]""");
        Assert.Equal(["Ann", "Anne-Marie", "Beth"], p.Name[0].Given);
    }

    [Fact]
    public void Json_patch_add_of_a_new_member_sets_it()
    {
        var p = JsonPatch("""[{ "op": "add", "path": "/deceasedBoolean", "value": false }]""");
        Assert.Equal(false, ((FhirBoolean)p.Deceased).Value);
    }

    [Fact]
    public void Json_patch_remove_deletes_an_array_item()
    {
        var p = JsonPatch("""[{ "op": "remove", "path": "/identifier/0" }]""");
        Assert.Equal("y", Assert.Single(p.Identifier).System);
    }

    [Fact]
    public void Json_patch_replace_changes_the_birth_date()
    {
        var p = JsonPatch("""[{ "op": "replace", "path": "/birthDate", "value": "1980-02-03" }]""");
        Assert.Equal("1980-02-03", p.BirthDate);
    }

    [Fact]
    public void Json_patch_move_takes_a_value_from_one_place_to_another()
    {
        var p = JsonPatch("""[{ "op": "move", "from": "/name/0/given/1", "path": "/name/0/given/0" }]""");
        Assert.Equal(["Beth", "Ann"], p.Name[0].Given);
    }

    [Fact]
    public void Json_patch_copy_duplicates_a_value()
    {
        var p = JsonPatch("""[{ "op": "copy", "from": "/identifier/0", "path": "/identifier/-" }]""");
        Assert.Equal(3, p.Identifier.Count);
        Assert.Equal("x", p.Identifier[2].System);
        Assert.Equal("111", p.Identifier[2].Value);
    }

    [Fact]
    public void Json_patch_test_op_that_passes_lets_the_rest_of_the_patch_apply()
    {
        var p = JsonPatch("""
            [
              { "op": "test", "path": "/identifier/1", "value": { "value": "222", "system": "y" } },
              { "op": "replace", "path": "/active", "value": false }
            ]
            """);
        Assert.False(p.Active);
    }

    [Fact]
    public void Json_patch_test_op_that_fails_is_rejected_with_422()
    {
        var ex = JsonPatchFails("""
            [
              { "op": "replace", "path": "/active", "value": false },
              { "op": "test", "path": "/birthDate", "value": "2001-01-01" }
            ]
            """);
        Assert.Equal(422, ex.Status);
        Assert.Contains("/birthDate", ex.Message);
        Assert.Contains("2001-01-01", ex.Message);
        Assert.Contains("1970-01-01", ex.Message);
    }

    [Fact]
    public void Json_patch_test_op_on_a_path_that_does_not_exist_is_rejected_with_422()
    {
        var ex = JsonPatchFails("""[{ "op": "test", "path": "/deceasedBoolean", "value": false }]""");
        Assert.Equal(422, ex.Status);
        Assert.Contains("/deceasedBoolean", ex.Message);
    }

    [Fact]
    public void Json_patch_test_op_compares_numbers_by_value()
    {
        var patched = JsonPatchDocumentApplier.Apply(Bytes("""{ "n": 1 }"""), Bytes("""[{ "op": "test", "path": "/n", "value": 1.0 }]"""));
        Assert.Equal(1, JsonNode.Parse(patched)!["n"]!.GetValue<int>());
    }

    [Fact]
    public void Json_patch_remove_of_a_path_that_does_not_exist_is_rejected_with_422_naming_the_path()
    {
        var ex = JsonPatchFails("""[{ "op": "remove", "path": "/identifier/5" }]""");
        Assert.Equal(422, ex.Status);
        Assert.Contains("/identifier/5", ex.Message);
    }

    [Fact]
    public void Json_patch_replace_of_a_path_that_does_not_exist_is_rejected_with_422_naming_the_path()
    {
        var ex = JsonPatchFails("""[{ "op": "replace", "path": "/maritalStatus/text", "value": "M" }]""");
        Assert.Equal(422, ex.Status);
        Assert.Contains("/maritalStatus", ex.Message);
    }

    [Fact]
    public void Json_patch_add_past_the_end_of_an_array_is_rejected_with_422()
    {
        var ex = JsonPatchFails("""[{ "op": "add", "path": "/identifier/3", "value": { "system": "z", "value": "3" } }]""");
        Assert.Equal(422, ex.Status);
        Assert.Contains("/identifier", ex.Message);
    }

    [Fact]
    public void Json_patch_move_into_its_own_child_is_rejected_with_422()
    {
        var ex = JsonPatchFails("""[{ "op": "move", "from": "/name/0", "path": "/name/0/given/0" }]""");
        Assert.Equal(422, ex.Status);
    }

    [Fact]
    public void Json_patch_pointer_escapes_tilde_zero_and_tilde_one_are_decoded()
    {
        var patched = JsonPatchDocumentApplier.Apply(
            Bytes("""{ "a/b": 1, "m~n": 2, "list": [1] }"""),
            Bytes("""
                [
                  { "op": "replace", "path": "/a~1b", "value": 10 },
                  { "op": "remove", "path": "/m~0n" },
                  { "op": "add", "path": "/list/-", "value": 2 }
                ]
                """));
        var json = JsonNode.Parse(patched)!.AsObject();
        Assert.Equal(10, json["a/b"]!.GetValue<int>());
        Assert.False(json.ContainsKey("m~n"));
        Assert.Equal("[1,2]", json["list"]!.ToJsonString());
    }

    [Fact]
    public void Json_patch_of_the_whole_document_replaces_it()
    {
        var patched = JsonPatchDocumentApplier.Apply(Bytes("""{ "a": 1 }"""), Bytes("""[{ "op": "replace", "path": "", "value": { "b": 2 } }]"""));
        Assert.Equal("""{"b":2}""", Encoding.UTF8.GetString(patched));
    }

    [Theory]
    [InlineData("""[{ "op": "remove", "path": "identifier" }]""")]
    [InlineData("""[{ "op": "remove", "path": "/identifier/~2" }]""")]
    [InlineData("""[{ "op": "remove", "path": "/identifier~" }]""")]
    public void Json_patch_with_a_malformed_pointer_is_rejected_with_400(string patch)
    {
        Assert.Equal(400, JsonPatchFails(patch).Status);
    }

    [Theory]
    [InlineData("""{ "op": "remove", "path": "/active" }""", "array")]
    [InlineData("""[{ "path": "/active" }]""", "\"op\"")]
    [InlineData("""[{ "op": "remove" }]""", "\"path\"")]
    [InlineData("""[{ "op": "delete", "path": "/active" }]""", "'delete'")]
    [InlineData("""[{ "op": "replace", "path": "/active" }]""", "\"value\"")]
    [InlineData("""[{ "op": "move", "path": "/active" }]""", "\"from\"")]
    [InlineData("""[{ "op": 1, "path": "/active" }]""", "\"op\"")]
    [InlineData("""[ "remove /active" ]""", "not a JSON object")]
    [InlineData("""[{ "op": "remove", "path": "/active" }""", "not valid JSON")]
    [InlineData("", "empty")]
    [InlineData("""[{ "op": "remove", "op": "add", "path": "/active" }]""", "more than once")]
    public void Json_patch_document_that_is_malformed_is_rejected_with_400(string patch, string expected)
    {
        var ex = JsonPatchFails(patch);
        Assert.Equal(400, ex.Status);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Json_patch_that_produces_invalid_fhir_is_rejected_with_400_from_the_parser()
    {
        var ex = JsonPatchFails("""[{ "op": "add", "path": "/favouriteColour", "value": "blue" }]""");
        Assert.Equal(400, ex.Status);
        Assert.Contains("favouriteColour", ex.Message + string.Join(" ", ex.ExtraIssues.Select(i => i.Diagnostics)));
    }

    [Fact]
    public void Json_patch_that_gives_a_primitive_the_wrong_json_type_is_rejected_with_400()
    {
        var ex = JsonPatchFails("""[{ "op": "replace", "path": "/active", "value": "yes" }]""");
        Assert.Equal(400, ex.Status);
    }

    [Fact]
    public void Json_patch_that_fails_part_way_leaves_the_stored_json_untouched()
    {
        var stored = Bytes(PatientJson);
        var before = (byte[])stored.Clone();
        Assert.Throws<FhirException>(() => new PatchApplier(new()).Apply(stored, "Patient",
            Request("application/json-patch+json", Bytes("""[{ "op": "remove", "path": "/active" }, { "op": "remove", "path": "/nope" }]"""))));
        Assert.Equal(before, stored);
    }

    [Fact]
    public void Json_patch_applies_to_a_care_plan_activity()
    {
        var plan = (CarePlan)Apply(CarePlanJson, Request("application/json-patch+json", Bytes("""
            [
              { "op": "test", "path": "/activity/1/detail/description", "value": "second" },
              { "op": "replace", "path": "/activity/1/detail/status", "value": "completed" }
            ]
            """), url: "CarePlan/cp1"));
        Assert.Equal(CarePlan.CarePlanActivityStatus.Completed, plan.Activity[1].Detail.Status);
    }
}
