using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// Warms the profile validator up in the background at start-up (the readiness probe reads
/// <see cref="IProfileValidator.IsWarm"/>), and raises the thread-pool minimum so the validator's internal
/// <c>Task.Run</c> calls never wait for thread injection.
/// </summary>
internal sealed partial class ValidationWarmUpService(
    IProfileValidator validator,
    IOptions<ValidationOptions> options,
    ILogger<ValidationWarmUpService> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Each validation thread blocks on at most one pool work item at a time (a terminology call wrapped in
        // Task.Run), so MaxConcurrency extra pool threads above the default (one per core) guarantee those calls start
        // at once instead of after the pool's injection delay (about one thread per 0.5 s) when requests are queued.
        ThreadPool.GetMinThreads(out var worker, out var io);
        var wanted = Environment.ProcessorCount + options.Value.EffectiveMaxConcurrency;
        if (worker < wanted)
        {
            ThreadPool.SetMinThreads(wanted, io);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUpOnStart)
        {
            return;
        }

        try
        {
            // Yield first so host start-up is not held up by the synchronous start of the warm-up.
            await Task.Yield();
            await validator.WarmUpAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Broken conformance resources land here; the readiness probe stays red because IsWarm stays false.
            LogWarmUpFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Profile validation warm-up failed; the gateway is not ready")]
    private partial void LogWarmUpFailed(Exception exception);
}
