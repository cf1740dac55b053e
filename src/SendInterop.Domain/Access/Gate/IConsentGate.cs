namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// The policy decision point: one decision for one resource disclosed to one requester. Pure and synchronous: every
/// input is gathered by the caller (the gateway's one enforcement point) so the same code answers for a read, a search
/// entry, an include, a history entry or an export. The decision model is docs/adr/0003-consent-gate.md.
/// </summary>
public interface IConsentGate
{
    /// <param name="requester">Who asks, for what purpose. Scopes are checked before the gate is reached.</param>
    /// <param name="data">The resource's access facts.</param>
    /// <param name="child">The child the resource is about, or null when it is about no child (or the child is unknown).</param>
    /// <param name="agreements">The data-sharing agreements in force.</param>
    /// <param name="now">The time of access.</param>
    GateDecision Decide(Requester requester, ResourceFacts data, ChildContext? child, SharingAgreements agreements, DateTimeOffset now);
}

/// <summary>Deployment choices the gate reads.</summary>
public sealed record ConsentGateOptions
{
    /// <summary>Labels that break-glass never opens (e.g. sexual health). Empty by default.</summary>
    public IReadOnlySet<SecurityLabel> NeverBreakGlass { get; init; } = new HashSet<SecurityLabel>();
}
