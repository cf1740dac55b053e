using Microsoft.Data.Sqlite;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Audit;

/// <summary>
/// The statements every audit batch runs on SQLite (read the chain head, insert the entries, move the journal's
/// applied offset), prepared once per writer connection instead of once per batch. Why: with the journal the writer
/// commits a batch every 5 ms, about 25 entries at 5,000 reads/s, and each batch's fixed work (three statements
/// parsed and planned, the transaction, the flush) was spread over few entries; a statement kept prepared costs only
/// its binding and stepping (docs/performance.md, "Consent gate cost", session 20).
/// <para>
/// Tied to one connection: <see cref="AuditLogWriter"/> disposes it before that connection is closed or given back
/// (a pooled connection must not carry statements of ours to its next user). A statement is reset after each use, so
/// between batches it holds no lock and no read snapshot.
/// </para>
/// </summary>
internal sealed class SqliteBatchStatements : IDisposable
{
    public const string InsertLogSql = """
        INSERT INTO audit_log ("Sequence", "Recorded", "PreviousHash", "Hash", "Payload", "Organisation", "Client", "Decision", "BreakGlass")
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """;

    private const string AppliedSql = """
        INSERT INTO audit_journal ("Segment", "Applied") VALUES (?, ?)
        ON CONFLICT ("Segment") DO UPDATE SET "Applied" = excluded."Applied"
        """;

    private readonly List<SqlitePositionalStatement> _prepared = [];
    private readonly SqlitePositionalStatement _head, _insert, _applied;

    public SqliteBatchStatements(SqliteConnection connection)
    {
        Connection = connection;
        try
        {
            _head = Prepare(AuditLogWriter.HeadSql);
            _insert = Prepare(InsertLogSql);
            _applied = Prepare(AppliedSql);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private SqlitePositionalStatement Prepare(string sql)
    {
        var statement = new SqlitePositionalStatement(Connection, sql);
        _prepared.Add(statement);
        return statement;
    }

    /// <summary>The connection these statements belong to.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>The chain's last entry, read in the caller's transaction; null for an empty chain.</summary>
    public AuditChainHead? ReadHead()
    {
        AuditChainHead? head = null;
        _head.Execute(row => head = new AuditChainHead(row.GetInt64(0), row.GetString(1)));
        return head;
    }

    /// <summary>Inserts one chain row (values in <see cref="InsertLogSql"/>'s order).</summary>
    public void InsertLog(ReadOnlySpan<object> values)
    {
        _insert.Bind(values);
        _insert.Execute();
    }

    /// <summary>Records that a journal segment is applied up to <paramref name="end"/>.</summary>
    public void RecordApplied(string segment, long end)
    {
        _applied.Bind([segment, end]);
        _applied.Execute();
    }

    public void Dispose()
    {
        foreach (var statement in _prepared) statement.Dispose();
        _prepared.Clear();
    }
}
