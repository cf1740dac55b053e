using Microsoft.Extensions.DependencyInjection;
using SendInterop.Gateway.Identity;
using SendInterop.Storage.Identity;
using SendInterop.Gateway.Tests.Identity;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// The master child index's review Tasks are their arriving record's owner's to read, with the engine's explanation of
/// which fields agreed. Naming another organisation's child there let anyone who can create a Patient test guessed
/// demographics against every organisation's children (found by review: an outsider's near-twin of the LA's child got a
/// Task naming the LA's Patient, "family exact, date of birth exact, postcode unit"). A Task names only records its
/// owner may know of: its own, or a Tier 1 partner's.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class IdentityReviewDisclosureTests(ConsentGateway gateway)
{
    private static readonly string ReviewCode = IdentityReviewTasks.CodeSystem + "|" + IdentityReviewTasks.PossibleDuplicate;

    /// <summary>The review Tasks the owner sees for its record (linking is done within the create, before it answers).</summary>
    private static async Task<string> ReviewTasksAsync(HttpClient client, string patientId) =>
        (await client.SearchAsync($"Task?code={ReviewCode}&patient=Patient/{patientId}")).ToJsonString();

    [Fact]
    public async Task A_near_twin_of_another_organisations_hidden_child_opens_no_task_naming_it()
    {
        var la = gateway.As(La);
        var outsider = gateway.As(Outsider, clientId: "review-outsider");
        var (family, birthDate, postcode) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var laChild = await la.CreateAsync("Patient", Children.Patient("Hannah", family, birthDate, postcode: postcode).ToJsonString());
        var mine = await outsider.CreateAsync("Patient", Children.Patient("Matilda", family, birthDate, postcode: postcode).ToJsonString());

        // The control: the same pair between Tier 1 partners does open a Task naming the other record (so the search
        // below would see one if it were opened for the outsider).
        var camhs = gateway.As(Camhs, clientId: "review-camhs");
        var (family2, birthDate2, postcode2) = (Children.Family(), Children.BirthDate(), Children.Postcode());
        var laChild2 = await la.CreateAsync("Patient", Children.Patient("Hannah", family2, birthDate2, postcode: postcode2).ToJsonString());
        var partners = await camhs.CreateAsync("Patient", Children.Patient("Matilda", family2, birthDate2, postcode: postcode2).ToJsonString());
        Assert.Contains(laChild2, await ReviewTasksAsync(camhs, partners), StringComparison.Ordinal);

        var seen = await ReviewTasksAsync(outsider, mine);
        Assert.DoesNotContain(laChild, seen, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Task\"", seen, StringComparison.Ordinal);
        // Not because linking failed: the record was linked, to a master of its own.
        var link = await gateway.Services.GetRequiredService<MasterIndexStore>().GetAsync(mine);
        Assert.NotNull(link);
        Assert.Equal(MasterLinkMethods.NewMaster, link.Method);
    }
}
