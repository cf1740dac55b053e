using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Tests.Identifiers;

public class IdentifierRulesTests
{
    [Theory]
    [InlineData(IdentifierSystems.NhsNumber, "9434765919")]
    [InlineData(IdentifierSystems.Upn, "B801200005001")]
    [InlineData(IdentifierSystems.Uln, "0000000042")]
    [InlineData(IdentifierSystems.Uln, Uln.TemporaryValue)]
    [InlineData(IdentifierSystems.LaChildId, "881/C0012345")]
    [InlineData("https://example.org/mrn", "anything at all")]
    public void Valid_identifiers_and_unknown_systems_pass(string system, string value) =>
        Assert.Null(IdentifierRules.Check(new Identifier(system, value), allowTestNhsNumbers: false));

    [Theory]
    [InlineData(IdentifierSystems.NhsNumber, "9434765913", "NHS number check digit is 3 but the modulus 11 rule gives 9")]
    [InlineData(IdentifierSystems.Upn, "C801200005001", "UPN check letter is C but the DfE modulus 23 rule gives B")]
    [InlineData(IdentifierSystems.Uln, "0000000043", "ULN check digit is 3 but the ULN modulus 11 rule gives 2")]
    [InlineData(IdentifierSystems.LaChildId, "C0012345", "LA child id must be the 3-digit LA code, '/', then the local id")]
    [InlineData(IdentifierSystems.NhsNumber, null, "NHS number is missing")]
    public void Broken_identifier_in_a_known_system_names_the_rule(string system, string? value, string expected) =>
        Assert.Equal(expected, IdentifierRules.Check(new Identifier(system, value), allowTestNhsNumbers: false));

    [Fact]
    public void Test_nhs_numbers_pass_only_when_allowed()
    {
        var identifier = new Identifier(IdentifierSystems.NhsNumber, "9990000018");
        Assert.NotNull(IdentifierRules.Check(identifier, allowTestNhsNumbers: false));
        Assert.Null(IdentifierRules.Check(identifier, allowTestNhsNumbers: true));
    }

    [Fact]
    public void Our_identifier_systems_hang_off_the_canonical_base()
    {
        Assert.StartsWith(SendCanonical.Base + "/Id/", IdentifierSystems.Upn);
        Assert.StartsWith(SendCanonical.Base + "/Id/", IdentifierSystems.Uln);
        Assert.StartsWith(SendCanonical.Base + "/Id/", IdentifierSystems.LaChildId);
        Assert.Equal("https://fhir.nhs.uk/Id/nhs-number", IdentifierSystems.NhsNumber);
    }
}
