using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Domain.Identifiers;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Gateway.Tests.Security.Consent;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Oracles;

/// <summary>
/// Chained search as an oracle: organisation B (ods-ZZZ, in no agreement) holds Observations about a child whose Patient
/// belongs to organisation A (la-926) and is hidden from B. A chain (<c>subject:Patient.name=...</c>) must not select B's
/// Observations by a property of that hidden Patient: the true and the false value give the same answer. Chains
/// through resources B may see still work. Runs on every storage provider.
/// </summary>
public abstract class ChainedSearchOracleTests(GatewayFixture gateway)
{
    private const string Other = "ods-ZZZ";
    private const string Safeguarding = "safeguarding";

    private readonly HttpClient _a = gateway.Fhir();
    private readonly HttpClient _b = gateway.Fhir(new TokenSpec(Organisation: Other, Agency: "health", ClientId: "oracle-b"));

    /// <summary>
    /// One world per test: A's hidden child, B's Observations about it (written during a break-glass window, when B could
    /// see the child, so referential integrity held), and B's own child with an Observation and a grouping Observation.
    /// </summary>
    private sealed record World(
        string Code, string Marker, string Nhs, string BirthDate, string HiddenPatient,
        string OnHidden, string GroupingOnHidden, string BsMarker, string BsPatient, string OnOwn, string GroupingOnOwn);

    private async Task<World> SeedAsync()
    {
        var code = "oracle-" + Unique();
        var marker = "Hiddenchild" + Unique();
        var nhs = Build.NhsNumber();
        const string birthDate = "2011-02-27";
        var hidden = await _a.CreateAsync("Patient", Build.Patient(nhs: nhs, family: marker, birthDate: birthDate));
        await _a.CreateAsync("Observation", Build.Observation(hidden, code: code));

        var breakGlass = gateway.Fhir(new TokenSpec(Organisation: Other, Agency: "health", ClientId: "oracle-b-break-glass-" + Unique()));
        async Task<string> CreateDuringBreakGlass(string type, string json)
        {
            var r = await breakGlass.SendAs(HttpMethod.Post, type, Safeguarding, "urgent safeguarding referral", Body(json));
            Assert.True(r.Status == HttpStatusCode.Created, $"B's break-glass create of {type} gave {r}");
            return r.Json["id"]!.GetValue<string>();
        }
        var onHidden = await CreateDuringBreakGlass("Observation", Build.Observation(hidden, code: code));
        var groupingOnHidden = await CreateDuringBreakGlass("Observation", Grouping(hidden, onHidden, code));

        var bsMarker = "Ownchild" + Unique();
        var bsPatient = await _b.CreateAsync("Patient", Build.Patient(family: bsMarker, birthDate: "2012-05-05"));
        var onOwn = await _b.CreateAsync("Observation", Build.Observation(bsPatient, code: code));
        var groupingOnOwn = await _b.CreateAsync("Observation", Grouping(bsPatient, onOwn, code));
        return new World(code, marker, nhs, birthDate, hidden, onHidden, groupingOnHidden, bsMarker, bsPatient, onOwn, groupingOnOwn);
    }

    /// <summary>An Observation of B's that groups another (hasMember), so a two-level chain can run through it.</summary>
    private static string Grouping(string patientId, string memberId, string code)
    {
        var o = JsonNode.Parse(Build.Observation(patientId, code: code + "-group"))!.AsObject();
        o["hasMember"] = new JsonArray { new JsonObject { ["reference"] = $"Observation/{memberId}" } };
        return o.ToJsonString();
    }

    /// <summary>Status, total, match ids and the number of entries: what a client can tell two answers apart by.</summary>
    private static string Shape(Reply r)
    {
        if (r.Status != HttpStatusCode.OK) return $"{(int)r.Status} {r.Json.Issues()}";
        var ids = string.Join(",", r.Json.MatchIds().Order());
        return $"200 total={r.Total?.ToString() ?? "none"} entries={r.Json["entry"]?.AsArray().Count ?? 0} matches=[{ids}]";
    }

    private async Task AssertSameAnswerAsync(string trueQuery, string falseQuery)
    {
        var whenTrue = await _b.GetAs(trueQuery);
        var whenFalse = await _b.GetAs(falseQuery);
        Assert.True(whenTrue.Status == HttpStatusCode.OK, $"{trueQuery} gave {whenTrue}");
        Assert.Equal(Shape(whenFalse), Shape(whenTrue));
    }

