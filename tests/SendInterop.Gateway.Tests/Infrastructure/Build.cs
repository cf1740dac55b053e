using System.Text.Json.Nodes;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>Test builders for the FHIR resources the SEND tests use (JSON, as a client would send it).</summary>
public static class Build
{
    /// <summary>Serialises without the null members the builders use for optional elements (FHIR JSON forbids nulls).</summary>
    private static string ToFhirJson(this JsonObject o)
    {
        foreach (var key in o.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList()) o.Remove(key);
        return o.ToJsonString();
    }

    private static int _serial = Random.Shared.Next(1_000_000, 9_000_000);

    /// <summary>A valid test-range NHS number (999...), unique per call.</summary>
    public static string NhsNumber()
    {
        while (true)
        {
            var n = Interlocked.Increment(ref _serial);
            var candidate = Domain.Identifiers.NhsNumber.FromFirstNineDigits("99" + (n % 10_000_000).ToString("D7"));
            if (candidate is { } valid) return valid.Value;
        }
    }

    public static string Patient(string? nhs = null, string family = "Example", string given = "Child", string birthDate = "2015-03-14", string? extraIdentifierSystem = null, string? extraIdentifierValue = null)
    {
        var identifiers = new JsonArray { new JsonObject { ["system"] = IdentifierSystems.NhsNumber, ["value"] = nhs ?? NhsNumber() } };
        if (extraIdentifierSystem is not null) identifiers.Add(new JsonObject { ["system"] = extraIdentifierSystem, ["value"] = extraIdentifierValue });
        return new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = identifiers,
            ["name"] = new JsonArray { new JsonObject { ["family"] = family, ["given"] = new JsonArray { given } } },
            ["gender"] = "female",
            ["birthDate"] = birthDate,
        }.ToFhirJson();
    }

    public static string Observation(string patientId, string code = "progress", string status = "final", string effective = "2024-05-01", string? category = "survey") =>
        new JsonObject
        {
            ["resourceType"] = "Observation",
            ["status"] = status,
            ["category"] = category is null ? null : new JsonArray { new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/observation-category", ["code"] = category } } } },
            ["code"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "https://example.org/progress", ["code"] = code } } },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["effectiveDateTime"] = effective,
            ["valueQuantity"] = new JsonObject { ["value"] = 3, ["unit"] = "score" },
        }.ToFhirJson();

    public static string Task(string patientId, string status = "requested", string? owner = null, string? focus = null, string due = "2025-01-10", string code = "advice-request") =>
        new JsonObject
        {
            ["resourceType"] = "Task",
            ["status"] = status,
            ["intent"] = "order",
            ["code"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "https://example.org/ehc-step", ["code"] = code } } },
            ["for"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["focus"] = focus is null ? null : new JsonObject { ["reference"] = focus },
            ["owner"] = owner is null ? null : new JsonObject { ["reference"] = owner },
            ["restriction"] = new JsonObject { ["period"] = new JsonObject { ["end"] = due } },
        }.ToFhirJson();

    public static string ServiceRequest(string patientId, string authoredOn = "2024-09-02", string intent = "order", string status = "active") =>
        new JsonObject
        {
            ["resourceType"] = "ServiceRequest",
            ["status"] = status,
            ["intent"] = intent,
            ["code"] = new JsonObject { ["text"] = "Request for EHC needs assessment" },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["authoredOn"] = authoredOn,
        }.ToFhirJson();

    public static string Organization(string name, string? odsCode = null) =>
        new JsonObject
        {
            ["resourceType"] = "Organization",
            ["identifier"] = new JsonArray { new JsonObject { ["system"] = "https://fhir.nhs.uk/Id/ods-organization-code", ["value"] = odsCode ?? FhirHttp.Unique() } },
            ["name"] = name,
        }.ToFhirJson();

    public static string Condition(string patientId, string code = "ASD", string? category = "problem-list-item") =>
        new JsonObject
        {
            ["resourceType"] = "Condition",
            ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-clinical", ["code"] = "active" } } },
            ["category"] = category is null ? null : new JsonArray { new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-category", ["code"] = category } } } },
            ["code"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "https://example.org/need", ["code"] = code } } },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        }.ToFhirJson();

    public static string Goal(string patientId, string? addresses = null, string description = "Communicates needs to familiar adults") =>
        new JsonObject
        {
            ["resourceType"] = "Goal",
            ["lifecycleStatus"] = "active",
            ["description"] = new JsonObject { ["text"] = description },
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["addresses"] = addresses is null ? null : new JsonArray { new JsonObject { ["reference"] = addresses } },
        }.ToFhirJson();

    public static string CarePlan(string patientId, string status = "active", string start = "2024-06-01", string[]? goals = null, string[]? addresses = null) =>
        new JsonObject
        {
            ["resourceType"] = "CarePlan",
            ["status"] = status,
            ["intent"] = "plan",
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
            ["period"] = new JsonObject { ["start"] = start },
            ["goal"] = goals is null ? null : new JsonArray(goals.Select(g => (JsonNode)new JsonObject { ["reference"] = g }).ToArray()),
            ["addresses"] = addresses is null ? null : new JsonArray(addresses.Select(g => (JsonNode)new JsonObject { ["reference"] = g }).ToArray()),
        }.ToFhirJson();
}
