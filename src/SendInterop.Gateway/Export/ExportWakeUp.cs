namespace SendInterop.Gateway.Export;

/// <summary>Rung by a kick-off so this replica's worker starts the job at once instead of at its next poll.</summary>
public sealed class ExportWakeUp
{
    private readonly SemaphoreSlim _bell = new(0, 1);

    public void Ring()
    {
        try { _bell.Release(); }
        catch (SemaphoreFullException) { } // already rung: one wake-up serves every kick-off since
    }

    /// <summary>Waits for a ring or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _bell.WaitAsync(timeout, ct);
}
