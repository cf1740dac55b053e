using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using SendInterop.Domain.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>
/// The journal's promise end to end, with a real crash: the gateway runs as its own process, answers reads whose audit
/// entries it has only journalled (the batch window is stretched to a minute, so none of them is committed yet), is
/// killed with SIGKILL, and is started again: every read it answered is then in the hash chain, exactly once.
/// </summary>
public sealed partial class AuditJournalCrashTests
{
    private const int Reads = 60;

    [Fact]
    public async Task Every_answered_read_is_in_the_chain_after_the_process_is_killed_and_restarted()
    {
        var directory = Directory.CreateTempSubdirectory("sendinterop-crash-").FullName;
        try
        {
            var (first, firstAddress) = Start(directory, batchWindowMs: 60_000);
            string patientId;
            string[] crashed;
            try
            {
                using var http = await ReadyClientAsync(firstAddress, first);
                patientId = await CreatePatientAsync(http);
                for (int i = 0; i < Reads; i++)
                {
                    using var read = await http.GetAsync($"/fhir/Patient/{patientId}");
                    Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                }
                // Answered, yet not committed: the journal alone holds them (else this test would prove nothing).
                Assert.True(CountReads(directory, patientId) < Reads, "the reads were committed before the crash; the window did not hold them");
                crashed = Segments(directory);
                Assert.NotEmpty(crashed);
            }
            finally
            {
                first.Kill(); // SIGKILL: no shutdown, no drain
                await first.WaitForExitAsync();
            }

            var (second, secondAddress) = Start(directory, batchWindowMs: null);
            try
            {
                using var http = await ReadyClientAsync(secondAddress, second); // ready once the journal is replayed
                Assert.Equal(Reads, CountReads(directory, patientId));
                Assert.Empty(crashed.Intersect(Segments(directory))); // replayed, then deleted
                using var verify = await http.GetAsync("/fhir/AuditEvent/$verify");
                Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
            }
            finally
            {
                second.Kill();
                await second.WaitForExitAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static string[] Segments(string directory) =>
        Directory.GetFiles(Path.Combine(directory, "fhir-audit.journal"), "*" + Storage.Audit.AuditJournal.Extension);

    /// <summary>Audit entries of reads of the Patient, decoded from the chain (read from another process's point of view).</summary>
    private static int CountReads(string directory, string patientId)
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(directory, "fhir-audit.db")};Pooling=False;Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """SELECT "Payload" FROM audit_log""";
        using var r = cmd.ExecuteReader();
        var count = 0;
        while (r.Read())
        {
            var record = AuditRecordCodec.Decode(r.GetFieldValue<byte[]>(0));
            if (record.Interaction == "read" && record.Entities.Contains($"Patient/{patientId}")) count++;
        }
        return count;
    }

    /// <summary>
    /// Starts the gateway on a port of its own choosing (port 0) and returns, with the process, the address it reports
    /// listening on. (A port found free beforehand could be taken by another socket of this busy test process before the
    /// child bound it.)
    /// </summary>
    private static (Process Process, Task<Uri> Address) Start(string directory, int? batchWindowMs)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory, // the gateway's appsettings and conformance files are copied here
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SendInterop.Gateway.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // the dev-token endpoint
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ConnectionStrings__Fhir"] = $"Data Source={Path.Combine(directory, "fhir.db")}";
        start.Environment["Auth__SigningKeyFile"] = Path.Combine(directory, "signing-keys.json");
        start.Environment["DemoData__Children"] = "0";
        if (batchWindowMs is { } ms) start.Environment["Audit__JournalBatchWindowMs"] = ms.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start)!;
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Drained so a chatty log can never block the child on a full pipe; the hosting log line names the address.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ListeningOn().Match(line) is { Success: true } m) address.TrySetResult(new Uri(m.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, address.Task);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningOn();

    /// <summary>Waits for the listening address and /health/ready, then returns a client carrying a Development token for la-926.</summary>
    private static async Task<HttpClient> ReadyClientAsync(Task<Uri> address, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!address.IsCompleted)
        {
            Assert.False(process.HasExited, $"the gateway exited with {(process.HasExited ? process.ExitCode : 0)}");
            Assert.True(DateTime.UtcNow < deadline, "the gateway did not report a listening address within 120 s");
            await Task.WhenAny(address, Task.Delay(250));
        }
        var http = new HttpClient { BaseAddress = await address, Timeout = TimeSpan.FromSeconds(30) };
        while (true)
        {
            Assert.False(process.HasExited, $"the gateway exited with {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode) break;
            }
            catch (HttpRequestException) { /* not listening yet */ }
            Assert.True(DateTime.UtcNow < deadline, "the gateway did not become ready within 120 s");
            await Task.Delay(250);
        }
        using var token = await http.PostAsync("/auth/dev-token?organisation=la-926&role=ig-lead", null); // ig-lead: $verify
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var accessToken = JsonNode.Parse(await token.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return http;
    }

    private static async Task<string> CreatePatientAsync(HttpClient http)
    {
        using var body = new StringContent("""{"resourceType":"Patient","active":true,"gender":"unknown"}""", Encoding.UTF8, "application/fhir+json");
        using var created = await http.PostAsync("/fhir/Patient", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
    }

}
