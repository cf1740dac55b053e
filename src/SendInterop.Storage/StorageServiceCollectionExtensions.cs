using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SendInterop.Storage.Store;

namespace SendInterop.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the resource store on SQLite (default) or PostgreSQL, as configured.</summary>
    public static IServiceCollection AddFhirStorage(this IServiceCollection services, StorageOptions options)
    {
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        if (options.Provider == StorageProvider.Postgres)
            services.AddPooledDbContextFactory<PostgresFhirDbContext>(o => ConfigurePostgres(o, options.ConnectionString));
        else
            services.AddPooledDbContextFactory<SqliteFhirDbContext>(o => ConfigureSqlite(o, options.ConnectionString));
        services.AddSingleton<FhirDbContextFactory>();
        services.AddSingleton<IResourceStore, ResourceStore>();
        services.AddSingleton<StorageInitializer>();
        services.AddSingleton<Identity.MasterIndexStore>();
        services.AddSingleton<Indicators.IndicatorProjectionStore>();
        services.AddSingleton<Scheduling.ScheduledRunStore>();
        services.AddSingleton<Access.UsedAssertionLedger>();
        services.AddSingleton<Indicators.ChildRecordSource>();
        services.AddSingleton<Subscriptions.SubscriptionCursorStore>();
        services.AddSingleton<Export.BulkExportStore>();
        services.AddSingleton<Indicators.SqlIndicatorEvaluator>();
        return services;
    }

    internal static void ConfigureSqlite(DbContextOptionsBuilder o, string connectionString) =>
        o.UseSqlite(connectionString).AddInterceptors(new SqlitePragmas()).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    internal static void ConfigurePostgres(DbContextOptionsBuilder o, string connectionString) =>
        o.UseNpgsql(connectionString).UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
}

/// <summary>
/// Per-connection SQLite settings. WAL with synchronous=NORMAL is durable against process crashes and keeps
/// commits cheap; busy_timeout covers the few writers outside the store's write gate (migrations, tools).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>Durability and waiting, for every connection that may write or checkpoint (the checkpointer's too).</summary>
    public const string Durability = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";

    /// <summary>Settings for connections that read: memory-mapped I/O (up to 1 GiB of the file) and a larger page cache.</summary>
    public const string ReadConnection = "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        // wal_autocheckpoint: raised from 1,000 pages, since the store's checkpointer copies the log back; a commit's own
        // checkpoint at this size is what lets the log restart under steady writes (SqliteCheckpointer).
        cmd.CommandText = Durability + " PRAGMA temp_store=MEMORY; "
            + $"PRAGMA wal_autocheckpoint={SqliteCheckpointer.BackstopPages}; " + ReadConnection;
        cmd.ExecuteNonQuery();
    }
}

/// <summary>Brings the database schema up to date at start-up.</summary>
public sealed class StorageInitializer(FhirDbContextFactory contexts, StorageOptions options, IResourceStore store)
{
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        if (options.MigrateOnStartup) await db.Database.MigrateAsync(ct);
        if (options.Provider == StorageProvider.Sqlite)
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        // New versions must never carry a lastUpdated older than stored ones (a clock stepped back across a
        // restart would otherwise break _history?_since polling).
        var latest = await db.Resources.MaxAsync(r => (long?)r.LastUpdated, ct);
        if (latest is { } ticks && store is ResourceStore resources) resources.ObserveTimestamp(ticks);
    }
}

// Design-time factories: `dotnet ef migrations add X --context SqliteFhirDbContext` (or PostgresFhirDbContext).
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFhirDbContext>
{
    public SqliteFhirDbContext CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<SqliteFhirDbContext>();
        StorageServiceCollectionExtensions.ConfigureSqlite(b, "Data Source=design.db");
        return new SqliteFhirDbContext(b.Options);
    }
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFhirDbContext>
{
    public PostgresFhirDbContext CreateDbContext(string[] args)
    {
        var b = new DbContextOptionsBuilder<PostgresFhirDbContext>();
        StorageServiceCollectionExtensions.ConfigurePostgres(b, "Host=127.0.0.1;Database=design");
        return new PostgresFhirDbContext(b.Options);
    }
}
