using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// Bulk export on PostgreSQL across replicas: an API-only replica (Export:RunJobs false) takes the kick-off and serves
/// status and files; another replica on the same database runs the job. The files hold what was written.
/// </summary>
public sealed class PostgresBulkExportTests(PostgresExportApiGateway gateway) : IClassFixture<PostgresExportApiGateway>, IAsyncLifetime
{
    private PostgresExportApiGateway _runner = null!;

    public async Task InitializeAsync()
    {
        _runner = PostgresExportApiGateway.RunnerOf(gateway);
        await _runner.InitializeAsync();
    }

    public async Task DisposeAsync() => await _runner.DisposeAsync();

    [Fact]
    public async Task A_job_kicked_off_on_an_api_only_replica_is_run_by_another_and_served_by_the_first()
    {
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMilliseconds(-5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        var fhir = gateway.Fhir();
        var child = await fhir.CreateAsync("Patient", Build.Patient(family: "Exported" + Unique()));
        var written = new List<string> { $"Patient/{child}" };
        for (var i = 0; i < 5; i++) written.Add($"Observation/{await fhir.CreateAsync("Observation", Build.Observation(child, code: "pg-export"))}");

        var request = new HttpRequestMessage(HttpMethod.Get, $"$export?_type=Patient,Observation&_since={since}");
        request.Headers.Add("Prefer", "respond-async");
        var started = await fhir.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var status = started.Content.Headers.ContentLocation!.ToString();
        await Poll.UntilAsync(async () => (await fhir.GetAsync(status)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60), "the job was not run");

        var manifest = JsonNode.Parse(await (await fhir.GetAsync(status)).Content.ReadAsStringAsync())!;
        var exported = new List<string>();
        foreach (var output in manifest["output"]!.AsArray())
        {
            var ndjson = await (await fhir.GetAsync(output!["url"]!.GetValue<string>())).Content.ReadAsStringAsync();
            exported.AddRange(ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l))
                .Select(r => $"{r!["resourceType"]!.GetValue<string>()}/{r["id"]!.GetValue<string>()}"));
        }
        Assert.Equal(written.Order(StringComparer.Ordinal), exported.Order(StringComparer.Ordinal));
    }
}

/// <summary>The PostgreSQL gateway as an API-only replica (runs no export jobs), and a runner replica on its database.</summary>
public sealed class PostgresExportApiGateway : PostgresGateway
{
    private readonly bool _runsJobs;

    public PostgresExportApiGateway() : base(null) { }

    private PostgresExportApiGateway(string database) : base(database) => _runsJobs = true;

    public static PostgresExportApiGateway RunnerOf(PostgresExportApiGateway api) => new(api.DatabaseName);

    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Export:RunJobs"] = _runsJobs ? "true" : "false";
        s["Export:PollMilliseconds"] = "100";
        return s;
    }
}
