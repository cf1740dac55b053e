using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Domain.Identifiers;
using SendInterop.Gateway.Tests.Identity;
using SendInterop.Gateway.Tests.Infrastructure;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Tests.Review;

/// <summary>
/// Findings of the review of the indicator, dashboard, identity and statutory endpoints: each test failed before its fix.
/// </summary>
public sealed class ReviewFindingsTests(ReviewGateway gateway) : IClassFixture<ReviewGateway>
{
    private const string Evaluate = "Measure/ehc-plans-in-place/$evaluate-measure";
    private static readonly TokenSpec MeasureOnly = new(Scope: "system/Measure.rs");

    private static async Task AssertOutcome(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("OperationOutcome", JsonNode.Parse(text)!["resourceType"]!.GetValue<string>());
    }

    /// <summary>
    /// periodStart/periodEnd/referenceDate as a month are widened to the month's last day by adding a month: December
    /// 9999 overflowed DateOnly and answered 500.
    /// </summary>
    [Theory]
    [InlineData("?periodStart=9999-12&periodEnd=9999-12")]
    [InlineData("?periodStart=2024-01&periodEnd=9999-12")]
    [InlineData("?periodStart=2024-01-01&periodEnd=2024-12-31&referenceDate=9999-12")]
    public async Task A_period_in_december_9999_is_a_clear_answer_not_a_500(string query)
    {
        var response = await gateway.Fhir(MeasureOnly).GetAsync(Evaluate + query);
        Assert.True((int)response.StatusCode is 200 or 400, $"got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task A_period_in_december_9999_posted_as_parameters_is_not_a_500()
    {
        const string body = """{"resourceType":"Parameters","parameter":[{"name":"periodStart","valueDate":"9999-12"},{"name":"periodEnd","valueDate":"9999-12"}]}""";
        var response = await gateway.Fhir(MeasureOnly).PostAsync(Evaluate, FhirHttp.Body(body));
        Assert.True((int)response.StatusCode is 200 or 400, $"got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Only the date part of a dateTime was read: anything after the 'T' (garbage included) was accepted.</summary>
    [Theory]
    [InlineData("?periodStart=2024-01-01&periodEnd=2024-12-31&referenceDate=2024-12-31Tgarbage")]
    [InlineData("?periodStart=2024-01-01Tnonsense&periodEnd=2024-12-31")]
    public async Task A_date_time_with_a_malformed_time_is_400(string query)
    {
        await AssertOutcome(await gateway.Fhir(MeasureOnly).GetAsync(Evaluate + query), HttpStatusCode.BadRequest);
        // A well-formed dateTime still counts as its date.
        var ok = await gateway.Fhir(MeasureOnly).GetAsync(Evaluate + "?periodStart=2024-01-01T00:00:00Z&periodEnd=2024-12-31T23:59:59%2B01:00");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    /// <summary>
    /// <c>Patient?linked-identifier=</c> expanded from every Patient holding the identifier, hidden ones included: an
    /// organisation that may not see the record holding a UPN got its own linked record back, which told it that the
    /// child has that UPN at another agency (an oracle over hidden records' identifiers).
    /// </summary>
    [Fact]
    public async Task Linked_identifier_does_not_expand_from_a_record_the_requester_may_not_see()
    {
        var nhs = Build.NhsNumber();
        var upn = Children.Upn();
        var (family, dob) = (Children.Family(), Children.BirthDate());
        var school = gateway.Fhir(); // la-926
        var holder = await school.CreateAsync("Patient", Children.Patient("Maya", family, dob, nhs: nhs, upn: upn).ToJsonString());
        var outsider = gateway.Fhir(new TokenSpec(Organisation: "la-935"));
        var own = await outsider.CreateAsync("Patient", Children.Patient("Maya", family, dob, nhs: nhs).ToJsonString());

        // The outsider may not see the record holding the UPN, only its own (which has no UPN).
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("Patient/" + holder)).StatusCode);
        // Both are linked to one child (verified NHS number): the owner of the UPN record finds it through the UPN.
        var mine = await school.SearchAsync($"Patient?linked-identifier={IdentifierSystems.Upn}|{upn}");
        Assert.Contains(holder, mine.MatchIds());

        var found = await outsider.SearchAsync($"Patient?linked-identifier={IdentifierSystems.Upn}|{upn}");
        Assert.Empty(found.MatchIds());
        Assert.Equal(0, found["total"]!.GetValue<int>());
        var counted = await outsider.SearchAsync($"Patient?linked-identifier={IdentifierSystems.Upn}|{upn}&_summary=count");
        Assert.Equal(0, counted["total"]!.GetValue<int>());
        // Its own identifier still finds its own record.
        var byNhs = await outsider.SearchAsync($"Patient?linked-identifier={IdentifierSystems.NhsNumber}|{nhs}");
        Assert.Equal([own], byNhs.MatchIds());

        // None of it reached the logs (the URL-logging categories are held at Warning in production: ServiceDefaults).
        var logs = string.Join("\n", gateway.Logs.Where(l => !l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal)));
        foreach (var personal in new[] { upn, nhs, family, dob }) Assert.DoesNotContain(personal, logs, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>source-patient-identifier</c> was put into a search without escaping: a comma in the value made it an OR of two
    /// identifiers, so a Patient that does not hold the identifier given was picked (and would have been merged).
    /// </summary>
    [Fact]
    public async Task Merge_by_identifier_matches_the_whole_value_not_part_of_it()
    {
        const string system = "https://example.org/Id/local-child";
        var fhir = gateway.Fhir();
        var local = "L" + Guid.NewGuid().ToString("N")[..10];
        var partial = await fhir.CreateAsync("Patient", WithIdentifier(Children.Patient("Ada", Children.Family(), Children.BirthDate()), system, local).ToJsonString());
        var target = await fhir.CreateAsync("Patient", Children.Patient("Ada", Children.Family(), Children.BirthDate()).ToJsonString());

        foreach (var value in new[] { local + ",nobody-has-this", local + "\\", "x|" + local })
        {
            var body = Merge(new JsonObject { ["system"] = system, ["value"] = value }, target);
            var response = await fhir.PostAsync("Patient/$merge", FhirHttp.Body(body));
            await AssertOutcome(response, HttpStatusCode.NotFound);
        }

        // The exact identifier (with a comma in it) is found as a whole.
        var comma = "C" + Guid.NewGuid().ToString("N")[..8] + ",1";
        var holder = await fhir.CreateAsync("Patient", WithIdentifier(Children.Patient("Ada", Children.Family(), Children.BirthDate()), system, comma).ToJsonString());
        var found = await fhir.PostAsync("Patient/$merge", FhirHttp.Body(Merge(new JsonObject { ["system"] = system, ["value"] = comma }, target)));
        var text = await found.Content.ReadAsStringAsync();
        Assert.True(found.StatusCode == HttpStatusCode.OK, text);
        Assert.Contains($"Patient/{holder} would be merged", text);
        Assert.DoesNotContain(partial, text);
    }

    private static JsonObject WithIdentifier(JsonObject patient, string system, string value)
    {
        patient["identifier"] = new JsonArray { new JsonObject { ["system"] = system, ["value"] = value } };
        return patient;
    }

    private static string Merge(JsonObject sourceIdentifier, string targetId) => new JsonObject
    {
        ["resourceType"] = "Parameters",
        ["parameter"] = new JsonArray
        {
            new JsonObject { ["name"] = "source-patient-identifier", ["valueIdentifier"] = sourceIdentifier },
            new JsonObject { ["name"] = "target-patient", ["valueReference"] = new JsonObject { ["reference"] = "Patient/" + targetId } },
            new JsonObject { ["name"] = "preview", ["valueBoolean"] = true },
        },
    }.ToJsonString();
}
