using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage;
using SendInterop.Storage.Audit;

namespace SendInterop.Gateway.Tests.Audit;

/// <summary>Audit records for tests: ids and codes only, unique per call where a test needs to find its own.</summary>
public static class AuditRecords
{
    private static long _serial;

    public static AuditRecord Record(
        string? client = null, string organisation = "la-926", IReadOnlyList<string>? children = null,
        AuditDecision decision = AuditDecision.Permit, DateTimeOffset? recorded = null, IReadOnlyList<string>? entities = null,
        bool breakGlass = false, string? breakGlassReason = null) =>
        new(recorded ?? DateTimeOffset.UtcNow, AuditAction.Read, "read", decision,
            decision == AuditDecision.Permit ? "consent-permit" : "default-deny", "Consent/c-1",
            client ?? "client-" + Interlocked.Increment(ref _serial), organisation, "education", "sen-caseworker", "direct-care",
            children ?? ["child-1"], entities ?? ["CarePlan/plan-1"], "corr-" + Guid.NewGuid().ToString("N")[..8],
            breakGlass, breakGlassReason, "10.1.2.3");
}

/// <summary>
/// An audit log on its own fresh database (a temp SQLite file, or a new PostgreSQL database on the test server), with
/// raw SQL access for tamper tests. Several writers may be opened on it, as after a crash and restart.
/// </summary>
public sealed class AuditStack : IAsyncDisposable
{
    private readonly List<AuditLogWriter> _writers = [];
    private readonly string? _directory;
    private readonly string? _postgresDatabase;

    private AuditStack(AuditLogDatabase database, string? directory, string? postgresDatabase)
    {
        Database = database;
        _directory = directory;
        _postgresDatabase = postgresDatabase;
    }

    public AuditLogDatabase Database { get; }
    public string? Directory => _directory;
    public AuditLogWriter Writer => _writers[0];
    /// <summary>The reader of the first writer (knows what it committed).</summary>
    public IAuditLogReader Reader => AuditLogServiceCollectionExtensions.CreateReader(Database, Writer);
    /// <summary>A reader that knows only the database (as after a restart).</summary>
    public IAuditLogReader DatabaseOnlyReader => AuditLogServiceCollectionExtensions.CreateReader(Database);

    public static async Task<AuditStack> CreateAsync(bool postgres, string? sqliteFile = null, bool flushEveryCommit = true)
    {
        AuditStack stack;
        if (postgres)
        {
            var name = "audit_" + Guid.NewGuid().ToString("N")[..12];
            var cs = await PostgresTestDatabases.CreateAsync(name);
            stack = new AuditStack(new AuditLogDatabase(StorageProvider.Postgres, cs), null, name);
        }
        else
        {
            var dir = sqliteFile is null ? System.IO.Directory.CreateTempSubdirectory("sendinterop-audit-").FullName : null;
            var file = sqliteFile ?? Path.Combine(dir!, "fhir-audit.db");
            stack = new AuditStack(new AuditLogDatabase(StorageProvider.Sqlite, $"Data Source={file}", flushEveryCommit), dir, null);
        }
        await new AuditLogInitializer(stack.Database).InitializeAsync();
        await stack.StartWriterAsync();
        return stack;
    }

    /// <summary>A folder for this stack's audit journal (removed with the stack).</summary>
    public string JournalDirectory => _journalDirectory ??= System.IO.Directory.CreateTempSubdirectory("sendinterop-journal-").FullName;
    private string? _journalDirectory;

    /// <summary>A journal on <see cref="JournalDirectory"/>, as a gateway would open it.</summary>
    public AuditJournal NewJournal(long segmentLimit = 64L * 1024 * 1024) => new(JournalDirectory, segmentLimit);

    /// <summary>A new writer on the same database, started (loads the head) like a restarted gateway's.</summary>
    public async Task<AuditLogWriter> StartWriterAsync(TimeSpan? indexInterval = null, AuditJournal? journal = null, int? indexQueueLimit = null,
        TimeSpan? journalBatchWindow = null)
    {
        var writer = new AuditLogWriter(Database, NullLogger<AuditLogWriter>.Instance, indexInterval, journal, journalBatchWindow, indexQueueLimit);
        await writer.StartAsync();
        _writers.Add(writer);
        return writer;
    }

    public async Task<List<long>> AppendAsync(int count, Func<int, AuditRecord>? record = null, AuditLogWriter? writer = null)
    {
        var w = writer ?? Writer;
        var sequences = new List<long>();
        for (int i = 0; i < count; i++) sequences.Add(await w.WriteAsync(record?.Invoke(i) ?? AuditRecords.Record()));
        // Indexed before returning, so tamper tests edit index rows that exist (the index follows the commit).
        await w.IndexNowAsync();
        return sequences;
    }

    /// <summary>A connection outside every pool: what another process would see.</summary>
    public DbConnection FreshConnection() => FreshConnection(Database);

    public static DbConnection FreshConnection(AuditLogDatabase database)
    {
        DbConnection c = database.Provider == StorageProvider.Postgres
            ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        c.Open();
        return c;
    }

    public Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters) => ExecuteAsync(Database, sql, parameters);

    public static async Task<int> ExecuteAsync(AuditLogDatabase database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var c = FreshConnection(database);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var c = FreshConnection();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<byte[]> PayloadAsync(long sequence)
    {
        await using var c = FreshConnection();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """SELECT "Payload" FROM audit_log WHERE "Sequence" = @s""";
        var p = cmd.CreateParameter();
        p.ParameterName = "@s";
        p.Value = sequence;
        cmd.Parameters.Add(p);
        return (byte[])(await cmd.ExecuteScalarAsync())!;
    }

    public Task SetPayloadAsync(long sequence, byte[] payload) =>
        ExecuteAsync("""UPDATE audit_log SET "Payload" = @p WHERE "Sequence" = @s""", ("p", payload), ("s", sequence));

    public async ValueTask DisposeAsync()
    {
        foreach (var w in _writers) await w.StopAsync();
        if (_postgresDatabase is not null) await PostgresTestDatabases.DropAsync(_postgresDatabase);
        if (_journalDirectory is not null)
        {
            try { System.IO.Directory.Delete(_journalDirectory, recursive: true); } catch (IOException) { }
        }
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try { System.IO.Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
    }
}
