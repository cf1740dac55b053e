using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.EndToEnd;

/// <summary>
/// Third-party data: the Synthea bulk export in ../shared/data/synthea-bulk loads through a transaction Bundle
/// (client ids kept with PUT), and afterwards every reference in it resolves on the server.
/// </summary>
[Collection("http")]
public sealed class SyntheaLoadTests(RealHttpGateway gateway) : IClassFixture<RealHttpGateway>
{
    [Fact]
    public async Task Synthea_ten_patient_export_loads_in_one_transaction_and_every_reference_resolves()
    {
        var folder = SharedData.Path("synthea-bulk", "10-patients");
        var resources = Directory.GetFiles(folder, "*.ndjson").Where(f => !f.EndsWith("log.ndjson"))
            .SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.True(resources.Count > 7000, $"expected the 10-patient export, got {resources.Count} resources");

        var entries = new JsonArray();
        foreach (var r in resources)
        {
            var type = r["resourceType"]!.GetValue<string>();
            var id = r["id"]!.GetValue<string>();
            entries.Add(new JsonObject
            {
                ["fullUrl"] = $"{type}/{id}",
                ["resource"] = r.DeepClone(),
                ["request"] = new JsonObject { ["method"] = "PUT", ["url"] = $"{type}/{id}" },
            });
        }
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries };

        using var http = gateway.RealClient();
        var response = await http.PostAsync("", FhirHttp.Body(bundle.ToJsonString()));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text[..Math.Min(2000, text.Length)]);
        var results = JsonNode.Parse(text)!["entry"]!.AsArray();
        Assert.Equal(resources.Count, results.Count);
        Assert.All(results, e => Assert.Equal("201", e!["response"]!["status"]!.GetValue<string>()));

        // Every reference the export makes resolves to a stored resource.
        var references = resources.SelectMany(r => References(r)).Distinct().ToList();
        Assert.NotEmpty(references);
        foreach (var group in references.GroupBy(r => r.Split('/')[0]))
        {
            var ids = group.Select(r => r.Split('/')[1]).Distinct().ToList();
            foreach (var chunk in ids.Chunk(100))
            {
                var found = JsonNode.Parse(await http.GetStringAsync($"{group.Key}?_id={string.Join(",", chunk)}&_count=100&_elements=id"))!;
                Assert.Equal(chunk.Length, found["total"]!.GetValue<int>());
            }
        }

        // Its conditional references (Organization?identifier=https://github.com/synthetichealth/synthea|...) name
        // Organizations of the same transaction: stored, they are plain references to those.
        var conditional = resources.First(r => r.ToJsonString().Contains("?identifier=", StringComparison.Ordinal));
        var stored = await http.GetStringAsync($"{conditional["resourceType"]!.GetValue<string>()}/{conditional["id"]!.GetValue<string>()}");
        Assert.DoesNotContain("?identifier=", stored, StringComparison.Ordinal);
        Assert.Contains("\"Organization/", stored, StringComparison.Ordinal);

        // And the searches a consumer would run over it work.
        var patientId = resources.First(r => r["resourceType"]!.GetValue<string>() == "Patient")["id"]!.GetValue<string>();
        var expectedConditions = resources.Count(r => r["resourceType"]!.GetValue<string>() == "Condition" && r["subject"]!["reference"]!.GetValue<string>() == $"Patient/{patientId}");
        var conditions = JsonNode.Parse(await http.GetStringAsync($"Condition?patient={patientId}&_summary=count"))!;
        Assert.Equal(expectedConditions, conditions["total"]!.GetValue<int>());
    }

    private static IEnumerable<string> References(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["reference"] is JsonValue v && v.GetValue<string>() is var s && !s.StartsWith('#') && s.Count(c => c == '/') == 1) yield return s;
                foreach (var (_, child) in o)
                    if (child is not null) foreach (var r in References(child)) yield return r;
                break;
            case JsonArray a:
                foreach (var child in a)
                    if (child is not null) foreach (var r in References(child)) yield return r;
                break;
        }
    }
}
