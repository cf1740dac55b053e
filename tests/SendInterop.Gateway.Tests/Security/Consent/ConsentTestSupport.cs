using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>A response read to the end: status, body text and headers.</summary>
public sealed record Reply(HttpStatusCode Status, string Body, HttpResponseMessage Raw)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("empty body");

    public int? Total => Json["total"]?.GetValue<int>();

    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>HTTP helpers that state the purpose of use (and a break-glass reason) per request.</summary>
public static class ConsentHttp
{
    public const string PurposeHeader = "X-Purpose-Of-Use";
    public const string ReasonHeader = "X-Break-Glass-Reason";

    public static async Task<Reply> SendAs(this HttpClient c, HttpMethod method, string url, string? purpose = null, string? reason = null,
        HttpContent? content = null, Action<HttpRequestMessage>? tweak = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (purpose is not null) request.Headers.Add(PurposeHeader, purpose);
        if (reason is not null) request.Headers.Add(ReasonHeader, reason);
        tweak?.Invoke(request);
        var response = await c.SendAsync(request);
        return new Reply(response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    public static Task<Reply> GetAs(this HttpClient c, string url, string? purpose = null, string? reason = null) =>
        c.SendAs(HttpMethod.Get, url, purpose, reason);

    /// <summary>A search that must succeed (2xx) and return a Bundle.</summary>
    public static async Task<JsonNode> SearchAs(this HttpClient c, string url, string? purpose = null, string? reason = null)
    {
        var r = await c.GetAs(url, purpose, reason);
        Assert.True(r.Status == HttpStatusCode.OK, $"GET {url} gave {r}");
        var bundle = r.Json;
        Assert.Equal("Bundle", bundle["resourceType"]!.GetValue<string>());
        return bundle;
    }

    /// <summary>Creates and returns the id; fails the test on anything but 201.</summary>
    public static Task<string> Create(this HttpClient c, string type, string json) => c.CreateAsync(type, json);

    /// <summary>Creates and returns the stored body as the server answered it (for later byte comparison).</summary>
    public static async Task<(string Id, string Body)> CreateWithBody(this HttpClient c, string type, string json)
    {
        var r = await c.PostAsync(type, Body(json));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"create {type} gave {(int)r.StatusCode}: {text}");
        return (JsonNode.Parse(text)!["id"]!.GetValue<string>(), text);
    }

    /// <summary>
    /// The read of a hidden resource answers exactly as the read of an id that never existed: same status (404, the
    /// default HiddenReadStatus), same body apart from the id, no ETag or Last-Modified.
    /// </summary>
    public static async Task AssertReadsAsNonexistentAsync(this HttpClient c, string type, string id, string? purpose = null, string? reason = null)
    {
        var hidden = await c.GetAs($"{type}/{id}", purpose, reason);
        var ghostId = Guid.NewGuid().ToString();
        var ghost = await c.GetAs($"{type}/{ghostId}", purpose, reason);
        Assert.True(ghost.Status == HttpStatusCode.NotFound, $"read of a nonexistent {type} gave {ghost}");
        Assert.True(hidden.Status == HttpStatusCode.NotFound, $"read of hidden {type}/{id} gave {hidden}");
        Assert.Equal(ghost.Body.Replace(ghostId, "{id}", StringComparison.Ordinal), hidden.Body.Replace(id, "{id}", StringComparison.Ordinal));
        Assert.Equal(ghost.Raw.Content.Headers.ContentType?.ToString(), hidden.Raw.Content.Headers.ContentType?.ToString());
        Assert.Null(hidden.Raw.Headers.ETag);
        Assert.Null(hidden.Raw.Content.Headers.LastModified);
    }

    /// <summary>
    /// Sends <paramref name="template"/> with <c>{id}</c> replaced by <paramref name="id"/>, and again by an id that never
    /// existed; both answers must be the same status and the same body apart from the id. Returns the first.
    /// </summary>
    public static async Task<Reply> AssertLikeNonexistentAsync(this HttpClient c, HttpMethod method, string template, string id, string? purpose = null)
    {
        var real = await c.SendAs(method, template.Replace("{id}", id, StringComparison.Ordinal), purpose);
        var ghostId = Guid.NewGuid().ToString();
        var ghost = await c.SendAs(method, template.Replace("{id}", ghostId, StringComparison.Ordinal), purpose);
        Assert.True(ghost.Status == real.Status, $"{method} {template}: {real} but for an id that never existed {ghost}");
        Assert.Equal(ghost.Body.Replace(ghostId, "{id}", StringComparison.Ordinal), real.Body.Replace(id, "{id}", StringComparison.Ordinal));
        return real;
    }

    /// <summary>A read that must be permitted; returns the resource.</summary>
    public static async Task<JsonNode> AssertReadableAsync(this HttpClient c, string type, string id, string? purpose = null, string? reason = null)
    {
        var r = await c.GetAs($"{type}/{id}", purpose, reason);
        Assert.True(r.Status == HttpStatusCode.OK, $"read of {type}/{id} ({purpose}) gave {r}");
        Assert.Equal(id, r.Json["id"]!.GetValue<string>());
        return r.Json;
    }

    public static List<string> AllEntryIds(this JsonNode bundle) =>
        (bundle["entry"]?.AsArray() ?? []).Select(e => e?["resource"]?["id"]?.GetValue<string>()).OfType<string>().ToList();

    public static void AssertAbsent(string body, IEnumerable<string> ids)
    {
        foreach (var id in ids) Assert.False(body.Contains(id, StringComparison.Ordinal), $"{id} appears in: {body}");
    }
}

/// <summary>JSON for the resources of the worked cases, as each owning organisation's system would send them.</summary>
public static class ConsentJson
{
    public const string ProcessStepSystem = "https://fhir.sendinterop.org.uk/CodeSystem/ehc-process-step";
    public const string PlacementExtension = "https://fhir.sendinterop.org.uk/StructureDefinition/ehc-placement";
    public const string ActCode = SecurityLabels.ActCode;
    public const string ConsentScopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope";

