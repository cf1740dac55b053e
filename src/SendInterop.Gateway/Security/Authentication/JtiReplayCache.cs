using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Remembers each client assertion's <c>jti</c> until the assertion expires, so it is accepted once. Bounded by
/// <see cref="AuthOptions.ReplayCacheCapacity"/>: when full, expired entries are swept and, if it is still full,
/// new assertions are refused (fail closed) until room frees up.
/// </summary>
/// <remarks>
/// In-process: with several gateway replicas, an assertion could be replayed once against each replica within its
/// (at most 5-minute) lifetime. A deployment with replicas either routes /auth/token to one of them or replaces this
/// with a shared store (a unique-key table in the database).
/// </remarks>
public sealed class JtiReplayCache(IOptions<AuthOptions> options, TimeProvider time)
{
    public enum Outcome { Accepted, Replayed, Full }

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly object _sweepGate = new();

    public int Count => _seen.Count;

    /// <param name="expires">The assertion's exp (plus skew): the jti is remembered until then.</param>
    public Outcome TryUse(string clientId, string jti, DateTimeOffset expires)
    {
        var key = clientId + "\n" + jti;
        var now = time.GetUtcNow();
        if (_seen.TryGetValue(key, out var until) && until > now) return Outcome.Replayed;
        if (_seen.Count >= options.Value.ReplayCacheCapacity && !Sweep(now)) return Outcome.Full;
        if (_seen.TryAdd(key, expires)) return Outcome.Accepted;
        // Present: replayed unless the remembered one has expired (then it is a new use of an old jti, allowed).
        return _seen.TryUpdate(key, expires, until) && until <= now ? Outcome.Accepted : Outcome.Replayed;
    }

    private bool Sweep(DateTimeOffset now)
    {
        lock (_sweepGate)
        {
            foreach (var (key, until) in _seen)
                if (until <= now) _seen.TryRemove(new KeyValuePair<string, DateTimeOffset>(key, until));
            return _seen.Count < options.Value.ReplayCacheCapacity;
        }
    }
}
