using Hl7.Fhir.Model;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.DemoData;

/// <summary>
/// Which demo organisation owns each resource of a child's record, as the consent gate sees it: the trust for what
/// its clinicians wrote (episodes, their advice, their diagnoses), the LA for everything else. The demo loads as the
/// gateway itself, which keeps these owner tags; an API client can never set one.
/// </summary>
public static class DemoOwnership
{
    private static readonly Dictionary<string, DemoStaff> StaffByReference = DemoDirectory.Staff.ToDictionary(s => s.Reference, StringComparer.Ordinal);

    public static void Assign(Resource resource, DemoLocalAuthority la)
    {
        var owner = OrganisationOf(resource) ?? la.Id;
        OwnershipTags.SetOwner(resource, owner);
        // The LA's social care team writes social care needs: the class says so, whatever the owner's main agency.
        if (resource is Condition { Asserter.Reference: { } asserter } && StaffByReference.TryGetValue(asserter, out var staff) && staff.Role == StaffRole.SocialWorker)
            resource.Meta!.Tag.Add(new Coding(DataClasses.System, DataClasses.SocialCare));
    }

    /// <summary>The registrations the gate needs for the demo organisations: LAs and schools are education, trusts health.</summary>
    public static IEnumerable<(string Id, string Agency)> Organisations() =>
        DemoDirectory.LocalAuthorities.Select(l => (l.Id, Agencies.Education))
            .Concat(DemoDirectory.Settings.Select(s => (s.Id, Agencies.Education)))
            .Concat(DemoDirectory.Trusts.Select(t => (t.Id, Agencies.Health)));

    private static string? OrganisationOf(Resource resource) => resource switch
    {
        EpisodeOfCare e => Organisation(e.ManagingOrganization?.Reference),
        DocumentReference d => Organisation(d.Custodian?.Reference),
        Condition c => Organisation(c.Asserter?.Reference),
        Hl7.Fhir.Model.Task t => Organisation(t.Owner?.Reference),
        _ => null,
    };

    private static string? Organisation(string? reference)
    {
        if (reference is null) return null;
        if (reference.StartsWith("Organization/", StringComparison.Ordinal)) return reference["Organization/".Length..];
        return StaffByReference.TryGetValue(reference, out var staff) ? staff.OrganizationId : null;
    }
}
