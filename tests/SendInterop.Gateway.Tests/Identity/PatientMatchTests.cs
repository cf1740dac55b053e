using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Identifiers;
using SendInterop.Storage.Audit;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Identity;

/// <summary>
/// <c>POST Patient/$match</c> end to end on SQLite: about 30 children (one household with twins and a third sibling),
/// matched by typo'd copies; grades, onlyCertainMatches, count, the consent gate (another organisation sees the same
/// empty Bundle as a query that matches nobody) and bad input.
/// </summary>
[Collection("sqlite")]
public sealed class PatientMatchTests(SqliteGateway gateway) : IClassFixture<SqliteGateway>
{
    private const string VerificationExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
    private const string VerificationSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";
    private const string MatchGrade = "http://hl7.org/fhir/StructureDefinition/match-grade";

    private static readonly ConcurrentDictionary<SqliteGateway, Lazy<Task<Seeded>>> Seeds = new();

    private static readonly string[] Families =
    [
        "Ashworth", "Blackwood", "Carrington", "Davenport", "Ellingham", "Fairbrother", "Gillingham", "Hathaway", "Ingleby",
        "Jessop", "Kettleborough", "Lockwood", "Merriweather", "Northcote", "Oakley", "Pickering", "Quartermaine", "Rowntree",
        "Sheringham", "Thistlewood", "Underhill", "Vickerstaff", "Wainwright", "Yardley", "Zouche", "Brightwell", "Cholmondeley",
    ];

    private static readonly string[] Girls = ["Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Florence", "Willow", "Rosie", "Sophia", "Evelyn", "Grace"];
    private static readonly string[] Boys = ["Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Archie", "Henry", "Theodore", "Jack", "Charlie", "Freddie"];

    private readonly HttpClient _fhir = gateway.Fhir();

    private sealed record Child(string Id, string Given, string Family, string BirthDate, string Gender, string Postcode, string Nhs);

    private sealed record Seeded(IReadOnlyList<Child> Children, Child TwinA, Child TwinB, Child Sibling);

    private Task<Seeded> SeedAsync() => Seeds.GetOrAdd(gateway, _ => new Lazy<Task<Seeded>>(async () =>
    {
        var random = new Random(4);
        var children = new List<Child>();
        for (var i = 0; i < Families.Length; i++)
        {
            var girl = i % 2 == 0;
            var given = girl ? Girls[i % Girls.Length] : Boys[i % Boys.Length];
            var dob = new DateOnly(2008, 1, 1).AddDays(random.Next(0, 15 * 365)).ToString("yyyy-MM-dd");
            var postcode = $"NR{1 + random.Next(30)} {1 + random.Next(9)}{"ABDEFGHJLNPQRSTUWXYZ"[random.Next(20)]}{"ABDEFGHJLNPQRSTUWXYZ"[random.Next(20)]}";
            children.Add(await CreateAsync(given, Families[i], dob, girl ? "female" : "male", postcode));
        }
        // One household: twins (same family, birth date, address; different given names) and an older sibling.
        var twinA = await CreateAsync("Hannah", "Pemberton", "2016-07-09", "female", "IP4 2RG");
        var twinB = await CreateAsync("Matilda", "Pemberton", "2016-07-09", "female", "IP4 2RG");
        var sibling = await CreateAsync("Joshua", "Pemberton", "2012-11-23", "male", "IP4 2RG");
        children.AddRange([twinA, twinB, sibling]);
        return new Seeded(children, twinA, twinB, sibling);
    })).Value;

    private async Task<Child> CreateAsync(string given, string family, string birthDate, string gender, string postcode)
    {
        var nhs = Build.NhsNumber();
        var id = await _fhir.CreateAsync("Patient", PatientJson(given, family, birthDate, gender, postcode, nhs, verified: true).ToJsonString());
        return new Child(id, given, family, birthDate, gender, postcode, nhs);
    }

