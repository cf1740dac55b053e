namespace SendInterop.Gateway.Export;

/// <summary>Bulk export (<c>$export</c>) settings, section <c>Export</c>.</summary>
public sealed class ExportOptions
{
    public const string Section = "Export";

    /// <summary>
    /// Whether this replica runs export jobs. An API-only replica (false) still takes kick-offs and serves status and
    /// files; the jobs wait for a replica that runs them.
    /// </summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>How long a finished export's files are kept for the client to download, in minutes; then they are deleted.</summary>
    public int FileLifetimeMinutes { get; set; } = 60;

    /// <summary>How long a job waits to be started before it is dropped, in minutes (a stopped gateway's queue is not kept for ever).</summary>
    public int QueuedLifetimeMinutes { get; set; } = 24 * 60;

    /// <summary>Resources per output file at most; a type with more is split over several files.</summary>
    public int MaxResourcesPerFile { get; set; } = 10_000;

    /// <summary>Bytes per output file at most (a file ends after the resource that passes this).</summary>
    public int MaxFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Exports one client may have waiting or running at once; a further kick-off answers 429.</summary>
    public int MaxUnfinishedPerClient { get; set; } = 2;

    /// <summary>
    /// Output files one client may be downloading from one replica at once; a further download answers 429 (each holds its
    /// file in memory while its lines are decided again).
    /// </summary>
    public int MaxConcurrentDownloadsPerClient { get; set; } = 4;

    /// <summary>How often the worker looks for new jobs when nothing woke it (another replica's kick-offs), in milliseconds.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>How long a runner's claim on a job lasts without renewal; a replica that stops is replaced after this.</summary>
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>
    /// How many times a job is started before it is given up as failed: a run that throws (the database briefly away)
    /// goes back to the queue, and so does one whose runner stopped; a job that keeps doing so is not retried for ever.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>What a client polling the status is told to wait before the next poll, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 2;
}
