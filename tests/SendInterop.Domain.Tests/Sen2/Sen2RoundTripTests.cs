using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using static SendInterop.Domain.Tests.Sen2.Sen2Fixtures;

namespace SendInterop.Domain.Tests.Sen2;

public class Sen2RoundTripTests
{
    private static readonly LaCode Norfolk = LaCode.Parse("926");

    private static readonly Sen2Header ExportHeader = Sen2Header.ForReturn(Norfolk, 2026, new DateOnly(2026, 1, 15)) with
    {
        SoftwareCode = "ExampleSEND",
        Release = "1.0.0",
        SerialNo = "001",
        GeneratedAt = new DateTime(2026, 2, 2, 9, 30, 0),
        DesignatedMedicalOfficer = Sen2CodeLists.DesignatedOfficer["Y"],
        DesignatedClinicalOfficer = Sen2CodeLists.DesignatedOfficer["N"],
    };

    private static LaChildId? LaIdFor(int index) => index == 1 ? LaChildId.Parse("926/C1234567") : null;

    [Fact]
    public void Xml_to_model_to_xml_is_equivalent()
    {
        var read = Read(ValidReturn);
        var written = Sen2ReturnWriter.WriteToString(read.Header!, read.Records.Select(r => r.Person!));

        Assert.Equal(Sen2CanonicalXml.Of(ValidReturn), Sen2CanonicalXml.Of(written));
    }

    [Fact]
    public void Xml_to_model_to_fhir_to_model_to_xml_is_equivalent()
    {
        var read = Read(ValidReturn);
        var direct = Sen2ReturnWriter.WriteToString(ExportHeader, read.Records.Select(r => r.Person!));

        var exported = read.Records.Select(record =>
        {
            Assert.True(Sen2ToFhirMapper.TryMap(record.Person!, Norfolk, LaIdFor(record.Index), out var bundle, out var problem), problem);
            Assert.True(FhirToSen2Mapper.TryMap(bundle.Entry.Select(e => e.Resource), Norfolk, out var person, out var problems), string.Join("; ", problems));
            return person;
        });
        var viaFhir = Sen2ReturnWriter.WriteToString(ExportHeader, exported);

        Assert.Equal(direct, viaFhir); // the writer is deterministic, so equivalence is byte equality here
        Assert.Equal(Sen2CanonicalXml.Of(ValidReturn), Sen2CanonicalXml.Of(viaFhir));
    }

    [Fact]
    public void Round_trip_through_stored_resources_gives_the_same_return()
    {
        var store = new FakeTransactionStore();
        var read = Read(ValidReturn);
        foreach (var record in read.Records)
        {
            Assert.True(Sen2ToFhirMapper.TryMap(record.Person!, Norfolk, LaIdFor(record.Index), out var bundle, out _));
            store.Apply(bundle);
        }

        // As an export would fetch it: each child's Patient with the resources whose subject is that child. The fake store
        // keeps references as written, so group by the Bundle's person token instead.
        var persons = store.Resources.OfType<Patient>().Select(patient =>
        {
            var key = Sen2RecordKey.TryCreate(FromPatient(patient), Norfolk, LaIdFromPatient(patient), out var k, out _) ? k : null;
            var mine = store.Resources.Where(r => r is not Patient && RecordKeyOf(r)!.StartsWith($"926/{key!.PersonToken}/", StringComparison.Ordinal));
            Assert.True(FhirToSen2Mapper.TryMap([patient, .. mine], Norfolk, out var person, out var problems), string.Join("; ", problems));
            return person;
        });

        Assert.Equal(Sen2CanonicalXml.Of(ValidReturn), Sen2CanonicalXml.Of(Sen2ReturnWriter.WriteToString(ExportHeader, persons)));
    }

