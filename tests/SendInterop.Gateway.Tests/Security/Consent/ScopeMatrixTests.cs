using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentJson;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// SMART scopes × interactions × resource types, against a small table written here (not the production parser). The
/// data belongs to the requester's own organisation (la-935), so the consent gate permits and the scopes alone decide:
/// 403 with an OperationOutcome when the scope lacks the permission, the interaction's success otherwise.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class ScopeMatrixTests(ConsentGateway gateway)
{
    private const string Org = OtherLa;
    private const string JsonPatch = "application/json-patch+json";

    /// <summary>What each scope grants: resource type (or *) → permission letters.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> Grants = new()
    {
        ["system/Patient.r"] = new() { ["Patient"] = "r" },
        ["system/Patient.rs"] = new() { ["Patient"] = "rs" },
        ["system/Patient.c"] = new() { ["Patient"] = "c" },
        ["system/Patient.cu"] = new() { ["Patient"] = "cu" },
        ["system/*.rs"] = new() { ["*"] = "rs" },
        ["system/Observation.rs?category=laboratory"] = new() { ["Observation"] = "rs" },
        ["patient/Observation.rs"] = new() { ["Observation"] = "rs" },
        ["user/CarePlan.cruds"] = new() { ["CarePlan"] = "cruds" },
    };

    /// <summary>The permission each interaction needs (ADR 3, "How the gateway enforces it").</summary>
    private static readonly Dictionary<string, char> Needs = new()
    {
        ["read"] = 'r', ["search"] = 's', ["create"] = 'c', ["update"] = 'u', ["update-as-create"] = 'u', ["patch"] = 'u',
        ["delete"] = 'd', ["history-instance"] = 'r', ["history-type"] = 's', ["batch-read"] = 'r', ["transaction-update"] = 'u',
        ["include"] = 's', ["validate-instance"] = 'r',
    };

    private static readonly string[] Types = ["Patient", "Observation", "CarePlan"];

    private static bool Allows(string scope, string type, char letter)
    {
        var table = Grants[scope];
        return (table.TryGetValue(type, out var l) || table.TryGetValue("*", out l)) && l.Contains(letter);
    }

    public static TheoryData<string, string, string> Matrix()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var scope in Grants.Keys)
            foreach (var type in Types)
                foreach (var interaction in Needs.Keys)
                    data.Add(scope, type, interaction);
        return data;
    }

    private sealed record Seed(string Patient, string Lab, string Plan, Dictionary<string, string> Bodies)
    {
        public string Target(string type) => type switch { "Patient" => Patient, "Observation" => Lab, _ => Plan };
    }

    private HttpClient Owner => gateway.As(Org);

    private string NewBody(string patient, string type) => type switch
    {
        "Patient" => Build.Patient(birthDate: Child12()),
        "Observation" => ConsentJson.Observation(patient, code: "lab-" + Unique(), category: "laboratory"),
        _ => Plan(patient),
    };

    private Task<Seed> SeedAsync() => gateway.SharedAsync("scope-matrix", async () =>
    {
        var owner = Owner;
        var patientJson = Build.Patient(birthDate: Child12());
        var patient = await owner.Create("Patient", patientJson);
        var labJson = ConsentJson.Observation(patient, code: "haemoglobin", category: "laboratory");
        var lab = await owner.Create("Observation", labJson);
        var planJson = Plan(patient);
        var plan = await owner.Create("CarePlan", planJson);
        return new Seed(patient, lab, plan, new()
        {
            ["Patient"] = WithId(patientJson, patient), ["Observation"] = WithId(labJson, lab), ["CarePlan"] = WithId(planJson, plan),
        });
    });

    private HttpClient Requester(string scope, string patient) =>
        gateway.As(Org, scope: scope, patient: scope.StartsWith("patient/", StringComparison.Ordinal) ? patient : null);

    private static string WithId(string json, string id)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        o["id"] = id;
        return o.ToJsonString();
    }

    private static void AssertForbidden(Reply r, string what)
    {
        Assert.True(r.Status == HttpStatusCode.Forbidden, $"{what}: expected 403, got {r}");
        var outcome = r.Json;
        Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
        Assert.Equal("forbidden", outcome["issue"]![0]!["code"]!.GetValue<string>());
    }

    private static void AssertStatus(Reply r, HttpStatusCode expected, string what) =>
        Assert.True(r.Status == expected, $"{what}: expected {(int)expected}, got {r}");

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Scopes_decide_every_interaction(string scope, string type, string interaction)
    {
        var seed = await SeedAsync();
        var client = Requester(scope, seed.Patient);
        var id = seed.Target(type);
        var allowed = Allows(scope, type, Needs[interaction]);
        var what = $"{scope} {interaction} {type}";

        switch (interaction)
        {
            case "read":
            {
                var r = await client.GetAs($"{type}/{id}");
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                Assert.Equal(id, r.Json["id"]!.GetValue<string>());
                break;
            }
            case "search":
            {
                var r = await client.GetAs($"{type}?_id={id}");
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                Assert.Equal(1, r.Total);
                Assert.Equal([id], r.Json.MatchIds());
                break;
            }
            case "create":
            {
                var r = await client.SendAs(HttpMethod.Post, type, content: Body(NewBody(seed.Patient, type)));
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.Created, what);
                break;
            }
            case "update":
            {
                var r = await client.SendAs(HttpMethod.Put, $"{type}/{id}", content: Body(seed.Bodies[type]));
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                break;
            }
            case "update-as-create":
            {
                var newId = Guid.NewGuid().ToString();
                var r = await client.SendAs(HttpMethod.Put, $"{type}/{newId}", content: Body(WithId(NewBody(seed.Patient, type), newId)));
                if (!allowed)
                {
                    AssertForbidden(r, what);
                    Assert.Equal(HttpStatusCode.NotFound, (await Owner.GetAs($"{type}/{newId}")).Status);
                    break;
                }
                // Scopes allow it, but these types get server ids (WriteTargets): a client-chosen new id is a 404.
                AssertStatus(r, HttpStatusCode.NotFound, what);
                break;
            }
            case "patch":
            {
                var doc = type switch
                {
                    "Patient" => """[{"op":"replace","path":"/gender","value":"female"}]""",
                    "Observation" => """[{"op":"replace","path":"/status","value":"final"}]""",
                    _ => """[{"op":"replace","path":"/status","value":"active"}]""",
                };
                var r = await client.SendAs(HttpMethod.Patch, $"{type}/{id}", content: new StringContent(doc, Encoding.UTF8, JsonPatch));
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                break;
            }
            case "delete":
            {
                // A fresh resource each time, so the shared ones stay.
                var victim = await Owner.Create(type, NewBody(seed.Patient, type));
                var r = await client.SendAs(HttpMethod.Delete, $"{type}/{victim}");
                var after = await Owner.GetAs($"{type}/{victim}");
                if (!allowed)
                {
                    AssertForbidden(r, what);
                    AssertStatus(after, HttpStatusCode.OK, what + " (still there)");
                    break;
                }
                AssertStatus(r, HttpStatusCode.NoContent, what);
                AssertStatus(after, HttpStatusCode.Gone, what + " (gone)");
                break;
            }
            case "validate-instance":
            {
                // Validating a stored resource is a read of it (ADR 3): the read scope, not a write scope.
                var r = await client.GetAs($"{type}/{id}/$validate");
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                Assert.Equal("OperationOutcome", r.Json["resourceType"]!.GetValue<string>());
                break;
            }
            case "history-instance":
            {
                var r = await client.GetAs($"{type}/{id}/_history");
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                Assert.Equal("history", r.Json["type"]!.GetValue<string>());
                Assert.NotEmpty(r.Json["entry"]!.AsArray());
                Assert.All(r.Json.AllEntryIds(), e => Assert.Equal(id, e));
                break;
            }
            case "history-type":
            {
                var r = await client.GetAs($"{type}/_history?_count=5");
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                Assert.Equal("history", r.Json["type"]!.GetValue<string>());
                break;
            }
            case "batch-read":
            {
                var batch = new JsonObject
                {
                    ["resourceType"] = "Bundle", ["type"] = "batch",
                    ["entry"] = new JsonArray { new JsonObject { ["request"] = new JsonObject { ["method"] = "GET", ["url"] = $"{type}/{id}" } } },
                };
                var r = await client.SendAs(HttpMethod.Post, "", content: Body(batch.ToJsonString()));
                AssertStatus(r, HttpStatusCode.OK, what);
                var entry = r.Json["entry"]![0]!;
                var status = entry["response"]!["status"]!.GetValue<string>();
                if (!allowed)
                {
                    Assert.True(status.StartsWith("403", StringComparison.Ordinal), $"{what}: entry status {status}");
                    Assert.Equal("OperationOutcome", entry["response"]!["outcome"]!["resourceType"]!.GetValue<string>());
                    Assert.Null(entry["resource"]);
                    break;
                }
                Assert.StartsWith("200", status);
                Assert.Equal(id, entry["resource"]!["id"]!.GetValue<string>());
                break;
            }
            case "transaction-update":
            {
                var transaction = new JsonObject
                {
                    ["resourceType"] = "Bundle", ["type"] = "transaction",
                    ["entry"] = new JsonArray
                    {
                        new JsonObject
                        {
                            ["resource"] = JsonNode.Parse(seed.Bodies[type]),
                            ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{type}/{id}" },
                        },
                    },
                };
                var r = await client.SendAs(HttpMethod.Post, "", content: Body(transaction.ToJsonString()));
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                Assert.StartsWith("200", r.Json["entry"]![0]!["response"]!["status"]!.GetValue<string>());
                break;
            }
            case "include":
            {
                var (query, includedType) = type switch
                {
                    "Patient" => ($"Patient?_id={id}&_revinclude=Observation:subject", "Observation"),
                    "Observation" => ($"Observation?_id={id}&_include=Observation:subject", "Patient"),
                    _ => ($"CarePlan?_id={id}&_include=CarePlan:subject", "Patient"),
                };
                var r = await client.GetAs(query);
                if (!allowed) { AssertForbidden(r, what); break; }
                AssertStatus(r, HttpStatusCode.OK, what);
                Assert.Equal([id], r.Json.MatchIds());
                var included = r.Json.IncludedIds(includedType);
                if (Allows(scope, includedType, 'r')) Assert.NotEmpty(included);
                else Assert.Empty(included);
                break;
            }
            default:
                throw new InvalidOperationException(interaction);
        }
    }

    [Fact]
    public async Task A_category_constrained_scope_sees_only_laboratory_observations()
    {
        var owner = Owner;
        var patient = await owner.Create("Patient", Build.Patient(birthDate: Child12()));
        var lab1 = await owner.Create("Observation", ConsentJson.Observation(patient, code: "hb", category: "laboratory"));
        var lab2 = await owner.Create("Observation", ConsentJson.Observation(patient, code: "ferritin", category: "laboratory"));
        var survey = await owner.Create("Observation", ConsentJson.Observation(patient, code: "wellbeing", category: "survey"));
        var client = gateway.As(Org, scope: "system/Observation.rs?category=laboratory");

        var all = await client.SearchAs($"Observation?patient={patient}");
        Assert.Equal(2, all["total"]!.GetValue<int>());
        Assert.Equal(new[] { lab1, lab2 }.Order(), all.MatchIds().Order());
        Assert.DoesNotContain(survey, all.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.SearchAs($"Observation?patient={patient}&category=survey"))["total"]!.GetValue<int>());

        await client.AssertReadableAsync("Observation", lab1);
        await client.AssertReadsAsNonexistentAsync("Observation", survey);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAs($"Observation/{survey}/_history")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAs($"Observation/{survey}/_history/1")).Status);

        var history = await client.SearchAs("Observation/_history?_count=200");
        Assert.DoesNotContain(survey, history.ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(lab1, history.AllEntryIds());

        // The audit says why the survey Observation was withheld from the read: the scope, not a consent permit.
        var reader = gateway.Services.GetRequiredService<SendInterop.Storage.Audit.IAuditLogReader>();
        var entries = (await reader.SearchAsync(new SendInterop.Storage.Audit.AuditLogQuery(PatientId: patient, Count: 200))).Entries;
        var aboutSurvey = entries.Select(e => Encoding.UTF8.GetString(e.Json)).Where(j => j.Contains("Observation/" + survey, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(aboutSurvey);
        Assert.All(aboutSurvey, j => Assert.Contains("\"outcomeDesc\":\"scopes\"", j, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_patient_scope_reaches_only_the_patient_in_context()
    {
        var owner = Owner;
        var inContext = await owner.Create("Patient", Build.Patient(birthDate: Child12()));
        var other = await owner.Create("Patient", Build.Patient(birthDate: Child12()));
        var mine = await owner.Create("Observation", ConsentJson.Observation(inContext, code: "mine"));
        var theirs = await owner.Create("Observation", ConsentJson.Observation(other, code: "theirs"));
        var client = gateway.As(Org, scope: "patient/Observation.rs", patient: inContext);

        await client.AssertReadableAsync("Observation", mine);
        await client.AssertReadsAsNonexistentAsync("Observation", theirs);
        Assert.Equal([mine], (await client.SearchAs($"Observation?patient={inContext}")).MatchIds());
        var others = await client.SearchAs($"Observation?patient={other}");
        Assert.Equal(0, others["total"]!.GetValue<int>());
        var everything = await client.SearchAs("Observation?_count=200");
        Assert.Equal([mine], everything.MatchIds());
        Assert.Equal(1, everything["total"]!.GetValue<int>());
        var history = await client.SearchAs("Observation/_history?_count=200");
        Assert.DoesNotContain(theirs, history.ToJsonString(), StringComparison.Ordinal);
        // The scope covers Observation only: the Patient itself is out of reach.
        AssertForbidden(await client.GetAs($"Patient/{inContext}"), "patient/Observation.rs read Patient");
    }

    [Fact]
    public async Task Two_differently_constrained_scopes_for_one_search_are_refused()
    {
        var client = gateway.As(Org, scope: "system/Observation.rs?category=laboratory system/Observation.rs?category=vital-signs");
        AssertForbidden(await client.GetAs("Observation?_count=1"), "two constrained scopes");
    }
}
