using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Api;

/// <summary>Configured limits and policies, health probes, and what reaches the logs.</summary>
[Collection("sqlite")]
public sealed class ConfiguredLimitsTests(ConfiguredGateway gateway) : IClassFixture<ConfiguredGateway>
{
    private readonly HttpClient _fhir = gateway.Fhir();

    [Fact]
    public async Task Update_without_if_match_is_428_when_the_server_requires_it()
    {
        var id = await _fhir.CreateAsync("Organization", Build.Organization("Needs If-Match"));
        var org = JsonNode.Parse(Build.Organization("Changed"))!.AsObject();
        org["id"] = id;
        var blind = await _fhir.PutAsync($"Organization/{id}", Body(org.ToJsonString()));
        Assert.Equal((HttpStatusCode)428, blind.StatusCode);
        Assert.Contains("If-Match", (await blind.JsonAsync()).Issues());
        Assert.Equal((HttpStatusCode)428, (await _fhir.DeleteAsync($"Organization/{id}")).StatusCode);

        var careful = new HttpRequestMessage(HttpMethod.Put, $"Organization/{id}") { Content = Body(org.ToJsonString()) };
        careful.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        Assert.Equal(HttpStatusCode.OK, (await _fhir.SendAsync(careful)).StatusCode);
        Assert.Equal("Changed", (await (await _fhir.GetAsync($"Organization/{id}")).JsonAsync())["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_chain_reaching_more_permitted_targets_than_configured_is_400_and_hidden_targets_do_not_count()
    {
        var family = "Chainwide" + Unique();
        var code = "chainwide-" + Unique();
        for (var i = 0; i < 4; i++)
            await _fhir.CreateAsync("Observation", Build.Observation(await _fhir.CreateAsync("Patient", Build.Patient(family: family)), code: code));
        var wide = await _fhir.GetAsync($"Observation?code={code}&subject:Patient.family={family}");
        Assert.Equal(HttpStatusCode.BadRequest, wide.StatusCode);
        var issues = (await wide.JsonAsync()).Issues();
        Assert.Contains("subject:Patient.family", issues);
        Assert.Contains("more than 3", issues);
        Assert.DoesNotContain(family, issues);

        // Another organisation that sees none of those Patients: they are not counted against its limit.
        var other = gateway.Fhir(new TokenSpec(Organisation: "ods-ZZZ", Agency: "health"));
        var own = await other.CreateAsync("Patient", Build.Patient(family: family));
        var mine = await other.CreateAsync("Observation", Build.Observation(own, code: code));
        var narrow = await other.GetAsync($"Observation?code={code}&subject:Patient.family={family}");
        Assert.Equal(HttpStatusCode.OK, narrow.StatusCode);
        Assert.Equal([mine], (await narrow.JsonAsync()).MatchIds());
    }

    [Fact]
    public async Task Body_over_the_configured_size_is_413_and_nothing_is_stored()
    {
        var tag = Unique();
        var big = Build.Organization($"Big {tag} " + new string('x', 70_000));
        var r = await _fhir.PostAsync("Organization", Body(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Equal("OperationOutcome", (await r.JsonAsync())["resourceType"]!.GetValue<string>());
        Assert.Equal(0, (await _fhir.SearchAsync($"Organization?name=Big {tag}&_summary=count"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Bundle_over_the_configured_entry_limit_is_413()
    {
        var entries = new JsonArray(Enumerable.Range(0, 11).Select(i => (JsonNode)new JsonObject
        {
            ["resource"] = JsonNode.Parse(Build.Organization($"Entry {i}")),
            ["request"] = new JsonObject { ["method"] = "POST", ["url"] = "Organization" },
        }).ToArray());
        var (status, body) = await _fhir.PostAsync("", new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = entries }.ToJsonString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("at most 10", body.Issues());
    }

    [Fact]
    public async Task Health_probes_answer_live_and_ready()
    {
        var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        // Ready once the database answers and the validator has warmed up.
        HttpStatusCode ready = HttpStatusCode.ServiceUnavailable;
        for (int i = 0; i < 120 && ready != HttpStatusCode.OK; i++)
        {
            ready = (await client.GetAsync("/health/ready")).StatusCode;
            if (ready != HttpStatusCode.OK) await Task.Delay(500);
        }
        Assert.Equal(HttpStatusCode.OK, ready);
    }

    [Fact]
    public async Task No_personal_data_reaches_the_logs_even_at_debug_level()
    {
        var nhs = Build.NhsNumber();
        const string family = "Zyxwvutsrqfamily";
        var id = await _fhir.CreateAsync("Patient", Build.Patient(nhs, family: family, birthDate: "2013-07-29"));
        await _fhir.GetAsync($"Patient/{id}");
        await _fhir.SearchAsync($"Patient?identifier={nhs}");
        await _fhir.SearchAsync($"Patient?family={family}");
        // A rejected write carrying personal data must not echo it into the logs either.
        await _fhir.PostAsync("Patient", Body(Build.Patient("9990000019", family: family)));

        var logs = string.Join("\n", gateway.Logs);
        Assert.NotEmpty(gateway.Logs);
        Assert.DoesNotContain(nhs, logs);
        Assert.DoesNotContain(family, logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("2013-07-29", logs);
    }
}
