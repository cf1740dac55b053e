using SendInterop.Gateway.Security.Access;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Bundles;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Store;
using FhirUrl = SendInterop.Gateway.Fhir.Http.FhirUrl;

namespace SendInterop.Gateway.DemoData;

/// <summary>
/// Loads the <see cref="SyntheticCohort"/> at start-up, in the background, when enabled and when the store holds no
/// Patient yet. Every Bundle goes through the gateway's own transaction path (<see cref="BundleProcessor"/>), so the demo
/// data is validated against the SEND profiles and checked for references exactly like a client's. Logs counts only:
/// never names, dates of birth or NHS numbers.
/// </summary>
public sealed partial class DemoDataLoader(
    IServiceProvider services,
    IResourceStore store,
    IOptions<DemoDataOptions> options,
    ILogger<DemoDataLoader> logger) : BackgroundService
{
    /// <summary>The base URL the transaction responses are written against (never leaves the process).</summary>
    public const string InternalBaseUrl = "http://localhost/fhir";

    private readonly TaskCompletionSource<DemoDataLoadResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What the start-up load did, once it has finished, been skipped or failed (for tests and readiness checks).</summary>
    public Task<DemoDataLoadResult> Completion => _completion.Task;

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await System.Threading.Tasks.Task.Yield(); // never hold up host start-up
        try
        {
            var result = await LoadAsync(stoppingToken);
            _completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(stoppingToken);
        }
        catch (Exception ex)
        {
            LogFailed(ex.GetType().Name);
            _completion.TrySetException(ex);
        }
    }

    /// <summary>Loads the cohort if enabled and the store has no Patient; otherwise does nothing.</summary>
    public async Task<DemoDataLoadResult> LoadAsync(CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled || OpenApi.OpenApiDocumentGeneration.IsRunning)
        {
            return DemoDataLoadResult.Skipped("disabled");
        }

        var existing = await store.SearchAsync(new SearchRequest { ResourceType = "Patient", Summary = SummaryMode.Count, Count = 0 }, ct);
        if (existing.Total is > 0)
        {
            LogSkipped(existing.Total.Value);
            return DemoDataLoadResult.Skipped("store already has patients");
        }

        var cohort = new SyntheticCohort(o.Children, o.Seed, o.AsOf);
        var processor = services.GetRequiredService<BundleProcessor>();
        LogStarting(cohort.Children, cohort.Seed, cohort.AsOf.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        var stopwatch = Stopwatch.StartNew();
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int bundles = 0, failed = 0;
        foreach (var bundle in cohort.Bundles())
        {
            ct.ThrowIfCancellationRequested();
            var index = bundles++;
            try
            {
                await processor.ProcessAsync(new FhirRequest
                {
                    Method = "POST",
                    Url = FhirUrl.Parse(""),
                    BaseUrl = InternalBaseUrl,
                    Resource = bundle,
                    PreferReturn = PreferReturn.Minimal,
                    Access = AccessSession.Internal("demo-data"),
                }, ct);
                foreach (var entry in bundle.Entry.Where(e => e.Resource is not null))
                {
                    var type = entry.Resource!.TypeName;
                    byType[type] = byType.GetValueOrDefault(type) + 1;
                }
            }
            catch (FhirException ex)
            {
                // The first shared bundle failing means every child would fail too: stop.
                failed++;
                LogBundleRejected(index, ex.Status, ex.Code.ToString(), IssueLocation(ex));
                if (index == 0) break;
            }

            if (bundles % 100 == 0) LogProgress(bundles, cohort.Children + 1);
        }

        var resources = byType.Values.Sum();
        LogLoaded(bundles - failed, failed, resources, stopwatch.ElapsedMilliseconds,
            string.Join(", ", byType.Select(kv => $"{kv.Key} {kv.Value}")));
        return new DemoDataLoadResult(true, null, bundles - failed, failed, byType);
    }

    /// <summary>Where validation failed (FHIRPath of the first issue) without its text, which may quote values.</summary>
    private static string IssueLocation(FhirException ex) =>
        ex.ExtraIssues.SelectMany(i => i.Expression).FirstOrDefault() ?? "-";

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: loading {Children} synthetic children (seed {Seed}, as at {AsOf})")]
    private partial void LogStarting(int children, int seed, string asOf);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: not loaded, the store already holds {Patients} Patient resources")]
    private partial void LogSkipped(int patients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Done} of {Total} bundles processed")]
    private partial void LogProgress(int done, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo data: bundle {Index} rejected with {Status} ({Code}) at {Location}")]
    private partial void LogBundleRejected(int index, int status, string code, string location);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data: {Bundles} bundles stored, {Failed} rejected, {Resources} resources in {ElapsedMs} ms ({ByType})")]
    private partial void LogLoaded(int bundles, int failed, int resources, long elapsedMs, string byType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Demo data: loading failed ({Exception})")]
    private partial void LogFailed(string exception);
}

/// <summary>What <see cref="DemoDataLoader"/> did: counts only.</summary>
public sealed record DemoDataLoadResult(bool Loaded, string? SkipReason, int BundlesStored, int BundlesRejected, IReadOnlyDictionary<string, int> ResourcesByType)
{
    public static DemoDataLoadResult Skipped(string reason) => new(false, reason, 0, 0, new Dictionary<string, int>());
}
