using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Gateway.Tests.Security.Consent;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Oracles;

/// <summary>
/// Writes as id-existence oracles: organisation B (ods-ZZZ) writes with the ids of organisation A's (la-926) records,
/// which B may not see, and with ids that were never used. Each pair must answer the same status and the same
/// OperationOutcome text (apart from the id itself), so a write cannot tell B whether a hidden record exists. Owners
/// keep their updates, and directory data keeps client-chosen ids. Runs on every storage provider.
/// </summary>
public abstract class WriteOracleTests(GatewayFixture gateway)
{
    private readonly HttpClient _a = gateway.Fhir();
    private readonly HttpClient _b = gateway.Fhir(new TokenSpec(Organisation: "ods-ZZZ", Agency: "health", ClientId: "write-oracle-b"));

    private sealed record Hidden(string Patient, string Observation);

    private async Task<Hidden> SeedAsync()
    {
        var patient = await _a.CreateAsync("Patient", Build.Patient(family: "Hiddenwrite" + Unique()));
        return new Hidden(patient, await _a.CreateAsync("Observation", Build.Observation(patient)));
    }

    [Fact]
    public async Task Hidden_matches_cannot_crowd_a_clients_own_match_out_of_a_conditional_create()
    {
        // 55 of A's Patients carry the identifier before B's own one does (lower store keys): more than the 50 matches a
        // conditional create used to fetch before the gate filtered them, which made B's create a duplicate (201).
        const string system = "https://example.org/Id/crowd";
        var value = Unique();
        for (var i = 0; i < 55; i++) await _a.CreateAsync("Patient", Build.Patient(extraIdentifierSystem: system, extraIdentifierValue: value));
        var own = await _b.CreateAsync("Patient", Build.Patient(extraIdentifierSystem: system, extraIdentifierValue: value));

        var again = await _b.SendAs(HttpMethod.Post, "Patient", content: Body(Build.Patient(extraIdentifierSystem: system, extraIdentifierValue: value)),
            tweak: r => r.Headers.Add("If-None-Exist", $"identifier={system}|{value}"));
        Assert.True(again.Status == HttpStatusCode.OK, $"the conditional create found {again}");
        Assert.Equal(own, again.Json["id"]!.GetValue<string>());
    }

    /// <summary>Status and issue text with <paramref name="id"/> replaced: what must not differ between a hidden and a free id.</summary>
    private static string Answer(Reply r, string id) =>
        $"{(int)r.Status} {(r.Body.Length == 0 ? "" : r.Json.Issues())}".Replace(id, "{id}", StringComparison.Ordinal);

    private static void AssertSame(Reply hidden, string hiddenId, Reply free, string freeId, HttpStatusCode expected, string what)
    {
        Assert.True(hidden.Status == expected, $"{what} on a hidden id gave {hidden}");
        Assert.Equal(Answer(free, freeId), Answer(hidden, hiddenId));
    }

