using System.Runtime.CompilerServices;
using System.Threading.Channels;
using SendInterop.Domain.Sen2;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// Cuts the reader's stream of person records into batches of at most <c>size</c>, for the import's commit-handler
/// batching: a batch is handed on as soon as it is full or the file has ended, so reading, importing and linking overlap.
/// </summary>
public static class Sen2RecordBatches
{
    public static async IAsyncEnumerable<IReadOnlyList<Sen2PersonRecord>> ReadAsync(
        ChannelReader<Sen2PersonRecord> records, int size, [EnumeratorCancellation] CancellationToken ct)
    {
        var batch = new List<Sen2PersonRecord>(size);
        while (await records.WaitToReadAsync(ct))
        {
            while (batch.Count < size && records.TryRead(out var record)) batch.Add(record);
            if (batch.Count < size) continue;
            yield return batch;
            batch = new List<Sen2PersonRecord>(size);
        }

        if (batch.Count > 0) yield return batch;
    }
}
