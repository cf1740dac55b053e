using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using SendInterop.Domain.Identifiers;
using SendInterop.Gateway.Tests.Infrastructure;

namespace SendInterop.Gateway.Tests.EndToEnd;

/// <summary>Firely's own FhirClient, over real HTTP, round-trips the SEND record through every basic interaction.</summary>
[Collection("http")]
public sealed class FhirClientRoundTripTests(RealHttpGateway gateway) : IClassFixture<RealHttpGateway>
{
    private FhirClient Client(ResourceFormat format = ResourceFormat.Json) =>
        new(gateway.FhirBase.ToString().TrimEnd('/'), new FhirClientSettings { PreferredFormat = format, VerifyFhirVersion = true, ReturnPreference = ReturnPreference.Representation },
            gateway.AuthorizingHandler());

    [Theory]
    [InlineData(ResourceFormat.Json)]
    [InlineData(ResourceFormat.Xml)]
    public async System.Threading.Tasks.Task Create_read_update_search_history_and_delete_with_fhir_client(ResourceFormat format)
    {
        var client = Client(format);
        var nhs = Build.NhsNumber();
        var child = new Patient
        {
            Identifier = [new Identifier(IdentifierSystems.NhsNumber, nhs)],
            Name = [new HumanName { Family = "Roundtrip", Given = ["Ava"] }],
            Gender = AdministrativeGender.Female,
            BirthDate = "2016-09-01",
        };
        var created = await client.CreateAsync(child);
        Assert.NotNull(created!.Id);
        Assert.Equal("1", created.Meta.VersionId);

        var read = await client.ReadAsync<Patient>($"Patient/{created.Id}");
        Assert.Equal("Roundtrip", read!.Name[0].Family);

        read.Name[0].Family = "Roundtrip-Updated";
        var updated = await client.UpdateAsync(read, versionAware: true);
        Assert.Equal("2", updated!.Meta.VersionId);

        var found = await client.SearchAsync<Patient>([$"identifier={IdentifierSystems.NhsNumber}|{nhs}"]);
        Assert.Equal(1, found!.Total);
        Assert.Equal("Roundtrip-Updated", ((Patient)found.Entry[0].Resource).Name[0].Family);

        var plan = await client.CreateAsync(new CarePlan
        {
            Status = RequestStatus.Active, Intent = CarePlan.CarePlanIntent.Plan,
            Subject = new ResourceReference($"Patient/{created.Id}"), Period = new Period { Start = "2024-06-01" },
        });
        var withPlan = await client.SearchAsync<Patient>([$"_id={created.Id}", "_revinclude=CarePlan:subject"]);
        Assert.Contains(withPlan!.Entry, e => e.Resource is CarePlan cp && cp.Id == plan!.Id);

        var history = await client.HistoryAsync($"Patient/{created.Id}");
        Assert.Equal(2, history!.Entry.Count);

        await client.DeleteAsync(plan!);
        var gone = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<CarePlan>($"CarePlan/{plan!.Id}"));
        Assert.Equal(System.Net.HttpStatusCode.Gone, gone.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task Transaction_through_fhir_client_is_atomic()
    {
        var client = Client();
        var tx = new TransactionBuilder(client.Endpoint);
        var patient = new Patient { Identifier = [new Identifier(IdentifierSystems.NhsNumber, Build.NhsNumber())], BirthDate = "2012-01-01" };
        var urn = "urn:uuid:" + Guid.NewGuid();
        tx.Create(patient);
        var bundle = tx.ToBundle();
        bundle.Entry[0].FullUrl = urn;
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:" + Guid.NewGuid(),
            Resource = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept { Text = "Reading age" }, Subject = new ResourceReference(urn) },
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation" },
        });
        var response = await client.TransactionAsync(bundle);
        Assert.All(response!.Entry, e => Assert.StartsWith("201", e.Response.Status));

        var capability = await client.CapabilityStatementAsync();
        Assert.Contains(capability!.Rest[0].Interaction, i => i.Code == CapabilityStatement.SystemRestfulInteraction.Transaction);
    }
}
