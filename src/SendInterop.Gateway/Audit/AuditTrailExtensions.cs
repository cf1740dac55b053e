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
        // journal (default): a request is answered once its entry is in the local journal, and batches commit behind
        // it; commit: every request waits for its batch's commit (ADR 4).
        var acknowledge = builder.Configuration["Audit:Acknowledge"] ?? "journal";
        if (acknowledge is not ("journal" or "commit"))
            throw new InvalidOperationException($"Audit:Acknowledge must be journal or commit, not '{acknowledge}'.");
        var window = builder.Configuration.GetValue<int?>("Audit:JournalBatchWindowMs");
        if (window is < 0 or > 600_000) throw new InvalidOperationException("Audit:JournalBatchWindowMs must be between 0 and 600000.");
        builder.Services.AddAuditLog(builder.Configuration.GetConnectionString("Audit"), flushEveryCommit: synchronous == "FULL",
            journal: acknowledge == "journal", journalDirectory: builder.Configuration["Audit:JournalDirectory"],
            journalBatchWindow: window is { } ms ? TimeSpan.FromMilliseconds(ms) : null);
        builder.Services.AddHostedService<AuditTrailHostedService>();
        builder.Services.AddOptions<AuditVerifyOptions>().Bind(builder.Configuration.GetSection(AuditVerifyOptions.Section))
            .Validate(_ => builder.Configuration[AuditVerifyOptions.Section + ":Roles"] is null,
                "Audit:Verify:Roles is a list: give each role with an index (Audit:Verify:Roles:0=ig-lead, or Audit__Verify__Roles__0 in the environment).")
            .ValidateOnStart();
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
