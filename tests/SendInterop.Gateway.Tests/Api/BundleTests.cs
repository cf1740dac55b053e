using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Api;

/// <summary>batch and transaction Bundles: atomicity, urn:uuid rewriting, conditional entries.</summary>
public abstract class BundleTests(GatewayFixture gateway)
{
    private readonly HttpClient _fhir = gateway.Fhir();

    private static JsonObject Entry(string fullUrl, string resourceJson, string method, string url, string? ifNoneExist = null)
    {
        var request = new JsonObject { ["method"] = method, ["url"] = url };
        if (ifNoneExist is not null) request["ifNoneExist"] = ifNoneExist;
        return new JsonObject { ["fullUrl"] = fullUrl, ["resource"] = JsonNode.Parse(resourceJson), ["request"] = request };
    }

    private static string Bundle(string type, params JsonObject[] entries) =>
        new JsonObject { ["resourceType"] = "Bundle", ["type"] = type, ["entry"] = new JsonArray(entries) }.ToJsonString();

    [Fact]
    public async Task Transaction_creates_everything_and_rewrites_urn_uuid_references()
    {
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var needUrn = "urn:uuid:" + Guid.NewGuid();
        var goalUrn = "urn:uuid:" + Guid.NewGuid();
        var planUrn = "urn:uuid:" + Guid.NewGuid();
        var nhs = Build.NhsNumber();
        var bundle = Bundle("transaction",
            Entry(planUrn, Build.CarePlan("x", goals: [goalUrn], addresses: [needUrn]).Replace("Patient/x", patientUrn), "POST", "CarePlan"),
            Entry(goalUrn, Build.Goal("x", addresses: needUrn).Replace("Patient/x", patientUrn), "POST", "Goal"),
            Entry(needUrn, Build.Condition("x").Replace("Patient/x", patientUrn), "POST", "Condition"),
            Entry(patientUrn, Build.Patient(nhs), "POST", "Patient"));

        var (status, body) = await _fhir.PostAsync("", bundle);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("transaction-response", body["type"]!.GetValue<string>());
        var entries = body["entry"]!.AsArray();
        Assert.All(entries, e => Assert.Equal("201", e!["response"]!["status"]!.GetValue<string>()));
        string IdOf(int i) => entries[i]!["response"]!["location"]!.GetValue<string>().Split('/')[^3];

        var plan = await (await _fhir.GetAsync($"CarePlan/{IdOf(0)}")).JsonAsync();
        Assert.Equal($"Patient/{IdOf(3)}", plan["subject"]!["reference"]!.GetValue<string>());
        Assert.Equal($"Goal/{IdOf(1)}", plan["goal"]![0]!["reference"]!.GetValue<string>());
        Assert.Equal($"Condition/{IdOf(2)}", plan["addresses"]![0]!["reference"]!.GetValue<string>());

        var found = await _fhir.SearchAsync($"CarePlan?subject:Patient.identifier={nhs}&_include=CarePlan:goal");
        Assert.Equal([IdOf(0)], found.MatchIds());
        Assert.Equal([IdOf(1)], found.IncludedIds("Goal"));
    }

