using System.IO.Pipelines;
using System.Threading.Channels;
using SendInterop.Domain.Sen2;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// Reads a SEN2 return while it uploads: the request body is copied into a small bounded pipe, a dedicated thread runs the
/// (synchronous) <see cref="Sen2ReturnReader"/> over it, and complete records come out of a bounded channel. Memory stays at a
/// pipe buffer plus a few records whatever the file size, and the request thread never blocks on a synchronous read.
/// </summary>
/// <remarks>
/// Back-pressure runs both ways: a slow importer stops the reader (full channel), which stops the upload (full pipe). The byte
/// cap is counted here as well as by Kestrel, so a chunked upload with no Content-Length is cut off at the same size.
/// </remarks>
public sealed class Sen2UploadReader : IAsyncDisposable
{
    private const int PipeBytes = 1 << 20;
    private const int BufferedRecords = 32;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PipeBytes, resumeWriterThreshold: PipeBytes / 2, useSynchronizationContext: false));
    private readonly Channel<Sen2PersonRecord> _records = Channel.CreateBounded<Sen2PersonRecord>(new BoundedChannelOptions(BufferedRecords) { SingleWriter = true });
    private readonly TaskCompletionSource _headerRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop;
    private readonly long _maxBytes;
    private Task _pump = Task.CompletedTask;
    private Task _reader = Task.CompletedTask;
    private IReadOnlyList<Sen2Error> _fileErrors = [];

    private Sen2UploadReader(long maxBytes, CancellationToken requestAborted)
    {
        _maxBytes = maxBytes;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
    }

    /// <summary>The header, once <see cref="OpenAsync"/> has returned; null when the file is not a readable SEN2 return.</summary>
    public Sen2Header? Header { get; private set; }

    /// <summary>Why the upload itself failed (too large, broken off), if it did; the file errors then stop at that point.</summary>
    public Sen2UploadFailure? UploadFailure { get; private set; }

    /// <summary>Whole-file problems; complete once <see cref="Records"/> has been read to its end.</summary>
    public IReadOnlyList<Sen2Error> FileErrors => _fileErrors;

    /// <summary>The records in file order, each complete, as they arrive.</summary>
    public ChannelReader<Sen2PersonRecord> Records => _records.Reader;

    /// <summary>Starts reading <paramref name="body"/> and waits until the header has been read (or the file has failed).</summary>
    public static async Task<Sen2UploadReader> OpenAsync(Stream body, long maxBytes, Sen2ReaderOptions options, CancellationToken requestAborted)
    {
        var upload = new Sen2UploadReader(maxBytes, requestAborted);
        upload._pump = upload.PumpAsync(body);
        // A dedicated thread: the reader blocks on the pipe between chunks, which must not hold a thread-pool thread.
        upload._reader = Task.Factory.StartNew(() => upload.Read(options), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await upload._headerRead.Task.ConfigureAwait(false);
        return upload;
    }

    private async Task PumpAsync(Stream body)
    {
        Exception? failure = null;
        try
        {
            long total = 0;
            while (true)
            {
                var memory = _pipe.Writer.GetMemory(81920);
                var n = await body.ReadAsync(memory, _stop.Token).ConfigureAwait(false);
                if (n == 0) break;
                total += n;
                if (total > _maxBytes) throw new Sen2UploadAbortedException(Sen2UploadFailure.TooLarge);
                _pipe.Writer.Advance(n);
                var flushed = await _pipe.Writer.FlushAsync(_stop.Token).ConfigureAwait(false);
                if (flushed.IsCompleted) break; // the reader has stopped: the rest of the file is not wanted
            }
        }
        catch (Sen2UploadAbortedException ex)
        {
            failure = ex;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            failure = new Sen2UploadAbortedException(Sen2UploadFailure.TooLarge);
        }
        catch (Exception)
        {
            // A client that went away, a broken chunked body, a bad gzip (InvalidDataException) or Brotli
            // (InvalidOperationException) stream, or anything else the body stream throws: the file ends where the bytes
            // did. Whatever it was, the pipe below must be completed, or the reader waits for bytes forever while the
            // LA's import lock is held (a Brotli body that was not Brotli hung the import and locked the LA out).
            failure = new Sen2UploadAbortedException(Sen2UploadFailure.BrokenOff);
        }

        await _pipe.Writer.CompleteAsync(failure).ConfigureAwait(false);
    }

    private void Read(Sen2ReaderOptions options)
    {
        try
        {
            using var stream = _pipe.Reader.AsStream();
            using var reader = Sen2ReturnReader.Open(stream, options);
            Header = reader.Header;
            _fileErrors = reader.FileErrors.ToList();
            _headerRead.TrySetResult();
            foreach (var record in reader.ReadRecords())
            {
                // Blocking here is the back-pressure, on this thread of our own.
                if (!_records.Writer.WaitToWriteAsync(_stop.Token).AsTask().GetAwaiter().GetResult()) return;
                _records.Writer.TryWrite(record);
            }

            _fileErrors = reader.FileErrors.ToList();
        }
        catch (Sen2UploadAbortedException ex)
        {
            UploadFailure = ex.Failure;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The request ended (or the caller stopped reading): nothing more is wanted.
            UploadFailure ??= Sen2UploadFailure.BrokenOff;
        }
        finally
        {
            _headerRead.TrySetResult();
            _records.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Cancelling ends the pump (which completes the pipe, failing any read in progress) and a reader waiting to hand
        // over a record; the reader's own stream completes the pipe's reading side when it is disposed.
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_pump, _reader).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
        }

        _stop.Dispose();
    }
}

/// <summary>Why an upload stopped before its end.</summary>
public enum Sen2UploadFailure
{
    /// <summary>The file is larger than <see cref="Sen2Options.MaxImportBytes"/>.</summary>
    TooLarge,

    /// <summary>The body ended abnormally (client gone, broken chunking or compression).</summary>
    BrokenOff,
}

/// <summary>Carries an upload failure from the body pump through the pipe to the reader thread.</summary>
internal sealed class Sen2UploadAbortedException(Sen2UploadFailure failure) : IOException("The SEN2 upload stopped: " + failure)
{
    public Sen2UploadFailure Failure { get; } = failure;
}
