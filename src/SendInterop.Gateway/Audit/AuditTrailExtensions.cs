using SendInterop.Gateway.OpenApi;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Audit;

public static class AuditTrailExtensions
{
    /// <summary>
    /// The append-only, hash-chained audit trail (issue #3 point 4): <c>IAuditSink</c> (batched durable writer),
    /// <see cref="IAuditLogReader"/>, and a hosted service that migrates the audit schema and loads the chain head at
    /// start-up and drains the queue at shutdown (it stops after the web server, so in-flight requests are audited).
    /// The audit database is <c>ConnectionStrings:Audit</c> when set, else derived from the resource store's
    /// (SQLite: <c>x.db</c> → <c>x-audit.db</c>; PostgreSQL: the same database).
    /// </summary>
    public static WebApplicationBuilder AddAuditTrail(this WebApplicationBuilder builder)
    {
        var synchronous = builder.Configuration["Audit:SqliteSynchronous"] ?? "FULL";
        if (synchronous is not ("FULL" or "NORMAL"))
            throw new InvalidOperationException($"Audit:SqliteSynchronous must be FULL or NORMAL, not '{synchronous}'.");
        builder.Services.AddAuditLog(builder.Configuration.GetConnectionString("Audit"), flushEveryCommit: synchronous == "FULL");
        builder.Services.AddHostedService<AuditTrailHostedService>();
        return builder;
    }
}

internal sealed class AuditTrailHostedService(AuditLogInitializer initializer, AuditLogWriter writer) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (OpenApiDocumentGeneration.IsRunning) return; // the document generator must not create a database
        await initializer.InitializeAsync(cancellationToken);
        await writer.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => writer.StopAsync(cancellationToken);
}
