using Npgsql;

namespace SendInterop.Gateway.Tests.Infrastructure;

/// <summary>A throwaway database per fixture on the server scripts/test.sh starts (SENDINTEROP_TEST_POSTGRES).</summary>
public static class PostgresTestDatabases
{
    /// <summary>Creates <paramref name="name"/> (a generated identifier, never user input) and returns its connection string.</summary>
    public static async Task<string> CreateAsync(string name)
    {
        await ExecuteAsync($"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(PostgresGateway.ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops it, closing this process's pooled connections first.</summary>
    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(PostgresGateway.ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
