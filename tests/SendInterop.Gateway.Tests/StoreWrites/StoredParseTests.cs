using System.Text;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Tests.StoreWrites;

/// <summary>
/// What the gateway stored was parsed strictly on its way in, so reading it back (<see cref="FhirSerialization.ParseStored"/>)
/// runs none of the element validation again; anything arriving from outside still does.
/// </summary>
public sealed class StoredParseTests
{
    private static readonly FhirSerialization Serialization = new();

    // A value only the validation refuses: the JSON is well formed and birthDate is a string in the POCO either way.
    private static readonly byte[] BadDate = Encoding.UTF8.GetBytes("""{"resourceType":"Patient","id":"p1","birthDate":"2026-13-45"}""");

    [Fact]
    public void A_request_body_is_validated_as_it_is_parsed()
    {
        var refused = Assert.Throws<FhirException>(() => Serialization.Parse(BadDate, FhirFormat.Json));
        Assert.Equal(400, refused.Status);
    }

    [Fact]
    public void Stored_bytes_are_read_back_without_validating_them_again()
    {
        var patient = Assert.IsType<Patient>(Serialization.ParseStored(BadDate));
        Assert.Equal("2026-13-45", patient.BirthDate);
        Assert.Equal("p1", patient.Id);
    }
}