    /// <summary>A birth date making the child <paramref name="years"/> years and <paramref name="months"/> months old today.</summary>
    public static string BirthDateForAge(int years, int months) =>
        DateTime.UtcNow.Date.AddYears(-years).AddMonths(-months).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Twelve: the parent decides.</summary>
    public static string Child12() => BirthDateForAge(12, 2);

    /// <summary>Seventeen and a half: well past the end of compulsory school age, the young person decides.</summary>
    public static string YoungPerson17() => BirthDateForAge(17, 6);

    public static string Patient(string family, string birthDate) => Build.Patient(family: family, given: "Child", birthDate: birthDate);

    public static string Parent(string childId) => new JsonObject
    {
        ["resourceType"] = "RelatedPerson",
        ["patient"] = Ref($"Patient/{childId}"),
        ["relationship"] = new JsonArray { Concept("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH") },
        ["name"] = new JsonArray { new JsonObject { ["family"] = "Parent", ["given"] = new JsonArray { "Pat" } } },
    }.ToJsonString();

    /// <summary>The LA's open EHC needs assessment for the child (the statutory basis of rule 9).</summary>
    public static string OpenAssessment(string childId, string la = ConsentGateway.La, string status = "active") => new JsonObject
    {
        ["resourceType"] = "ServiceRequest",
        ["status"] = status,
        ["intent"] = "order",
        ["code"] = Concept(ProcessStepSystem, "ehc-needs-assessment-request"),
        ["subject"] = Ref($"Patient/{childId}"),
        ["performer"] = new JsonArray { Ref($"Organization/{la}") },
        ["authoredOn"] = "2025-01-06",
    }.ToJsonString();

    /// <summary>An EHC plan (CarePlan) naming a school as placement and, optionally, contributing organisations.</summary>
    public static string Plan(string childId, string? placement = null, string[]? contributors = null, string description = "EHC plan sections B to K") =>
        new JsonObject
        {
            ["resourceType"] = "CarePlan",
            ["extension"] = placement is null ? null : new JsonArray { new JsonObject { ["url"] = PlacementExtension, ["valueReference"] = Ref($"Organization/{placement}") } },
            ["status"] = "active",
            ["intent"] = "plan",
            ["description"] = description,
            ["subject"] = Ref($"Patient/{childId}"),
            ["period"] = new JsonObject { ["start"] = "2025-02-01" },
            ["contributor"] = contributors is null ? null : new JsonArray(contributors.Select(o => (JsonNode)Ref($"Organization/{o}")).ToArray()),
        }.WithoutNulls();

