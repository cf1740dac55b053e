namespace SendInterop.Storage;

public enum StorageProvider { Sqlite, Postgres }

/// <summary>Bound from configuration section "Storage"; the connection string is ConnectionStrings:Fhir.</summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;
    public string ConnectionString { get; set; } = "Data Source=sendinterop.db";
    /// <summary>Apply pending migrations at start-up (the embedded default); turn off where a DBA migrates.</summary>
    public bool MigrateOnStartup { get; set; } = true;
    /// <summary>
    /// Bound of the indicator count cache in tallies (<see cref="Indicators.SqlIndicatorEvaluator.DefaultCacheTallies"/>);
    /// 0 turns it off. Counts are reused only while the projection is unchanged, so this trades memory for time, never accuracy.
    /// </summary>
    public long IndicatorCacheTallies { get; set; } = Indicators.SqlIndicatorEvaluator.DefaultCacheTallies;

    /// <summary>
    /// Keep each count query's per-LA answer in the database (ind_tally) and count again only the LAs written since
    /// (<see cref="Indicators.StoredTallies"/>); false counts every report's whole scope from the projection rows.
    /// </summary>
    public bool IndicatorTallies { get; set; } = true;

    /// <summary>
    /// Most count queries whose stored tallies (and suppression decisions) are kept (<see cref="Indicators.StoredTallies"/>):
    /// every distinct period asked for is a new query, so without a bound a client walking through periods would grow the
    /// tables without end. The least recently counted queries go first; one asked again is counted again. Default
    /// <see cref="Indicators.StoredTallies.DefaultMaxQueries"/>, twice what the background refresh keeps current, so the
    /// refresh never evicts what it is about to refresh.
    /// </summary>
    public int IndicatorStoredQueries { get; set; } = Indicators.StoredTallies.DefaultMaxQueries;
}
