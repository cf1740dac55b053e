using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Sen2;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Audit;
using static SendInterop.Gateway.Tests.Sen2.Sen2Returns;

namespace SendInterop.Gateway.Tests.Sen2;

/// <summary>
/// <c>$sen2-import</c> and <c>$sen2-export</c> over HTTP: the round trip, idempotency, bad files (per-record errors, nothing of a
/// bad record stored), whole-file failures, and who may import or export which LA's return. Each test uses its own LA or its own
/// children, so the tests of a class can share one database.
/// </summary>
public abstract class Sen2ImportExportTests(GatewayFixture gateway)
{
    private static TokenSpec La(string code, string scope = "system/*.cruds") => new(Organisation: "la-" + code, Scope: scope);

    [Fact]
    public async Task A_person_without_upn_or_uln_finds_its_record_among_namesakes_of_the_same_birth_date()
    {
        // Three of the LA's children share a family name and birth date, each with the LA's own child id; the person in
        // the return is the last of them. Its record must be found (no new Patient), however many namesakes come first:
        // a look-up that kept only the first two matches made a second record for the third child.
        const string la = "885";
        var client = gateway.Fhir(La(la));
        var person = Child(la, upn: false);
        async Task<string> Namesake(string given, string postcode, string localId)
        {
            var patient = JsonNode.Parse(Build.Patient(family: person.Surname, given: given, birthDate: person.BirthDate,
                extraIdentifierSystem: IdentifierSystems.LaChildId, extraIdentifierValue: $"{la}/{localId}"))!.AsObject();
            patient["identifier"]!.AsArray().RemoveAt(0); // no NHS number: like the return, only the LA's own id
            patient["address"] = new JsonArray { new JsonObject { ["postalCode"] = postcode } };
            return await client.CreateAsync("Patient", patient.ToJsonString());
        }
        await Namesake("Firstsib", "ZZ1 1AA", "SIB" + FhirHttp.Unique()[..6]);
        await Namesake("Secondsib", "ZZ2 2AA", "SIB" + FhirHttp.Unique()[..6]);
        var mine = await Namesake(person.Forename, person.PostCode, "MINE" + FhirHttp.Unique()[..6]);

        var (status, body) = await ImportAsync(client, Return(la, Refused(person)));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var records = await client.SearchAsync($"Patient?family={person.Surname}&birthdate={person.BirthDate}");
        Assert.Equal(3, records["total"]!.GetValue<int>());
        Assert.Contains(mine, records.MatchIds());
    }

