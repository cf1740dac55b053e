using System.Text;
using SendInterop.Domain.Access;
using static SendInterop.Domain.Access.SmartPermissions;

namespace SendInterop.Domain.Tests.Access;

/// <summary>
/// Specifications for the SMART App Launch v2 scope parser. Scope strings quoted from the specification's
/// "Scopes and Launch Context" page (STU 2.2) are marked "spec:" with the section they come from.
/// </summary>
public class SmartScopeParserTests
{
    // SendInterop.Domain.Search (a namespace) would otherwise win over the imported enum member.
    private const SmartPermissions Search = SmartPermissions.Search;

    private const string LabCategory = "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

    private static SmartScope ParseOk(string text)
    {
        Assert.True(SmartScopeParser.TryParse(text, out var scope, out var error), $"'{text}': {error}");
        Assert.Equal(string.Empty, error);
        return scope;
    }

    private static string ParseFails(string? text)
    {
        Assert.False(SmartScopeParser.TryParse(text, out var scope, out var error));
        Assert.Null(scope);
        Assert.False(string.IsNullOrEmpty(error));
        return error;
    }

    // ---------------------------------------------------------------- the specification's resource scopes

    [Theory]
    // spec: Quick Start
    [InlineData("patient/*.rs", SmartContext.Patient, "*", Read | Search)]
    [InlineData("user/*.cruds", SmartContext.User, "*", All)]
    // spec: "SMART's scopes are used to delegate access"
    [InlineData("system/*.cruds", SmartContext.System, "*", All)]
    // spec: Scopes for requesting FHIR Resources ("creating and updating", "reading and searching")
    [InlineData("patient/Observation.cu", SmartContext.Patient, "Observation", Create | Update)]
    [InlineData("patient/Observation.rs", SmartContext.Patient, "Observation", Read | Search)]
    // spec: Scope Equivalence
    [InlineData("patient/Condition.rs", SmartContext.Patient, "Condition", Read | Search)]
    [InlineData("patient/AllergyIntolerance.rs", SmartContext.Patient, "AllergyIntolerance", Read | Search)]
    // spec: Patient-specific scopes
    [InlineData("patient/Patient.r", SmartContext.Patient, "Patient", Read)]
    [InlineData("patient/Observation.c", SmartContext.Patient, "Observation", Create)]
    [InlineData("patient/*.cruds", SmartContext.Patient, "*", All)]
    // spec: User-level scopes
    [InlineData("user/Observation.rs", SmartContext.User, "Observation", Read | Search)]
    [InlineData("user/Appointment.cruds", SmartContext.User, "Appointment", All)]
    [InlineData("user/Patient.rs", SmartContext.User, "Patient", Read | Search)]
    // spec: System-level scopes
    [InlineData("system/Observation.rs", SmartContext.System, "Observation", Read | Search)]
    [InlineData("system/*.rs", SmartContext.System, "*", Read | Search)]
    [InlineData("system/Encounter.cud", SmartContext.System, "Encounter", Create | Update | Delete)]
    // spec: Wildcard scopes (granted-scope table for a request of patient/AllergyIntolerance.cruds)
    [InlineData("patient/AllergyIntolerance.cruds", SmartContext.Patient, "AllergyIntolerance", All)]
    [InlineData("patient/AllergyIntolerance.cud", SmartContext.Patient, "AllergyIntolerance", Create | Update | Delete)]
    // spec: Appendix, URI representation of scopes
    [InlineData("patient/*.r", SmartContext.Patient, "*", Read)]
    // issue 3
    [InlineData("system/CarePlan.rs", SmartContext.System, "CarePlan", Read | Search)]
    public void Spec_v2_resource_scopes_parse_to_their_context_type_and_permissions(
        string text, SmartContext context, string resourceType, SmartPermissions permissions)
    {
        var scope = ParseOk(text);
        Assert.Equal(context, scope.Context);
        Assert.Equal(resourceType, scope.ResourceType);
        Assert.Equal(permissions, scope.Permissions);
        Assert.Empty(scope.Constraints);
        Assert.False(scope.IsV1);
        Assert.Equal(text, scope.Text);
        Assert.Equal(text, scope.ToString());
        Assert.Equal(text, scope.ToV2Text());
        Assert.Equal(resourceType == "*", scope.IsWildcard);
    }

    [Fact]
    public void Spec_dus_is_not_a_defined_scope_request_and_is_rejected()
    {
        // spec: "a request of `.dus` is not a defined scope request"
        Assert.Equal("permission 'u' is out of order in 'dus': letters must follow the order c, r, u, d, s",
            ParseFails("patient/Observation.dus"));
    }

