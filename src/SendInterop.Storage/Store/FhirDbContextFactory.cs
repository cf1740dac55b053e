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

    public StorageProvider Provider => options.Provider;

    public FhirDbContext Create() => _create();
}
