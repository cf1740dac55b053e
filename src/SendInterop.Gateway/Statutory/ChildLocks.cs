namespace SendInterop.Gateway.Statutory;

/// <summary>
/// One recomputation per child at a time on this node: a client's write and the sweep (or two writes) planning the
/// same child together would both try to create its new Tasks. Striped, so memory stays fixed however many children;
/// two children sharing a stripe only wait for each other. Across nodes the deterministic Task ids do the same job.
/// </summary>
public sealed class ChildLocks
{
    private const int Stripes = 256;
    private readonly SemaphoreSlim[] _locks = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> AcquireAsync(string patientId, CancellationToken ct)
    {
        var gate = _locks[(uint)StringComparer.Ordinal.GetHashCode(patientId) % Stripes];
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) gate.Release();
        }
    }
}
