using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using SendInterop.Sen2.Bench;

// SEN2 import benchmark driver (bench/sen2-import.sh):
//   generate --records N [--la 926] [--seed 1] --out FILE     a deterministic SEN2 return of N person records
//   import --url FHIR_BASE --file FILE [--label L] [--out JSON] time POST $sen2-import (token in SENDINTEROP_BENCH_TOKEN)
//   wait --url URL [--timeout S]                               until URL answers 200
const string Usage = "usage: generate --records N [--la 926] [--seed 1] --out FILE | import --url FHIR_BASE --file FILE [--label L] [--out JSON] | wait --url URL [--timeout S]\n";
if (args.Length == 0) { Console.Error.Write(Usage); return 2; }
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i + 1 < args.Length; i += 2) options[args[i].TrimStart('-')] = args[i + 1];
string Get(string name, string? fallback = null) =>
    options.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required\n{Usage}");

switch (args[0])
{
    case "generate":
    {
        await using var file = new StreamWriter(Get("out"), false, new System.Text.UTF8Encoding(false), 1 << 16);
        Sen2FileGenerator.Write(file, int.Parse(Get("records"), CultureInfo.InvariantCulture), Get("la", "926"), int.Parse(Get("seed", "1"), CultureInfo.InvariantCulture));
        return 0;
    }
    case "wait":
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(double.Parse(Get("timeout", "180"), CultureInfo.InvariantCulture));
        while (DateTime.UtcNow < deadline)
        {
            try { if ((await client.GetAsync(Get("url"))).IsSuccessStatusCode) return 0; } catch (HttpRequestException) { } catch (TaskCanceledException) { }
            await Task.Delay(500);
        }
        Console.Error.WriteLine("wait: no answer from " + Get("url"));
        return 1;
    }
    case "import":
        return await Import(Get("url").TrimEnd('/'), Get("file"), Get("label", "import"), options.GetValueOrDefault("out"));
    default:
        Console.Error.Write(Usage);
        return 2;
}

static async Task<int> Import(string fhirBase, string path, string label, string? outPath)
{
    var token = Environment.GetEnvironmentVariable("SENDINTEROP_BENCH_TOKEN") ?? throw new InvalidOperationException("SENDINTEROP_BENCH_TOKEN is not set");
    using var client = new HttpClient { Timeout = TimeSpan.FromHours(2) };
    await using var file = File.OpenRead(path);
    using var request = new HttpRequestMessage(HttpMethod.Post, fhirBase + "/$sen2-import") { Content = new StreamContent(file, 1 << 16) };
    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    request.Headers.Accept.ParseAdd("application/fhir+json");

    // The clock covers the upload, every record's import and the report: what an LA's system waits for.
    var clock = Stopwatch.StartNew();
    using var response = await client.SendAsync(request);
    var body = await response.Content.ReadAsStringAsync();
    var seconds = clock.Elapsed.TotalSeconds;

    if (!response.IsSuccessStatusCode)
    {
        Console.Error.WriteLine($"{label}: HTTP {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        return 1;
    }

    var parameters = JsonNode.Parse(body)!["parameter"]!.AsArray();
    int Count(string name) => parameters.FirstOrDefault(p => p?["name"]?.GetValue<string>() == name)?["valueInteger"]?.GetValue<int>() ?? 0;
    var (records, imported, unchanged, rejected) = (Count("records"), Count("imported"), Count("unchanged"), Count("rejected"));
    var rate = records / seconds;
    // Resource versions written (created or updated), to put records/s next to resources/s.
    var written = parameters.Where(p => p?["name"]?.GetValue<string>() == "record")
        .Sum(p => p!["part"]!.AsArray().Count(part => part?["name"]?.GetValue<string>() is "created" or "updated"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {records:N0} | {seconds:F1} | **{rate:N0}** | {imported:N0} | {unchanged:N0} | {rejected:N0} | {written:N0} |"));

    // The report's problems name rules and element paths, never personal data: the first few explain a rejection.
    foreach (var problem in parameters.Where(p => p?["name"]?.GetValue<string>() == "record")
                 .SelectMany(p => p!["part"]!.AsArray()).Where(p => p?["name"]?.GetValue<string>() == "error").Take(3))
        Console.Error.WriteLine($"{label}: rejected record: {problem!.ToJsonString()[..Math.Min(400, problem.ToJsonString().Length)]}");

    if (outPath is not null)
        await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(new
        {
            label, records, imported, unchanged, rejected, written, seconds, recordsPerSecond = rate, startedUtc = DateTime.UtcNow.AddSeconds(-seconds),
        }, new JsonSerializerOptions { WriteIndented = true }));
    return rejected == records && records > 0 ? 3 : 0;
}
