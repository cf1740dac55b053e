using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Identity;
using SendInterop.Gateway.Security.Access;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Identity;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.Sen2;

/// <summary>
/// The SEN2 import's batching (<see cref="DeferredCommitWork"/>): records of one batch are separate transactions, so a refused
/// one leaves nothing of itself while its neighbours commit; the commit handlers (here the master child index) run only when
/// the batch's work is run, after the commits; and writes whose handlers never ran (a crash in between) are repaired by the
/// index's reconciliation.
/// </summary>
public abstract class DeferredCommitWorkTests(GatewayFixture gateway)
{
    private static int _next = Random.Shared.Next(0, 1_000_000);

    [Fact]
    public async Task A_refused_record_in_a_batch_stores_nothing_while_its_neighbours_commit_and_link_when_the_batch_runs()
    {
        var services = gateway.Services;
        var deferred = new DeferredCommitWork();
        var (first, bad, last) = (Key(), Key(), Key());

        var firstId = await ImportAsync(Record(first), deferred);
        // Refused at the referential-integrity check: its Patient must not be stored either.
        var refused = await Assert.ThrowsAsync<FhirException>(() => ImportAsync(Record(bad, subjectOverride: "Patient/no-such-child-" + bad), deferred));
        Assert.Equal(422, refused.Status);
        var lastId = await ImportAsync(Record(last), deferred);

        Assert.Single(await StoredPatientsAsync(first));
        Assert.Empty(await StoredPatientsAsync(bad));
        Assert.Single(await StoredPatientsAsync(last));

        // Committed, but the handlers have not run: no link yet (linking waits for the batch).
        var links = services.GetRequiredService<MasterIndexStore>();
        Assert.Null(await links.GetAsync(firstId));
        Assert.Null(await links.GetAsync(lastId));

        await deferred.RunAsync(services.GetServices<IResourceCommitHandler>(), CancellationToken.None);
        Assert.NotNull(await links.GetAsync(firstId));
        Assert.NotNull(await links.GetAsync(lastId));

        // Run twice: nothing left to hand over, nothing happens.
        await deferred.RunAsync(services.GetServices<IResourceCommitHandler>(), CancellationToken.None);
    }

    [Fact]
    public async Task Writes_whose_batch_never_ran_its_handlers_are_linked_by_reconciliation()
    {
        var services = gateway.Services;
        var abandoned = new DeferredCommitWork(); // as if the process stopped between the commits and the batch's handlers
        var key = Key();
        var id = await ImportAsync(Record(key), abandoned);

        var links = services.GetRequiredService<MasterIndexStore>();
        Assert.Null(await links.GetAsync(id));
        await services.GetRequiredService<MasterChildIndex>().ReconcileAsync(CancellationToken.None);
        Assert.NotNull(await links.GetAsync(id));
    }

    private static string Key() => "deferred-" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A person record as the import maps it: a conditional create of the Patient and a request that refers to it.</summary>
    private static Bundle Record(string key, string? subjectOverride = null)
    {
        var patient = new Patient
        {
            Identifier = [new Identifier("urn:sendinterop:test:deferred", key)],
            Name = [new HumanName { Family = "Defertest", Given = ["Ko" + key[^3..]] }],
            BirthDate = "2015-03-15",
            Gender = AdministrativeGender.Female,
        };
        var request = new ServiceRequest
        {
            Status = RequestStatus.Active, Intent = RequestIntent.Order,
            Subject = new ResourceReference(subjectOverride ?? "urn:uuid:patient-" + key),
        };
        return new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:patient-" + key, Resource = patient,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = "identifier=urn:sendinterop:test:deferred|" + key },
                },
                new Bundle.EntryComponent
                {
                    FullUrl = "urn:uuid:request-" + key, Resource = request,
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "ServiceRequest" },
                },
            ],
        };
    }

    /// <summary>The transaction through the dispatcher, as the SEN2 importer sends it; the Patient's id.</summary>
    private async Task<string> ImportAsync(Bundle transaction, DeferredCommitWork deferred)
    {
        var response = await gateway.Services.GetRequiredService<FhirInteractions>().ExecuteAsync(new FhirRequest
        {
            Method = "POST", Url = SendInterop.Gateway.Fhir.Http.FhirUrl.Parse(""), BaseUrl = "http://localhost/fhir", Resource = transaction,
            Access = AccessSession.Internal("deferred-commit-test"), PreferReturn = PreferReturn.Minimal,
            ContentType = FhirFormats.JsonMediaType, DeferredCommits = deferred,
        }, CancellationToken.None);
        var location = response.Bundle!.Entries[0].ResponseLocation!;
        return location.Split('/')[^3];
    }

    private async Task<IReadOnlyList<string>> StoredPatientsAsync(string key)
    {
        var matches = await gateway.Services.GetRequiredService<ConditionalResolver>()
            .ResolveAsync("Patient", "identifier=urn:sendinterop:test:deferred|" + key, AccessSession.Internal("deferred-commit-test"), CancellationToken.None);
        return matches.Where(m => !m.IsDeleted).Select(m => m.ResourceId).ToList();
    }
}

[Collection("sqlite")] public sealed class SqliteDeferredCommitWorkTests(SqliteGateway g) : DeferredCommitWorkTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresDeferredCommitWorkTests(PostgresGateway g) : DeferredCommitWorkTests(g), IClassFixture<PostgresGateway>;
