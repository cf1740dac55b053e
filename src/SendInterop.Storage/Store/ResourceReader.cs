using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using SendInterop.Storage.Model;

namespace SendInterop.Storage.Store;

/// <summary>
/// Reads by id on a small pool of open connections with ready commands. A read by id is the gateway's most
/// frequent request; through a pooled EF context each one also paid a connection open and close, the SQLite
/// pragmas, and the context reset, which a CPU profile showed costing more than the query (docs/performance.md).
/// </summary>
internal sealed class ResourceReader(StorageOptions options) : IAsyncDisposable
{
    private const string Columns = """ "Key", "ResourceType", "ResourceId", "VersionId", "IsCurrent", "IsDeleted", "LastUpdated", "Method", "Json", "Access", "Owner" """;
    private readonly ConcurrentBag<Lease> _idle = [];
    private readonly int _maxIdle = Math.Max(4, Environment.ProcessorCount * 4);

    public Task<ResourceRecord?> ReadCurrentAsync(string type, string id, CancellationToken ct) =>
        WithLeaseAsync(lease => ReadOneAsync(lease.Current, ct, type, id), ct);

    public Task<ResourceRecord?> ReadVersionAsync(string type, string id, int version, CancellationToken ct) =>
        WithLeaseAsync(lease => ReadOneAsync(lease.Version, ct, type, id, version), ct);

    /// <summary>True when the resource exists and is not deleted (referential integrity checks on write).</summary>
    public Task<bool> ExistsAsync(string type, string id, CancellationToken ct) =>
        WithLeaseAsync(async lease =>
        {
            lease.Exists.Parameters[0].Value = type;
            lease.Exists.Parameters[1].Value = id;
            var deleted = await lease.Exists.ExecuteScalarAsync(ct);
            return deleted is not null and not DBNull && !Convert.ToBoolean(deleted, System.Globalization.CultureInfo.InvariantCulture);
        }, ct);

    /// <summary>Runs <paramref name="use"/> on a pooled connection; a connection that failed is discarded, not pooled.</summary>
    private async Task<T> WithLeaseAsync<T>(Func<Lease, Task<T>> use, CancellationToken ct)
    {
        var lease = await RentAsync(ct);
        T result;
        try
        {
            result = await use(lease);
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
        Return(lease);
        return result;
    }

    private static async Task<ResourceRecord?> ReadOneAsync(DbCommand command, CancellationToken ct, params object[] values)
    {
        for (int i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ResourceRecord
        {
            Key = reader.GetInt64(0), ResourceType = reader.GetString(1), ResourceId = reader.GetString(2), VersionId = reader.GetInt32(3),
            IsCurrent = reader.GetBoolean(4), IsDeleted = reader.GetBoolean(5), LastUpdated = reader.GetInt64(6), Method = reader.GetString(7),
            Json = (byte[])reader.GetValue(8), Access = reader.IsDBNull(9) ? null : reader.GetString(9), Owner = reader.IsDBNull(10) ? null : reader.GetString(10),
        };
    }

    private async ValueTask<Lease> RentAsync(CancellationToken ct)
    {
        if (_idle.TryTake(out var lease)) return lease;
        DbConnection connection = options.Provider == StorageProvider.Postgres
            ? new NpgsqlConnection(options.ConnectionString)
            : new SqliteConnection(options.ConnectionString);
        await connection.OpenAsync(ct);
        if (connection is SqliteConnection)
        {
            // Memory-mapped reads: at 100,000 stored resources the per-connection page cache (2 MB by default)
            // misses on most reads, and each miss was a read() system call.
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = SqlitePragmas.ReadConnection;
            await pragma.ExecuteNonQueryAsync(ct);
        }
        return new Lease(connection,
            Command(connection, $"""SELECT {Columns} FROM resources WHERE "ResourceType" = @t AND "ResourceId" = @i AND "IsCurrent" = TRUE""", "t", "i"),
            Command(connection, $"""SELECT {Columns} FROM resources WHERE "ResourceType" = @t AND "ResourceId" = @i AND "VersionId" = @v""", "t", "i", "v"),
            Command(connection, """SELECT "IsDeleted" FROM resources WHERE "ResourceType" = @t AND "ResourceId" = @i AND "IsCurrent" = TRUE""", "t", "i"));
    }

    private void Return(Lease lease)
    {
        if (_idle.Count < _maxIdle) _idle.Add(lease);
        else _ = lease.DisposeAsync().AsTask();
    }

    private static DbCommand Command(DbConnection connection, string sql, params string[] parameters) =>
        DbCommands.Create(connection, null, sql, parameters);

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var lease)) await lease.DisposeAsync();
    }

    private sealed class Lease(DbConnection connection, DbCommand current, DbCommand version, DbCommand exists) : IAsyncDisposable
    {
        public DbCommand Current { get; } = current;
        public DbCommand Version { get; } = version;
        public DbCommand Exists { get; } = exists;

        public async ValueTask DisposeAsync()
        {
            await Current.DisposeAsync();
            await Version.DisposeAsync();
            await Exists.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
