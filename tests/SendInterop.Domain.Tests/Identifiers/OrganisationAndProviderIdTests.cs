using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Tests.Identifiers;

public class OrganisationAndProviderIdTests
{
    [Theory]
    [InlineData("RY3")]
    [InlineData("RY3AA")]
    [InlineData("A81001")]
    public void Ods_codes_of_trusts_sites_and_practices_parse(string value) => Assert.Equal(value, OdsCode.Parse(value).Value);

    [Theory]
    [InlineData(null, "ODS code is missing")]
    [InlineData("R3", "ODS code must be 3 to 6 characters but has 2")]
    [InlineData("A810012", "ODS code must be 3 to 6 characters but has 7")]
    [InlineData("ry3", "ODS code may contain only upper-case letters A-Z and digits")]
    [InlineData("RY-3", "ODS code may contain only upper-case letters A-Z and digits")]
    public void Malformed_ods_codes_name_the_rule(string? value, string expected)
    {
        Assert.False(OdsCode.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Provider_local_id_always_carries_its_ods_code()
    {
        var id = ProviderLocalId.Parse("RY3/K1234567");
        Assert.Equal("RY3", id.Provider.Value);
        Assert.Equal("K1234567", id.LocalId);
        Assert.Equal("RY3/K1234567", id.Value);
        // The same hospital number at two trusts is two different patients.
        Assert.NotEqual(ProviderLocalId.Parse("RY3/123"), ProviderLocalId.Parse("RDE/123"));
    }

    [Theory]
    [InlineData(null, "provider local id is missing")]
    [InlineData("K1234567", "provider local id must be the provider's ODS code, '/', then the local id")]
    [InlineData("RY3/", "provider local id has no local id after the ODS code")]
    [InlineData("ry3/K1", "provider local id: ODS code may contain only upper-case letters A-Z and digits")]
    [InlineData("RY3/K 1", "provider local id local part may contain only letters A-Z, digits, '-' and '_'")]
    [InlineData("RY3/ABCDEFGHIJKLMNOPQRSTU", "provider local id local part must be at most 20 characters but has 21")]
    public void Malformed_provider_local_ids_name_the_rule(string? value, string expected)
    {
        Assert.False(ProviderLocalId.TryParse(value, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("100000", true)]
    [InlineData("926101", true)]
    [InlineData("999999", true)]
    [InlineData("099999", false)]
    [InlineData("92610", false)]
    [InlineData("92610A", false)]
    public void School_urns_are_six_digits_from_100000(string value, bool valid) => Assert.Equal(valid, SchoolUrn.TryParse(value, out _, out _));

    [Theory]
    [InlineData("10092601", true)]
    [InlineData("19999999", true)]
    [InlineData("20000000", false)]
    [InlineData("1009260", false)]
    [InlineData("1009260X", false)]
    public void Ukprns_are_eight_digits_starting_with_one(string value, bool valid) => Assert.Equal(valid, Ukprn.TryParse(value, out _, out _));

    [Theory]
    [InlineData(IdentifierSystems.ProviderLocalId, "RY3 K1", "provider local id must be the provider's ODS code, '/', then the local id")]
    [InlineData(IdentifierSystems.SchoolUrn, "12345", "school URN must be exactly 6 digits")]
    [InlineData(IdentifierSystems.Ukprn, "20000000", "UKPRN must start with 1 (10000000-19999999)")]
    [InlineData(IdentifierSystems.OdsOrganizationCode, "r", "ODS code must be 3 to 6 characters but has 1")]
    public void Identifier_rules_check_the_new_systems_at_the_edge(string system, string value, string expected) =>
        Assert.Equal(expected, IdentifierRules.Check(new Identifier(system, value), allowTestNhsNumbers: false));
}
