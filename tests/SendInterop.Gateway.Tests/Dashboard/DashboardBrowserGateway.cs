using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Indicators;
using SendInterop.Gateway.Tests.Indicators;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.Dashboard;

/// <summary>
/// The gateway on a real 127.0.0.1 socket in Development (so the dev-token login button exists) with the synthetic
/// demo cohort, the DfE comparators when ../shared has them and a configured statistical neighbour; then
/// src/SendInterop.Dashboard/test/browser-check.mjs drives the page in headless Chromium (playwright-core) once, and
/// each test asserts one of its checks. Node, Chromium or the npm packages missing is a failure, never a skip:
/// scripts/test.sh installs them (apt-get chromium nodejs npm; npm ci).
/// </summary>
public sealed class DashboardBrowserGateway : GatewayFixture
{
    /// <summary>Enough children for most LA figures to clear small-number suppression, few enough to load in ~20 s.</summary>
    private const int Children = 240;

    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-dashboard-").FullName;

    public DashboardBrowserGateway() => UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));

    public string BaseUrl { get; private set; } = "";

    /// <summary>The browser run's checks by name; <see cref="RunProblem"/> says why there are none.</summary>
    public Dictionary<string, BrowserCheck> Checks { get; } = new(StringComparer.Ordinal);

    public string? RunProblem { get; private set; }

    public string RunOutput { get; private set; } = "";

    protected override Dictionary<string, string?> Settings() => new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
        ["Indicators:ChangeBatchWindow"] = "00:00:00.020",
        ["Indicators:DfeReleaseDirectory"] = IndicatorGateway.DfeRelease,
        ["Dashboard:StatisticalNeighbours:926:0"] = "935",
        ["Dashboard:StatisticalNeighbours:926:1"] = "925",
        ["DemoData:Children"] = Children.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Development");
        builder.UseSetting("DemoData:Enabled", "true");
    }

    public override async Task InitializeAsync()
    {
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        var loader = Services.GetServices<IHostedService>().OfType<DemoDataLoader>().Single();
        var loaded = await loader.Completion.WaitAsync(TimeSpan.FromMinutes(5));
        if (!loaded.Loaded || loaded.BundlesRejected > 0) throw new InvalidOperationException($"Demo data did not load: {loaded.SkipReason}, {loaded.BundlesRejected} rejected.");
        // Every child's events have been published; a rebuild makes the projection complete before the page reads it.
        await Services.GetRequiredService<IndicatorProjectionWorker>().RebuildAsync();
        await RunBrowserChecksAsync();
    }

    private async Task RunBrowserChecksAsync()
    {
        var dashboard = Path.Combine(RepositoryRoot(), "src", "SendInterop.Dashboard");
        var node = Environment.GetEnvironmentVariable("SENDINTEROP_NODE") ?? "node";
        var chromium = Environment.GetEnvironmentVariable("SENDINTEROP_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium)) { RunProblem = $"Chromium not found at {chromium}: apt-get install chromium (scripts/test.sh does)."; return; }
        if (!Directory.Exists(Path.Combine(dashboard, "node_modules", "playwright-core"))) { RunProblem = $"npm packages missing: cd {dashboard} && npm ci (scripts/test.sh does)."; return; }

        var output = Path.Combine(_dir, "browser-result.json");
        var start = new ProcessStartInfo(node) { WorkingDirectory = dashboard, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "test/browser-check.mjs", "--base", BaseUrl, "--chromium", chromium, "--out", output }) start.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception ex) { RunProblem = $"node could not be started ({ex.Message}): apt-get install nodejs npm (scripts/test.sh does)."; return; }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); RunProblem = "The browser run took longer than 5 minutes."; return; }
            RunOutput = (await stdout) + "\n" + (await stderr);
        }

        if (!File.Exists(output)) { RunProblem = "The browser run wrote no result: " + RunOutput; return; }
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        foreach (var c in json.RootElement.GetProperty("checks").EnumerateArray())
        {
            var check = new BrowserCheck(c.GetProperty("name").GetString()!, c.GetProperty("passed").GetBoolean(), c.GetProperty("detail").GetString() ?? "");
            Checks[check.Name] = check;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SendInterop.sln"))) return dir.FullName;
        throw new InvalidOperationException("SendInterop.sln not found above " + AppContext.BaseDirectory);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>One check of the browser run: its name, whether it passed, and what it saw (JSON text).</summary>
public sealed record BrowserCheck(string Name, bool Passed, string Detail);