    [Fact]
    public async Task Import_then_export_gives_the_same_return_and_a_second_import_changes_nothing()
    {
        const string la = "881";
        var client = gateway.Fhir(La(la));
        var (plan, refused, assessing, ceased) = (Child(la), Child(la, upn: false), Child(la, upn: false, uln: true), Child(la, uln: true));
        var file = Return(la, Issued(plan), Refused(refused), Assessing(assessing), Ceased(ceased));

        var (status, body) = await ImportAsync(client, file);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(["imported", "imported", "imported", "imported"], Statuses(body));
        Assert.Equal(4, Value(body, "imported"));
        var firstCreated = Records(body).SelectMany(r => Parts(r, "created")).ToList();
        Assert.Contains(firstCreated, r => r.StartsWith("Patient/", StringComparison.Ordinal));
        Assert.Contains(firstCreated, r => r.StartsWith("CarePlan/", StringComparison.Ordinal));

        var exported = await ExportAsync(client);
        Assert.Equal(HttpStatusCode.OK, exported.Status);
        Assert.Equal("0", exported.Headers[Sen2ExportOperation.UnmappedCountHeader]);
        Assert.Equal("4", exported.Headers[Sen2ExportOperation.PersonsHeader]);
        Assert.Equal(Sen2Canonical.Identity(file), Sen2Canonical.Identity(exported.Xml));
        Assert.Equal(Sen2Canonical.Persons(file), Sen2Canonical.Persons(exported.Xml));

        // The same file again: every record unchanged, no new version of anything.
        var (again, againBody) = await ImportAsync(client, file);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(["unchanged", "unchanged", "unchanged", "unchanged"], Statuses(againBody));
        Assert.Empty(Records(againBody).SelectMany(r => Parts(r, "created").Concat(Parts(r, "updated"))));
        foreach (var reference in firstCreated)
        {
            var current = await client.SearchAsync(reference[..reference.IndexOf("/_history", StringComparison.Ordinal)]);
            Assert.Equal("1", current["meta"]!["versionId"]!.GetValue<string>());
        }

        // Its own export, imported, is also unchanged: the round trip is exact.
        var (reimport, reimportBody) = await ImportAsync(client, exported.Xml);
        Assert.Equal(HttpStatusCode.OK, reimport);
        Assert.All(Statuses(reimportBody), s => Assert.Equal("unchanged", s));

        // One item changed: only the resource that holds it gets a new version.
        var changed = file.Replace("<ReviewOutcome>M</ReviewOutcome>", "<ReviewOutcome>A</ReviewOutcome>", StringComparison.Ordinal);
        var (third, thirdBody) = await ImportAsync(client, changed);
        Assert.Equal(HttpStatusCode.OK, third);
        Assert.Equal(["imported", "unchanged", "unchanged", "unchanged"], Statuses(thirdBody));
        var updated = Assert.Single(Parts(Records(thirdBody)[0], "updated"));
        Assert.StartsWith("Encounter/", updated, StringComparison.Ordinal);
        Assert.EndsWith("/_history/2", updated, StringComparison.Ordinal);
        Assert.Empty(Parts(Records(thirdBody)[0], "created"));
        Assert.Equal(Sen2Canonical.Persons(changed), Sen2Canonical.Persons((await ExportAsync(client)).Xml));
    }

