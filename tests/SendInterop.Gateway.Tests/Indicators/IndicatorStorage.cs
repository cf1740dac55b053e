using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Tests.Indicators;

/// <summary>
/// The store alone (no gateway) on a fresh, migrated database, holding <see cref="RandomPopulation"/>: what the SQL
/// evaluator is compared with the reference on. One subclass per provider; PostgreSQL uses the server scripts/test.sh
/// starts (SENDINTEROP_TEST_POSTGRES) and fails, never skips, without it.
/// </summary>
public abstract class IndicatorStorage(IReadOnlyList<ChildProjection>? population = null) : IAsyncLifetime
{
    public const int Children = 400;
    public const int Seed = 20250116;

    private ServiceProvider? _services;

    public IReadOnlyList<ChildProjection> Population { get; } = population ?? RandomPopulation.Generate(Children, Seed);

    public SqlIndicatorEvaluator Evaluator => _services!.GetRequiredService<SqlIndicatorEvaluator>();

    public IndicatorProjectionStore Projection => _services!.GetRequiredService<IndicatorProjectionStore>();

    /// <summary>The database's context factory, for an evaluator with other options than the registered one.</summary>
    public SendInterop.Storage.Store.FhirDbContextFactory Contexts => _services!.GetRequiredService<SendInterop.Storage.Store.FhirDbContextFactory>();

    protected abstract StorageOptions Options();

    /// <summary>A child with more than three rows, all of them in one LA (so a change to it touches that LA alone).</summary>
    public ChildProjection ChildIn(string la) =>
        Population.First(c =>
        {
            var rows = AllRows(c);
            return rows.Count > 3 && rows.All(r => r.Strata.LaCode == la);
        });

    public static List<SendInterop.Domain.Indicators.ProjectionRow> AllRows(ChildProjection c) =>
        c.Rows.Cases.Concat<SendInterop.Domain.Indicators.ProjectionRow>(c.Rows.Plans).Concat(c.Rows.Reviews).Concat(c.Rows.Outcomes).Concat(c.Rows.Waits).ToList();

    public virtual async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddFhirStorage(Options());
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<StorageInitializer>().InitializeAsync();
        await Projection.ReplaceAsync(Population, DateTimeOffset.UtcNow);
    }

    public virtual async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
    }
}

public class SqliteIndicatorStorage : IndicatorStorage
{
    public SqliteIndicatorStorage()
    {
    }

    protected SqliteIndicatorStorage(IReadOnlyList<ChildProjection> population) : base(population)
    {
    }

    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-ind-").FullName;

    protected override StorageOptions Options() => new() { Provider = StorageProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_dir, "fhir.db")}" };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public class PostgresIndicatorStorage : IndicatorStorage
{
    public PostgresIndicatorStorage()
    {
    }

    protected PostgresIndicatorStorage(IReadOnlyList<ChildProjection> population) : base(population)
    {
    }

    private readonly string _database = "ind_" + Guid.NewGuid().ToString("N")[..12];

    protected override StorageOptions Options() => new()
    {
        Provider = StorageProvider.Postgres,
        ConnectionString = new NpgsqlConnectionStringBuilder(PostgresGateway.ServerConnectionString) { Database = _database }.ConnectionString,
    };

    public override async Task InitializeAsync()
    {
        await PostgresTestDatabases.CreateAsync(_database);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await PostgresTestDatabases.DropAsync(_database);
    }
}