    private static JsonObject PatientJson(string? given, string? family, string? birthDate, string? gender = null, string? postcode = null,
        string? nhs = null, bool verified = false)
    {
        var patient = new JsonObject { ["resourceType"] = "Patient" };
        if (nhs is not null)
        {
            var identifier = new JsonObject { ["system"] = IdentifierSystems.NhsNumber, ["value"] = nhs };
            if (verified)
                identifier["extension"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["url"] = VerificationExtension,
                        ["valueCodeableConcept"] = new JsonObject { ["coding"] = new JsonArray { new JsonObject { ["system"] = VerificationSystem, ["code"] = "01", ["display"] = "Number present and verified" } } },
                    },
                };
            patient["identifier"] = new JsonArray { identifier };
        }
        var name = new JsonObject { ["use"] = "official" };
        if (family is not null) name["family"] = family;
        if (given is not null) name["given"] = new JsonArray { given };
        if (family is not null || given is not null) patient["name"] = new JsonArray { name };
        if (gender is not null) patient["gender"] = gender;
        if (birthDate is not null) patient["birthDate"] = birthDate;
        if (postcode is not null) patient["address"] = new JsonArray { new JsonObject { ["use"] = "home", ["city"] = "Norwich", ["postalCode"] = postcode } };
        return patient;
    }

    private static string Parameters(JsonObject? patient, bool? onlyCertain = null, JsonNode? count = null, string countType = "valueInteger")
    {
        var parameter = new JsonArray();
        if (patient is not null) parameter.Add(new JsonObject { ["name"] = "resource", ["resource"] = patient.DeepClone() });
        if (onlyCertain is not null) parameter.Add(new JsonObject { ["name"] = "onlyCertainMatches", ["valueBoolean"] = onlyCertain });
        if (count is not null) parameter.Add(new JsonObject { ["name"] = "count", [countType] = count });
        return new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = parameter }.ToJsonString();
    }

    private static async Task<JsonNode> MatchAsync(HttpClient client, string parameters)
    {
        var (status, body) = await client.PostAsync("Patient/$match", parameters);
        Assert.True(status == HttpStatusCode.OK, $"$match gave {(int)status}: {body.ToJsonString()}");
        Assert.Equal("Bundle", body["resourceType"]!.GetValue<string>());
        Assert.Equal("searchset", body["type"]!.GetValue<string>());
        return body;
    }

    private static List<(string Id, string Grade, decimal Score)> Matches(JsonNode bundle) =>
        (bundle["entry"]?.AsArray() ?? []).Select(e =>
        {
            var search = e!["search"]!;
            Assert.Equal("match", search["mode"]!.GetValue<string>());
            var grade = search["extension"]!.AsArray().Single(x => x!["url"]!.GetValue<string>() == MatchGrade)!["valueCode"]!.GetValue<string>();
            return (e["resource"]!["id"]!.GetValue<string>(), grade, search["score"]!.GetValue<decimal>());
        }).ToList();

    /// <summary>A copy as another agency might hold it: given name mistyped, no NHS number.</summary>
    private static JsonObject TypoCopy(Child c) =>
        PatientJson(c.Given[..^2] + c.Given[^1] + c.Given[^2], c.Family, c.BirthDate, c.Gender, c.Postcode);

    [Fact]
    public async Task A_typod_copy_finds_its_child_first_with_a_grade_and_a_score()
    {
        var seeded = await SeedAsync();
        foreach (var child in seeded.Children.Take(5))
        {
            var matches = Matches(await MatchAsync(_fhir, Parameters(TypoCopy(child))));
            Assert.NotEmpty(matches);
            Assert.Equal(child.Id, matches[0].Id);
            Assert.Contains(matches[0].Grade, new[] { "certain", "probable" });
            Assert.InRange(matches[0].Score, 0.5m, 1m);
            Assert.Equal(matches.OrderByDescending(m => m.Score).Select(m => m.Id), matches.Select(m => m.Id));
        }
    }

    [Fact]
    public async Task An_exact_copy_with_the_verified_nhs_number_is_certain()
    {
        var seeded = await SeedAsync();
        var child = seeded.Children[3];
        var matches = Matches(await MatchAsync(_fhir, Parameters(PatientJson(child.Given, child.Family, child.BirthDate, child.Gender, child.Postcode, child.Nhs, verified: true))));
        Assert.Equal(child.Id, matches[0].Id);
        Assert.Equal("certain", matches[0].Grade);
        // An NHS number alone is enough input.
        var byNumber = Matches(await MatchAsync(_fhir, Parameters(PatientJson(null, null, null, nhs: child.Nhs, verified: true))));
        Assert.Equal(child.Id, Assert.Single(byNumber).Id);
    }

    [Fact]
    public async Task A_twin_is_never_a_certain_match()
    {
        var seeded = await SeedAsync();
        var probe = PatientJson(seeded.TwinA.Given, "Pemberton", seeded.TwinA.BirthDate, "female", "IP4 2RG");
        var matches = Matches(await MatchAsync(_fhir, Parameters(probe)));
        Assert.Equal(seeded.TwinA.Id, matches[0].Id);
        Assert.Equal("certain", matches[0].Grade);
        // The twin may be offered for a person to look at, but only as possible and scored below auto-link.
        Assert.Contains(matches, m => m.Id == seeded.TwinB.Id);
        Assert.All(matches.Where(m => m.Id == seeded.TwinB.Id || m.Id == seeded.Sibling.Id), m =>
        {
            Assert.Equal("possible", m.Grade);
            Assert.True(m.Score < 0.99m, $"twin or sibling scored {m.Score}");
        });
    }

    [Fact]
    public async Task Only_certain_matches_filters_the_rest()
    {
        var seeded = await SeedAsync();
        var probe = PatientJson("Hanah", "Pemberton", seeded.TwinA.BirthDate, "female", "IP4 2RG");
        var all = Matches(await MatchAsync(_fhir, Parameters(probe)));
        var certain = Matches(await MatchAsync(_fhir, Parameters(probe, onlyCertain: true)));
        Assert.All(certain, m => Assert.Equal("certain", m.Grade));
        Assert.Equal(all.Where(m => m.Grade == "certain").Select(m => m.Id), certain.Select(m => m.Id));
        Assert.DoesNotContain(certain, m => m.Id == seeded.TwinB.Id);
    }

    [Fact]
    public async Task Count_limits_the_matches()
    {
        var seeded = await SeedAsync();
        // Family, birth date and address only: both twins are candidates.
        var probe = PatientJson(null, "Pemberton", seeded.TwinA.BirthDate, "female", "IP4 2RG");
        var all = Matches(await MatchAsync(_fhir, Parameters(probe)));
        Assert.True(all.Count >= 2, $"expected both twins, got {all.Count}");
        var one = await MatchAsync(_fhir, Parameters(probe, count: 1));
        Assert.Equal([all[0].Id], Matches(one).Select(m => m.Id));
        Assert.Equal(1, one["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Another_organisation_gets_the_same_empty_bundle_as_no_match()
    {
        var seeded = await SeedAsync();
        var outsider = gateway.Fhir(new TokenSpec(Organisation: "ods-ZZZ", Agency: "health"));
        var child = seeded.Children[1];
        Assert.NotEmpty(Matches(await MatchAsync(_fhir, Parameters(TypoCopy(child)))));

        var hidden = await MatchAsync(outsider, Parameters(TypoCopy(child)));
        var nobody = await MatchAsync(_fhir, Parameters(PatientJson("Xanthe", "Nonesuchovitch", "1999-02-03", "female", "TR1 1AA")));
        foreach (var bundle in new[] { hidden, nobody })
        {
            Assert.Null(bundle["entry"]);
            Assert.Equal(0, bundle["total"]!.GetValue<int>());
        }
        Assert.Equal(Shape(nobody), Shape(hidden));
        Assert.DoesNotContain(child.Id, hidden.ToJsonString());
        Assert.DoesNotContain(child.Family, hidden.ToJsonString());

        // The withheld candidate is in the audit: a deny for the outsider's operation, naming the child.
        var audit = await gateway.Services.GetRequiredService<IAuditLogReader>()
            .SearchAsync(new AuditLogQuery(PatientId: child.Id, OrganisationId: "ods-ZZZ", Count: 50));
        Assert.Contains(audit.Entries, e => e.Decision == AuditDecision.Deny
            && Encoding.UTF8.GetString(e.Json) is var json && json.Contains("\"operation\"", StringComparison.Ordinal) && json.Contains($"Patient/{child.Id}", StringComparison.Ordinal));
    }

    private static string Shape(JsonNode bundle)
    {
        var copy = JsonNode.Parse(bundle.ToJsonString())!.AsObject();
        copy.Remove("id");
        copy.Remove("meta");
        return copy.ToJsonString();
    }

    [Fact]
    public async Task The_index_follows_creates_updates_and_deletes()
    {
        var seeded = await SeedAsync();
        Matches(await MatchAsync(_fhir, Parameters(TypoCopy(seeded.Children[0])))); // the index is built
        var family = "Quenby" + new string(Unique().Where(char.IsLetter).Take(4).Select(c => (char)('a' + c % 26)).ToArray());
        var created = await CreateAsync("Imogen", family, "2013-04-22", "female", "NR5 8EP");
        Assert.Equal(created.Id, Matches(await MatchAsync(_fhir, Parameters(TypoCopy(created))))[0].Id);

        // Renamed (a family-name change): the new name finds the child, the old one is kept as previous evidence.
        var renamed = PatientJson("Imogen", family + "ton", "2013-04-22", "female", "NR5 8EP", created.Nhs, verified: true);
        renamed["id"] = created.Id;
        Assert.Equal(HttpStatusCode.OK, (await _fhir.PutAsync($"Patient/{created.Id}", Body(renamed.ToJsonString()))).StatusCode);
        var byNewName = Matches(await MatchAsync(_fhir, Parameters(PatientJson("Imogen", family + "ton", "2013-04-22", "female", "NR5 8EP"))));
        Assert.Equal(created.Id, byNewName[0].Id);

        Assert.Equal(HttpStatusCode.NoContent, (await _fhir.DeleteAsync($"Patient/{created.Id}")).StatusCode);
        Assert.DoesNotContain(Matches(await MatchAsync(_fhir, Parameters(PatientJson("Imogen", family + "ton", "2013-04-22", "female", "NR5 8EP")))), m => m.Id == created.Id);
    }

    [Fact]
    public async Task Bad_input_is_refused_with_an_operation_outcome()
    {
        async Task Expect(HttpStatusCode expected, string body, string? mentions = null)
        {
            var (status, outcome) = await _fhir.PostAsync("Patient/$match", body);
            Assert.True(status == expected, $"expected {(int)expected}, got {(int)status}: {outcome.ToJsonString()}");
            Assert.Equal("OperationOutcome", outcome["resourceType"]!.GetValue<string>());
            if (mentions is not null) Assert.Contains(mentions, outcome.Issues());
        }

        var ok = PatientJson("Olivia", "Ashworth", "2014-05-06");
        await Expect(HttpStatusCode.BadRequest, Parameters(null), "resource");
        await Expect(HttpStatusCode.BadRequest, new JsonObject { ["resourceType"] = "Parameters", ["parameter"] = new JsonArray { new JsonObject { ["name"] = "resource", ["resource"] = JsonNode.Parse(Build.Observation("x")) } } }.ToJsonString(), "Patient");
        await Expect(HttpStatusCode.BadRequest, ok.ToJsonString(), "Parameters");
        await Expect(HttpStatusCode.BadRequest, Parameters(ok, count: 0), "count");
        await Expect(HttpStatusCode.BadRequest, Parameters(ok, count: -3), "count");
        await Expect(HttpStatusCode.BadRequest, Parameters(ok, count: "ten", countType: "valueString"), "count");
        await Expect((HttpStatusCode)422, Parameters(PatientJson("Olivia", null, "2014-05-06")), "family name");
        await Expect((HttpStatusCode)422, Parameters(PatientJson("Olivia", "Ashworth", null)), "birth date");
        await Expect((HttpStatusCode)422, Parameters(PatientJson("Olivia", "Ashworth", "2014")), "NHS number");
        await Expect((HttpStatusCode)422, Parameters(PatientJson(null, null, null, nhs: "9434765918")));
    }
}