    [Fact]
    public async Task An_edited_reimport_deletes_what_the_earlier_import_made_and_the_record_no_longer_has_and_nothing_else()
    {
        const string la = "883";
        var client = gateway.Fhir(La(la));
        var (edited, untouched) = (Child(la), Child(la));
        var file = Return(la, Issued(edited), Refused(untouched));
        var (first, firstBody) = await ImportAsync(client, file);
        Assert.True(first == HttpStatusCode.OK, firstBody.ToJsonString());
        var patientId = (await PatientsWithUpn(client, edited.Upn!)).Single();

        // Another system's records of the same child: the LA's case management system (no SEN2 key) and a trust (a SEN2-looking
        // key of this LA and child, but not the LA's). Neither may be touched by the import.
        var caseSystemNeed = await client.CreateAsync("Condition", NeedJson(patientId, identifier: null));
        var trust = gateway.Fhir(new TokenSpec(Organisation: "ods-RY3", Agency: "health"));
        // The trust sees the LA's Patient only under break-glass here (no agreement in this fixture): a reference to a
        // Patient the writer may not see answers as if it did not exist (ADR 3).
        trust.DefaultRequestHeaders.Add("X-Purpose-Of-Use", "safeguarding");
        trust.DefaultRequestHeaders.Add("X-Break-Glass-Reason", "test: another system's record of the same child");
        var token = Sen2RecordKey.PersonTokenFor(new Hl7.Fhir.Model.Identifier(IdentifierSystems.Upn, edited.Upn));
        var trustNeed = await trust.CreateAsync("Condition", NeedJson(patientId, identifier: $"{la}/{token}/r20250203/need2"));

        // The LA corrects the return: the historical request, the second need, the second placement and the review are gone.
        var person = Issued(edited);
        var changedPerson = Remove(person,
            @"<Requests>\s*<RequestOutcome>H</RequestOutcome>\s*</Requests>",
            @"<SENneed>\s*<SENtype>SLCN</SENtype>\s*<SENtypeRank>2</SENtypeRank>\s*</SENneed>",
            @"<PlacementDetail>\s*<UKPRN>10000001</UKPRN>.*?</PlacementDetail>",
            @"<ReviewMeeting>.*?</LastReview>");
        Assert.NotEqual(person, changedPerson);
        var editedFile = Return(la, changedPerson, Refused(untouched));

        var (second, secondBody) = await ImportAsync(client, editedFile);
        Assert.True(second == HttpStatusCode.OK, secondBody.ToJsonString());
        Assert.Equal(["imported", "unchanged"], Statuses(secondBody));
        var deleted = Parts(Records(secondBody)[0], "deleted");
        Assert.Equal(["Condition", "Encounter", "ServiceRequest"], deleted.Select(d => d[..d.IndexOf('/', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.StartsWith("CarePlan/", Assert.Single(Parts(Records(secondBody)[0], "updated")), StringComparison.Ordinal);
        foreach (var reference in deleted)
        {
            var current = reference[..reference.IndexOf("/_history", StringComparison.Ordinal)];
            Assert.Equal(HttpStatusCode.Gone, (await client.GetAsync(current)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(current + "/_history/1")).StatusCode); // kept in the history
        }

        var export = await ExportAsync(client);
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal(Sen2Canonical.Persons(editedFile), Sen2Canonical.Persons(export.Xml));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("Condition/" + caseSystemNeed)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await trust.GetAsync("Condition/" + trustNeed)).StatusCode);

        // The statutory Tasks follow: the plan's case is still open; nothing refers to a request that no longer exists.
        var tasks = await client.SearchAsync($"Task?subject=Patient/{patientId}&status=requested,in-progress");
        Assert.DoesNotContain(deleted, d => tasks.ToJsonString().Contains(d[..d.IndexOf("/_history", StringComparison.Ordinal)], StringComparison.Ordinal));

        // Again: nothing left to delete or change.
        var (third, thirdBody) = await ImportAsync(client, editedFile);
        Assert.Equal(HttpStatusCode.OK, third);
        Assert.Equal(["unchanged", "unchanged"], Statuses(thirdBody));
    }

    [Fact]
    public async Task A_record_whose_removals_are_refused_changes_nothing_at_all()
    {
        const string la = "884";
        var child = Child(la);
        var file = Return(la, Issued(child));
        var (first, _) = await ImportAsync(gateway.Fhir(La(la)), file);
        Assert.Equal(HttpStatusCode.OK, first);

        // Without delete scope the record's stale need cannot go, so neither does its other change (the review outcome).
        var edited = Remove(file, @"<SENneed>\s*<SENtype>SLCN</SENtype>\s*<SENtypeRank>2</SENtypeRank>\s*</SENneed>")
            .Replace("<ReviewOutcome>M</ReviewOutcome>", "<ReviewOutcome>A</ReviewOutcome>", StringComparison.Ordinal);
        var (status, body) = await ImportAsync(gateway.Fhir(La(la, "system/*.cru")), edited);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["rejected"], Statuses(body));
        Assert.Contains("403", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(Sen2Canonical.Persons(file), Sen2Canonical.Persons((await ExportAsync(gateway.Fhir(La(la)))).Xml));

        // With it, the same file goes through.
        var (again, againBody) = await ImportAsync(gateway.Fhir(La(la)), edited);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(["imported"], Statuses(againBody));
        Assert.Equal(Sen2Canonical.Persons(edited), Sen2Canonical.Persons((await ExportAsync(gateway.Fhir(La(la)))).Xml));
    }

    private static string Remove(string xml, params string[] patterns) =>
        patterns.Aggregate(xml, (text, pattern) => System.Text.RegularExpressions.Regex.Replace(text, pattern, "", System.Text.RegularExpressions.RegexOptions.Singleline));

    private static string NeedJson(string patientId, string? identifier)
    {
        var need = new JsonObject
        {
            ["resourceType"] = "Condition",
            ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-clinical", ["code"] = "active" } } },
            ["code"] = new JsonObject { ["text"] = "Dyslexia" },
            ["subject"] = new JsonObject { ["reference"] = "Patient/" + patientId },
        };
        if (identifier is not null)
            need["identifier"] = new JsonArray { new JsonObject { ["system"] = Sen2FhirUrls.RecordIdentifier, ["value"] = identifier } };
        return need.ToJsonString();
    }

    [Fact]
    public async Task Bad_records_are_reported_with_path_line_and_rule_and_nothing_of_them_is_stored()
    {
        const string la = "926";
        var client = gateway.Fhir(La(la));
        var (good, badCode, unknownItem, other) = (Child(la), Child(la), Child(la), Child(la));
        var file = Return(la,
            Refused(good),
            Refused(badCode, ethnicity: "XXXX"),
            Assessing(good), // the same UPN again: a duplicate person
            Issued(unknownItem).Replace("<Sex>F</Sex>", "<Sex>F</Sex>\n      <Colour>blue</Colour>", StringComparison.Ordinal),
            Assessing(other));

        var (status, body) = await ImportAsync(client, file);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(["imported", "rejected", "rejected", "rejected", "imported"], Statuses(body));
        var records = Records(body);
        AssertError(records[1], "InvalidCode", "/Ethnicity");
        AssertError(records[2], "DuplicatePerson", "/UPN");
        AssertError(records[3], "UnknownItem", "/Colour");
        var text = body.ToJsonString();
        foreach (var child in new[] { badCode, unknownItem }) Assert.DoesNotContain(child.Surname, text, StringComparison.Ordinal);
        Assert.DoesNotContain(good.Upn!, text, StringComparison.Ordinal);

        Assert.Single(await PatientsWithUpn(client, good.Upn!));
        Assert.Single(await PatientsWithUpn(client, other.Upn!));
        Assert.Empty(await PatientsWithUpn(client, badCode.Upn!));
        Assert.Empty(await PatientsWithUpn(client, unknownItem.Upn!));
        // The duplicate's request (received 2025-09-01) was not added to the first record's child.
        var goodId = (await PatientsWithUpn(client, good.Upn!)).Single();
        Assert.Single((await client.SearchAsync($"ServiceRequest?subject=Patient/{goodId}")).MatchIds());

        // Audited as a write about that child.
        var audit = await gateway.Services.GetRequiredService<IAuditLogReader>().SearchAsync(new AuditLogQuery(PatientId: goodId, Count: 100));
        Assert.Contains(audit.Entries, e => Encoding.UTF8.GetString(e.Json).Contains(Sen2ImportAudit.Rule, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_body_that_is_not_brotli_though_it_says_so_ends_the_import_with_a_4xx_and_frees_the_LA()
    {
        // It hung for ever before (the upload pump did not complete its pipe on the decoder's exception), holding the
        // LA's import lock, so every later import of the LA was a 409 until a restart.
        const string la = "873";
        var client = gateway.Fhir(La(la));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var content = new StringContent(Header(la), Encoding.UTF8, "application/xml");
            content.Headers.ContentEncoding.Add("br");
            var response = await client.PostAsync(Sen2ImportOperation.Name, content).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var (status, body) = await ImportAsync(client, Return(la, Refused(Child(la))));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task A_truncated_file_keeps_its_complete_records_and_nothing_of_the_cut_one()
    {
        const string la = "926";
        var client = gateway.Fhir(La(la));
        var (complete, cut) = (Child(la), Child(la));
        var issued = Issued(cut);
        var file = Header(la) + Refused(complete) + issued[..(issued.Length / 2)];

        var (status, body) = await ImportAsync(client, file);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("OperationOutcome", body["resourceType"]!.GetValue<string>());
        var issues = body["issue"]!.AsArray();
        Assert.Contains(issues, i => i!["details"]?["coding"]?[0]?["code"]?.GetValue<string>() == nameof(Sen2Rule.TruncatedXml));
        Assert.Contains(issues, i => i!["diagnostics"]!.GetValue<string>().Contains("imported 1;", StringComparison.Ordinal));
        Assert.Single(await PatientsWithUpn(client, complete.Upn!));
        Assert.Empty(await PatientsWithUpn(client, cut.Upn!));
    }

    [Theory]
    [InlineData("<Bundle xmlns=\"http://hl7.org/fhir\"/>", HttpStatusCode.UnprocessableEntity, nameof(Sen2Rule.WrongRootOrSchema))]
    [InlineData("this is not XML", HttpStatusCode.BadRequest, nameof(Sen2Rule.NotWellFormedXml))]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE Message [<!ENTITY x \"y\">]><Message/>", HttpStatusCode.BadRequest, nameof(Sen2Rule.DtdProhibited))]
    [InlineData("<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails><Source><LEA>926</LEA></Source></Header></Message>", HttpStatusCode.UnprocessableEntity, nameof(Sen2Rule.UnsupportedCollection))]
    public async Task A_file_that_is_not_a_sen2_return_is_refused_as_a_whole(string file, HttpStatusCode expected, string rule)
    {
        var (status, body) = await ImportAsync(gateway.Fhir(La("926")), file);
        Assert.Equal(expected, status);
        Assert.True(body["issue"]!.AsArray().Any(i => i!["details"]?["coding"]?[0]?["code"]?.GetValue<string>() == rule), body.ToJsonString());
        Assert.Contains(body["issue"]!.AsArray(), i => i!["diagnostics"]!.GetValue<string>().Contains("No record was imported", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_the_las_own_token_with_write_scopes_imports_its_return_and_only_plain_xml()
    {
        const string la = "926";
        var child = Child(la);
        var file = Return(la, Refused(child));

        var (otherLa, otherBody) = await ImportAsync(gateway.Fhir(La("935")), file);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherLa);
        Assert.Contains("LEA", otherBody.ToJsonString(), StringComparison.Ordinal);
        var (trust, _) = await ImportAsync(gateway.Fhir(new TokenSpec(Organisation: "ods-RY3", Agency: "health")), file);
        Assert.Equal(HttpStatusCode.Forbidden, trust);
        var (readOnly, _) = await ImportAsync(gateway.Fhir(La(la, "system/*.rs")), file);
        Assert.Equal(HttpStatusCode.Forbidden, readOnly);
        Assert.Empty(await PatientsWithUpn(gateway.Fhir(La(la)), child.Upn!));

        var json = await gateway.Fhir(La(la)).PostAsync(Sen2ImportOperation.Name, new StringContent(file, Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
    }

    [Fact]
    public async Task Another_las_export_holds_none_of_this_las_children_and_a_non_la_gets_403()
    {
        const string la = "926";
        var child = Child(la);
        var (status, _) = await ImportAsync(gateway.Fhir(La(la)), Return(la, Issued(child)));
        Assert.Equal(HttpStatusCode.OK, status);

        var mine = await ExportAsync(gateway.Fhir(La(la)));
        Assert.Contains(child.Upn!, mine.Xml, StringComparison.Ordinal);
        var theirs = await ExportAsync(gateway.Fhir(La("935")));
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        Assert.Equal("0", theirs.Headers[Sen2ExportOperation.PersonsHeader]);
        Assert.DoesNotContain(child.Upn!, theirs.Xml, StringComparison.Ordinal);
        Assert.Contains("<LEA>935</LEA>", theirs.Xml, StringComparison.Ordinal);

        var trust = await gateway.Fhir(new TokenSpec(Organisation: "ods-RY3", Agency: "health")).GetAsync(ExportUrl);
        Assert.Equal(HttpStatusCode.Forbidden, trust.StatusCode);
        var noDate = await gateway.Fhir(La(la)).GetAsync(Sen2ExportOperation.Name + "?collection-year=2026");
        Assert.Equal(HttpStatusCode.BadRequest, noDate.StatusCode);
        var wrongMonth = await gateway.Fhir(La(la)).GetAsync(Sen2ExportOperation.Name + "?collection-year=2026&reference-date=2026-03-15");
        Assert.Equal(HttpStatusCode.BadRequest, wrongMonth.StatusCode);
    }

    [Fact]
    public async Task A_child_whose_records_cannot_make_a_sen2_person_is_named_in_the_export_headers()
    {
        const string la = "882";
        var client = gateway.Fhir(La(la));
        var patientId = await client.CreateAsync("Patient", new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray { new JsonObject { ["system"] = IdentifierSystems.Upn, ["value"] = Child(la).Upn } },
            ["name"] = new JsonArray { new JsonObject { ["family"] = "Nonamehere", ["given"] = new JsonArray { "Kit" } } },
            ["birthDate"] = "2015-03-02",
        }.ToJsonString());
        // A SEN2-keyed request with no SEN2 outcome (written by hand, not by an import).
        await client.CreateAsync("ServiceRequest", new JsonObject
        {
            ["resourceType"] = "ServiceRequest",
            ["identifier"] = new JsonArray { new JsonObject { ["system"] = Sen2FhirUrls.RecordIdentifier, ["value"] = $"{la}/0123456789abcdef/r20250101" } },
            ["status"] = "active",
            ["intent"] = "order",
            ["subject"] = new JsonObject { ["reference"] = "Patient/" + patientId },
        }.ToJsonString());

        var export = await ExportAsync(client);
        Assert.Equal(HttpStatusCode.OK, export.Status);
        Assert.Equal("1", export.Headers[Sen2ExportOperation.UnmappedCountHeader]);
        Assert.Contains("Patient/" + patientId, export.Headers[Sen2ExportOperation.UnmappedHeader], StringComparison.Ordinal);
        Assert.Contains("RequestOutcome", export.Headers[Sen2ExportOperation.UnmappedHeader], StringComparison.Ordinal);
        Assert.DoesNotContain("Nonamehere", export.Headers[Sen2ExportOperation.UnmappedHeader], StringComparison.Ordinal);
    }

    private const string ExportUrl = Sen2ExportOperation.Name + "?collection-year=2026&reference-date=2026-01-15";

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ImportAsync(HttpClient client, string xml)
    {
        var response = await client.PostAsync(Sen2ImportOperation.Name, new StringContent(xml, Encoding.UTF8, "application/xml"));
        return (response.StatusCode, await response.JsonAsync());
    }

    private static async Task<(HttpStatusCode Status, string Xml, Dictionary<string, string> Headers)> ExportAsync(HttpClient client)
    {
        var response = await client.GetAsync(ExportUrl);
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        if (response.IsSuccessStatusCode) Assert.StartsWith("application/xml", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), headers);
    }

    private static async Task<List<string>> PatientsWithUpn(HttpClient client, string upn) =>
        (await client.SearchAsync($"Patient?identifier={Uri.EscapeDataString(IdentifierSystems.Upn)}|{upn}")).MatchIds();

    private static List<JsonNode> Records(JsonNode parameters) =>
        parameters["parameter"]!.AsArray().Where(p => p!["name"]!.GetValue<string>() == "record").Select(p => p!).ToList();

    private static List<string> Statuses(JsonNode parameters) =>
        Records(parameters).Select(r => r["part"]!.AsArray().First(p => p!["name"]!.GetValue<string>() == "status")!["valueCode"]!.GetValue<string>()).ToList();

    private static int Value(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().First(p => p!["name"]!.GetValue<string>() == name)!["valueInteger"]!.GetValue<int>();

    private static List<string> Parts(JsonNode record, string name) =>
        record["part"]!.AsArray().Where(p => p!["name"]!.GetValue<string>() == name).Select(p => p!["valueReference"]!["reference"]!.GetValue<string>()).ToList();

    private static void AssertError(JsonNode record, string rule, string pathEnd)
    {
        var errors = record["part"]!.AsArray().Where(p => p!["name"]!.GetValue<string>() == "error")
            .Select(e => e!["part"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!))
            .ToList();
        Assert.Contains(errors, e =>
            e["rule"]["valueCoding"]!["code"]!.GetValue<string>() == rule
            && e["path"]["valueString"]!.GetValue<string>().EndsWith(pathEnd, StringComparison.Ordinal)
            && e["line"]["valueInteger"]!.GetValue<int>() > 0);
    }
}

[Collection("sqlite")] public sealed class SqliteSen2ImportExportTests(SqliteGateway g) : Sen2ImportExportTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresSen2ImportExportTests(PostgresGateway g) : Sen2ImportExportTests(g), IClassFixture<PostgresGateway>;
