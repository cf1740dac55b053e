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

    /// <summary>The child's stripe: children in different stripes never wait for each other.</summary>
    public static int StripeOf(string patientId) => (int)((uint)StringComparer.Ordinal.GetHashCode(patientId) % Stripes);

    public async Task<IDisposable> AcquireAsync(string patientId, CancellationToken ct)
    {
        var gate = _locks[StripeOf(patientId)];
        await gate.WaitAsync(ct);
        return new Release(gate);
    }

    /// <summary>
    /// The locks of several children at once (a bulk import's batch). Each stripe is taken once, in ascending order, so two
    /// batches cannot deadlock each other and a single-child holder never waits on a batch that waits on it.
    /// </summary>
    public async Task<IDisposable> AcquireManyAsync(IEnumerable<string> patientIds, CancellationToken ct)
    {
        var stripes = patientIds.Select(StripeOf).Distinct().Order().ToList();
        var held = new List<IDisposable>(stripes.Count);
        try
        {
            foreach (var stripe in stripes)
            {
                var gate = _locks[stripe];
                await gate.WaitAsync(ct);
                held.Add(new Release(gate));
            }
        }
        catch
        {
            foreach (var h in held) h.Dispose();
            throw;
        }

        return new ReleaseAll(held);
    }

    private sealed class ReleaseAll(List<IDisposable> held) : IDisposable
    {
        public void Dispose()
        {
            foreach (var h in held) h.Dispose();
        }
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