    [Fact]
    public void Spec_read_is_never_misread_as_rd_with_delete()
    {
        // spec: the ordering rule exists "to prevent ... interpreting `.read` as `.rd`"
        var scope = ParseOk("patient/Observation.read");
        Assert.Equal(Read | Search, scope.Permissions);
        Assert.False(scope.Permissions.HasFlag(Delete));
    }

    // ---------------------------------------------------------------- v1 forms

    [Theory]
    // spec: v1 `.read` => v2 `.rs`, v1 `.write` => v2 `.cud`, v1 `.*` => v2 `.cruds`
    [InlineData("patient/Observation.read", SmartContext.Patient, "Observation", Read | Search, "patient/Observation.rs")]
    [InlineData("patient/Observation.write", SmartContext.Patient, "Observation", Create | Update | Delete, "patient/Observation.cud")]
    [InlineData("patient/Observation.*", SmartContext.Patient, "Observation", All, "patient/Observation.cruds")]
    // spec: Finer-grained resource constraints ("In SMART 1.0 ... `patient/Immunization.read`")
    [InlineData("patient/Immunization.read", SmartContext.Patient, "Immunization", Read | Search, "patient/Immunization.rs")]
    [InlineData("user/*.read", SmartContext.User, "*", Read | Search, "user/*.rs")]
    [InlineData("user/*.*", SmartContext.User, "*", All, "user/*.cruds")]
    [InlineData("system/*.write", SmartContext.System, "*", Create | Update | Delete, "system/*.cud")]
    public void V1_scopes_map_to_their_v2_permissions_and_are_marked_v1(
        string text, SmartContext context, string resourceType, SmartPermissions permissions, string v2)
    {
        var scope = ParseOk(text);
        Assert.True(scope.IsV1);
        Assert.Equal(context, scope.Context);
        Assert.Equal(resourceType, scope.ResourceType);
        Assert.Equal(permissions, scope.Permissions);
        Assert.Equal(text, scope.Text);
        Assert.Equal(v2, scope.ToV2Text());
    }

    [Fact]
    public void V1_and_v2_spellings_of_the_same_grant_are_not_equal_scopes_but_grant_the_same()
    {
        var v1 = ParseOk("patient/Observation.read");
        var v2 = ParseOk("patient/Observation.rs");
        Assert.NotEqual(v1, v2);
        Assert.Equal(v1.Permissions, v2.Permissions);
        Assert.Equal(v2.Text, v1.ToV2Text());
    }

    [Fact]
    public void V1_scope_with_a_query_is_rejected_pointing_at_the_v2_form()
    {
        Assert.Equal("v1 permission 'read' cannot carry query constraints; use the v2 form 'rs'",
            ParseFails("patient/Observation.read?category=laboratory"));
    }

    // ---------------------------------------------------------------- wildcards

    [Fact]
    public void Wildcard_scope_grants_every_resource_type_including_ones_not_named_anywhere()
    {
        var set = SmartScopeParser.ParseMany("patient/*.rs");
        foreach (var type in new[] { "Observation", "Patient", "CarePlan", "Consent", "QuestionnaireResponse" })
        {
            Assert.Single(set.Permits(SmartContext.Patient, type, Read));
            Assert.Single(set.Permits(SmartContext.Patient, type, Search));
            Assert.Empty(set.Permits(SmartContext.Patient, type, Create));
        }
    }

    [Theory]
    [InlineData("patient/**.rs", "unknown resource type '**': not an R4 resource type or '*'")]
    [InlineData("patient/*Observation.rs", "unknown resource type '*Observation': not an R4 resource type or '*'")]
    [InlineData("*/Observation.rs", "unknown context '*': expected patient, user or system")]
    public void Wildcard_is_only_a_whole_resource_type(string text, string expected)
    {
        Assert.Equal(expected, ParseFails(text));
    }

    // ---------------------------------------------------------------- query constraints

