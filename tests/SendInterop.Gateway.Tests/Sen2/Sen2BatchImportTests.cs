using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Sen2;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Sen2.Sen2Returns;

namespace SendInterop.Gateway.Tests.Sen2;

/// <summary>
/// <c>$sen2-import</c> in batches (<see cref="SendInterop.Gateway.Sen2.Batches.Sen2BatchImporter"/>): a record the batch cannot
/// settle is imported on its own and refused there without taking its neighbours down; a batch whose single transaction fails
/// stores nothing and every record of it is imported on its own, none lost and none stored twice; and a file imported in one
/// batch leaves the same records as the same file imported record by record through the FHIR transaction path, also when an
/// edited file is imported again.
/// Every outcome is checked in what is stored (searches and reads through the FHIR API), not only in the report.
/// </summary>
public abstract partial class Sen2BatchImportTests(GatewayFixture gateway, GatewayFixture recordByRecord)
{
    private const string RecordSystem = Sen2FhirUrls.RecordIdentifier;
    private static readonly string[] KeyedTypes = ["ServiceRequest", "CarePlan", "Condition", "Encounter"];

    private static TokenSpec La(string code) => new(Organisation: "la-" + code);

    [Fact]
    public async Task An_ambiguous_child_in_a_batch_is_refused_as_on_its_own_and_every_other_record_of_the_batch_is_stored()
    {
        const string la = "887";
        var client = gateway.Fhir(La(la));
        var children = Enumerable.Range(0, 6).Select(_ => Child(la)).ToList();
        var ambiguous = children[2];
        // The LA's own system already holds the child twice: the import cannot tell which Patient is meant.
        var stored = new[] { await client.CreateAsync("Patient", PatientJson(ambiguous)), await client.CreateAsync("Patient", PatientJson(ambiguous)) };
        var file = Return(la, Issued(children[0]), Refused(children[1]), Issued(ambiguous), Ceased(children[3]), Assessing(children[4]), Issued(children[5]));

        var (status, body) = await ImportAsync(client, file);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(500, Options(gateway).ImportBatch); // the whole file is one batch
        Assert.Equal(["imported", "imported", "rejected", "imported", "imported", "imported"], Statuses(body));
        Assert.Equal((6, 5, 0, 1), (Value(body, "records"), Value(body, "imported"), Value(body, "unchanged"), Value(body, "rejected")));

        // Refused as the record's own FHIR transaction refuses an ambiguous conditional create: 412, naming no identifier.
        var refused = Records(body)[2];
        Assert.Empty(Written(refused));
        var error = Assert.Single(Errors(refused));
        Assert.Equal(Sen2RecordProblem.FhirTransactionRefused, error.Rule);
        Assert.Equal(Sen2RecordResult.PersonPath(3), error.Path);
        Assert.True(error.Line > 0);
        Assert.Matches(RefusalShape(), error.Message);
        Assert.StartsWith("HTTP 412 (", error.Message, StringComparison.Ordinal);
        Assert.Contains("If-None-Exist matched 2 or more Patient resources", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ambiguous.Upn!, body.ToJsonString(), StringComparison.Ordinal);

        // Nothing of it is stored: still the same two Patients, nothing about either of them, none of its record keys.
        Assert.Equal(stored.Order(StringComparer.Ordinal), (await PatientsWithUpn(client, ambiguous.Upn!)).Order(StringComparer.Ordinal));
        foreach (var patient in stored)
        {
            Assert.Empty(await AboutChildAsync(client, patient));
            Assert.Equal("1", (await client.SearchAsync("Patient/" + patient))["meta"]!["versionId"]!.GetValue<string>());
        }

        foreach (var key in KeysOf(la, ambiguous, "r20250203", "n1"))
            Assert.Empty(await WithKeyAsync(client, key.Type, key.Key));
        // (Those are the keys an Issued person's resources carry: as stored for another child of the file.)
        var issuedKeys = new List<(string, string)>();
        foreach (var reference in await AboutChildAsync(client, Assert.Single(await PatientsWithUpn(client, children[0].Upn!))))
            issuedKeys.Add((reference[..reference.IndexOf('/', StringComparison.Ordinal)], KeyOf(await client.SearchAsync(reference))));
        Assert.Equal(KeysOf(la, children[0], "r20250203", "n1").Order(), issuedKeys.Order());

        // Every other record of the batch: its Patient once, and exactly the resources the report names, each once.
        foreach (var (record, child) in Records(body).Zip(children).Where((_, i) => i != 2))
            await AssertStoredOnceAsync(client, record, child);
    }

