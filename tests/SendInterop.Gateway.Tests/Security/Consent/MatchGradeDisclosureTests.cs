using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Identity;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// <c>Patient/$match</c> grades what the requester may see as if nothing else existed. The twin guard (a probe without a
/// given name that auto-links to two records that must stay apart is only "possible") ran over every candidate, so a
/// hidden twin held by another organisation turned the requester's own "certain" into "possible" (found by review).
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class MatchGradeDisclosureTests(ConsentGateway gateway)
{
    private static JsonObject Probe(string family, string birthDate, string postcode) => new()
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray
        {
            new JsonObject
            {
                ["name"] = "resource",
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "Patient", ["gender"] = "female", ["birthDate"] = birthDate,
                    ["name"] = new JsonArray { new JsonObject { ["family"] = family } },
                    ["address"] = new JsonArray { new JsonObject { ["city"] = "Norwich", ["postalCode"] = postcode } },
                },
            },
        },
    };

    private static async Task<List<(string Id, string Grade)>> MatchAsync(HttpClient client, string family, string birthDate, string postcode)
    {
        var r = await client.PostAsync("Patient/$match", Body(Probe(family, birthDate, postcode).ToJsonString()));
        var text = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode}: {text}");
        return (JsonNode.Parse(text)!["entry"]?.AsArray() ?? []).Select(e => (
            e!["resource"]!["id"]!.GetValue<string>(),
            e["search"]!["extension"]!.AsArray().First(x => x!["url"]!.GetValue<string>().EndsWith("match-grade", StringComparison.Ordinal))!["valueCode"]!.GetValue<string>())).ToList();
    }

    [Fact]
    public async Task A_hidden_twin_does_not_change_the_grade_of_a_visible_record_but_a_visible_twin_does()
    {
        var la = gateway.As(La);
        var outsider = gateway.As(Outsider, clientId: "match-outsider");

        // The requester's own record, and another organisation's hidden twin of it.
        var (family, birthDate, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var mine = await outsider.CreateAsync("Patient", Children.Patient("Hannah", family, birthDate, postcode: postcode).ToJsonString());
        await la.CreateAsync("Patient", Children.Patient("Matilda", family, birthDate, postcode: postcode).ToJsonString());
        Assert.Equal([(mine, "certain")], await MatchAsync(outsider, family, birthDate, postcode));

        // The control: both twins the requester's own, so the guard has something to see (and demotes both).
        var (family2, birthDate2, postcode2) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        await outsider.CreateAsync("Patient", Children.Patient("Hannah", family2, birthDate2, postcode: postcode2).ToJsonString());
        await outsider.CreateAsync("Patient", Children.Patient("Matilda", family2, birthDate2, postcode: postcode2).ToJsonString());
        var both = await MatchAsync(outsider, family2, birthDate2, postcode2);
        Assert.Equal(2, both.Count);
        Assert.All(both, m => Assert.NotEqual("certain", m.Grade));
    }
}
