using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// Remembers each client assertion's <c>jti</c> until the assertion expires, so it is accepted once. Bounded by
/// <see cref="AuthOptions.ReplayCacheCapacity"/>: when full, expired entries are swept and, if it is still full,
/// new assertions are refused (fail closed) until room frees up.
/// </summary>
/// <remarks>
/// In-process, so a replay against this replica is refused without a database round trip; what this replica accepts
/// is then checked against the ledger every replica shares (<see cref="SendInterop.Storage.Access.UsedAssertionLedger"/>),
/// so an assertion is accepted once across the deployment.
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
        var key = Key(clientId, jti);
        var now = time.GetUtcNow();
        if (_seen.TryGetValue(key, out var until) && until > now) return Outcome.Replayed;
        if (_seen.Count >= options.Value.ReplayCacheCapacity && !Sweep(now)) return Outcome.Full;
        if (_seen.TryAdd(key, expires)) return Outcome.Accepted;
        // Present: replayed unless the remembered one has expired (then it is a new use of an old jti, allowed).
        return _seen.TryUpdate(key, expires, until) && until <= now ? Outcome.Accepted : Outcome.Replayed;
    }

    /// <summary>Forgets a use that could not be completed (the shared ledger was unreachable), so the jti is not burnt.</summary>
    public void Release(string clientId, string jti) => _seen.TryRemove(Key(clientId, jti), out _);

    /// <summary>A jti is unique per client (RFC 7523): the two together are what is remembered.</summary>
    private static string Key(string clientId, string jti) => clientId + "\n" + jti;

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
