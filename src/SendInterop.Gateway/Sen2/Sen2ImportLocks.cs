using System.Collections.Concurrent;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// One import at a time per LA. Two concurrent imports of the same return would each see the other's children as new and
/// race their conditional creates; inside one file the reader already guarantees one record per person.
/// </summary>
public sealed class Sen2ImportLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>The LA's lock, or null when an import for it is already running (the caller answers 409).</summary>
    public IDisposable? TryEnter(LaCode la)
    {
        var gate = _locks.GetOrAdd(la.Value, _ => new SemaphoreSlim(1, 1));
        return gate.Wait(0) ? new Release(gate) : null;
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }
}
