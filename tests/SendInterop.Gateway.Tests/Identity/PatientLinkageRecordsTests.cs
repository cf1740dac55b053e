using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Identity.Linkage;
using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Identity;

namespace SendInterop.Gateway.Tests.Identity;

/// <summary>How a UK Core Patient becomes the linkage engine's record.</summary>
public sealed class PatientLinkageRecordsTests
{
    private static readonly DateTimeOffset Now = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);

    private static Identifier Nhs(string value, string? status)
    {
        var identifier = new Identifier(IdentifierSystems.NhsNumber, value);
        if (status is not null)
            identifier.Extension.Add(new Extension(DemoCodes.NhsNumberVerificationStatusExtension,
                new CodeableConcept(DemoCodes.NhsNumberVerificationStatusSystem, status)));
        return identifier;
    }

    [Fact]
    public void Maps_current_name_previous_names_birth_date_sex_home_postcode_and_identifiers()
    {
        var patient = new Patient
        {
            Name =
            [
                new HumanName { Use = HumanName.NameUse.Nickname, Family = "Nick", Given = ["Bea"] },
                new HumanName { Use = HumanName.NameUse.Official, Family = "Smith", Given = ["Beatrice", "Rose"] },
                new HumanName { Use = HumanName.NameUse.Old, Family = "Jones", Given = ["Beatrice"] },
                new HumanName { Use = HumanName.NameUse.Official, Family = "Brown", Given = ["Beatrice"], Period = new Period { End = "2020-01-01" } },
            ],
            BirthDate = "2015-10",
            Gender = AdministrativeGender.Female,
            Address =
            [
                new Address { Use = Address.AddressUse.Old, PostalCode = "NR1 1AA" },
                new Address { Use = Address.AddressUse.Home, PostalCode = "NR2 2BB", City = "Norwich", Period = new Period { End = "2021-01-01" } },
                new Address { Use = Address.AddressUse.Work, PostalCode = "IP1 1AA" },
                new Address { Use = Address.AddressUse.Home, PostalCode = "NR3 3DD", City = "Norwich" },
            ],
            Identifier =
            [
                Nhs("9434765919", "01"),
                new Identifier(IdentifierSystems.SchoolUrn, "121234"),
                new Identifier(IdentifierSystems.LaChildId, "926/ABC123"),
            ],
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, "01603 000000"), new ContactPoint(ContactPoint.ContactPointSystem.Email, null, "parent@example.org.uk")],
        };

        var record = PatientLinkageRecords.From(patient, "p1", Now);

        Assert.Equal("p1", record.Id);
        Assert.Equal("Beatrice Rose", record.GivenNames);
        Assert.Equal("Smith", record.FamilyName);
        Assert.Equal(["Jones", "Brown"], record.PreviousFamilyNames);
        Assert.Equal(new PartialDate(2015, 10, null), record.BirthDate);
        Assert.Equal(LinkageSex.Female, record.Sex);
        Assert.Equal("NR3 3DD", record.Postcode);
        Assert.Equal("Norwich", record.City);
        Assert.Equal("9434765919", record.NhsNumber);
        Assert.True(record.NhsNumberVerified);
        Assert.Equal("121234", record.SchoolUrn);
        Assert.Equal("926", record.LaCode);
        Assert.Equal("parent@example.org.uk", record.Email);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("02", false)]
    [InlineData("01", true)]
    public void Only_status_01_counts_as_verified(string? status, bool verified)
    {
        var record = PatientLinkageRecords.From(new Patient { Identifier = [Nhs("9434765919", status)] }, "p");
        Assert.Equal(verified, record.NhsNumberVerified);
    }

    [Fact]
    public void An_empty_patient_maps_to_an_empty_record()
    {
        var record = PatientLinkageRecords.From(new Patient(), "empty");
        Assert.Null(record.FamilyName);
        Assert.Null(record.GivenNames);
        Assert.Null(record.BirthDate);
        Assert.Null(record.Postcode);
        Assert.Null(record.NhsNumber);
        Assert.Empty(record.PreviousFamilyNames);
        Assert.Equal(LinkageSex.Unknown, record.Sex);
    }
}