    [Fact]
    public void Export_ignores_another_las_records_and_needs_sen2_outcomes()
    {
        var person = Assert.Single(Read(Return(IssuedDualPlacement)).Records).Person!;
        Assert.True(Sen2ToFhirMapper.TryMap(person, Norfolk, null, out var bundle, out _));

        Assert.False(FhirToSen2Mapper.TryMap(bundle.Entry.Select(e => e.Resource), LaCode.Parse("935"), out _, out var problems));
        Assert.Equal(["no ServiceRequest carries a SEN2 record key of LA 935"], problems);

        var request = bundle.Entry.Select(e => e.Resource).OfType<ServiceRequest>().Single();
        request.Extension.RemoveAll(e => e.Url == Sen2FhirUrls.Extensions.RequestOutcome);
        Assert.False(FhirToSen2Mapper.TryMap(bundle.Entry.Select(e => e.Resource), Norfolk, out _, out problems));
        Assert.Matches("^ServiceRequest 926/[0-9a-f]{16}/r20250203: no SEN2 RequestOutcome$", Assert.Single(problems));
    }

    [Fact]
    public void Writer_orders_deterministically_and_takes_the_header_from_parameters()
    {
        var persons = Read(ValidReturn).Records.Select(r => r.Person!).ToList();
        var forward = Sen2ReturnWriter.WriteToString(Sen2Header.ForReturn(Norfolk, 2026, new DateOnly(2026, 1, 15)), persons);
        var reversed = Sen2ReturnWriter.WriteToString(Sen2Header.ForReturn(Norfolk, 2026, new DateOnly(2026, 1, 15)), Enumerable.Reverse(persons));

        Assert.Equal(forward, reversed);
        Assert.StartsWith("""
            <?xml version="1.0" encoding="utf-8"?>
            <Message>
              <Header>
                <CollectionDetails>
                  <Collection>SEN2</Collection>
                  <Year>2026</Year>
                  <ReferenceDate>2026-01-15</ReferenceDate>
                </CollectionDetails>
                <Source>
                  <SourceLevel>L</SourceLevel>
                  <LEA>926</LEA>
                </Source>
              </Header>
              <Persons>
                <Person>
                  <Surname>Sample</Surname>
            """.ReplaceLineEndings("\n"), forward);
        // Writer spellings, 1/0 flags, and the written file reads back valid.
        Assert.Contains("<SENsetting>EHE</SENsetting>", forward, StringComparison.Ordinal);
        Assert.Contains("<PostCode>ZZ99 3ZZ</PostCode>", forward, StringComparison.Ordinal);
        Assert.Contains("<RES>A</RES>", forward, StringComparison.Ordinal);
        Assert.DoesNotContain("false", forward, StringComparison.OrdinalIgnoreCase);
        Assert.True(Read(forward).IsFullyValid);
    }

    [Fact]
    public void Export_header_must_be_a_january_census_day_of_its_year()
    {
        Assert.Throws<ArgumentException>(() => Sen2Header.ForReturn(Norfolk, 2026, new DateOnly(2025, 1, 16)));
    }

    private static Sen2Person FromPatient(Patient patient) => new()
    {
        Surname = "",
        Forename = "",
        BirthDate = default,
        Sex = Sen2CodeLists.Sex["U"],
        Ethnicity = Sen2CodeLists.Ethnicity["NOBT"],
        PostCode = "",
        Upn = patient.Identifier.FirstOrDefault(i => i.System == IdentifierSystems.Upn) is { } u ? Upn.Parse(u.Value) : null,
        Uln = patient.Identifier.FirstOrDefault(i => i.System == IdentifierSystems.Uln) is { } l ? Uln.Parse(l.Value) : null,
        Requests = [],
    };

    private static LaChildId? LaIdFromPatient(Patient patient) =>
        patient.Identifier.FirstOrDefault(i => i.System == IdentifierSystems.LaChildId) is { } id ? LaChildId.Parse(id.Value) : null;

    private static string? RecordKeyOf(Resource resource) => resource switch
    {
        ServiceRequest r => r.Identifier[0].Value,
        CarePlan r => r.Identifier[0].Value,
        Condition r => r.Identifier[0].Value,
        Encounter r => r.Identifier[0].Value,
        _ => null,
    };
}
