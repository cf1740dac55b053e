namespace SendInterop.Gateway.Hosting;

/// <summary>
/// An exception as it may be logged from a request's path: its type and stack trace (and its inner exceptions'), not
/// its message. Why: a message can quote the data that caused it (PostgreSQL's "Key (value)=(...) already exists", a
/// parser quoting the text it choked on), and the log must never hold personal data. The correlation id, logged with
/// it, leads to the request; the message is for the client's OperationOutcome, not the log.
/// </summary>
public sealed class ScrubbedException : Exception
{
    private readonly string? _stackTrace;

    private ScrubbedException(Exception original)
        : base(null, original.InnerException is { } inner ? new ScrubbedException(inner) : null)
    {
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        _stackTrace = original.StackTrace;
        HResult = original.HResult;
    }

    /// <summary>The type of the exception this stands for.</summary>
    public string OriginalType { get; }

    public override string Message => $"{OriginalType} (message not logged: it may quote request data)";

    public override string? StackTrace => _stackTrace;

    public static ScrubbedException Of(Exception exception) =>
        exception as ScrubbedException ?? new ScrubbedException(exception);
}
