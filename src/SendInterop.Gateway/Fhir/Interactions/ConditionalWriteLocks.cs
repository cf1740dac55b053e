namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// Serialises conditional creates and updates that use the same criteria, so two "create this child unless the
/// NHS number exists" requests arriving together cannot both see no match and both create. Striped by a hash of
/// (type, criteria): unrelated requests rarely share a stripe. In-process only: several replicas on one
/// PostgreSQL still need a database-side lock (noted in the issue).
/// </summary>
public sealed class ConditionalWriteLocks
{
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IDisposable> AcquireAsync(string type, IEnumerable<KeyValuePair<string, string>> criteria, CancellationToken ct)
    {
        var key = type + "?" + string.Join("&", criteria.Select(kv => kv.Key + "=" + kv.Value).Order(StringComparer.Ordinal));
        var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_stripes.Length];
        await stripe.WaitAsync(ct);
        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) stripe.Release();
        }
    }
}