    [Fact]
    public async Task A_batch_whose_transaction_fails_on_another_owners_resource_stores_every_other_record_once_on_its_own()
    {
        const string la = "888";
        var children = Enumerable.Range(0, 6).Select(_ => Child(la)).ToList();
        var contested = children[3];
        // The LA's Patient for the child, created through the API before the import.
        var patientId = await gateway.Fhir(La(la)).CreateAsync("Patient", PatientJson(contested));
        // A trust records a need of the child under the LA's own SEN2 record key for that need (the key the import will
        // update): the trust owns it, so the LA may not change it.
        var trust = BreakGlass(gateway.Fhir(new TokenSpec(Organisation: "ods-RY3", Agency: "health")));
        var needKey = Key(la, contested, "r20250203/need1");
        var trustNeed = await trust.CreateAsync("Condition", NeedJson(patientId, needKey));

        // The LA imports under break-glass, so its look-ups see the trust's need and the batch plans to update it: the batch's
        // transaction fails on ownership, nothing of it is stored, and every record is imported on its own.
        var client = BreakGlass(gateway.Fhir(La(la)));
        var file = Return(la, Issued(children[0]), Refused(children[1]), Ceased(children[2]), Issued(contested), Assessing(children[4]), Issued(children[5]));
        var (status, body) = await ImportAsync(client, file);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(["imported", "imported", "imported", "rejected", "imported", "imported"], Statuses(body));
        Assert.Equal((6, 5, 0, 1), (Value(body, "records"), Value(body, "imported"), Value(body, "unchanged"), Value(body, "rejected")));
        Assert.Equal(Enumerable.Range(1, 6), Records(body).Select(r => Part(r, "index")!["valueInteger"]!.GetValue<int>()));

        var refused = Records(body)[3];
        Assert.Empty(Written(refused));
        var error = Assert.Single(Errors(refused));
        Assert.Equal(Sen2RecordProblem.FhirTransactionRefused, error.Rule);
        Assert.Equal(Sen2RecordResult.PersonPath(4), error.Path);
        Assert.Matches(RefusalShape(), error.Message);
        Assert.StartsWith("HTTP 403 (", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Condition/{trustNeed} belongs to another organisation", error.Message, StringComparison.Ordinal);

        // The trust's need is untouched, and nothing else of the refused record is stored.
        var need = await trust.SearchAsync("Condition/" + trustNeed);
        Assert.Equal("1", need["meta"]!["versionId"]!.GetValue<string>());
        Assert.Equal("Dyslexia", need["code"]!["text"]!.GetValue<string>());
        Assert.Equal([trustNeed], await WithKeyAsync(client, "Condition", needKey));
        Assert.Equal([patientId], await PatientsWithUpn(client, contested.Upn!));
        Assert.Equal(["Condition/" + trustNeed], await AboutChildAsync(client, patientId));
        foreach (var key in KeysOf(la, contested, "r20250203", "n1").Where(k => k.Key != needKey))
            Assert.Empty(await WithKeyAsync(client, key.Type, key.Key));

        // Every other record stored exactly once: one Patient, each resource the report names and nothing more, one per key.
        foreach (var (record, child) in Records(body).Zip(children).Where((_, i) => i != 3))
            await AssertStoredOnceAsync(client, record, child);

        // And the same file again changes nothing of them (they were stored whole), and still refuses the contested record.
        var (again, againBody) = await ImportAsync(client, file);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(["unchanged", "unchanged", "unchanged", "rejected", "unchanged", "unchanged"], Statuses(againBody));
    }

    [Fact]
    public async Task A_file_imported_in_one_batch_stores_the_same_as_record_by_record_and_so_does_an_edited_reimport()
    {
        const string la = "889";
        Assert.Equal(500, Options(gateway).ImportBatch);
        Assert.True(Options(recordByRecord).RecordByRecord);

        var (persons, children) = VariedPersons(la, 40);
        var file = Return(la, persons.ToArray());
        // The same children already stored on both: one Patient (found, never written) and one held twice (ambiguous).
        var (found, twice) = (children[14], children[26]);
        foreach (var g in new[] { gateway, recordByRecord })
        {
            var c = g.Fhir(La(la));
            await c.CreateAsync("Patient", PatientJson(found));
            await c.CreateAsync("Patient", PatientJson(twice));
            await c.CreateAsync("Patient", PatientJson(twice));
        }

        var batched = await ImportAsync(gateway.Fhir(La(la)), file);
        var single = await ImportAsync(recordByRecord.Fhir(La(la)), file);
        Assert.True(batched.Status == HttpStatusCode.OK, batched.Body.ToJsonString());
        Assert.True(single.Status == HttpStatusCode.OK, single.Body.ToJsonString());
        var statuses = Statuses(batched.Body);
        // The file has a bit of everything: a code the reader refuses, a duplicate person and the ambiguous child are refused.
        Assert.Equal(Enumerable.Range(0, persons.Count).Select(i => i is 10 or 20 or 26 ? "rejected" : "imported"), statuses);
        Assert.Equal(["InvalidCode", "DuplicatePerson", Sen2RecordProblem.FhirTransactionRefused], Records(batched.Body).SelectMany(Errors).Select(e => e.Rule));
        Assert.Equal(statuses, Statuses(single.Body));
        Assert.Equal(Records(batched.Body).Select(Errors), Records(single.Body).Select(Errors));
        Assert.Equal(Summary(batched.Body), Summary(single.Body));
        var stored = await StoredAsync(gateway.Fhir(La(la)), la);
        Assert.Equal(stored, await StoredAsync(recordByRecord.Fhir(La(la)), la));
        Assert.Equal(persons.Count - 3 + 2, stored["Patient"].Count); // each child stored (one found), and the ambiguous two already there
        Assert.All(KeyedTypes, t => Assert.NotEmpty(stored[t]));

        // An edited file: a request taken out of one person, a need changed on another.
        var edited = persons.ToList();
        var (removed, changed) = (0, 4);
        Assert.Contains("<RequestOutcome>H</RequestOutcome>", edited[removed], StringComparison.Ordinal);
        edited[removed] = Regex.Replace(edited[removed], @"<Requests>\s*<RequestOutcome>H</RequestOutcome>\s*</Requests>", "");
        Assert.Contains("<SENtype>ASD</SENtype>", edited[changed], StringComparison.Ordinal);
        edited[changed] = edited[changed].Replace("<SENtype>ASD</SENtype>", "<SENtype>SEMH</SENtype>", StringComparison.Ordinal);
        var editedFile = Return(la, edited.ToArray());

        var batchedAgain = await ImportAsync(gateway.Fhir(La(la)), editedFile);
        var singleAgain = await ImportAsync(recordByRecord.Fhir(La(la)), editedFile);
        Assert.Equal(HttpStatusCode.OK, batchedAgain.Status);
        Assert.Equal(HttpStatusCode.OK, singleAgain.Status);
        var againStatuses = Statuses(batchedAgain.Body);
        Assert.Equal(statuses.Select((s, i) => i is 0 or 4 ? "imported" : s == "rejected" ? "rejected" : "unchanged"), againStatuses);
        Assert.Equal(againStatuses, Statuses(singleAgain.Body));
        Assert.Equal(Records(batchedAgain.Body).Select(Errors), Records(singleAgain.Body).Select(Errors));
        var summary = Summary(batchedAgain.Body);
        Assert.Equal("deleted ServiceRequest", summary[removed]);
        Assert.Equal("updated Condition", summary[changed]);
        Assert.Equal(summary, Summary(singleAgain.Body));

        var storedAgain = await StoredAsync(gateway.Fhir(La(la)), la);
        Assert.Equal(storedAgain, await StoredAsync(recordByRecord.Fhir(La(la)), la));
        Assert.Equal(stored["ServiceRequest"].Count - 1, storedAgain["ServiceRequest"].Count);
        Assert.Contains(storedAgain["Condition"], c => c.Contains(" v2 ", StringComparison.Ordinal));
        Assert.Equal(Sen2Canonical.Persons(await ExportAsync(gateway.Fhir(La(la)))), Sen2Canonical.Persons(await ExportAsync(recordByRecord.Fhir(La(la)))));
    }

    /// <summary>
    /// Two records of the file find the same stored child. One by one, the later record's import sees what the earlier one
    /// wrote (and, the stored Patient carrying both identifiers, takes the earlier record's resources for its own stale ones).
    /// A batch must decide the later record after the earlier one's writes, as it does for a claimed identifier or key, or it
    /// decides both from the same look-up: the first import then keeps both records' resources, and the second deletes both.
    /// </summary>
    [Fact]
    public async Task Two_records_of_a_batch_about_one_stored_child_are_decided_as_one_after_the_other()
    {
        const string la = "890";
        // The LA holds one child under both a UPN and a ULN; its return has two records for that child, one with the UPN only
        // and one with the ULN only (the reader cannot see they are the same person). Both records find the same Patient.
        var (byUpn, byUln, other) = (Child(la), Child(la, upn: false, uln: true), Child(la));
        var patient = new JsonObject
        {
            ["resourceType"] = "Patient",
            ["identifier"] = new JsonArray
            {
                new JsonObject { ["system"] = IdentifierSystems.Upn, ["value"] = byUpn.Upn },
                new JsonObject { ["system"] = IdentifierSystems.Uln, ["value"] = byUln.Uln },
            },
            ["name"] = new JsonArray { new JsonObject { ["family"] = byUpn.Surname, ["given"] = new JsonArray { byUpn.Forename } } },
            ["birthDate"] = byUpn.BirthDate,
        }.ToJsonString();
        foreach (var g in new[] { gateway, recordByRecord }) await g.Fhir(La(la)).CreateAsync("Patient", patient);
        var file = Return(la, Issued(byUpn), Refused(other), Assessing(byUln));

        for (var round = 1; round <= 2; round++)
        {
            var batched = await ImportAsync(gateway.Fhir(La(la)), file);
            var single = await ImportAsync(recordByRecord.Fhir(La(la)), file);
            Assert.True(batched.Status == HttpStatusCode.OK, batched.Body.ToJsonString());
            Assert.True(single.Status == HttpStatusCode.OK, single.Body.ToJsonString());
            Assert.Equal(Statuses(single.Body), Statuses(batched.Body));
            Assert.Equal(Summary(single.Body), Summary(batched.Body));
            Assert.Equal(await StoredAsync(recordByRecord.Fhir(La(la)), la), await StoredAsync(gateway.Fhir(La(la)), la));
        }
    }

    /// <summary>
    /// <paramref name="count"/> persons of every shape the import handles: each kind of return, identified by UPN, ULN, both or
    /// neither; one with a code the reader refuses and one repeating an earlier person. Issued ones at 0 and 4 (edited later).
    /// </summary>
    private static (List<string> Persons, List<Sen2TestChild> Children) VariedPersons(string la, int count)
    {
        var persons = new List<string>();
        var children = new List<Sen2TestChild>();
        for (var i = 0; i < count; i++)
        {
            var child = (i % 5, i % 7) switch
            {
                (3, _) => Child(la, upn: false, uln: true),
                (_, 5) => Child(la, upn: false),
                (1, _) => Child(la, uln: true),
                _ => Child(la),
            };
            if (i is 14 or 26) child = Child(la); // stored beforehand: by UPN
            children.Add(child);
            persons.Add(i switch
            {
                10 => Refused(child, ethnicity: "XXXX"),
                20 => Assessing(children[2]), // the same person as record 3
                _ => (i % 4) switch { 0 => Issued(child), 1 => Refused(child), 2 => Assessing(child), _ => Ceased(child) },
            });
        }

        return (persons, children);
    }

    /// <summary>Per record: what was written, by kind and type (ids differ between gateways).</summary>
    private static List<string> Summary(JsonNode body) =>
        Records(body).Select(r => string.Join(", ", Written(r).Select(w => $"{w.Kind} {w.Reference[..w.Reference.IndexOf('/', StringComparison.Ordinal)]}")
            .Order(StringComparer.Ordinal))).ToList();

    /// <summary>
    /// What the LA's records are, independent of the ids the server chose: per keyed type, each of this LA's SEN2 record keys
    /// with its version and the identifiers of the Patient it is about; and the identifiers of each Patient the LA holds.
    /// </summary>
    private static async Task<Dictionary<string, List<string>>> StoredAsync(HttpClient client, string la)
    {
        var patients = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var patient in Resources(await client.SearchAsync("Patient?_count=1000")))
            patients[patient["id"]!.GetValue<string>()] = string.Join(" ", (patient["identifier"]?.AsArray() ?? [])
                .Select(i => $"{i!["system"]?.GetValue<string>()}|{i["value"]?.GetValue<string>()}").Order(StringComparer.Ordinal));
        var stored = new Dictionary<string, List<string>> { ["Patient"] = patients.Values.Order(StringComparer.Ordinal).ToList() };
        foreach (var type in KeyedTypes)
        {
            var bundle = await client.SearchAsync($"{type}?identifier={Uri.EscapeDataString(RecordSystem)}|&_count=1000");
            Assert.Null(bundle.Link("next"));
            stored[type] = Resources(bundle)
                .Select(r => (Key: KeyOf(r), Version: r["meta"]!["versionId"]!.GetValue<string>(), Subject: r["subject"]?["reference"]?.GetValue<string>()))
                .Where(r => r.Key.StartsWith(la + "/", StringComparison.Ordinal))
                .Select(r => $"{r.Key} v{r.Version} about {(r.Subject is { } s && patients.TryGetValue(s["Patient/".Length..], out var ids) ? ids : r.Subject)}")
                .Order(StringComparer.Ordinal).ToList();
        }

        return stored;
    }

