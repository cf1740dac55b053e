namespace SendInterop.Gateway.Indicators;

/// <summary>Configuration section <c>Indicators</c>.</summary>
public sealed class IndicatorOptions
{
    public const string Section = "Indicators";

    /// <summary>Keep the projection current from change events and rebuild it when needed (off: the tables are left as they are).</summary>
    public bool ProjectionEnabled { get; set; } = true;

    /// <summary>
    /// The DfE "Education, health and care plans" release directory (tidy CSV, e.g. ../shared/data/dfe-ehcp-2025), read
    /// at start-up for comparators and for the LAs of each region. Without it reports carry no comparator and region
    /// subjects are refused.
    /// </summary>
    public string? DfeReleaseDirectory { get; set; }

    /// <summary>How often the worker checks whether the daily rebuild is due (rows age with the calendar: reviews fall overdue).</summary>
    public TimeSpan ScheduleCheckInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long change events are gathered before the children they name are re-projected together.</summary>
    public TimeSpan ChangeBatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How often the stored per-LA tallies are brought up to date after projection writes (<see cref="IndicatorTallyRefresher"/>);
    /// zero or less: never in the background, each report recounts what is stale.
    /// </summary>
    public TimeSpan TallyRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Children projected per transaction in a full rebuild.</summary>
    public int RebuildBatchSize { get; set; } = 200;

    /// <summary>Residents aged 0-25 by subject code (LA 3-digit code, region or England ONS code), for plans per 1,000 (ONS mid-year estimates).</summary>
    public Dictionary<string, long> ResidentPopulation0To25 { get; set; } = new(StringComparer.Ordinal);
}
