using Microsoft.Extensions.DependencyInjection.Extensions;
using SendInterop.Gateway.Fhir.Interactions;

namespace SendInterop.Gateway.Identity;

public static class MasterChildIndexServiceCollectionExtensions
{
    /// <summary>The master child index: linking on commit, reconciliation at start-up, $merge/$unmerge, review Tasks.</summary>
    public static IServiceCollection AddMasterChildIndex(this IServiceCollection services)
    {
        // No trace service unless one is registered (the PDS adapter comes with the brokering issue).
        services.TryAddSingleton<INhsNumberTrace, NoNhsNumberTrace>();
        services.AddSingleton<GatewayWrites>();
        services.AddSingleton<IdentityAudit>();
        services.AddSingleton<IdentityOperationInputs>();
        services.AddSingleton<MasterChildIndex>();
        services.AddSingleton<IResourceCommitHandler>(sp => sp.GetRequiredService<MasterChildIndex>());
        services.AddSingleton<LinkedIdentifierSearch>();
        services.AddSingleton<PatientMergeOperation>();
        services.AddSingleton<IdentityReviewOperation>();
        services.AddHostedService<MasterIndexReconciler>();
        return services;
    }
}

/// <summary>
/// Links, once the host has started, every Patient that was stored without its master link (the process stopped
/// between the two, or linking failed). In the background: start-up is not held up, and the index makes any reader
/// or writer wait for the same reconciliation if it comes first.
/// </summary>
public sealed partial class MasterIndexReconciler(MasterChildIndex index, IHostApplicationLifetime lifetime, ILogger<MasterIndexReconciler> logger) : BackgroundService
{
    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (OpenApi.OpenApiDocumentGeneration.IsRunning) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; } catch (TaskCanceledException) { return; }
        }
        try
        {
            await index.EnsureReconciledAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogFailed(ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Master child index reconciliation at start-up failed ({Error}); it runs again before the next link decision")]
    private partial void LogFailed(string error);
}
