using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SendInterop.Gateway.Fhir.Validation;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Hosting;

/// <summary>What every SendInterop host gets: health probes, OpenTelemetry, structured logs, graceful shutdown.</summary>
public static class ServiceDefaults
{
    public const string ActivitySourceName = "SendInterop.Gateway";

    private static readonly string[] UrlLoggingCategories =
        ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.HttpLogging", "Microsoft.AspNetCore.W3CLogging"];

    public static WebApplicationBuilder AddSendInteropDefaults(this WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        // Request URLs carry NHS numbers, names and dates of birth in search parameters; the categories that log
        // whole URLs stay at Warning whatever the configuration says (added after it, so these rules win).
        foreach (var category in UrlLoggingCategories) builder.Logging.AddFilter(category, LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<ValidatorWarmHealthCheck>("validator", tags: ["ready"]);

        // OpenTelemetry: the SDK (and with it an Activity for every request) is switched on where an OTLP endpoint is
        // configured (OTEL_EXPORTER_OTLP_ENDPOINT). Without one, nothing would receive the data and the per-request
        // activity measured as a visible share of a by-id read; the meters and activity sources stay available to
        // dotnet-counters and dotnet-trace either way.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry()
                .WithTracing(t => t.AddSource(ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health"))
                    .AddOtlpExporter())
                .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddMeter(Fhir.FhirMetrics.MeterName).AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>Tells the person who just ran the gateway where to start: the Swagger UI and the FHIR base URL.</summary>
    public static WebApplication AnnounceAddresses(this WebApplication app)
    {
        if (OpenApi.OpenApiDocumentGeneration.IsRunning) return app; // the document generator runs no server
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in app.Urls)
                Console.WriteLine($"SendInterop gateway ready: Swagger UI {address}/swagger, FHIR base {address}/fhir");
        });
        return app;
    }

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }
}

internal sealed class DatabaseHealthCheck(IResourceStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await store.IsReachableAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("database unreachable");
}

internal sealed class ValidatorWarmHealthCheck(IProfileValidator validator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(validator.IsWarm ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("validator warming up"));
}
