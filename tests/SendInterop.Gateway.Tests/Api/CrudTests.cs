using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Api;

/// <summary>Create, read, vread, update, delete, conditional interactions and headers, on every storage provider.</summary>
public abstract class CrudTests(GatewayFixture gateway)
{
    private readonly HttpClient _fhir = gateway.Fhir();

    [Fact]
    public async Task Create_returns_201_with_location_etag_and_the_stored_resource()
    {
        var r = await _fhir.PostAsync("Patient", Body(Build.Patient()));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var body = await r.JsonAsync();
        var id = body["id"]!.GetValue<string>();
        Assert.Equal($"http://localhost/fhir/Patient/{id}/_history/1", r.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", r.Headers.ETag!.ToString());
        Assert.NotNull(r.Content.Headers.LastModified);
        Assert.Equal("1", body["meta"]!["versionId"]!.GetValue<string>());
        Assert.StartsWith("application/fhir+json", r.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task Read_returns_exactly_what_create_returned()
    {
        var created = await (await _fhir.PostAsync("Organization", Body(Build.Organization("Norfolk County Council")))).Content.ReadAsStringAsync();
        var id = JsonNode.Parse(created)!["id"]!.GetValue<string>();
        var read = await _fhir.GetAsync($"Organization/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(created, await read.Content.ReadAsStringAsync());
        Assert.Equal("W/\"1\"", read.Headers.ETag!.ToString());
    }

    [Fact]
    public async Task Update_increments_the_version_and_vread_returns_each_version()
    {
        var id = await _fhir.CreateAsync("Organization", Build.Organization("Old name"));
        var update = JsonNode.Parse(Build.Organization("New name"))!.AsObject();
        update["id"] = id;
        var r = await _fhir.PutAsync($"Organization/{id}", Body(update.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("W/\"2\"", r.Headers.ETag!.ToString());

        var v1 = await (await _fhir.GetAsync($"Organization/{id}/_history/1")).JsonAsync();
        var v2 = await (await _fhir.GetAsync($"Organization/{id}/_history/2")).JsonAsync();
        Assert.Equal("Old name", v1["name"]!.GetValue<string>());
        Assert.Equal("New name", v2["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await _fhir.GetAsync($"Organization/{id}/_history/3")).StatusCode);
    }

    [Fact]
    public async Task Update_with_stale_if_match_is_rejected_with_412_and_nothing_changes()
    {
        var id = await _fhir.CreateAsync("Organization", Build.Organization("Original"));
        var update = JsonNode.Parse(Build.Organization("Changed"))!.AsObject();
        update["id"] = id;
        var ok = new HttpRequestMessage(HttpMethod.Put, $"Organization/{id}") { Content = Body(update.ToJsonString()) };
        ok.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        Assert.Equal(HttpStatusCode.OK, (await _fhir.SendAsync(ok)).StatusCode);

        update["name"] = "Lost update";
        var stale = new HttpRequestMessage(HttpMethod.Put, $"Organization/{id}") { Content = Body(update.ToJsonString()) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        var r = await _fhir.SendAsync(stale);
        Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode);
        Assert.Equal("OperationOutcome", (await r.JsonAsync())["resourceType"]!.GetValue<string>());
        Assert.Equal("Changed", (await (await _fhir.GetAsync($"Organization/{id}")).JsonAsync())["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_if_match_let_exactly_one_win()
    {
        var id = await _fhir.CreateAsync("Organization", Build.Organization("Race"));
        var attempts = Enumerable.Range(0, 12).Select(async i =>
        {
            var org = JsonNode.Parse(Build.Organization($"Racer {i}"))!.AsObject();
            org["id"] = id;
            var put = new HttpRequestMessage(HttpMethod.Put, $"Organization/{id}") { Content = Body(org.ToJsonString()) };
            put.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
            return (await _fhir.SendAsync(put)).StatusCode;
        });
        var statuses = await Task.WhenAll(attempts);
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.True(s is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict, s.ToString()));
        var history = await _fhir.SearchAsync($"Organization/{id}/_history");
        Assert.Equal(2, history["entry"]!.AsArray().Count);
    }

    [Fact]
    public async Task Concurrent_creates_and_updates_are_all_stored_with_consecutive_versions()
    {
        var tag = Unique();
        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => _fhir.CreateAsync("Organization", Build.Organization($"Concurrent {tag} {i}"))));
        Assert.Equal(40, ids.Distinct().Count());
        // Unconditional updates of one resource from many clients: every one is applied, versions 2..21 with no gaps.
        var target = ids[0];
        var updates = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            var org = JsonNode.Parse(Build.Organization($"Concurrent {tag} update {i}"))!.AsObject();
            org["id"] = target;
            return (await _fhir.PutAsync($"Organization/{target}", Body(org.ToJsonString()))).StatusCode;
        }));
        Assert.All(updates, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.Conflict, s.ToString()));
        var history = await _fhir.SearchAsync($"Organization/{target}/_history?_count=100");
        var versions = history["entry"]!.AsArray().Select(e => int.Parse(e!["resource"]!["meta"]!["versionId"]!.GetValue<string>())).OrderBy(v => v).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
        Assert.Equal(1 + updates.Count(s => s == HttpStatusCode.OK), versions.Count);
    }

    [Fact]
    public async Task Put_with_a_client_id_creates_the_resource_so_bulk_data_keeps_its_references()
    {
        var id = "client-" + Unique();
        var org = JsonNode.Parse(Build.Organization("Client-assigned"))!.AsObject();
        org["id"] = id;
        var r = await _fhir.PutAsync($"Organization/{id}", Body(org.ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.Equal(id, (await (await _fhir.GetAsync($"Organization/{id}")).JsonAsync())["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_is_versioned_read_gives_410_and_history_keeps_every_version()
    {
        var id = await _fhir.CreateAsync("Organization", Build.Organization("To delete"));
        var d = await _fhir.DeleteAsync($"Organization/{id}");
        Assert.Equal(HttpStatusCode.NoContent, d.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _fhir.GetAsync($"Organization/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync($"Organization/{id}/_history/1")).StatusCode);

        var history = await _fhir.SearchAsync($"Organization/{id}/_history");
        Assert.Equal("history", history["type"]!.GetValue<string>());
        var entries = history["entry"]!.AsArray();
        Assert.Equal(2, entries.Count);
        Assert.Equal("DELETE", entries[0]!["request"]!["method"]!.GetValue<string>());
        Assert.Null(entries[0]!["resource"]);
        Assert.Equal("POST", entries[1]!["request"]!["method"]!.GetValue<string>());

        // Deleting again is not an error (delete is idempotent) and creates no new version.
        Assert.Equal(HttpStatusCode.NoContent, (await _fhir.DeleteAsync($"Organization/{id}")).StatusCode);
        Assert.Equal(2, (await _fhir.SearchAsync($"Organization/{id}/_history"))["entry"]!.AsArray().Count);
    }

    [Fact]
    public async Task Conditional_create_returns_the_existing_resource_instead_of_a_duplicate()
    {
        var ods = "ODS" + Unique();
        var first = new HttpRequestMessage(HttpMethod.Post, "Organization") { Content = Body(Build.Organization("Trust", ods)) };
        first.Headers.Add("If-None-Exist", $"identifier=https://fhir.nhs.uk/Id/ods-organization-code|{ods}");
        var r1 = await _fhir.SendAsync(first);
        Assert.Equal(HttpStatusCode.Created, r1.StatusCode);

        var second = new HttpRequestMessage(HttpMethod.Post, "Organization") { Content = Body(Build.Organization("Trust again", ods)) };
        second.Headers.Add("If-None-Exist", $"identifier=https://fhir.nhs.uk/Id/ods-organization-code|{ods}");
        var r2 = await _fhir.SendAsync(second);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        Assert.Equal((await r1.JsonAsync())["id"]!.GetValue<string>(), (await r2.JsonAsync())["id"]!.GetValue<string>());
        Assert.Equal(1, (await _fhir.SearchAsync($"Organization?identifier={ods}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Conditional_create_shows_the_existing_resource_only_to_a_client_that_may_read_it()
    {
        // A create-only client learns that the record exists (what conditional create must tell it), never its content: otherwise If-None-Exist would read, one probe at a time, anything the gate lets it see.
        var ods = "SCOPE" + Unique();
        await _fhir.CreateAsync("Organization", Build.Organization("Trust with a secret name", ods));
        HttpRequestMessage Probe()
        {
            var post = new HttpRequestMessage(HttpMethod.Post, "Organization") { Content = Body(Build.Organization("Probe", ods)) };
            post.Headers.Add("If-None-Exist", $"identifier=https://fhir.nhs.uk/Id/ods-organization-code|{ods}");
            return post;
        }

        var createOnly = await gateway.Fhir(new TokenSpec(Scope: "system/Organization.c")).SendAsync(Probe());
        var text = await createOnly.Content.ReadAsStringAsync();
        Assert.True(createOnly.StatusCode == HttpStatusCode.OK, $"{(int)createOnly.StatusCode}: {text}");
        Assert.DoesNotContain("secret name", text, StringComparison.Ordinal);

        var reader = await gateway.Fhir(new TokenSpec(Scope: "system/Organization.cr")).SendAsync(Probe());
        Assert.Equal(HttpStatusCode.OK, reader.StatusCode);
        Assert.Contains("secret name", await reader.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Conditional_creates_racing_on_the_same_identifier_create_one_resource()
    {
        var ods = "RACE" + Unique();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            var post = new HttpRequestMessage(HttpMethod.Post, "Organization") { Content = Body(Build.Organization("Racing trust", ods)) };
            // Result parameters in the criteria must not hide the match either.
            post.Headers.Add("If-None-Exist", $"identifier=https://fhir.nhs.uk/Id/ods-organization-code|{ods}&_summary=count");
            return (await _fhir.SendAsync(post)).StatusCode;
        }));
        Assert.Equal(1, attempts.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(9, attempts.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(1, (await _fhir.SearchAsync($"Organization?identifier={ods}"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Conditional_update_upserts_by_identifier()
    {
        var nhs = Build.NhsNumber();
        var url = $"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}";
        var created = await _fhir.PutAsync(url, Body(Build.Patient(nhs, family: "First")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var updated = await _fhir.PutAsync(url, Body(Build.Patient(nhs, family: "Second")));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var bundle = await _fhir.SearchAsync(url);
        Assert.Equal(1, bundle["total"]!.GetValue<int>());
        Assert.Equal("Second", bundle["entry"]![0]!["resource"]!["name"]![0]!["family"]!.GetValue<string>());
        Assert.Equal("2", bundle["entry"]![0]!["resource"]!["meta"]!["versionId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Conditional_update_matching_several_resources_is_412()
    {
        var tag = Unique();
        await _fhir.CreateAsync("Organization", Build.Organization("Dup " + tag));
        await _fhir.CreateAsync("Organization", Build.Organization("Dup " + tag));
        var r = await _fhir.PutAsync($"Organization?name=Dup {tag}", Body(Build.Organization("Dup " + tag)));
        Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode);
    }

    [Fact]
    public async Task Conditional_delete_removes_the_single_match()
    {
        var ods = Unique();
        var id = await _fhir.CreateAsync("Organization", Build.Organization("Cond delete", ods));
        Assert.Equal(HttpStatusCode.NoContent, (await _fhir.DeleteAsync($"Organization?identifier={ods}")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _fhir.GetAsync($"Organization/{id}")).StatusCode);
    }

    [Fact]
    public async Task Prefer_return_minimal_and_operation_outcome_shape_the_body()
    {
        var minimal = new HttpRequestMessage(HttpMethod.Post, "Organization") { Content = Body(Build.Organization("Minimal")) };
        minimal.Headers.Add("Prefer", "return=minimal");
        var r1 = await _fhir.SendAsync(minimal);
        Assert.Equal(HttpStatusCode.Created, r1.StatusCode);
        Assert.Empty(await r1.Content.ReadAsByteArrayAsync());
        Assert.NotNull(r1.Headers.Location);

        var oo = new HttpRequestMessage(HttpMethod.Post, "Organization") { Content = Body(Build.Organization("OO")) };
        oo.Headers.Add("Prefer", "return=OperationOutcome");
        var r2 = await _fhir.SendAsync(oo);
        Assert.Equal("OperationOutcome", (await r2.JsonAsync())["resourceType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Xml_is_accepted_and_returned_on_request()
    {
        const string xml = "<Organization xmlns=\"http://hl7.org/fhir\"><name value=\"XML council\"/></Organization>";
        var post = new HttpRequestMessage(HttpMethod.Post, "Organization") { Content = new StringContent(xml, System.Text.Encoding.UTF8, "application/fhir+xml") };
        post.Headers.Accept.Clear();
        post.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+xml"));
        var r = await _fhir.SendAsync(post);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.StartsWith("application/fhir+xml", r.Content.Headers.ContentType!.ToString());
        var text = await r.Content.ReadAsStringAsync();
        Assert.Contains("<name value=\"XML council\" />", text);

        var id = r.Headers.Location!.Segments[^3].TrimEnd('/');
        var json = await _fhir.GetAsync($"Organization/{id}?_format=json");
        Assert.Equal("XML council", (await json.JsonAsync())["name"]!.GetValue<string>());
        var viaFormat = await (await _fhir.GetAsync($"Organization/{id}?_format=xml")).Content.ReadAsStringAsync();
        Assert.StartsWith("<?xml", viaFormat);
    }

    [Fact]
    public async Task Responses_are_gzipped_when_the_client_accepts_it()
    {
        var id = await _fhir.CreateAsync("Organization", Build.Organization("Gzip " + new string('x', 2000)));
        var req = new HttpRequestMessage(HttpMethod.Get, $"Organization/{id}");
        req.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var r = await _fhir.SendAsync(req);
        Assert.Contains("gzip", r.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Audit_events_cannot_be_written_through_the_api()
    {
        var r = await _fhir.PostAsync("AuditEvent", Body("""{"resourceType":"AuditEvent","type":{"code":"rest"},"recorded":"2024-01-01T00:00:00Z","agent":[{"requestor":true}],"source":{"observer":{"display":"x"}}}"""));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync("AuditEvent")).StatusCode);
    }

    [Fact]
    public async Task Capability_statement_lists_types_interactions_and_indexed_search_parameters()
    {
        var cs = await _fhir.SearchAsync("metadata");
        Assert.Equal("CapabilityStatement", cs["resourceType"]!.GetValue<string>());
        Assert.Equal("4.0.1", cs["fhirVersion"]!.GetValue<string>());
        var resources = cs["rest"]![0]!["resource"]!.AsArray();
        var carePlan = resources.First(r => r!["type"]!.GetValue<string>() == "CarePlan")!;
        var searchParams = carePlan["searchParam"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("subject", searchParams);
        Assert.Contains("_lastUpdated", searchParams);
        var audit = resources.First(r => r!["type"]!.GetValue<string>() == "AuditEvent")!;
        Assert.DoesNotContain(audit["interaction"]!.AsArray(), i => i!["code"]!.GetValue<string>() is "create" or "update" or "delete");
    }
}

[Collection("sqlite")] public sealed class SqliteCrudTests(SqliteGateway g) : CrudTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresCrudTests(PostgresGateway g) : CrudTests(g), IClassFixture<PostgresGateway>;
