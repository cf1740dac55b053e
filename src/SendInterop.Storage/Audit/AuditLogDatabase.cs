using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace SendInterop.Storage.Audit;

/// <summary>
/// Where the audit log lives and how its connections are opened. SQLite: a file of its own next to the resource
/// store's (<c>fhir.db</c> → <c>fhir-audit.db</c>), so audit batches never contend with the resource writer's single
/// write lock, in WAL mode with <c>synchronous=FULL</c>: every audit commit is flushed to disk before the waiters are
/// answered (the resource store runs NORMAL, which survives a process crash but not a power cut; the audit log must
/// survive both, and group commit spreads the flush over everything queued). PostgreSQL: the resource store's
/// database, where every commit is already flushed (synchronous_commit=on).
/// </summary>
public sealed class AuditLogDatabase(StorageProvider provider, string connectionString, bool flushEveryCommit = true)
{
    /// <summary>
    /// Applied to every SQLite connection to the audit file; journal_mode=WAL is set once by the initializer (it persists
    /// in the file). FULL flushes each (batched) commit to disk; NORMAL, when a deployment chooses it
    /// (<c>Audit:SqliteSynchronous</c>), survives a crash of the process but not of the machine, like the resource store.
    /// <para>
    /// wal_autocheckpoint: 8,000 pages (32 MB) instead of SQLite's 1,000. A checkpoint copies each page changed since the
    /// last one from the WAL into the file once, however often it changed, and the audit changes the same few pages over
    /// and over (the chain's last leaf every batch, the index's hot leaves every run): checkpointing eight times less often
    /// writes those pages to the file eight times less often. Durability is unchanged (a commit is durable in the WAL).
    /// </para>
    /// <para>
    /// cache_size: 32 MB instead of SQLite's 2 MB. An index run (<see cref="AuditIndexer"/>) adds each child's newest
    /// entries at the end of that child's range of "who has seen my record", so one run touches a leaf per child read
    /// since the last; with 2,000 children read in turn those leaves did not fit in 2 MB and every run read them back
    /// from the operating system. Measured as the runs' CPU time per entry in a 64-worker read: 9.0-10.7 µs with the
    /// default cache (five runs), 6.0-7.8 µs with this one (four runs; docs/performance.md, "Session 15"). SQLite fills the
    /// cache only as pages are read, so a short-lived reader's connection does not take the 32 MB.
    /// </para>
    /// </summary>
    private readonly string _sqlitePragmas = $"PRAGMA synchronous={(flushEveryCommit ? "FULL" : "NORMAL")}; PRAGMA busy_timeout=10000; PRAGMA wal_autocheckpoint={WalAutoCheckpointPages}; PRAGMA cache_size=-{CacheKibibytes};";

    /// <summary>The page cache of each audit connection, in KiB (see the pragmas).</summary>
    public const int CacheKibibytes = 32 * 1024;

    /// <summary>WAL pages after which a commit checkpoints (see the pragmas).</summary>
    public const int WalAutoCheckpointPages = 8000;

    /// <summary>Whether each SQLite commit is flushed to disk (synchronous=FULL).</summary>
    public bool FlushEveryCommit { get; } = flushEveryCommit;

    public StorageProvider Provider { get; } = provider;
    public string ConnectionString { get; } = connectionString;

    /// <summary>The audit database for a resource store: <paramref name="auditConnectionString"/> when one is configured, else derived from it.</summary>
    public static AuditLogDatabase For(StorageOptions storage, string? auditConnectionString = null, bool flushEveryCommit = true) =>
        new(storage.Provider, !string.IsNullOrWhiteSpace(auditConnectionString) ? auditConnectionString
            : storage.Provider == StorageProvider.Sqlite ? DeriveSqliteConnectionString(storage.ConnectionString)
            : storage.ConnectionString, flushEveryCommit);

    /// <summary><c>Data Source=dir/fhir.db;...</c> → <c>Data Source=dir/fhir-audit.db;...</c> (other settings kept).</summary>
    public static string DeriveSqliteConnectionString(string resourceStoreConnectionString)
    {
        var b = new SqliteConnectionStringBuilder(resourceStoreConnectionString);
        var source = b.DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || b.Mode == SqliteOpenMode.Memory || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(
                "The audit log's SQLite file is derived from ConnectionStrings:Fhir, which names no plain file here; set ConnectionStrings:Audit to the audit database.");
        var directory = Path.GetDirectoryName(source);
        var file = Path.GetFileNameWithoutExtension(source) + "-audit" + Path.GetExtension(source);
        b.DataSource = string.IsNullOrEmpty(directory) ? file : Path.Combine(directory, file);
        return b.ConnectionString;
    }

    /// <summary>
    /// Where this database's audit journal lives by default (<see cref="AuditJournal"/>): beside the SQLite file
    /// (<c>fhir-audit.db</c> → <c>fhir-audit.journal/</c>); for PostgreSQL, under the user's local application data, one
    /// folder per server and database, so a journal is only ever replayed into the database it was written for.
    /// </summary>
    public string DefaultJournalDirectory()
    {
        if (Provider == StorageProvider.Sqlite)
        {
            var file = Path.GetFullPath(new SqliteConnectionStringBuilder(ConnectionString).DataSource);
            return Path.Combine(Path.GetDirectoryName(file)!, Path.GetFileNameWithoutExtension(file) + ".journal");
        }
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        var key = string.Concat($"{b.Host}-{b.Port}-{b.Database}".Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root)) root = AppContext.BaseDirectory;
        return Path.Combine(root, "SendInterop", "audit-journal", key);
    }

    /// <summary>An open connection with the audit settings applied.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        DbConnection connection = Provider == StorageProvider.Postgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (Provider == StorageProvider.Sqlite)
            {
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = _sqlitePragmas;
                await cmd.ExecuteNonQueryAsync(ct);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same, synchronously (verification streams the chain through a synchronous walk).</summary>
    public DbConnection Open()
    {
        DbConnection connection = Provider == StorageProvider.Postgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            if (Provider == StorageProvider.Sqlite)
            {
                using var cmd = connection.CreateCommand();
                cmd.CommandText = _sqlitePragmas;
                cmd.ExecuteNonQuery();
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>An EF context of the provider's type, for migrations only.</summary>
    public AuditDbContext CreateContext()
    {
        if (Provider == StorageProvider.Postgres)
        {
            var b = new DbContextOptionsBuilder<PostgresAuditDbContext>()
                .UseNpgsql(ConnectionString, o => o.MigrationsHistoryTable(AuditDbContext.MigrationsHistoryTable));
            return new PostgresAuditDbContext(b.Options);
        }
        var s = new DbContextOptionsBuilder<SqliteAuditDbContext>()
            .UseSqlite(ConnectionString, o => o.MigrationsHistoryTable(AuditDbContext.MigrationsHistoryTable));
        return new SqliteAuditDbContext(s.Options);
    }
}
