using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Statutory;
using SendInterop.Gateway.Tests.Identity;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Statutory;

/// <summary>Builds a child's EHC record through the API the way an LA case management system would.</summary>
public sealed class EhcRecord(HttpClient fhir, string la = StatutoryGateway.La)
{
    public const string StepCodeSearch = StatutoryCanonical.StepCodeSystem + "|";

    public static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task<string> ChildAsync() =>
        await fhir.CreateAsync("Patient", Children.Patient("Ada", Children.Family(), Children.BirthDate(), postcode: Children.Postcode()).ToJsonString());

    public static JsonObject Request(string patientId, DateOnly received, string la = StatutoryGateway.La, DateOnly? withdrawn = null)
    {
        var request = new JsonObject
        {
            ["resourceType"] = "ServiceRequest",
            ["status"] = withdrawn is null ? "active" : "revoked",
            ["intent"] = "order",
            ["code"] = Concept(EhcRecordVocabulary.ProcessStepSystem, EhcRecordVocabulary.RequestForAssessment),
            ["subject"] = Ref($"Patient/{patientId}"),
            ["authoredOn"] = Day(received),
            ["performer"] = new JsonArray { Ref($"Organization/{la}") },
        };
        if (withdrawn is { } w)
            request["extension"] = new JsonArray { new JsonObject { ["url"] = StatutoryCanonical.Extensions.RequestWithdrawn, ["valueDate"] = Day(w) } };
        return request;
    }

    public async Task<string> RequestAsync(string patientId, DateOnly received) =>
        await fhir.CreateAsync("ServiceRequest", Request(patientId, received, la).ToJsonString());

    /// <summary>The LA's own step record: the decision to assess, made and notified on <paramref name="decided"/>.</summary>
    public async Task<string> DecisionAsync(string patientId, string requestId, DateOnly received, DateOnly decided, bool toAssess = true) =>
        await fhir.CreateAsync("Task", new JsonObject
        {
            ["resourceType"] = "Task",
            ["status"] = "completed",
            ["intent"] = "order",
            ["code"] = Concept(EhcRecordVocabulary.ProcessStepSystem, EhcRecordVocabulary.DecideToAssess),
            ["businessStatus"] = Concept(EhcRecordVocabulary.StepStatusSystem, toAssess ? "decided-to-assess" : EhcRecordVocabulary.DecidedNotToAssess),
            ["focus"] = Ref($"ServiceRequest/{requestId}"),
            ["for"] = Ref($"Patient/{patientId}"),
            ["executionPeriod"] = new JsonObject { ["start"] = Day(received), ["end"] = Day(decided) },
        }.ToJsonString());

    public async Task PutAsync(string type, string id, JsonObject body)
    {
        body["id"] = id;
        var r = await fhir.PutAsync($"{type}/{id}", Body(body.ToJsonString()));
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"PUT {type}/{id} gave {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
    }

    /// <summary>The child's statutory Tasks as <paramref name="reader"/> sees them, by step code.</summary>
    public static async Task<Dictionary<string, JsonNode>> StatutoryTasksAsync(HttpClient reader, string patientId)
    {
        var bundle = await reader.SearchAsync($"Task?subject=Patient/{patientId}&code={StepCodeSearch}&_count=100");
        return (bundle["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!)
            .ToDictionary(t => Step(t), t => t, StringComparer.Ordinal);
    }

    /// <summary>"decision-to-assess", or "advice:{key}" for a keyed step (from the business identifier).</summary>
    public static string Step(JsonNode task)
    {
        var value = task["identifier"]![0]!["value"]!.GetValue<string>();
        return value[(value.IndexOf(':') + 1)..];
    }

    public static string? Code(JsonNode? concept) => concept?["coding"]?[0]?["code"]?.GetValue<string>();

    public static string Owner(JsonNode resource) =>
        resource["meta"]!["tag"]!.AsArray().First(t => t!["system"]!.GetValue<string>() == Domain.Access.Gate.OwnershipTags.System)!["code"]!.GetValue<string>();

    public static string IdFor(string requestId, string step) => StatutoryTasks.IdFor($"{requestId}:{step}");

    private static JsonObject Ref(string reference) => new() { ["reference"] = reference };

    private static JsonObject Concept(string system, string code) =>
        new() { ["coding"] = new JsonArray { new JsonObject { ["system"] = system, ["code"] = code } } };
}
