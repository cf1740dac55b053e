using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Break-glass time boxes. A client that states a reason with the safeguarding purpose opens a window of
/// <see cref="AccessOptions.BreakGlassMinutes"/>; requests inside it may use break-glass; when it closes, the reason must
/// be stated again (and is audited again). Held in memory: a restart closes every window, which discloses less.
/// </summary>
public sealed class BreakGlassLedger(IOptions<AccessOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string Client, string Organisation), Window> _open = new();

    public sealed record Window(string Reason, DateTimeOffset OpenedAt, DateTimeOffset Until);

    /// <summary>The open window for this client, opening (or re-opening) one when a reason is stated.</summary>
    public Window? Resolve(string clientId, string organisationId, string? statedReason)
    {
        var now = clock.GetUtcNow();
        var key = (clientId, organisationId);
        if (!string.IsNullOrWhiteSpace(statedReason))
        {
            if (_open.TryGetValue(key, out var current) && current.Until > now && current.Reason == statedReason) return current;
            var opened = new Window(statedReason, now, now.AddMinutes(options.Value.BreakGlassMinutes));
            _open[key] = opened;
            return opened;
        }
        return _open.TryGetValue(key, out var w) && w.Until > now ? w : null;
    }
}