    /// <summary>A patient-privacy Consent about the child recorded by <paramref name="performer"/> (RelatedPerson/... or Patient/...).</summary>
    public static string Consent(string childId, string performer, string type, string[]? actors = null, string[]? purposes = null,
        string[]? labels = null, string? dataPeriodStart = null, string? dataPeriodEnd = null) =>
        new JsonObject
        {
            ["resourceType"] = "Consent",
            ["status"] = "active",
            ["scope"] = Concept(ConsentScopeSystem, "patient-privacy"),
            ["category"] = new JsonArray { Concept("http://loinc.org", "59284-0") },
            ["patient"] = Ref($"Patient/{childId}"),
            ["dateTime"] = "2025-01-10T09:00:00Z",
            ["performer"] = new JsonArray { Ref(performer) },
            ["policyRule"] = Concept(ActCode, type == "permit" ? "OPTIN" : "OPTOUT"),
            ["provision"] = new JsonObject
            {
                ["type"] = type,
                ["actor"] = actors is null ? null : new JsonArray(actors.Select(a => (JsonNode)new JsonObject
                {
                    ["role"] = Concept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP"),
                    ["reference"] = Ref($"Organization/{a}"),
                }).ToArray()),
                ["purpose"] = purposes is null ? null : new JsonArray(purposes.Select(p => (JsonNode)new JsonObject { ["system"] = PurposesOfUse.System, ["code"] = p }).ToArray()),
                ["securityLabel"] = labels is null ? null : new JsonArray(labels.Select(l => (JsonNode)new JsonObject { ["system"] = ActCode, ["code"] = l }).ToArray()),
                ["dataPeriod"] = dataPeriodStart is null && dataPeriodEnd is null ? null : new JsonObject { ["start"] = dataPeriodStart, ["end"] = dataPeriodEnd }.WithoutNullsNode(),
            }.WithoutNullsNode(),
        }.WithoutNulls();

    /// <summary>A clinical document (advice, treatment notes) about the child, with optional v3-ActCode labels.</summary>
    public static string Document(string childId, string description, params string[] labels) => new JsonObject
    {
        ["resourceType"] = "DocumentReference",
        ["meta"] = Labels(labels),
        ["status"] = "current",
        ["type"] = new JsonObject { ["text"] = description },
        ["subject"] = Ref($"Patient/{childId}"),
        ["date"] = "2025-02-03T10:00:00Z",
        ["description"] = description,
        ["content"] = new JsonArray
        {
            new JsonObject { ["attachment"] = new JsonObject { ["contentType"] = "text/plain", ["data"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(description)) } },
        },
    }.WithoutNulls();

    public static string Observation(string childId, string code = "progress", string effective = "2025-01-15", string[]? labels = null,
        string category = "survey", string? encounter = null, string? hasMember = null, string? derivedFrom = null, string? identifier = null, string? text = null) =>
        new JsonObject
        {
            ["resourceType"] = "Observation",
            ["meta"] = Labels(labels ?? []),
            ["identifier"] = identifier is null ? null : new JsonArray { new JsonObject { ["system"] = "https://example.org/observation-id", ["value"] = identifier } },
            ["status"] = "final",
            ["category"] = new JsonArray { Concept("http://terminology.hl7.org/CodeSystem/observation-category", category) },
            ["code"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "https://example.org/progress", ["code"] = code } }, ["text"] = text },
            ["subject"] = Ref($"Patient/{childId}"),
            ["encounter"] = encounter is null ? null : Ref($"Encounter/{encounter}"),
            ["effectiveDateTime"] = effective,
            ["valueString"] = text ?? "within expected range",
            ["hasMember"] = hasMember is null ? null : new JsonArray { Ref($"Observation/{hasMember}") },
            ["derivedFrom"] = derivedFrom is null ? null : new JsonArray { Ref($"Observation/{derivedFrom}") },
        }.WithoutNulls();

    public static string Encounter(string childId) => new JsonObject
    {
        ["resourceType"] = "Encounter",
        ["status"] = "finished",
        ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
        ["subject"] = Ref($"Patient/{childId}"),
    }.ToJsonString();

    public static JsonObject Ref(string reference) => new() { ["reference"] = reference };

    public static JsonObject Concept(string system, string code) => new() { ["coding"] = new JsonArray { new JsonObject { ["system"] = system, ["code"] = code } } };

    private static JsonObject? Labels(string[] labels) => labels.Length == 0 ? null : new JsonObject
    {
        ["security"] = new JsonArray(labels.Select(l => (JsonNode)new JsonObject { ["system"] = ActCode, ["code"] = l }).ToArray()),
    };

    public static string WithoutNulls(this JsonObject o) => o.WithoutNullsNode().ToJsonString();

    /// <summary>Removes null members at every depth (FHIR JSON has no nulls; the builders use them for optional elements).</summary>
    public static JsonObject WithoutNullsNode(this JsonObject o)
    {
        foreach (var key in o.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList()) o.Remove(key);
        foreach (var (_, value) in o) Strip(value);
        return o;
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj: obj.WithoutNullsNode(); break;
            case JsonArray array:
                foreach (var item in array) Strip(item);
                break;
        }
    }
}
