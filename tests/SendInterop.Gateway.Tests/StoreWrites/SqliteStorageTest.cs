using Microsoft.Extensions.DependencyInjection;
using SendInterop.Storage;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>The storage services alone (no gateway) on a fresh SQLite file of the test's own, removed afterwards.</summary>
public abstract class SqliteStorageTest : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-storage-").FullName;
    private ServiceProvider? _services;

    protected IServiceProvider Services => _services!;

    /// <summary>The database file, for a test that opens a connection of its own.</summary>
    protected string DatabasePath => Path.Combine(_dir, "fhir.db");

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddFhirStorage(new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = $"Data Source={DatabasePath}" });
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<StorageInitializer>().InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
