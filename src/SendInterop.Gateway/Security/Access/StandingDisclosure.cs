using SendInterop.Domain.Access;
using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// A disclosure made later on a <see cref="StandingGrant"/>'s behalf (a notification, an export's contents): the grant's scopes
/// for the type (constraints included), the client's current standing, then the consent gate, each decision recorded in
/// <paramref name="session"/> for the audit as a read's would be.
/// </summary>
public sealed class StandingDisclosure(DisclosureGate gate, ClientStanding standing)
{
    public async Task<bool> PermitsAsync(AccessSession session, StandingGrant grant, ResourceRecord record, SmartPermissions needed, CancellationToken ct)
    {
        var scope = session.ScopeFor(record.ResourceType, needed);
        if (scope is null || !standing.Allows(grant, record.ResourceType, needed))
        {
            gate.RecordOutOfScope(session, record);
            return false;
        }
        return await gate.PermitsWithinScopeAsync(session, record, scope, ct);
    }

    /// <summary>
    /// The same decision, not recorded: for a choice that discloses nothing yet (which resources a bulk export's files
    /// hold; each line is decided again, and recorded, when a file is downloaded).
    /// </summary>
    public async Task<bool> IsPermittedAsync(AccessSession session, StandingGrant grant, ResourceRecord record, SmartPermissions needed, CancellationToken ct)
    {
        var scope = session.ScopeFor(record.ResourceType, needed);
        return scope is not null && standing.Allows(grant, record.ResourceType, needed) && await gate.IsPermittedWithinScopeAsync(session, record, scope, ct);
    }
}
