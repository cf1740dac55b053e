using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace SendInterop.Storage.Store;

/// <summary>
/// Inserts rows into one table <see cref="RowsPerStatement"/> at a time: one prepared multi-row statement, re-executed with
/// new values for each full block, and one statement for the rows left at the end. Why: a statement per row costs its
/// binding, stepping and resetting through the provider, and on PostgreSQL a round trip; a bulk import's index rows were
/// the largest part of its writes (docs/performance.md, "SEN2 import rate"). The B-tree insertions themselves are the
/// same. Plain SQL, the same on SQLite and PostgreSQL. On SQLite a block whose values all bind by position goes through
/// a <see cref="SqlitePositionalStatement"/> (the provider's binding by name grows with the square of the parameters);
/// any other block, and PostgreSQL, through a provider command.
/// </summary>
internal sealed class MultiRowInsert(DbConnection connection, DbTransaction tx, string insertInto, int columns) : IAsyncDisposable
{
    public const int RowsPerStatement = 64;
    private readonly object[] _values = new object[RowsPerStatement * columns];
    private int _rows;
    private DbCommand? _full;
    private SqlitePositionalStatement? _fullPositional;

    public async Task AddAsync(object[] row, CancellationToken ct)
    {
        row.CopyTo(_values, _rows * columns);
        if (++_rows == RowsPerStatement) await FlushAsync(ct);
    }

    /// <summary>Inserts the rows added since the last flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        if (_rows == 0) return;
        if (connection is SqliteConnection sqlite && BindsByPosition())
        {
            if (_rows == RowsPerStatement) Execute(_fullPositional ??= new SqlitePositionalStatement(sqlite, Sql(RowsPerStatement)));
            else
            {
                using var rest = new SqlitePositionalStatement(sqlite, Sql(_rows));
                Execute(rest);
            }
        }
        else if (_rows == RowsPerStatement)
        {
            await ExecuteAsync(_full ??= Command(RowsPerStatement), ct);
        }
        else
        {
            await using var rest = Command(_rows);
            await ExecuteAsync(rest, ct);
        }
        _rows = 0;
    }

    /// <summary>Forgets the rows added since the last flush (their writes were rolled back).</summary>
    public void Discard() => _rows = 0;

    private bool BindsByPosition()
    {
        for (int i = 0; i < _rows * columns; i++)
            if (!SqlitePositionalStatement.CanBind(_values[i])) return false;
        return true;
    }

    private void Execute(SqlitePositionalStatement statement)
    {
        statement.Bind(_values.AsSpan(0, _rows * columns));
        statement.Execute();
    }

    /// <summary>The statement for <paramref name="rows"/> rows with positional parameters.</summary>
    private string Sql(int rows) => insertInto + " VALUES " + PositionalValues(rows, columns);

    /// <summary>"(?,?),(?,?)" for <paramref name="rows"/> rows of <paramref name="columns"/> values (SQLite, bound by position).</summary>
    public static string PositionalValues(int rows, int columns)
    {
        var row = "(" + string.Join(',', Enumerable.Repeat('?', columns)) + ")";
        return string.Join(',', Enumerable.Repeat(row, rows));
    }

    private async Task ExecuteAsync(DbCommand cmd, CancellationToken ct)
    {
        for (int i = 0; i < _rows * columns; i++) cmd.Parameters[i].Value = _values[i];
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private DbCommand Command(int rows)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = insertInto + " VALUES " + Values(cmd, rows, columns, "v");
        return cmd;
    }

    /// <summary>"(@v0,@v1,...),(...)" for <paramref name="rows"/> rows of <paramref name="columns"/> values, each a parameter
    /// added to <paramref name="cmd"/> in row order (values to be set by the caller).</summary>
    public static string Values(DbCommand cmd, int rows, int columns, string prefix)
    {
        var text = new System.Text.StringBuilder();
        for (int r = 0; r < rows; r++)
        {
            text.Append(r == 0 ? "(" : ",(");
            for (int c = 0; c < columns; c++)
            {
                var name = "@" + prefix + (r * columns + c).ToString(System.Globalization.CultureInfo.InvariantCulture);
                text.Append(c == 0 ? "" : ",").Append(name);
                var parameter = cmd.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = DBNull.Value;
                cmd.Parameters.Add(parameter);
            }
            text.Append(')');
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        _fullPositional?.Dispose();
        if (_full is not null) await _full.DisposeAsync();
    }
}
