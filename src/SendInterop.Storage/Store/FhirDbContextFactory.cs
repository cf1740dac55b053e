using Microsoft.EntityFrameworkCore;

namespace SendInterop.Storage.Store;

/// <summary>Hands out a context of the configured provider's type as the common <see cref="FhirDbContext"/>.</summary>
public sealed class FhirDbContextFactory(IServiceProvider services, StorageOptions options)
{
    private readonly Func<FhirDbContext> _create = options.Provider switch
    {
        StorageProvider.Postgres => () => ((IDbContextFactory<PostgresFhirDbContext>)services.GetService(typeof(IDbContextFactory<PostgresFhirDbContext>))!).CreateDbContext(),
        _ => () => ((IDbContextFactory<SqliteFhirDbContext>)services.GetService(typeof(IDbContextFactory<SqliteFhirDbContext>))!).CreateDbContext(),
    };

    private readonly SqliteWriteTurns? _writeTurns = options.Provider == StorageProvider.Sqlite ? new SqliteWriteTurns() : null;

    public StorageProvider Provider => options.Provider;

    public FhirDbContext Create() => _create();

    /// <summary>
    /// On SQLite, this process's turn at the database's write lock (<see cref="SqliteWriteTurns"/>), to hold for the
    /// length of one write transaction; on PostgreSQL, which has no single write lock, a turn that holds nothing.
    /// </summary>
    public ValueTask<SqliteWriteTurns.Turn> TakeWriteTurnAsync(CancellationToken ct = default) =>
        _writeTurns?.TakeAsync(ct) ?? ValueTask.FromResult(default(SqliteWriteTurns.Turn));
}