    private static string WithId(string json, string id)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        o["id"] = id;
        return o.ToJsonString();
    }

    private static string Transaction(params JsonObject[] entries) =>
        new JsonObject { ["resourceType"] = "Bundle", ["type"] = "transaction", ["entry"] = new JsonArray(entries) }.ToJsonString();

    private static JsonObject Entry(string method, string url, string? resource = null)
    {
        var entry = new JsonObject { ["request"] = new JsonObject { ["method"] = method, ["url"] = url } };
        if (resource is not null) entry["resource"] = JsonNode.Parse(resource);
        return entry;
    }

    [Fact]
    public async Task A_reference_to_a_hidden_resource_answers_as_a_reference_to_a_missing_one()
    {
        var h = await SeedAsync();
        var free = Guid.NewGuid().ToString();
        var hidden = await _b.SendAs(HttpMethod.Post, "Observation", content: Body(Build.Observation(h.Patient)));
        var missing = await _b.SendAs(HttpMethod.Post, "Observation", content: Body(Build.Observation(free)));
        AssertSame(hidden, h.Patient, missing, free, HttpStatusCode.UnprocessableEntity, "POST with a reference");

        var inTransaction = await _b.SendAs(HttpMethod.Post, "", content: Body(Transaction(Entry("POST", "Observation", Build.Observation(h.Patient)))));
        var missingInTransaction = await _b.SendAs(HttpMethod.Post, "", content: Body(Transaction(Entry("POST", "Observation", Build.Observation(free)))));
        AssertSame(inTransaction, h.Patient, missingInTransaction, free, HttpStatusCode.UnprocessableEntity, "transaction with a reference");

        // References to what the writer may see still work: B's own child, and A's own child for A.
        var own = await _b.CreateAsync("Patient", Build.Patient(family: "Ownwrite" + Unique()));
        await _b.CreateAsync("Observation", Build.Observation(own));
        await _a.CreateAsync("Observation", Build.Observation(h.Patient));
    }

    [Fact]
    public async Task A_PUT_to_a_hidden_id_answers_as_a_PUT_to_a_free_id_and_changes_nothing()
    {
        var h = await SeedAsync();
        foreach (var (type, id, body) in new[] { ("Patient", h.Patient, Build.Patient(family: "Squatter")), ("Observation", h.Observation, Build.Observation(h.Patient)) })
        {
            var free = Guid.NewGuid().ToString();
            var hidden = await _b.SendAs(HttpMethod.Put, $"{type}/{id}", content: Body(WithId(body, id)));
            var missing = await _b.SendAs(HttpMethod.Put, $"{type}/{free}", content: Body(WithId(body, free)));
            AssertSame(hidden, id, missing, free, HttpStatusCode.NotFound, $"PUT {type}");

            // A conditional update that matches nothing, carrying the id in the body.
            var criteria = $"{type}?_id={Guid.NewGuid()}";
            var conditionalHidden = await _b.SendAs(HttpMethod.Put, criteria, content: Body(WithId(body, id)));
            var conditionalMissing = await _b.SendAs(HttpMethod.Put, criteria, content: Body(WithId(body, free)));
            AssertSame(conditionalHidden, id, conditionalMissing, free, HttpStatusCode.NotFound, $"conditional PUT {type}");

            var inTransaction = await _b.SendAs(HttpMethod.Post, "", content: Body(Transaction(Entry("PUT", $"{type}/{id}", WithId(body, id)))));
            var missingInTransaction = await _b.SendAs(HttpMethod.Post, "", content: Body(Transaction(Entry("PUT", $"{type}/{free}", WithId(body, free)))));
            AssertSame(inTransaction, id, missingInTransaction, free, HttpStatusCode.NotFound, $"transaction PUT {type}");

            var stillAs = await _a.GetAsync($"{type}/{id}");
            Assert.Equal(HttpStatusCode.OK, stillAs.StatusCode);
            Assert.Equal("W/\"1\"", stillAs.Headers.ETag?.ToString());
        }
    }

    [Fact]
    public async Task A_DELETE_or_PATCH_of_a_hidden_id_answers_as_for_a_free_id_and_changes_nothing()
    {
        var h = await SeedAsync();
        var free = Guid.NewGuid().ToString();
        var path = $"Observation/{h.Observation}";
        AssertSame(await _b.SendAs(HttpMethod.Delete, path), h.Observation, await _b.SendAs(HttpMethod.Delete, $"Observation/{free}"), free,
            HttpStatusCode.NoContent, "DELETE");
        AssertSame(await _b.SendAs(HttpMethod.Post, "", content: Body(Transaction(Entry("DELETE", path)))), h.Observation,
            await _b.SendAs(HttpMethod.Post, "", content: Body(Transaction(Entry("DELETE", $"Observation/{free}")))), free, HttpStatusCode.OK, "transaction DELETE");

        StringContent Patch() => new("""[{"op":"replace","path":"/status","value":"cancelled"}]""", Encoding.UTF8, "application/json-patch+json");
        AssertSame(await _b.SendAs(HttpMethod.Patch, path, content: Patch()), h.Observation,
            await _b.SendAs(HttpMethod.Patch, $"Observation/{free}", content: Patch()), free, HttpStatusCode.NotFound, "PATCH");

        var stillAs = await _a.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, stillAs.StatusCode);
        Assert.Equal("W/\"1\"", stillAs.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task In_a_transaction_a_hidden_id_with_If_Match_fails_where_and_as_a_free_id_fails()
    {
        var h = await SeedAsync();
        var free = Guid.NewGuid().ToString();
        var own = await _b.CreateAsync("Patient", Build.Patient(family: "Ownstale" + Unique()));
        JsonObject StalePut()
        {
            var e = Entry("PUT", $"Patient/{own}", WithId(Build.Patient(family: "Ownstale" + Unique()), own));
            e["request"]!["ifMatch"] = "W/\"9\"";
            return e;
        }
        JsonObject DeleteIfMatch(string id)
        {
            var e = Entry("DELETE", $"Observation/{id}");
            e["request"]!["ifMatch"] = "W/\"1\"";
            return e;
        }
        Task<Reply> Post(params JsonObject[] entries) => _b.SendAs(HttpMethod.Post, "", content: Body(Transaction(entries)));

        // B's own stale update comes first: its 412 answers, whether the id after it is hidden or free. (The hidden one
        // used to fail before anything was stored, so its own 412 answered instead: a test of whether the id was hidden.)
        AssertSame(await Post(StalePut(), DeleteIfMatch(h.Observation)), h.Observation, await Post(StalePut(), DeleteIfMatch(free)), free,
            HttpStatusCode.PreconditionFailed, "a stale update, then a DELETE with If-Match");
        AssertSame(await Post(DeleteIfMatch(h.Observation)), h.Observation, await Post(DeleteIfMatch(free)), free,
            HttpStatusCode.PreconditionFailed, "a DELETE with If-Match");
        Assert.Equal(HttpStatusCode.OK, (await _a.GetAsync($"Observation/{h.Observation}")).StatusCode);
    }

    [Fact]
    public async Task Owners_update_and_recreate_their_own_records_and_directory_data_keeps_client_ids()
    {
        var h = await SeedAsync();
        var update = await _a.PutAsync($"Patient/{h.Patient}", Body(WithId(Build.Patient(family: "Renamed"), h.Patient)));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        // The owner deletes its Observation and re-creates it at the same id.
        Assert.Equal(HttpStatusCode.NoContent, (await _a.DeleteAsync($"Observation/{h.Observation}")).StatusCode);
        var recreated = await _a.PutAsync($"Observation/{h.Observation}", Body(WithId(Build.Observation(h.Patient), h.Observation)));
        Assert.Equal(HttpStatusCode.Created, recreated.StatusCode);

        // A new record about a child gets a server id, for the owner too; directory data may choose its id.
        var newPatient = Guid.NewGuid().ToString();
        var refused = await _a.PutAsync($"Patient/{newPatient}", Body(WithId(Build.Patient(), newPatient)));
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        var organization = "org-" + Unique();
        var created = await _a.PutAsync($"Organization/{organization}", Body(WithId(Build.Organization("Chosen id"), organization)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // B sees A's Organization (directory data) but may not change it: a 403 says nothing B could not read.
        var foreign = await _b.SendAs(HttpMethod.Put, $"Organization/{organization}", content: Body(WithId(Build.Organization("Taken over"), organization)));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.Status);
    }
}

[Collection("sqlite")] public sealed class SqliteWriteOracleTests(SqliteGateway g) : WriteOracleTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresWriteOracleTests(PostgresGateway g) : WriteOracleTests(g), IClassFixture<PostgresGateway>;
