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
    /// How many person records of a batch are mapped at once (an LA child id look-up may wait on the database).
    /// </summary>
    public int ImportParallelism { get; set; } = 4;

    /// <summary>
    /// How many person records share one look-up per type and one database transaction (<see cref="Batches.Sen2BatchImporter"/>),
    /// and one run of the commit handlers (master child index linking, statutory Tasks, indicator events), which runs while
    /// the next batch imports; everything is linked before the import answers.
    /// A record the batch cannot settle is imported on its own; a failed batch transaction stores nothing and every record of
    /// it is imported on its own, so a larger batch costs more only when something goes wrong.
    /// </summary>
    /// <remarks>0 imports every record on its own through the record-by-record path (as before batches existed: slower, the
    /// reference the batches are tested against). At most <see cref="MaxImportBatch"/>.</remarks>
    public int ImportBatch { get; set; } = 500;

    public const int MaxImportBatch = 5_000;

    /// <summary>Records handed to the importer at a time: the batch size, or a group of records imported one by one.</summary>
    public int EffectiveImportBatch => ImportBatch <= 0 ? 64 : Math.Min(ImportBatch, MaxImportBatch);

    public bool RecordByRecord => ImportBatch <= 0;

    /// <summary>
    /// Validate each mapped resource against its SEND profile during the import (measured at 5-6 ms of CPU per record). Off by default:
    /// the mapper's output is proven conformant by the tests for every code of every SEN2 code list, and the reader has
    /// checked the values it is built from.
    /// </summary>
    public bool ValidateMappedResources { get; set; }
}