    [Fact]
    public async Task A_chain_through_a_hidden_Patient_answers_the_same_for_a_true_and_a_false_value()
    {
        var w = await SeedAsync();
        var probes = new (string Chain, string True, string False)[]
        {
            ("subject:Patient.name", w.Marker, "Nosuchname" + Unique()),
            ("subject:Patient.family", w.Marker, "Nosuchname" + Unique()),
            ("subject.name", w.Marker, "Nosuchname" + Unique()),
            ("patient.family", w.Marker, "Nosuchname" + Unique()),
            ("subject:Patient.identifier", $"{IdentifierSystems.NhsNumber}|{w.Nhs}", $"{IdentifierSystems.NhsNumber}|{Build.NhsNumber()}"),
            ("patient:Patient.identifier", w.Nhs, Build.NhsNumber()),
            ("subject:Patient.birthdate", w.BirthDate, "2011-02-28"),
            ("subject:Patient._id", w.HiddenPatient, Guid.NewGuid().ToString()),
        };
        foreach (var (chain, yes, no) in probes)
        {
            foreach (var extra in new[] { "", "&_summary=count", "&_count=1" })
                await AssertSameAnswerAsync($"Observation?code={w.Code}&{chain}={Uri.EscapeDataString(yes)}{extra}",
                    $"Observation?code={w.Code}&{chain}={Uri.EscapeDataString(no)}{extra}");
        }
    }

    [Fact]
    public async Task A_two_level_chain_through_a_hidden_Patient_answers_the_same_for_a_true_and_a_false_value()
    {
        var w = await SeedAsync();
        await AssertSameAnswerAsync($"Observation?code={w.Code}-group&has-member:Observation.subject:Patient.name={w.Marker}",
            $"Observation?code={w.Code}-group&has-member:Observation.subject:Patient.name=Nosuchname{Unique()}");
        await AssertSameAnswerAsync($"Observation?code={w.Code}-group&has-member:Observation.patient.identifier={w.Nhs}",
            $"Observation?code={w.Code}-group&has-member:Observation.patient.identifier={Build.NhsNumber()}");
    }

    [Fact]
    public async Task Chains_through_resources_the_requester_may_see_still_match()
    {
        var w = await SeedAsync();
        var own = await _b.SearchAs($"Observation?code={w.Code}&subject:Patient.name={w.BsMarker}");
        Assert.Equal([w.OnOwn], own.MatchIds());
        Assert.Equal(1, own["total"]!.GetValue<int>());
        Assert.Equal([w.OnOwn], (await _b.SearchAs($"Observation?code={w.Code}&patient.family={w.BsMarker}")).MatchIds());
        var twoLevels = await _b.SearchAs($"Observation?code={w.Code}-group&has-member:Observation.subject:Patient.name={w.BsMarker}");
        Assert.Equal([w.GroupingOnOwn], twoLevels.MatchIds());
        // The same chain by its owner: A sees its own child and its own Observation about it.
        var byOwner = await _a.SearchAs($"Observation?code={w.Code}&subject:Patient.name={w.Marker}");
        Assert.Single(byOwner.MatchIds());
        Assert.DoesNotContain(w.OnHidden, byOwner.MatchIds());
    }

    [Fact]
    public async Task Conditional_create_cannot_probe_a_hidden_Patient_through_a_chain()
    {
        var w = await SeedAsync();
        async Task<HttpStatusCode> CreateIfNoneExist(string criteria)
        {
            var r = await _b.SendAs(HttpMethod.Post, "Observation", content: Body(Build.Observation(w.BsPatient, code: w.Code + "-cond")),
                tweak: m => m.Headers.Add("If-None-Exist", criteria));
            return r.Status;
        }
        var whenTrue = await CreateIfNoneExist($"code={w.Code}&subject:Patient.name={w.Marker}");
        var whenFalse = await CreateIfNoneExist($"code={w.Code}&subject:Patient.name=Nosuchname{Unique()}");
        Assert.Equal(HttpStatusCode.Created, whenTrue);
        Assert.Equal(whenFalse, whenTrue);
    }

    [Fact]
    public async Task A_chain_needs_search_scope_on_the_target_type()
    {
        var w = await SeedAsync();
        var observationsOnly = gateway.Fhir(new TokenSpec(Organisation: Other, Agency: "health", Scope: "system/Observation.rs", ClientId: "oracle-b-obs"));
        var r = await observationsOnly.GetAs($"Observation?code={w.Code}&subject:Patient.name={w.BsMarker}");
        Assert.True(r.Status == HttpStatusCode.Forbidden, $"{r}");
    }

    [Fact]
    public async Task Reverse_chaining_is_refused_with_a_clear_400_even_when_handling_is_lenient()
    {
        var w = await SeedAsync();
        foreach (var query in new[] { $"Patient?_has:Observation:patient:code={w.Code}", $"Patient?family={w.Marker}&_has:Observation:subject:code={w.Code}" })
        {
            var r = await _b.GetAs(query);
            Assert.True(r.Status == HttpStatusCode.BadRequest, $"{query} gave {r}");
            Assert.Equal("OperationOutcome", r.Json["resourceType"]!.GetValue<string>());
            Assert.Contains("_has", r.Json.Issues());
        }
    }
}

[Collection("sqlite")] public sealed class SqliteChainedSearchOracleTests(SqliteGateway g) : ChainedSearchOracleTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresChainedSearchOracleTests(PostgresGateway g) : ChainedSearchOracleTests(g), IClassFixture<PostgresGateway>;
