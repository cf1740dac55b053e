using System.Data.Common;

namespace SendInterop.Storage.Store;

/// <summary>Builds the reusable parameterised commands of the hand-written read and write paths.</summary>
internal static class DbCommands
{
    /// <summary>A command with named parameters (@name) whose values are set per execution.</summary>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, params string[] parameters)
    {
        var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        foreach (var name in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "@" + name;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }
}
