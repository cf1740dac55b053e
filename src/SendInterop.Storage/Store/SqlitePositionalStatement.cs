using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SendInterop.Storage.Store;

/// <summary>
/// One SQLite statement prepared on a <see cref="SqliteConnection"/>'s own handle and bound by position. Why not a
/// <see cref="SqliteCommand"/>: Microsoft.Data.Sqlite binds every parameter by its name
/// (<c>sqlite3_bind_parameter_index</c>, a linear scan of the statement's names), so a 64-row insert of 5 columns
/// makes about 51,000 name comparisons per execution. Measured on this machine: 2.8 µs per inserted row through the
/// provider, 0.6 µs bound by position (bench/storage.sh; docs/performance.md, "Binding by position"). Every write's search index rows
/// and the audit log's index go through multi-row inserts.
/// <para>
/// Values are bound exactly as the provider binds them (<see cref="CanBind"/> lists the types: integers and
/// booleans as INTEGER, strings as TEXT, non-empty byte arrays as BLOB, <see cref="DBNull"/> as NULL), so a row reads
/// back the same whichever path wrote it; callers take the provider's path for any other type. The statement runs in
/// whatever transaction the connection has open, as a command of that connection would. Errors throw the
/// provider's <see cref="SqliteException"/> (same codes and messages), so callers' error handling is unchanged.
/// </para>
/// </summary>
internal sealed class SqlitePositionalStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public SqlitePositionalStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _stmt);
        SqliteException.ThrowExceptionForRC(rc, _db);
        Parameters = raw.sqlite3_bind_parameter_count(_stmt);
    }

    /// <summary>How many parameters the statement has (bound 0-based here, 1-based in SQLite).</summary>
    public int Parameters { get; }

    /// <summary>Whether <paramref name="value"/> has a type this statement binds (as the provider would).</summary>
    public static bool CanBind(object? value) => value is DBNull or long or int or short or byte or bool or string or byte[] { Length: > 0 };

    /// <summary>Binds <paramref name="values"/> (the first <see cref="Parameters"/> of them) in order.</summary>
    public void Bind(ReadOnlySpan<object> values)
    {
        for (int i = 0; i < Parameters; i++)
        {
            var index = i + 1;
            var rc = values[i] switch
            {
                DBNull => raw.sqlite3_bind_null(_stmt, index),
                long l => raw.sqlite3_bind_int64(_stmt, index, l),
                int n => raw.sqlite3_bind_int64(_stmt, index, n),
                short s => raw.sqlite3_bind_int64(_stmt, index, s),
                byte b => raw.sqlite3_bind_int64(_stmt, index, b),
                bool f => raw.sqlite3_bind_int64(_stmt, index, f ? 1 : 0),
                string t => raw.sqlite3_bind_text(_stmt, index, t),
                byte[] { Length: > 0 } blob => raw.sqlite3_bind_blob(_stmt, index, blob),
                var other => throw new ArgumentException($"A value of type {other?.GetType().Name ?? "null"} cannot be bound by position; check CanBind first."),
            };
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>Runs the statement to its end (a write without RETURNING), then makes it ready to run again.</summary>
    public void Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc != raw.SQLITE_DONE) ThrowFor(rc);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    /// <summary>Runs the statement, handing each result row to <paramref name="row"/> (RETURNING), then resets it.</summary>
    public void Execute(Action<SqlitePositionalStatement> row)
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_stmt)) == raw.SQLITE_ROW) row(this);
            if (rc != raw.SQLITE_DONE) ThrowFor(rc);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    /// <summary>Column <paramref name="column"/> (0-based) of the current row, as an integer.</summary>
    public long GetInt64(int column) => raw.sqlite3_column_int64(_stmt, column);

    /// <summary>Column <paramref name="column"/> (0-based) of the current row, as text.</summary>
    public string GetString(int column) => raw.sqlite3_column_text(_stmt, column).utf8_to_string();

    private void ThrowFor(int rc)
    {
        SqliteException.ThrowExceptionForRC(rc, _db);
        throw new SqliteException($"SQLite step returned {rc}.", rc); // a result code that is not an error (cannot happen for writes)
    }

    public void Dispose() => _stmt.Dispose();
}
