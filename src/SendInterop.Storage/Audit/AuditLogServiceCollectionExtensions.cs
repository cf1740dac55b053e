using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Audit;

namespace SendInterop.Storage.Audit;

public static class AuditLogServiceCollectionExtensions
{
    /// <summary>
    /// Registers the audit log beside the resource store registered by <c>AddFhirStorage</c>: <see cref="IAuditSink"/>
    /// (the <see cref="AuditLogWriter"/>), <see cref="IAuditLogReader"/> and <see cref="AuditLogInitializer"/>. The host
    /// must run the initializer and <see cref="AuditLogWriter.StartAsync"/> at start-up and
    /// <see cref="AuditLogWriter.StopAsync"/> at shutdown (the gateway's AddAuditTrail does both in a hosted service).
    /// </summary>
    /// <param name="auditConnectionString">The audit database; null derives it from the resource store's (see <see cref="AuditLogDatabase.For"/>).</param>
    /// <param name="journal">Answer callers once their record is in the journal (<see cref="AuditJournal"/>), not at the commit.</param>
    /// <param name="journalDirectory">The journal's folder; null: <see cref="AuditLogDatabase.DefaultJournalDirectory"/>.</param>
    public static IServiceCollection AddAuditLog(this IServiceCollection services, string? auditConnectionString = null, bool flushEveryCommit = true,
        bool journal = false, string? journalDirectory = null, TimeSpan? journalBatchWindow = null)
    {
        services.AddSingleton(sp => AuditLogDatabase.For(sp.GetRequiredService<StorageOptions>(), auditConnectionString, flushEveryCommit));
        services.AddSingleton(sp =>
        {
            var database = sp.GetRequiredService<AuditLogDatabase>();
            return new AuditLogWriter(database, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AuditLogWriter>>(),
                journal: journal ? new AuditJournal(journalDirectory ?? database.DefaultJournalDirectory()) : null, journalBatchWindow: journalBatchWindow);
        });
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<AuditLogWriter>());
        services.AddSingleton<IAuditLogReader>(sp => new AuditLogReader(sp.GetRequiredService<AuditLogDatabase>(), sp.GetRequiredService<AuditLogWriter>()));
        services.AddSingleton(sp => new AuditLogInitializer(sp.GetRequiredService<AuditLogDatabase>(), sp.GetRequiredService<StorageOptions>().MigrateOnStartup));
        return services;
    }

    /// <summary>A reader on its own (tools, tests): without a writer it cannot report a cut-off tail, only what the chain shows.</summary>
    public static IAuditLogReader CreateReader(AuditLogDatabase database, AuditLogWriter? writer = null) => new AuditLogReader(database, writer);
}

/// <summary>
/// Brings the audit schema up to date (EF Core migrations under Audit/Migrations, history in
/// <see cref="AuditDbContext.MigrationsHistoryTable"/>) and, on SQLite, puts the audit file in WAL mode (a setting the
/// file keeps).
/// </summary>
public sealed class AuditLogInitializer(AuditLogDatabase database, bool migrate = true)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        if (database.Provider == StorageProvider.Sqlite)
        {
            if (Path.GetDirectoryName(new SqliteConnectionStringBuilder(database.ConnectionString).DataSource) is { Length: > 0 } directory)
                Directory.CreateDirectory(directory);
            await using var connection = await database.OpenAsync(ct);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode=WAL;";
            await cmd.ExecuteNonQueryAsync(ct);
        }
        if (migrate)
        {
            await using var db = database.CreateContext();
            await db.Database.MigrateAsync(ct);
        }
    }
}
