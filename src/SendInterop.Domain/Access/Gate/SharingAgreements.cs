namespace SendInterop.Domain.Access.Gate;

/// <summary>Tier 1: organisations that take part in sharing, for which purposes.</summary>
public sealed record Tier1Agreement(string Id, IReadOnlySet<string> Organisations, IReadOnlySet<string> Purposes);

/// <summary>Tier 2: which data classes may flow from one agency to another, for which purposes.</summary>
public sealed record Tier2Agreement(string Id, string FromAgency, string ToAgency, IReadOnlySet<string> Classes, IReadOnlySet<string> Purposes);

/// <summary>
/// The data-sharing agreements in force. Configured by the deployment (and, later, stored as Consent resources of a
/// policy category).
/// </summary>
public sealed record SharingAgreements(IReadOnlyList<Tier1Agreement> Tier1, IReadOnlyList<Tier2Agreement> Tier2)
{
    public static SharingAgreements None { get; } = new([], []);

    /// <summary>Tier 1: one agreement lists both organisations and the purpose (a resource with no owner is covered by none).</summary>
    public bool Tier1Covers(string requesterOrganisation, string? ownerOrganisation, string purpose)
    {
        if (ownerOrganisation is null) return false;
        foreach (var agreement in Tier1)
        {
            if (agreement.Organisations.Contains(requesterOrganisation)
                && agreement.Organisations.Contains(ownerOrganisation)
                && agreement.Purposes.Contains(purpose)) return true;
        }
        return false;
    }
}
