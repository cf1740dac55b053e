using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Tests.Profiles;

public class SendCanonicalTests
{
    [Theory]
    [InlineData("Patient", SendCanonical.Profiles.Child)]
    [InlineData("CarePlan", SendCanonical.Profiles.EhcPlan)]
    [InlineData("Goal", SendCanonical.Profiles.Outcome)]
    [InlineData("Condition", SendCanonical.Profiles.Need)]
    public void Each_send_resource_type_has_its_profile(string type, string profile) =>
        Assert.Equal(profile, SendCanonical.Profiles.ForResourceType(type));

    [Fact]
    public void Types_without_a_send_profile_have_none() =>
        Assert.Null(SendCanonical.Profiles.ForResourceType("Observation"));

    [Fact]
    public void Every_url_is_unique_and_under_the_canonical_base()
    {
        string[] all =
        [
            .. SendCanonical.Profiles.All, .. SendCanonical.Extensions.All, .. SendCanonical.CodeSystems.All, .. SendCanonical.ValueSets.All,
            SendCanonical.IdentifierNamespaces.Upn, SendCanonical.IdentifierNamespaces.Uln, SendCanonical.IdentifierNamespaces.LaChildId,
        ];
        Assert.Equal(all.Length, all.Distinct(StringComparer.Ordinal).Count());
        Assert.All(all, url => Assert.StartsWith(SendCanonical.Base + "/", url));
        Assert.DoesNotContain("/", SendCanonical.Base[^1..]);
    }

    [Fact]
    public void Profiles_live_under_structure_definition() =>
        Assert.All(SendCanonical.Profiles.All.Concat(SendCanonical.Extensions.All),
            url => Assert.StartsWith(SendCanonical.Base + "/StructureDefinition/", url));
}
