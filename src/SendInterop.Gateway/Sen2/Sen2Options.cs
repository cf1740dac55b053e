namespace SendInterop.Gateway.Sen2;

/// <summary>Configuration section <c>Sen2</c>: limits of the SEN2 import.</summary>
public sealed class Sen2Options
{
    /// <summary>
    /// Largest SEN2 file accepted, in bytes (default 256 MiB). Above the general FHIR body limit on purpose: the largest LA's
    /// return is tens of MB, and the file is streamed, never held in memory, so a large cap costs nothing.
    /// </summary>
    public long MaxImportBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How many person records are imported at once. Records are independent transactions (the reader refuses a second record
    /// of the same person), so a few in flight share group commits; more would only queue behind profile validation.
    /// </summary>
    public int ImportParallelism { get; set; } = 4;

    /// <summary>
    /// How many records' commits share one run of the commit handlers (master child index linking, statutory Tasks, indicator
    /// events). Larger batches take the index lock and the handlers' fixed costs less often; every record is still its own
    /// transaction, and everything is linked before the import answers.
    /// </summary>
    public int CommitHandlerBatch { get; set; } = 64;
}
