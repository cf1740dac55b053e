using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>Small helpers for talking FHIR JSON to the gateway in tests.</summary>
public static class FhirHttp
{
    public const string Json = "application/fhir+json";
    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private static readonly FhirJsonSerializer Serializer = new();

    public static StringContent Body(string json) => new(json, Encoding.UTF8, Json);
    public static StringContent Body(Resource r) => Body(Serializer.SerializeToString(r));

    public static async Task<JsonNode> JsonAsync(this HttpResponseMessage r) =>
        JsonNode.Parse(await r.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("empty body");

    public static async Task<T> ResourceAsync<T>(this HttpResponseMessage r) where T : Resource =>
        Parser.Deserialize<T>(await r.Content.ReadAsStringAsync());

    public static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(this HttpClient c, string url, string json)
    {
        var r = await c.PostAsync(url, Body(json));
        return (r.StatusCode, await r.JsonAsync());
    }

    /// <summary>Creates a resource and returns its server-assigned id; fails the test on anything but 201.</summary>
    public static async Task<string> CreateAsync(this HttpClient c, string type, string json)
    {
        var r = await c.PostAsync(type, Body(json));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.Created, $"create {type} gave {(int)r.StatusCode}: {text}");
        return JsonNode.Parse(text)!["id"]!.GetValue<string>();
    }

    public static async Task<JsonNode> SearchAsync(this HttpClient c, string query)
    {
        var r = await c.GetAsync(query);
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"GET {query} gave {(int)r.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    public static List<string> MatchIds(this JsonNode bundle, string? type = null) =>
        (bundle["entry"]?.AsArray() ?? [])
            .Where(e => e!["search"]?["mode"]?.GetValue<string>() == "match")
            .Select(e => e!["resource"]!)
            .Where(r => type is null || r["resourceType"]!.GetValue<string>() == type)
            .Select(r => r["id"]!.GetValue<string>()).ToList();

    public static List<string> IncludedIds(this JsonNode bundle, string type) =>
        (bundle["entry"]?.AsArray() ?? [])
            .Where(e => e!["search"]?["mode"]?.GetValue<string>() == "include" && e["resource"]!["resourceType"]!.GetValue<string>() == type)
            .Select(e => e!["resource"]!["id"]!.GetValue<string>()).ToList();

    public static string? Link(this JsonNode bundle, string relation) =>
        bundle["link"]?.AsArray().FirstOrDefault(l => l!["relation"]!.GetValue<string>() == relation)?["url"]?.GetValue<string>();

    public static string Issues(this JsonNode outcome) =>
        string.Join(" | ", (outcome["issue"]?.AsArray() ?? []).Select(i => i!["diagnostics"]?.GetValue<string>()));

    /// <summary>A unique token so tests sharing one database never see each other's data.</summary>
    public static string Unique() => Guid.NewGuid().ToString("N")[..10];
}
