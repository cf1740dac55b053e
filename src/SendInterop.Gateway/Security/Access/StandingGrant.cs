using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// A requester kept beyond its request, for disclosures made later on its behalf (a subscription's notifications, a
/// bulk export's files): client, organisation, agency, role, scopes and the purpose it stated. The consent gate decides
/// each later disclosure for this requester as if it had read the resource itself with the same token.
/// </summary>
/// <param name="Registered">The client was in the gateway's client registry when the grant was made: each later
/// disclosure then also needs the client's current registration to allow it (<see cref="ClientStanding"/>).</param>
public sealed record StandingGrant(string ClientId, string Organisation, string Agency, string? Role, string Scopes, string Purpose, string? PatientContext,
    bool Registered = false)
{
    public static StandingGrant Of(Requester r, bool registered) =>
        new(r.ClientId, r.OrganisationId, r.Agency, r.Role, r.Scopes.ToString(), r.Purpose, r.PatientContext, registered);

    /// <summary>The requester later disclosures are decided for: the stated purpose only, never break-glass.</summary>
    public Requester ToRequester() =>
        new(ClientId, Organisation, Agency, Role, SmartScopeParser.ParseMany(Scopes), new HashSet<string>(StringComparer.Ordinal) { Purpose }, Purpose, PatientContext);
}

/// <summary>
/// Whether a standing grant's client is still allowed what it was granted. A client of the gateway's registry (now, or
/// when the grant was made) must still have the organisation, agency, purpose and a scope for the type in its current
/// registration: one removed or narrowed since is refused. A client no registry ever held (a trusted external
/// issuer's) keeps the grant it was given.
/// </summary>
public sealed class ClientStanding(Authentication.ClientRegistry clients)
{
    public bool Allows(StandingGrant grant, string resourceType, SmartPermissions needed)
    {
        if (clients.Find(grant.ClientId) is not { } client) return !grant.Registered;
        return client.Organisation == grant.Organisation && client.Agency == grant.Agency
            && client.Purposes.Contains(grant.Purpose, StringComparer.Ordinal)
            && ScopeGrant.For(client.AllowedScopes, resourceType, needed) is not null;
    }
}
