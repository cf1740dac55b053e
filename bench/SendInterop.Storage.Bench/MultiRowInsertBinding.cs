using System.Data.Common;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Bench;

/// <summary>
/// Inserting search-index-shaped rows (5 columns: key, type, parameter, system, code) in a transaction, 64 rows per
/// statement: <see cref="MultiRowInsert"/> as it is (bound by position on SQLite) against the provider's named
/// parameters on the same statement shape (the path it replaced, the baseline). The B-tree work is the same in both;
/// what differs is binding.
/// </summary>
[MemoryDiagnoser]
public class MultiRowInsertBinding
{
    private const int Rows = 6_400;
    private const string InsertInto = """INSERT INTO search_token ("ResourceKey", "ResourceType", "Param", "System", "Code")""";
    private string _path = "";
    private SqliteConnection _connection = null!;
    private object[][] _rows = [];
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"sendinterop-binding-{Environment.ProcessId}.db");
        _connection = new SqliteConnection($"Data Source={_path}");
        _connection.Open();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE search_token ("ResourceKey" INTEGER NOT NULL, "ResourceType" TEXT NOT NULL, "Param" TEXT NOT NULL, "System" TEXT NULL, "Code" TEXT NOT NULL);
            """;
        cmd.ExecuteNonQuery();
        _rows = Enumerable.Range(0, Rows).Select(i => new object[]
            { 0L, "Observation", "code", i % 5 == 0 ? DBNull.Value : "http://snomed.info/sct", (100000 + i % 977).ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
    }

    [Benchmark(Baseline = true, Description = "provider, named parameters", OperationsPerInvoke = Rows)]
    public void ProviderNamed()
    {
        using var tx = _connection.BeginTransaction();
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = InsertInto + " VALUES " + MultiRowInsert.Values(cmd, MultiRowInsert.RowsPerStatement, 5, "v");
        for (int start = 0; start < Rows; start += MultiRowInsert.RowsPerStatement)
        {
            for (int r = 0; r < MultiRowInsert.RowsPerStatement; r++)
                for (int c = 0; c < 5; c++) cmd.Parameters[r * 5 + c].Value = c == 0 ? ++_next : _rows[start + r][c];
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    [Benchmark(Description = "MultiRowInsert, by position", OperationsPerInvoke = Rows)]
    public async Task Positional()
    {
        await using var tx = _connection.BeginTransaction();
        await using (var insert = new MultiRowInsert(_connection, (DbTransaction)tx, InsertInto, 5))
        {
            foreach (var row in _rows)
            {
                row[0] = ++_next;
                await insert.AddAsync(row, default);
            }
            await insert.FlushAsync(default);
        }
        await tx.CommitAsync();
    }
}