    [Fact]
    public async Task Failed_transaction_leaves_nothing_behind()
    {
        var tag = Unique();
        var orgUrn = "urn:uuid:" + Guid.NewGuid();
        var bundle = Bundle("transaction",
            Entry(orgUrn, Build.Organization("Atomic " + tag), "POST", "Organization"),
            Entry("urn:uuid:" + Guid.NewGuid(), Build.Observation("does-not-exist"), "POST", "Observation"));
        var (status, body) = await _fhir.PostAsync("", bundle);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Patient/does-not-exist", body.Issues());
        Assert.Contains("Entry 1", body.Issues());
        Assert.Equal(0, (await _fhir.SearchAsync($"Organization?name=Atomic {tag}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Transaction_with_an_unresolvable_urn_reference_is_rejected()
    {
        var bundle = Bundle("transaction",
            Entry("urn:uuid:" + Guid.NewGuid(), Build.Observation("x").Replace("Patient/x", "urn:uuid:" + Guid.NewGuid()), "POST", "Observation"));
        var (status, body) = await _fhir.PostAsync("", bundle);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("does not match the fullUrl", body.Issues());
    }

    [Fact]
    public async Task A_conditional_reference_needs_search_scope_on_the_type_it_searches()
    {
        var ods = "RXS" + Unique();
        await _fhir.CreateAsync("Organization", Build.Organization("Scoped trust", ods));
        var patient = await _fhir.CreateAsync("Patient", Build.Patient());
        var task = Build.Task(patient, owner: $"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|{ods}");
        var bundle = Bundle("transaction", Entry("urn:uuid:" + Guid.NewGuid(), task, "POST", "Task"));

        // Task create, but no Organization search: the reference would say whether such an Organization exists.
        var taskOnly = gateway.Fhir(new TokenSpec(Scope: "system/Task.cruds system/Patient.rs", ClientId: "task-only-" + Unique()));
        var (refused, outcome) = await taskOnly.PostAsync("", bundle);
        Assert.True(refused == HttpStatusCode.Forbidden, outcome.ToJsonString());
        Assert.Contains("Organization", outcome.Issues());

        var withSearch = gateway.Fhir(new TokenSpec(Scope: "system/Task.cruds system/Patient.rs system/Organization.s", ClientId: "task-search-" + Unique()));
        var (accepted, body) = await withSearch.PostAsync("", bundle);
        Assert.True(accepted == HttpStatusCode.OK, body.ToJsonString());
        // Rewritten to the Organization's id, although its criteria hold a URL (identifier system): such references
        // used to be stored as written.
        var location = body["entry"]![0]!["response"]!["location"]!.GetValue<string>();
        var stored = await (await _fhir.GetAsync(location[location.IndexOf("Task/", StringComparison.Ordinal)..].Split("/_history")[0])).JsonAsync();
        var organisation = (await _fhir.SearchAsync($"Organization?identifier={ods}")).MatchIds().Single();
        Assert.Equal($"Organization/{organisation}", stored["owner"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task Transaction_resolves_conditional_references_and_if_none_exist()
    {
        var ods = "RXX" + Unique();
        await _fhir.CreateAsync("Organization", Build.Organization("Existing trust", ods));
        var nhs = Build.NhsNumber();
        var patientUrn = "urn:uuid:" + Guid.NewGuid();
        var task = Build.Task("x", owner: $"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|{ods}").Replace("Patient/x", patientUrn);
        var bundle = Bundle("transaction",
            Entry(patientUrn, Build.Patient(nhs), "POST", "Patient", ifNoneExist: $"identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}"),
            Entry("urn:uuid:" + Guid.NewGuid(), task, "POST", "Task"));
        var (status, first) = await _fhir.PostAsync("", bundle);
        Assert.True(status == HttpStatusCode.OK, first.ToJsonString());

        // The same bundle again: the patient is found by If-None-Exist (200), not duplicated.
        var (status2, second) = await _fhir.PostAsync("", bundle);
        Assert.Equal(HttpStatusCode.OK, status2);
        Assert.Equal("200", second["entry"]![0]!["response"]!["status"]!.GetValue<string>());
        Assert.Equal(1, (await _fhir.SearchAsync($"Patient?identifier={nhs}"))["total"]!.GetValue<int>());
        Assert.Equal(2, (await _fhir.SearchAsync($"Task?patient.identifier={nhs}&owner.identifier={ods}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Transaction_can_update_and_delete_atomically()
    {
        var a = await _fhir.CreateAsync("Organization", Build.Organization("Keep"));
        var b = await _fhir.CreateAsync("Organization", Build.Organization("Remove"));
        var updated = JsonNode.Parse(Build.Organization("Kept and renamed"))!.AsObject();
        updated["id"] = a;
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray(
                new JsonObject { ["resource"] = updated, ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"Organization/{a}" } },
                new JsonObject { ["request"] = new JsonObject { ["method"] = "DELETE", ["url"] = $"Organization/{b}" } }),
        }.ToJsonString();
        var (status, body) = await _fhir.PostAsync("", bundle);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Kept and renamed", (await (await _fhir.GetAsync($"Organization/{a}")).JsonAsync())["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Gone, (await _fhir.GetAsync($"Organization/{b}")).StatusCode);
    }

    [Fact]
    public async Task Transaction_applies_fhirpath_and_json_patches_with_the_other_entries()
    {
        var a = await _fhir.CreateAsync("Organization", Build.Organization("Patch me"));
        var b = await _fhir.CreateAsync("Organization", Build.Organization("Json patch me"));
        var fhirPathPatch = JsonNode.Parse("""
            {"resourceType":"Parameters","parameter":[{"name":"operation","part":[
              {"name":"type","valueCode":"replace"},{"name":"path","valueString":"Organization.name"},{"name":"value","valueString":"Patched by FHIRPath"}]}]}
            """)!;
        var jsonPatch = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""[{"op":"replace","path":"/name","value":"Patched by JSON Patch"}]"""));
        var bundle = new JsonObject
        {
            ["resourceType"] = "Bundle", ["type"] = "transaction",
            ["entry"] = new JsonArray(
                new JsonObject { ["resource"] = fhirPathPatch, ["request"] = new JsonObject { ["method"] = "PATCH", ["url"] = $"Organization/{a}" } },
                new JsonObject
                {
                    ["resource"] = new JsonObject { ["resourceType"] = "Binary", ["contentType"] = "application/json-patch+json", ["data"] = jsonPatch },
                    ["request"] = new JsonObject { ["method"] = "PATCH", ["url"] = $"Organization/{b}" },
                }),
        }.ToJsonString();
        var (status, body) = await _fhir.PostAsync("", bundle);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal("Patched by FHIRPath", (await (await _fhir.GetAsync($"Organization/{a}")).JsonAsync())["name"]!.GetValue<string>());
        Assert.Equal("Patched by JSON Patch", (await (await _fhir.GetAsync($"Organization/{b}")).JsonAsync())["name"]!.GetValue<string>());
        Assert.Equal("PATCH", (await _fhir.SearchAsync($"Organization/{a}/_history"))["entry"]![0]!["request"]!["method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Batch_entries_succeed_or_fail_independently()
    {
        var good = Build.Organization("Batch good");
        var bundle = Bundle("batch",
            Entry("urn:uuid:" + Guid.NewGuid(), good, "POST", "Organization"),
            Entry("urn:uuid:" + Guid.NewGuid(), Build.Observation("missing-patient"), "POST", "Observation"),
            new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = "Organization?name=Batch good" } });
        var (status, body) = await _fhir.PostAsync("", bundle);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("batch-response", body["type"]!.GetValue<string>());
        var entries = body["entry"]!.AsArray();
        Assert.Equal("201", entries[0]!["response"]!["status"]!.GetValue<string>());
        Assert.Equal("422", entries[1]!["response"]!["status"]!.GetValue<string>());
        Assert.Equal("OperationOutcome", entries[1]!["response"]!["outcome"]!["resourceType"]!.GetValue<string>());
        Assert.Equal("200", entries[2]!["response"]!["status"]!.GetValue<string>());
        Assert.Equal("Bundle", entries[2]!["resource"]!["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_transaction_of_two_thousand_entries_is_accepted()
    {
        var tag = Unique();
        var entries = Enumerable.Range(0, 2000).Select(i => Entry("urn:uuid:" + Guid.NewGuid(), Build.Organization($"Bulk {tag} {i}"), "POST", "Organization")).ToArray();
        var (status, body) = await _fhir.PostAsync("", Bundle("transaction", entries));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString()[..Math.Min(500, body.ToJsonString().Length)]);
        Assert.Equal(2000, (await _fhir.SearchAsync($"Organization?name=Bulk {tag}&_summary=count"))["total"]!.GetValue<int>());
    }
}

[Collection("sqlite")] public sealed class SqliteBundleTests(SqliteGateway g) : BundleTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresBundleTests(PostgresGateway g) : BundleTests(g), IClassFixture<PostgresGateway>;