    [Fact]
    public void Spec_laboratory_observations_constraint_keeps_the_system_and_code_split_by_a_bar()
    {
        // spec: Finer-grained resource constraints using search parameters
        var scope = ParseOk("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
        Assert.Equal(SmartContext.Patient, scope.Context);
        Assert.Equal("Observation", scope.ResourceType);
        Assert.Equal(Read | Search, scope.Permissions);
        Assert.True(scope.IsConstrained);
        var constraint = Assert.Single(scope.Constraints);
        Assert.Equal("category", constraint.Parameter);
        Assert.Equal(LabCategory, constraint.Value);
        Assert.Equal(scope.Text, scope.ToV2Text());
    }

    [Theory]
    // spec: Experimental features (written there without a context; given one here)
    [InlineData("patient/Observation.rs?code:in=http://valueset.example.org/ValueSet/diabetes-codes", "code:in", "http://valueset.example.org/ValueSet/diabetes-codes")]
    [InlineData("patient/Observation.rs?patient.birthdate=1990", "patient.birthdate", "1990")]
    public void Spec_experimental_modifier_and_chain_constraints_are_carried_as_written(string text, string parameter, string value)
    {
        var constraint = Assert.Single(ParseOk(text).Constraints);
        Assert.Equal(new SmartScopeConstraint(parameter, value), constraint);
    }

    [Fact]
    public void Spec_experimental_constraints_without_a_context_are_not_resource_scopes()
    {
        // spec writes "Observation.rs?code:in=http://..." as a fragment; on its own it has no context,
        // and the '/' inside the URL value must not be taken for the context separator.
        Assert.Equal("not a resource scope: expected context/resourceType.permissions",
            ParseFails("Observation.rs?code:in=http://valueset.example.org/ValueSet/diabetes-codes"));
    }

    [Theory]
    [InlineData("patient/Observation.rs?category=http%3A%2F%2Fterminology.hl7.org%2FCodeSystem%2Fobservation-category%7Claboratory")]
    [InlineData("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category%7claboratory")]
    [InlineData("patient/Observation.rs?%63ategory=http://terminology.hl7.org/CodeSystem/observation-category|laboratory")]
    public void Percent_encoded_constraints_are_decoded_to_the_same_constraint(string text)
    {
        var constraint = Assert.Single(ParseOk(text).Constraints);
        Assert.Equal(new SmartScopeConstraint("category", LabCategory), constraint);
    }

    [Fact]
    public void Encoded_ampersand_and_equals_stay_inside_the_value()
    {
        var constraint = Assert.Single(ParseOk("user/DocumentReference.rs?description=a%26b%3Dc").Constraints);
        Assert.Equal(new SmartScopeConstraint("description", "a&b=c"), constraint);
    }

    [Fact]
    public void Percent_encoded_utf8_is_decoded_and_a_plus_stays_a_plus()
    {
        var scope = ParseOk("user/Patient.rs?name=Ren%C3%A9e&birthdate=ge2010-01-01T00:00:00+01:00");
        Assert.Equal(
            [new SmartScopeConstraint("name", "Renée"), new SmartScopeConstraint("birthdate", "ge2010-01-01T00:00:00+01:00")],
            scope.Constraints);
    }

    [Fact]
    public void Several_constraints_are_kept_in_order_including_a_repeated_parameter()
    {
        var scope = ParseOk("system/Observation.rs?category=" + LabCategory + "&status=final&category=survey");
        Assert.Equal(
            [
                new SmartScopeConstraint("category", LabCategory),
                new SmartScopeConstraint("status", "final"),
                new SmartScopeConstraint("category", "survey"),
            ],
            scope.Constraints);
    }

    [Fact]
    public void Wildcard_scope_may_carry_a_constraint()
    {
        var scope = ParseOk("user/*.rs?_security=http://terminology.hl7.org/CodeSystem/v3-Confidentiality|N");
        Assert.True(scope.IsWildcard);
        Assert.Equal(new SmartScopeConstraint("_security", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality|N"), Assert.Single(scope.Constraints));
    }

    [Fact]
    public void Scopes_with_equal_constraints_are_equal_and_hash_alike()
    {
        var a = ParseOk("patient/Observation.rs?category=" + LabCategory);
        var b = ParseOk("patient/Observation.rs?category=" + LabCategory);
        Assert.NotSame(a.Constraints, b.Constraints);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, ParseOk("patient/Observation.rs?category=survey"));
    }

    // ---------------------------------------------------------------- malformed scopes name the problem

    [Theory]
    // permissions
    [InlineData("patient/Observation.rx", "unknown permission 'x' in 'rx': expected an in-order subset of 'cruds' or v1 read, write or *")]
    [InlineData("system/*.dc", "permission 'c' is out of order in 'dc': letters must follow the order c, r, u, d, s")]
    [InlineData("user/Observation.dr", "permission 'r' is out of order in 'dr': letters must follow the order c, r, u, d, s")]
    [InlineData("user/Observation.rcc", "permission 'c' is out of order in 'rcc': letters must follow the order c, r, u, d, s")]
    [InlineData("user/Observation.cc", "permission 'c' is repeated in 'cc'")]
    [InlineData("user/Observation.rrs", "permission 'r' is repeated in 'rrs'")]
    [InlineData("patient/Observation.", "permissions are missing after '.': expected an in-order subset of 'cruds'")]
    [InlineData("patient/Observation.?category=laboratory", "permissions are missing after '.': expected an in-order subset of 'cruds'")]
    [InlineData("patient/Observation", "missing '.permissions' after resource type 'Observation'")]
    [InlineData("patient/Observation.rs.", "unknown permission '.' in 'rs.': expected an in-order subset of 'cruds' or v1 read, write or *")]
    [InlineData("patient/Observation.readwrite", "unknown permission 'e' in 'readwrite': expected an in-order subset of 'cruds' or v1 read, write or *")]
    // resource type
    [InlineData("system/Foo.r", "unknown resource type 'Foo': not an R4 resource type or '*'")]
    [InlineData("patient/.rs", "resource type is missing between '/' and '.'")]
    [InlineData("patient/Resource.rs", "resource type 'Resource' is abstract: name a concrete R4 resource type or '*'")]
    [InlineData("patient/DomainResource.rs", "resource type 'DomainResource' is abstract: name a concrete R4 resource type or '*'")]
    [InlineData("patient/HumanName.rs", "unknown resource type 'HumanName': not an R4 resource type or '*'")]
    [InlineData("patient//Observation.rs", "unknown resource type '/Observation': not an R4 resource type or '*'")]
    // context
    [InlineData("practitioner/Observation.rs", "unknown context 'practitioner': expected patient, user or system")]
    [InlineData("/Observation.rs", "context is missing before '/': expected patient, user or system")]
    [InlineData("Observation.rs", "not a resource scope: expected context/resourceType.permissions")]
    // query
    [InlineData("patient/Observation.r?category", "query item 'category' has no '=value'")]
    [InlineData("user/*.cruds?", "query after '?' is empty: expected param=value[&param=value...]")]
    [InlineData("patient/Observation.rs?category=", "query item 'category=' has no value")]
    [InlineData("patient/Observation.rs?=laboratory", "query item '=laboratory' has no parameter name")]
    [InlineData("patient/Observation.rs?category=laboratory&", "query item 2 is empty (stray '&')")]
    [InlineData("patient/Observation.rs?&category=laboratory", "query item 1 is empty (stray '&')")]
    [InlineData("patient/Observation.rs?category=lab%zzoratory", "query item 'category=lab%zzoratory': '%zz' is not a valid percent-encoding")]
    [InlineData("patient/Observation.rs?category=laboratory%2", "query item 'category=laboratory%2': '%2' is not a valid percent-encoding")]
    [InlineData("patient/Observation.rs?category=%C3", "query item 'category=%C3': percent-encoded bytes are not valid UTF-8")]
    [InlineData("patient/Observation.rs?category=lab%00", "query item 'category=lab%00': decodes to control character U+0000")]
    [InlineData("patient/Observation.rs?cat%20egory=laboratory", "query parameter 'cat egory' is not a search parameter name (letters, digits, '_', '-', '.', ':')")]
    [InlineData("patient/Observation.rs?1category=laboratory", "query parameter '1category' is not a search parameter name (letters, digits, '_', '-', '.', ':')")]
    // characters an OAuth scope-token cannot hold
    [InlineData("patient/Observation.rs?category=lab\toratory", "character U+0009 at position 36 is not allowed in an OAuth scope")]
    [InlineData("patient/Observation.rs?name=Renée", "character U+00E9 at position 32 is not allowed in an OAuth scope")]
    [InlineData("patient/Observation.rs?name=\"x\"", "character '\"' (U+0022) at position 29 is not allowed in an OAuth scope")]
    [InlineData("patient/Observation.rs ", "character ' ' (U+0020) at position 23 is not allowed in an OAuth scope")]
    [InlineData("", "scope is empty")]
    [InlineData(null, "scope is empty")]
    public void Malformed_scope_is_rejected_naming_the_exact_problem(string? text, string expected)
    {
        Assert.Equal(expected, ParseFails(text));
    }

    [Theory]
    [InlineData("Patient/Observation.rs", "context 'Patient' must be written in lower case ('patient')")]
    [InlineData("SYSTEM/*.rs", "context 'SYSTEM' must be written in lower case ('system')")]
    [InlineData("patient/observation.rs", "resource type 'observation' must be written 'Observation' (resource types are case-sensitive)")]
    [InlineData("system/careplan.rs", "resource type 'careplan' must be written 'CarePlan' (resource types are case-sensitive)")]
    [InlineData("patient/Observation.RS", "unknown permission 'R' in 'RS': expected an in-order subset of 'cruds' or v1 read, write or *")]
    [InlineData("patient/Observation.Rs", "unknown permission 'R' in 'Rs': expected an in-order subset of 'cruds' or v1 read, write or *")]
    [InlineData("patient/Observation.READ", "unknown permission 'R' in 'READ': expected an in-order subset of 'cruds' or v1 read, write or *")]
    public void Mixed_case_is_rejected_because_scopes_are_case_sensitive(string text, string expected)
    {
        Assert.Equal(expected, ParseFails(text));
    }

    [Fact]
    public void Oversized_scope_is_rejected_before_it_is_examined()
    {
        var text = "patient/Observation.rs?category=" + new string('a', SmartScopeParser.MaxScopeLength);
        Assert.Equal($"scope is {text.Length} characters long; the limit is {SmartScopeParser.MaxScopeLength}", ParseFails(text));
    }

    [Fact]
    public void Parse_throws_a_format_exception_carrying_the_scope_and_the_problem()
    {
        var ex = Assert.Throws<FormatException>(() => SmartScopeParser.Parse("system/Foo.r"));
        Assert.Equal("'system/Foo.r': unknown resource type 'Foo': not an R4 resource type or '*'", ex.Message);
        Assert.Equal("system/CarePlan.rs", SmartScopeParser.Parse("system/CarePlan.rs").Text);
    }

    // ---------------------------------------------------------------- space-separated lists

    [Fact]
    public void Spec_quick_start_non_resource_scopes_are_recognised()
    {
        // spec: Quick Start, "Scopes for requesting context data", identity data and refresh tokens
        var set = SmartScopeParser.ParseMany("openid fhirUser launch launch/patient launch/encounter offline_access online_access");
        Assert.False(set.HasErrors);
        Assert.Empty(set.ResourceScopes);
        Assert.Equal(
            ["openid", "fhirUser", "launch", "launch/patient", "launch/encounter", "offline_access", "online_access"],
            set.NonResourceScopes);
        Assert.True(set.Contains(SmartNonResourceScopes.LaunchPatient));
        Assert.False(set.Contains("profile"));
    }

    [Fact]
    public void Spec_extension_example_keeps_the_standard_scopes_and_reports_the_undefined_extension()
    {
        // spec: Extensibility, "launch/patient patient/*.rs __profilePhoto.manage"
        var set = SmartScopeParser.ParseMany("launch/patient patient/*.rs __profilePhoto.manage");
        Assert.Equal(["launch/patient"], set.NonResourceScopes);
        Assert.Equal("patient/*.rs", Assert.Single(set.ResourceScopes).Text);
        Assert.Equal(new ScopeError("__profilePhoto.manage", "extension scope is not defined by this server"), Assert.Single(set.Errors));
    }

    [Theory]
    // spec: Extensibility ("a full URI that you control"); Scopes for requesting context data (experimental)
    [InlineData("https://ehr.example.org/scopes/profilePhoto.manage", "extension scope is not defined by this server")]
    [InlineData("launch/imagingstudy", "launch context scope is not supported; supported are launch/patient and launch/encounter")]
    [InlineData("launch/list?role=https://example.org/med-list-at-home", "launch context scope is not supported; supported are launch/patient and launch/encounter")]
    [InlineData("OpenID", "unknown scope: not a resource scope (context/resourceType.permissions) and not one of fhirUser, launch, launch/encounter, launch/patient, offline_access, online_access, openid")]
    [InlineData("profile", "unknown scope: not a resource scope (context/resourceType.permissions) and not one of fhirUser, launch, launch/encounter, launch/patient, offline_access, online_access, openid")]
    [InlineData("Patient/Observation.rs", "context 'Patient' must be written in lower case ('patient')")]
    public void Unrecognised_scope_in_a_list_is_reported_as_an_error_not_dropped(string token, string expected)
    {
        var set = SmartScopeParser.ParseMany("openid " + token);
        Assert.Equal(["openid"], set.NonResourceScopes);
        Assert.Empty(set.ResourceScopes);
        Assert.True(set.HasErrors);
        Assert.Equal(new ScopeError(token, expected), Assert.Single(set.Errors));
    }

    [Fact]
    public void Constrained_scope_whose_value_is_a_url_is_not_mistaken_for_an_extension()
    {
        var set = SmartScopeParser.ParseMany("patient/Observation.rs?category=" + LabCategory);
        Assert.False(set.HasErrors);
        Assert.Single(set.ResourceScopes);
    }

    [Fact]
    public void A_malformed_list_yields_every_good_scope_and_every_error_in_order()
    {
        var set = SmartScopeParser.ParseMany(
            "patient/Observation.rx system/Foo.r openid system/*.dc patient/Observation.r?category " +
            "user/*.cruds? patient/Observation. Patient/Observation.rs system/CarePlan.rs");

        Assert.Equal("system/CarePlan.rs", Assert.Single(set.ResourceScopes).Text);
        Assert.Equal(["openid"], set.NonResourceScopes);
        Assert.Equal(
            [
                "patient/Observation.rx", "system/Foo.r", "system/*.dc", "patient/Observation.r?category",
                "user/*.cruds?", "patient/Observation.", "Patient/Observation.rs",
            ],
            set.Errors.Select(e => e.Scope));
        Assert.All(set.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_scope_string_grants_nothing_and_is_not_an_error(string? text)
    {
        // spec: Wildcard scopes, `""` (empty scope string - no scopes granted)
        var set = SmartScopeParser.ParseMany(text);
        Assert.Empty(set.ResourceScopes);
        Assert.Empty(set.NonResourceScopes);
        Assert.False(set.HasErrors);
        Assert.Empty(set.Permits(null, "Patient", Read));
    }

    [Fact]
    public void Repeated_spaces_are_tolerated_and_exact_duplicates_are_dropped()
    {
        var set = SmartScopeParser.ParseMany("  openid   patient/*.rs openid patient/*.rs  patient/*.read ");
        Assert.Equal(["openid"], set.NonResourceScopes);
        Assert.Equal(["patient/*.rs", "patient/*.read"], set.ResourceScopes.Select(s => s.Text));
        Assert.Equal("patient/*.rs patient/*.read openid", set.ToString());
    }

    [Fact]
    public void Tab_is_not_a_scope_separator()
    {
        var set = SmartScopeParser.ParseMany("patient/*.rs\tuser/*.rs");
        Assert.Empty(set.ResourceScopes);
        Assert.Equal("character U+0009 at position 13 is not allowed in an OAuth scope", Assert.Single(set.Errors).Message);
    }

    // ---------------------------------------------------------------- Permits

    [Fact]
    public void Spec_scopes_combine_as_a_union_of_access()
    {
        // spec: Scope Equivalence, "patient/Condition.rs patient/AllergyIntolerance.rs"
        var set = SmartScopeParser.ParseMany("patient/Condition.rs patient/AllergyIntolerance.rs");
        Assert.Equal("patient/Condition.rs", Assert.Single(set.Permits(SmartContext.Patient, "Condition", Search)).Text);
        Assert.Equal("patient/AllergyIntolerance.rs", Assert.Single(set.Permits(SmartContext.Patient, "AllergyIntolerance", Read)).Text);
        Assert.Empty(set.Permits(SmartContext.Patient, "Observation", Read));
        Assert.Empty(set.Permits(SmartContext.Patient, "Condition", Update));
    }

    [Fact]
    public void Spec_r_plus_s_grants_exactly_what_rs_grants()
    {
        // spec: Scope Equivalence, "Observation.rs" expresses access equivalent to "Observation.r Observation.s"
        var split = SmartScopeParser.ParseMany("patient/Observation.r patient/Observation.s");
        var joined = SmartScopeParser.ParseMany("patient/Observation.rs");
        foreach (var permission in new[] { Create, Read, Update, Delete, Search })
            Assert.Equal(
                joined.Permits(SmartContext.Patient, "Observation", permission).Count > 0,
                split.Permits(SmartContext.Patient, "Observation", permission).Count > 0);
    }

    [Fact]
    public void Spec_rs_plus_cud_grants_the_same_as_cruds()
    {
        // spec: Wildcard scopes, granted "patient/AllergyIntolerance.rs" + "patient/AllergyIntolerance.cud"
        var split = SmartScopeParser.ParseMany("patient/AllergyIntolerance.rs patient/AllergyIntolerance.cud");
        foreach (var permission in new[] { Create, Read, Update, Delete, Search })
            Assert.Single(split.Permits(SmartContext.Patient, "AllergyIntolerance", permission));
    }

    [Fact]
    public void Spec_write_does_not_imply_read()
    {
        // spec: patient/Observation.c, "Note also that write access does not imply read access."
        var set = SmartScopeParser.ParseMany("patient/Observation.c");
        Assert.Single(set.Permits(SmartContext.Patient, "Observation", Create));
        Assert.Empty(set.Permits(SmartContext.Patient, "Observation", Read));
        Assert.Empty(set.Permits(SmartContext.Patient, "Observation", Search));
    }

    [Fact]
    public void Context_filter_limits_the_granting_scopes_and_null_accepts_any_context()
    {
        var set = SmartScopeParser.ParseMany("patient/Observation.rs system/Observation.r user/Patient.rs");
        Assert.Equal(["patient/Observation.rs"], set.Permits(SmartContext.Patient, "Observation", Search).Select(s => s.Text));
        Assert.Equal(["system/Observation.r"], set.Permits(SmartContext.System, "Observation", Read).Select(s => s.Text));
        Assert.Empty(set.Permits(SmartContext.System, "Observation", Search));
        Assert.Empty(set.Permits(SmartContext.User, "Observation", Read));
        Assert.Equal(["patient/Observation.rs", "system/Observation.r"], set.Permits(null, "Observation", Read).Select(s => s.Text));
    }

    [Fact]
    public void Resource_type_match_is_exact_and_case_sensitive()
    {
        var set = SmartScopeParser.ParseMany("system/CarePlan.rs");
        Assert.Single(set.Permits(SmartContext.System, "CarePlan", Read));
        Assert.Empty(set.Permits(SmartContext.System, "careplan", Read));
        Assert.Empty(set.Permits(SmartContext.System, "Careplan", Read));
        Assert.Empty(set.Permits(SmartContext.System, "*", Read)); // a named type never stands for every type
    }

    [Fact]
    public void Permits_returns_constrained_and_unconstrained_scopes_so_the_caller_can_filter()
    {
        var set = SmartScopeParser.ParseMany(
            "system/Observation.rs?category=" + LabCategory + " system/*.s system/Patient.rs");
        var granting = set.Permits(SmartContext.System, "Observation", Search);
        Assert.Equal(2, granting.Count);
        Assert.Equal(new SmartScopeConstraint("category", LabCategory), Assert.Single(granting[0].Constraints));
        Assert.False(granting[1].IsConstrained);

        var readOnly = set.Permits(SmartContext.System, "Observation", Read);
        Assert.True(Assert.Single(readOnly).IsConstrained);
    }

    [Fact]
    public void V1_scope_grants_through_permits_like_its_v2_equivalent()
    {
        var set = SmartScopeParser.ParseMany("user/*.read system/Encounter.write");
        Assert.Single(set.Permits(SmartContext.User, "Observation", Read));
        Assert.Single(set.Permits(SmartContext.User, "Observation", Search));
        Assert.Empty(set.Permits(SmartContext.User, "Observation", Delete));
        Assert.Single(set.Permits(SmartContext.System, "Encounter", Delete));
        Assert.Empty(set.Permits(SmartContext.System, "Encounter", Read));
    }

    [Theory]
    [InlineData(None)]
    [InlineData(Read | Search)]
    [InlineData(All)]
    [InlineData((SmartPermissions)32)]
    public void Permits_asks_about_exactly_one_permission(SmartPermissions needed)
    {
        var set = SmartScopeParser.ParseMany("user/*.cruds");
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Permits(null, "Patient", needed));
    }

    [Fact]
    public void Scope_grants_checks_all_requested_permissions_on_a_single_scope()
    {
        var scope = ParseOk("user/Observation.rs");
        Assert.True(scope.Grants(SmartContext.User, "Observation", Read | Search));
        Assert.False(scope.Grants(SmartContext.User, "Observation", Read | Update));
        Assert.False(scope.Grants(SmartContext.User, "Observation", None));
        Assert.False(scope.Grants(SmartContext.Patient, "Observation", Read));
    }

    // ---------------------------------------------------------------- format <-> parse properties

    public static TheoryData<SmartContext, string> OrderedSubsetsOfCrudsInEachContext()
    {
        var data = new TheoryData<SmartContext, string>();
        foreach (var context in Enum.GetValues<SmartContext>())
            for (var mask = 1; mask < 32; mask++)
            {
                var letters = new StringBuilder();
                for (var bit = 0; bit < 5; bit++)
                    if ((mask & (1 << bit)) != 0) letters.Append("cruds"[bit]);
                data.Add(context, letters.ToString());
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(OrderedSubsetsOfCrudsInEachContext))]
    public void Every_ordered_subset_of_cruds_in_every_context_formats_and_parses_back_to_the_same_permissions(
        SmartContext context, string letters)
    {
        var permissions = None;
        foreach (var letter in letters) permissions |= (SmartPermissions)(1 << "cruds".IndexOf(letter));
        Assert.Equal(letters, permissions.ToScopeSuffix());

        foreach (var type in new[] { "*", "Observation", "CarePlan" })
        {
            var text = SmartScopeParser.Format(context, type, permissions);
            Assert.Equal($"{context.ToScopeText()}/{type}.{letters}", text);

            var scope = ParseOk(text);
            Assert.Equal(context, scope.Context);
            Assert.Equal(type, scope.ResourceType);
            Assert.Equal(permissions, scope.Permissions);
            Assert.False(scope.IsV1);
            Assert.Equal(text, scope.ToV2Text());
        }
    }

    [Fact]
    public void A_permission_string_of_cruds_letters_parses_exactly_when_it_is_strictly_in_order()
    {
        // Every string of 1 to 5 letters drawn from c, r, u, d, s (3,905 of them): the 31 strictly increasing
        // ones parse, and every other one is refused as repeated or out of order.
        var accepted = 0;
        foreach (var letters in Strings("cruds", maxLength: 5))
        {
            var indexes = letters.Select(c => "cruds".IndexOf(c)).ToArray();
            var strictlyIncreasing = indexes.Zip(indexes.Skip(1)).All(p => p.First < p.Second);

            var ok = SmartScopeParser.TryParse("user/Observation." + letters, out var scope, out var error);
            Assert.True(ok == strictlyIncreasing, $"'{letters}': parsed={ok}, error='{error}'");
            if (ok)
            {
                accepted++;
                Assert.Equal(letters, scope!.Permissions.ToScopeSuffix());
            }
            else
            {
                Assert.True(error.Contains("repeated") || error.Contains("out of order"), $"'{letters}': {error}");
            }
        }
        Assert.Equal(31, accepted);
    }

    [Fact]
    public void Constraint_values_with_reserved_and_non_ascii_characters_survive_format_and_parse()
    {
        const string alphabet = "ab|:/,.-_ &=?%#+\"\\é€😀\u00a0~!$'()*;@[]{}^`";
        var random = new Random(20240603);
        for (var run = 0; run < 500; run++)
        {
            var value = RandomText(random, alphabet);
            SmartScopeConstraint[] constraints =
                [new("category", value), new("code:in", RandomText(random, alphabet)), new("patient.birthdate", "1990")];

            var text = SmartScopeParser.Format(SmartContext.System, "Observation", Read | Search, constraints);
            var scope = ParseOk(text);
            Assert.Equal(constraints, scope.Constraints);
            Assert.Equal(text, scope.ToV2Text());
        }
    }

    [Fact]
    public void Format_leaves_bar_colon_and_slash_readable_as_in_the_spec()
    {
        var text = SmartScopeParser.Format(SmartContext.Patient, "Observation", Read | Search,
            [new SmartScopeConstraint("category", LabCategory)]);
        // spec: Finer-grained resource constraints using search parameters
        Assert.Equal("patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory", text);
    }

    [Fact]
    public void Format_refuses_empty_or_unknown_permissions_and_an_empty_resource_type()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SmartScopeParser.Format(SmartContext.User, "Observation", None));
        Assert.Throws<ArgumentOutOfRangeException>(() => SmartScopeParser.Format(SmartContext.User, "Observation", (SmartPermissions)64));
        Assert.Throws<ArgumentException>(() => SmartScopeParser.Format(SmartContext.User, "", Read));
    }

    private static IEnumerable<string> Strings(string alphabet, int maxLength)
    {
        IEnumerable<string> current = [""];
        for (var length = 1; length <= maxLength; length++)
        {
            current = current.SelectMany(prefix => alphabet.Select(c => prefix + c)).ToList();
            foreach (var s in current) yield return s;
        }
    }

    private static string RandomText(Random random, string alphabet)
    {
        var elements = System.Globalization.StringInfo.GetTextElementEnumerator(alphabet);
        var units = new List<string>();
        while (elements.MoveNext()) units.Add((string)elements.Current);

        var text = new StringBuilder();
        var length = random.Next(1, 12);
        for (var i = 0; i < length; i++) text.Append(units[random.Next(units.Count)]);
        return text.ToString();
    }
}