    /// <summary>One Patient for the child; the resources about it are exactly the ones the record's report names, each at
    /// version 1 and the only one with its SEN2 record key.</summary>
    private static async Task AssertStoredOnceAsync(HttpClient client, JsonNode record, Sen2TestChild child)
    {
        var patient = Assert.Single(await PatientsWithUpn(client, child.Upn!));
        var written = Written(record);
        Assert.All(written, w => Assert.Equal("created", w.Kind));
        Assert.Contains($"Patient/{patient}/_history/1", written.Select(w => w.Reference));
        var reported = written.Select(w => w.Reference[..w.Reference.IndexOf("/_history", StringComparison.Ordinal)])
            .Where(r => !r.StartsWith("Patient/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(reported);
        Assert.Equal(reported, await AboutChildAsync(client, patient));
        foreach (var reference in reported)
        {
            var resource = await client.SearchAsync(reference);
            Assert.Equal("1", resource["meta"]!["versionId"]!.GetValue<string>());
            var type = reference[..reference.IndexOf('/', StringComparison.Ordinal)];
            Assert.Equal([reference[(type.Length + 1)..]], await WithKeyAsync(client, type, KeyOf(resource)));
        }
    }

    /// <summary>Every current resource of the keyed types about the Patient, as Type/id.</summary>
    private static async Task<List<string>> AboutChildAsync(HttpClient client, string patientId)
    {
        var about = new List<string>();
        foreach (var type in KeyedTypes)
            about.AddRange((await client.SearchAsync($"{type}?subject=Patient/{patientId}&_count=1000")).MatchIds().Select(id => $"{type}/{id}"));
        return about.Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> WithKeyAsync(HttpClient client, string type, string key) =>
        (await client.SearchAsync($"{type}?identifier={Uri.EscapeDataString(RecordSystem)}|{Uri.EscapeDataString(key)}")).MatchIds();

    /// <summary>The record keys the import gives a person of <see cref="Issued"/> (all of its resources but the Patient).</summary>
    private static IEnumerable<(string Type, string Key)> KeysOf(string la, Sen2TestChild child, string request, string historical)
    {
        yield return ("ServiceRequest", Key(la, child, request));
        yield return ("ServiceRequest", Key(la, child, historical));
        yield return ("CarePlan", Key(la, child, request + "/plan"));
        yield return ("Condition", Key(la, child, request + "/need1"));
        yield return ("Condition", Key(la, child, request + "/need2"));
        yield return ("Encounter", Key(la, child, request + "/review"));
    }

    private static string Key(string la, Sen2TestChild child, string rest) =>
        $"{la}/{Sen2RecordKey.PersonTokenFor(new Hl7.Fhir.Model.Identifier(IdentifierSystems.Upn, child.Upn))}/{rest}";

    private static string KeyOf(JsonNode resource) =>
        (resource["identifier"]?.AsArray() ?? []).Single(i => i!["system"]!.GetValue<string>() == RecordSystem)!["value"]!.GetValue<string>();

    private static HttpClient BreakGlass(HttpClient client)
    {
        client.DefaultRequestHeaders.Add("X-Purpose-Of-Use", "safeguarding");
        client.DefaultRequestHeaders.Add("X-Break-Glass-Reason", "test: a record another organisation holds under the LA's SEN2 key");
        return client;
    }

    private static Sen2Options Options(GatewayFixture g) => g.Services.GetRequiredService<IOptions<Sen2Options>>().Value;

    /// <summary>The record-by-record path's refusal: <c>HTTP {status} ({code}): {message}</c>, quoted values cut out.</summary>
    [GeneratedRegex(@"^HTTP \d{3} \([A-Za-z]+\): \S")]
    private static partial Regex RefusalShape();

    private static string PatientJson(Sen2TestChild child) => new JsonObject
    {
        ["resourceType"] = "Patient",
        ["identifier"] = new JsonArray { new JsonObject { ["system"] = IdentifierSystems.Upn, ["value"] = child.Upn } },
        ["name"] = new JsonArray { new JsonObject { ["family"] = child.Surname, ["given"] = new JsonArray { child.Forename } } },
        ["birthDate"] = child.BirthDate,
    }.ToJsonString();

    private static string NeedJson(string patientId, string key) => new JsonObject
    {
        ["resourceType"] = "Condition",
        ["identifier"] = new JsonArray { new JsonObject { ["system"] = RecordSystem, ["value"] = key } },
        ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/condition-clinical", ["code"] = "active" } } },
        ["code"] = new JsonObject { ["text"] = "Dyslexia" },
        ["subject"] = new JsonObject { ["reference"] = "Patient/" + patientId },
    }.ToJsonString();

    private static async Task<(HttpStatusCode Status, JsonNode Body)> ImportAsync(HttpClient client, string xml)
    {
        var response = await client.PostAsync(Sen2ImportOperation.Name, new StringContent(xml, Encoding.UTF8, "application/xml"));
        return (response.StatusCode, await response.JsonAsync());
    }

    private static async Task<string> ExportAsync(HttpClient client)
    {
        var response = await client.GetAsync(Sen2ExportOperation.Name + "?collection-year=2026&reference-date=2026-01-15");
        var xml = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, xml);
        return xml;
    }

    private static async Task<List<string>> PatientsWithUpn(HttpClient client, string upn) =>
        (await client.SearchAsync($"Patient?identifier={Uri.EscapeDataString(IdentifierSystems.Upn)}|{upn}")).MatchIds();

    private static IEnumerable<JsonNode> Resources(JsonNode bundle) =>
        (bundle["entry"]?.AsArray() ?? []).Where(e => e!["search"]?["mode"]?.GetValue<string>() == "match").Select(e => e!["resource"]!);

    private static List<JsonNode> Records(JsonNode parameters) =>
        parameters["parameter"]!.AsArray().Where(p => p!["name"]!.GetValue<string>() == "record").Select(p => p!).ToList();

    private static JsonNode? Part(JsonNode record, string name) =>
        record["part"]!.AsArray().FirstOrDefault(p => p!["name"]!.GetValue<string>() == name);

    private static List<string> Statuses(JsonNode parameters) =>
        Records(parameters).Select(r => Part(r, "status")!["valueCode"]!.GetValue<string>()).ToList();

    private static int Value(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().First(p => p!["name"]!.GetValue<string>() == name)!["valueInteger"]!.GetValue<int>();

    private static List<(string Kind, string Reference)> Written(JsonNode record) =>
        record["part"]!.AsArray().Where(p => p!["name"]!.GetValue<string>() is "created" or "updated" or "deleted")
            .Select(p => (p!["name"]!.GetValue<string>(), p["valueReference"]!["reference"]!.GetValue<string>())).ToList();

    private static List<(string Path, int Line, string Rule, string Message)> Errors(JsonNode record) =>
        record["part"]!.AsArray().Where(p => p!["name"]!.GetValue<string>() == "error")
            .Select(e => e!["part"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!))
            .Select(e => (e["path"]["valueString"]!.GetValue<string>(), e["line"]["valueInteger"]!.GetValue<int>(),
                e["rule"]["valueCoding"]!["code"]!.GetValue<string>(), e["message"]["valueString"]!.GetValue<string>()))
            .ToList();
}

/// <summary>
/// The gateway on SQLite for these tests: <c>Sen2:ImportBatch</c> as configured (default 500), and one validation thread that
/// warms up when first used rather than at start. They validate little (the Patients they create, the records that go on
/// their own), and four gateways warming every validation thread at once cost more than all the tests together.
/// </summary>
public class SqliteSen2BatchGateway : GatewayFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sendinterop-test-").FullName;

    protected virtual string? ImportBatch => null;

    protected override Dictionary<string, string?> Settings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:Fhir"] = $"Data Source={Path.Combine(_dir, "fhir.db")}",
            ["Fhir:Validation:MaxConcurrency"] = "1",
            ["Fhir:Validation:WarmUpOnStart"] = "false",
        };
        if (ImportBatch is { } size) settings["Sen2:ImportBatch"] = size;
        return settings;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary><see cref="SqliteSen2BatchGateway"/> importing record by record through the FHIR transaction path (<c>Sen2:ImportBatch=0</c>), the reference the batches must match.</summary>
public sealed class SqliteSen2RecordByRecordGateway : SqliteSen2BatchGateway
{
    protected override string? ImportBatch => "0";
}

/// <summary>The gateway on PostgreSQL for these tests, configured as <see cref="SqliteSen2BatchGateway"/>.</summary>
public class PostgresSen2BatchGateway : PostgresGateway
{
    protected virtual string? ImportBatch => null;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Fhir:Validation:MaxConcurrency", "1");
        builder.UseSetting("Fhir:Validation:WarmUpOnStart", "false");
        if (ImportBatch is { } size) builder.UseSetting("Sen2:ImportBatch", size);
    }
}

/// <summary><see cref="PostgresSen2BatchGateway"/> importing record by record through the FHIR transaction path (<c>Sen2:ImportBatch=0</c>), the reference the batches must match.</summary>
public sealed class PostgresSen2RecordByRecordGateway : PostgresSen2BatchGateway
{
    protected override string? ImportBatch => "0";
}

[Collection("sqlite")]
public sealed class SqliteSen2BatchImportTests(SqliteSen2BatchGateway g, SqliteSen2RecordByRecordGateway one)
    : Sen2BatchImportTests(g, one), IClassFixture<SqliteSen2BatchGateway>, IClassFixture<SqliteSen2RecordByRecordGateway>;

[Collection("postgres")]
public sealed class PostgresSen2BatchImportTests(PostgresSen2BatchGateway g, PostgresSen2RecordByRecordGateway one)
    : Sen2BatchImportTests(g, one), IClassFixture<PostgresSen2BatchGateway>, IClassFixture<PostgresSen2RecordByRecordGateway>;
