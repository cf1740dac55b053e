using System.Net;
using System.Text;
using SendInterop.Gateway.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Review;

/// <summary>
/// Hostile and malformed input to the new endpoints ($evaluate-measure, Measure, $merge/$unmerge, Task/$resolve,
/// linked-identifier, the dashboard API): every answer must be a 4xx OperationOutcome or a success, never a 5xx.
/// </summary>
public sealed class HostileInputTests(ReviewGateway gateway) : IClassFixture<ReviewGateway>
{
    private sealed class Out { public void WriteLine(string s) { } }

    [Fact]
    public async Task No_input_to_the_new_endpoints_gives_a_server_error()
    {
        var output = new Out();
        var fhir = gateway.Fhir();
        var bad = new List<string>();
        async Task Send(HttpMethod method, string url, string? body = null, string type = FhirHttp.Json)
        {
            var req = new HttpRequestMessage(method, url);
            if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, type);
            try
            {
                var r = await fhir.SendAsync(req);
                var text = await r.Content.ReadAsStringAsync();
                output.WriteLine($"{(int)r.StatusCode} {method} {url} {(text.Length > 200 ? text[..200] : text)}");
                if ((int)r.StatusCode >= 500) bad.Add($"{(int)r.StatusCode} {method} {url} {body}: {text}");
            }
            catch (Exception ex)
            {
                bad.Add($"EXC {method} {url}: {ex.GetType().Name} {ex.Message}");
            }
        }
        var m = "Measure/ehc-plans-in-place/$evaluate-measure";
        foreach (var q in new[]
        {
            "?periodStart=9999-12&periodEnd=9999-12", "?periodStart=9999&periodEnd=9999", "?periodStart=0001-01-01&periodEnd=0001-01-01",
            "?periodStart=9999-12-31&periodEnd=9999-12-31", "?periodStart=0001-01&periodEnd=0001-01", "?periodStart=2024-01-01&periodEnd=2024-12-31&referenceDate=9999-12",
            "?periodStart=2024-01-01&periodEnd=2024-12-31&referenceDate=9999-12-31T00:00:00Z", "?periodStart=2024-01-01&periodEnd=2024-12-31&referenceDate=2024-12-31Tgarbage",
            "?sen2Year=2100", "?sen2Year=2000", "?sen2Year=99999999999999999999", "?sen2Year=", "?periodStart=&periodEnd=", "?periodStart=2024&periodEnd=2023",
            "?sen2Year=2025&subject=Organization/../x", "?sen2Year=2025&subject=Organization/", "?sen2Year=2025&subject=" + new string('a', 5000),
            "?sen2Year=2025&subject=Organization/" + new string('a', 5000), "?sen2Year=2025&subject=Patient/x", "?sen2Year=2025&subject=E12000001",
            "?sen2Year=2025&subject=999", "?sen2Year=2025&reportType=subject-list&subject=999", "?sen2Year=2025&reportType=", "?sen2Year=2025&sen2Year=2025",
            "?sen2Year=2025&measure=", "?sen2Year=2025&measure=x", "?sen2Year=2025&subject=Organization/la-926&_count=abc", "?sen2Year=2025&subject=%00",
        }) await Send(HttpMethod.Get, m + q);
        foreach (var q in new[] { "?sen2Year=2025", "?measure=&sen2Year=2025", "?measure=|&sen2Year=2025", "?measure=Measure/&sen2Year=2025", "?measure=" + new string('x', 9000) + "&sen2Year=2025" })
            await Send(HttpMethod.Get, "Measure/$evaluate-measure" + q);
        await Send(HttpMethod.Get, "Measure/" + new string('x', 5000) + "/$evaluate-measure?sen2Year=2025");
        await Send(HttpMethod.Get, "Measure/" + new string('x', 5000));
        await Send(HttpMethod.Get, "Measure?_id=&url=&name=&title=&status=&version=&_count=-1&_sort=x");
        await Send(HttpMethod.Get, "Measure/_history");
        await Send(HttpMethod.Get, "Measure/ehc-plans-in-place/_history");
        await Send(HttpMethod.Get, "Measure/ehc-plans-in-place/_history/1");
        await Send(HttpMethod.Get, "Measure?_summary=count");
        await Send(HttpMethod.Get, "Measure?_elements=id");
        await Send(HttpMethod.Post, "Measure/_search", "", "application/x-www-form-urlencoded");
        await Send(HttpMethod.Patch, "Measure/ehc-plans-in-place", "[]", "application/json-patch+json");
        await Send(HttpMethod.Delete, m + "?sen2Year=2025");
        await Send(HttpMethod.Put, m + "?sen2Year=2025", "{}");
        foreach (var body in new[]
        {
            "not json", "{}", "[]", "{\"resourceType\":\"Patient\"}", "{\"resourceType\":\"Parameters\"}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"sen2Year\",\"valueCoding\":{\"code\":\"x\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"sen2Year\",\"valueInteger\":2025},{\"name\":\"sen2Year\",\"valueString\":\"2025\"}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"sen2Year\",\"valueDecimal\":2025.5}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"sen2Year\",\"valueInteger\":-5}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"periodStart\",\"valueDate\":\"9999-12\"},{\"name\":\"periodEnd\",\"valueDate\":\"9999-12\"}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"periodStart\",\"valueDateTime\":\"2024-01-01T00:00:00+14:00\"},{\"name\":\"periodEnd\",\"valuePeriod\":{\"start\":\"2024\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"subject\",\"valueReference\":{\"display\":\"x\"}},{\"name\":\"sen2Year\",\"valueInteger\":2025}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"subject\",\"resource\":{\"resourceType\":\"Patient\"}},{\"name\":\"sen2Year\",\"valueInteger\":2025}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"sen2Year\",\"part\":[{\"name\":\"x\",\"valueInteger\":1}]}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"valueInteger\":2025}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"sen2Year\",\"valueString\":\"\"}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"sen2Year\",\"valueBoolean\":true}]}",
        }) await Send(HttpMethod.Post, m, body);
        await Send(HttpMethod.Post, m, "<Parameters xmlns=\"http://hl7.org/fhir\"><parameter><name value=\"sen2Year\"/><valueInteger value=\"2025\"/></parameter></Parameters>", "application/fhir+xml");
        await Send(HttpMethod.Post, m, "<Parameters xmlns=\"http://hl7.org/fhir\"><parameter><name value=\"sen2Year\"/><valueInteger value=\"9999999999\"/></parameter></Parameters>", "application/fhir+xml");
        await Send(HttpMethod.Post, m, "sen2Year=2025", "text/plain");
        await Send(HttpMethod.Post, m, "sen2Year=2025", "application/x-www-form-urlencoded");
        var noType = new HttpRequestMessage(HttpMethod.Post, m + "?sen2Year=2025") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"resourceType\":\"Parameters\"}")) };
        var r0 = await fhir.SendAsync(noType);
        output.WriteLine($"{(int)r0.StatusCode} no content type");
        if ((int)r0.StatusCode >= 500) bad.Add("no content type " + await r0.Content.ReadAsStringAsync());

        // identity
        foreach (var body in new[]
        {
            "not json", "{}", "{\"resourceType\":\"Parameters\"}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"Patient/../x\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/y\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"Patient/" + new string('a', 64) + "\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/" + new string('b', 5000) + "\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"Patient/a/_history/1\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"http://evil/fhir/Patient/y\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"Patient/a\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}},{\"name\":\"preview\",\"valueString\":\"x\"}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient-identifier\",\"valueIdentifier\":{\"system\":\"x\",\"value\":\"" + new string('1', 5000) + "\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient-identifier\",\"valueIdentifier\":{\"value\":\"a,b\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient-identifier\",\"valueIdentifier\":{\"value\":\"|\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient-identifier\",\"valueIdentifier\":{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"12\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient-identifier\",\"valueIdentifier\":{\"value\":\"\\\\\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient\",\"valueString\":\"Patient/a\"},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"Patient/\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"source-patient\",\"valueReference\":{\"reference\":\"#x\"}},{\"name\":\"target-patient\",\"valueReference\":{\"reference\":\"Patient/b\"}}]}",
        })
        {
            await Send(HttpMethod.Post, "Patient/$merge", body);
            await Send(HttpMethod.Post, "Patient/$unmerge", body);
        }
        await Send(HttpMethod.Get, "Patient/$merge");
        await Send(HttpMethod.Post, "Patient/x/$merge", "{}");
        await Send(HttpMethod.Post, "Patient/$merge", "<Parameters xmlns=\"http://hl7.org/fhir\"/>", "application/fhir+xml");
        foreach (var body in new[]
        {
            "not json", "{}", "{\"resourceType\":\"Parameters\"}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"decision\",\"valueCode\":\"link\"}]}",
            "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"decision\",\"valueInteger\":1}]}",
        })
        {
            await Send(HttpMethod.Post, "Task/nope/$resolve", body);
            await Send(HttpMethod.Post, "Task/" + new string('t', 5000) + "/$resolve", body);
            await Send(HttpMethod.Post, "Task/$resolve", body);
        }
        await Send(HttpMethod.Get, "Task/nope/$resolve");
        foreach (var q in new[]
        {
            "", "|", "||", "a|", "|a", ",", "a,b,,", new string('x', 5000), "https://fhir.nhs.uk/Id/nhs-number|12", "x|y&linked-identifier=z", "x&linked-identifier:exact=y",
            "x&_id=", "x&_count=0", "x&_summary=count", "x&_include=Patient:link", "%00", "x&_sort=-_lastUpdated", "\\", "x&_total=accurate",
        }) await Send(HttpMethod.Get, "Patient?linked-identifier=" + q);
        await Send(HttpMethod.Post, "Patient/_search", "linked-identifier=x", "application/x-www-form-urlencoded");
        await Send(HttpMethod.Get, "Observation?linked-identifier=x");
        await Send(HttpMethod.Get, "Patient?linked-identifier:missing=true");

        // dashboard
        var dash = gateway.CreateDefaultClient(new Uri("http://localhost/dashboard/api/"), new BearerTokenHandler(() => gateway.Issue(new TokenSpec(Role: "commissioner", Scope: "system/Measure.rs", Purposes: "commissioning"))));
        foreach (var q in new[]
        {
            "", "?subject=England", "?subject=England&sen2Year=abc", "?subject=England&sen2Year=2025&measure=,,", "?subject=Organization/../x&sen2Year=2025",
            "?subject=,&sen2Year=2025", "?subject=England&sen2Year=2025&sen2Year=2025&measure=ehc-plans-in-place", "?subject=Organization/la-926&sen2Year=2015&measure=ehc-plans-in-place",
            "?subject=" + new string('a', 5000) + "&sen2Year=2025", "?subject=E12999999&sen2Year=2025&measure=ehc-plans-in-place",
        })
        {
            var r = await dash.GetAsync("reports" + q);
            var text = await r.Content.ReadAsStringAsync();
            output.WriteLine($"{(int)r.StatusCode} dash {q} {(text.Length > 200 ? text[..200] : text)}");
            if ((int)r.StatusCode >= 500) bad.Add($"dash {q}: {text}");
        }
        foreach (var p in new[] { "areas", "measures", "nothing" })
        {
            var r = await dash.GetAsync(p);
            output.WriteLine($"{(int)r.StatusCode} dash {p}");
            if ((int)r.StatusCode >= 500) bad.Add($"dash {p}: {await r.Content.ReadAsStringAsync()}");
            var r2 = await dash.PostAsync(p, new StringContent("x"));
            output.WriteLine($"{(int)r2.StatusCode} dash POST {p}");
            if ((int)r2.StatusCode >= 500) bad.Add($"dash POST {p}: {await r2.Content.ReadAsStringAsync()}");
        }

        Assert.True(bad.Count == 0, string.Join("\n", bad));
    }
}
