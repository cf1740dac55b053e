namespace SendInterop.Gateway.Hosting;

/// <summary>
/// Wakes a background loop before its next poll: rung any number of times, it wakes one wait (a ring while no one waits
/// is kept for the next wait; further rings add nothing).
/// </summary>
public class Doorbell
{
    private readonly SemaphoreSlim _bell = new(0, 1);

    public void Ring()
    {
        try { _bell.Release(); }
        catch (SemaphoreFullException) { } // already rung: one wake-up serves every ring since
    }

    /// <summary>Waits for a ring or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _bell.WaitAsync(timeout, ct);
}
