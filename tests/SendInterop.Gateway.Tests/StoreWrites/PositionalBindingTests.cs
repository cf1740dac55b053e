using Microsoft.Data.Sqlite;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// Multi-row inserts on SQLite bind by position (<see cref="SqlitePositionalStatement"/>) instead of through the
/// provider's named parameters. A row must read back exactly as the provider would have stored it (value and SQLite
/// storage class), errors must surface as the provider's <see cref="SqliteException"/>, and a block holding a value of
/// another type must still be written (through the provider).
/// </summary>
public sealed class PositionalBindingTests : IAsyncLifetime
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public async Task InitializeAsync()
    {
        await _connection.OpenAsync();
        await ExecAsync("CREATE TABLE t (k INTEGER PRIMARY KEY, a, b, c, d, e)");
    }

    public Task DisposeAsync() => _connection.DisposeAsync().AsTask();

    /// <summary>Rows of every bindable type; "é" and an emoji check the UTF-8 path; a long beyond 32 bits the INTEGER width.</summary>
    private static object[][] Rows(long firstKey, int count) => Enumerable.Range(0, count).Select(i => new object[]
    {
        firstKey + i,
        (i % 4) switch { 0 => (object)(5_000_000_000L + i), 1 => (object)i, 2 => (object)(short)i, _ => (object)(byte)i },
        i % 2 == 0,
        i % 3 == 0 ? DBNull.Value : $"caf\u00e9-\U0001F600-{i}",
        new byte[] { 1, 2, (byte)i },
        "",
    }).ToArray();

    [Fact]
    public async Task Rows_bound_by_position_read_back_as_the_providers_rows_do()
    {
        // 70 rows: one full block of 64 (the reused statement) and a remainder of 6 (a statement of its own).
        var rows = Rows(1, 70);
        await InsertBothWaysAsync(rows);

        var positional = await ReadAsync("k < 1000");
        var provider = await ReadAsync("k >= 1000");
        Assert.Equal(70, positional.Count);
        Assert.Equal(provider, positional);
    }

    [Fact]
    public async Task A_block_with_a_value_of_another_type_goes_through_the_provider()
    {
        var rows = Rows(1, 3);
        rows[1][5] = 12.5m; // decimal: the provider stores it as TEXT in its own format
        await InsertBothWaysAsync(rows);

        Assert.Equal(await ReadAsync("k >= 1000"), await ReadAsync("k < 1000"));
    }

    [Fact]
    public async Task A_constraint_violation_is_the_providers_exception_and_the_statement_can_run_again()
    {
        await using var tx = _connection.BeginTransaction();
        await using var insert = new MultiRowInsert(_connection, tx, "INSERT INTO t (k, a, b, c, d, e)", 6);
        await insert.AddAsync([1L, 1L, true, "x", new byte[] { 1 }, ""], default);
        await insert.FlushAsync(default);
        await insert.AddAsync([1L, 2L, false, "y", new byte[] { 2 }, ""], default);
        var ex = await Assert.ThrowsAsync<SqliteException>(() => insert.FlushAsync(default));
        Assert.Equal(19, ex.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Contains("UNIQUE", ex.Message, StringComparison.Ordinal);
        insert.Discard(); // what the writers do with a failed block's rows
        await insert.AddAsync([2L, 3L, false, "z", new byte[] { 3 }, ""], default);
        await insert.FlushAsync(default);
        await tx.CommitAsync();
        Assert.Equal(["1", "2"], (await ReadAsync("1 = 1")).Select(r => r.Split('|')[0]));
    }

    [Fact]
    public async Task A_full_block_that_fails_leaves_its_reused_statement_ready_for_the_next()
    {
        await using var tx = _connection.BeginTransaction();
        await using var insert = new MultiRowInsert(_connection, tx, "INSERT INTO t (k, a, b, c, d, e)", 6);
        await insert.AddAsync([5000L, 1L, true, "x", new byte[] { 1 }, ""], default);
        await insert.FlushAsync(default);
        // 64 rows (the reused full-block statement), the last a duplicate key: the whole statement fails.
        var rows = Rows(1, MultiRowInsert.RowsPerStatement);
        rows[^1][0] = 5000L;
        var ex = await Assert.ThrowsAsync<SqliteException>(async () => { foreach (var row in rows) await insert.AddAsync(row, default); });
        Assert.Equal(19, ex.SqliteErrorCode);
        insert.Discard();
        // The same statement again, with good rows: every one stored.
        foreach (var row in Rows(100, MultiRowInsert.RowsPerStatement)) await insert.AddAsync(row, default);
        await insert.FlushAsync(default);
        await tx.CommitAsync();
        Assert.Equal(1 + MultiRowInsert.RowsPerStatement, (await ReadAsync("1 = 1")).Count);
    }

    /// <summary>The rows through the provider at keys + 1000, and through <see cref="MultiRowInsert"/> at their own keys.</summary>
    private async Task InsertBothWaysAsync(object[][] rows)
    {
        await InsertThroughProviderAsync(rows.Select(r => r.Select((v, c) => c == 0 ? (object)((long)v + 1000) : v).ToArray()));
        await using var tx = _connection.BeginTransaction();
        await using (var insert = new MultiRowInsert(_connection, tx, "INSERT INTO t (k, a, b, c, d, e)", 6))
        {
            foreach (var row in rows) await insert.AddAsync(row, default);
            await insert.FlushAsync(default);
        }
        await tx.CommitAsync();
    }

    private async Task InsertThroughProviderAsync(IEnumerable<object[]> rows)
    {
        foreach (var row in rows)
        {
            await using var cmd = _connection.CreateCommand();
            cmd.CommandText = "INSERT INTO t (k, a, b, c, d, e) VALUES (@k, @a, @b, @c, @d, @e)";
            foreach (var (name, value) in new[] { "@k", "@a", "@b", "@c", "@d", "@e" }.Zip(row)) cmd.Parameters.AddWithValue(name, value);
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Each row (key made relative to its block) with every column's storage class and value, as text.</summary>
    private async Task<List<string>> ReadAsync(string where)
    {
        await using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT k % 1000, typeof(a), a, typeof(b), b, typeof(c), c, typeof(d), hex(d), typeof(e), e FROM t WHERE {where} ORDER BY k";
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    private async Task ExecAsync(string sql)
    {
        await using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }
}
