using System.Net;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Api;

/// <summary>The searches integrating systems rely on, end to end over HTTP, on every storage provider.</summary>
public abstract class SearchTests(GatewayFixture gateway)
{
    private readonly HttpClient _fhir = gateway.Fhir();

    private async Task<string> NewPatientAsync(string? nhs = null, string family = "Search") => await _fhir.CreateAsync("Patient", Build.Patient(nhs, family));

    [Fact]
    public async Task Search_by_id_and_by_identifier_system_and_value()
    {
        var nhs = Build.NhsNumber();
        var id = await NewPatientAsync(nhs);
        Assert.Equal([id], (await _fhir.SearchAsync($"Patient?_id={id}")).MatchIds());
        Assert.Equal([id], (await _fhir.SearchAsync($"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}")).MatchIds());
        Assert.Equal([id], (await _fhir.SearchAsync($"Patient?identifier={nhs}")).MatchIds());
        Assert.Empty((await _fhir.SearchAsync($"Patient?identifier=https://other.example|{nhs}")).MatchIds());
    }

    [Fact]
    public async Task Search_by_patient_and_subject_reference()
    {
        var p1 = await NewPatientAsync();
        var p2 = await NewPatientAsync();
        var o1 = await _fhir.CreateAsync("Observation", Build.Observation(p1));
        await _fhir.CreateAsync("Observation", Build.Observation(p2));
        Assert.Equal([o1], (await _fhir.SearchAsync($"Observation?subject=Patient/{p1}")).MatchIds());
        Assert.Equal([o1], (await _fhir.SearchAsync($"Observation?patient={p1}")).MatchIds());
        Assert.Equal([o1], (await _fhir.SearchAsync($"Observation?subject:Patient={p1}")).MatchIds());
    }

    [Fact]
    public async Task Search_by_status_category_and_code_tokens()
    {
        var p = await NewPatientAsync();
        var finalProgress = await _fhir.CreateAsync("Observation", Build.Observation(p, code: "reading", status: "final", category: "survey"));
        var prelim = await _fhir.CreateAsync("Observation", Build.Observation(p, code: "reading", status: "preliminary", category: "exam"));
        await _fhir.CreateAsync("Observation", Build.Observation(p, code: "maths", status: "final", category: "survey"));

        Assert.Equal([prelim], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&status=preliminary")).MatchIds());
        Assert.Equal([prelim], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&category=http://terminology.hl7.org/CodeSystem/observation-category|exam")).MatchIds());
        var both = (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&code=https://example.org/progress|reading")).MatchIds();
        Assert.Equal(new[] { finalProgress, prelim }.Order(), both.Order());
        Assert.Equal([finalProgress], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&code=reading&status=final")).MatchIds());
        // Comma means OR within one parameter.
        Assert.Equal(3, (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&status=final,preliminary"))["total"]!.GetValue<int>());
        Assert.Equal(2, (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&status:not=preliminary"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Search_by_date_with_prefixes_and_partial_dates()
    {
        var p = await NewPatientAsync();
        var jan = await _fhir.CreateAsync("Observation", Build.Observation(p, effective: "2024-01-15"));
        var jun = await _fhir.CreateAsync("Observation", Build.Observation(p, effective: "2024-06-20T10:30:00Z"));
        var next = await _fhir.CreateAsync("Observation", Build.Observation(p, effective: "2025-02-01"));
        async Task<List<string>> Q(string date) => (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&date={date}")).MatchIds();

        Assert.Equal(new[] { jan, jun }.Order(), (await Q("2024")).Order());
        Assert.Equal([jun], await Q("2024-06"));
        Assert.Equal([jun], await Q("2024-06-20"));
        Assert.Equal([next], await Q("gt2024-12-31"));
        Assert.Equal([jan], await Q("lt2024-02"));
        Assert.Equal(new[] { jun, next }.Order(), (await Q("ge2024-06-20")).Order());
        Assert.Equal(new[] { jan, jun }.Order(), (await Q("le2024-06-20")).Order());
        Assert.Empty(await Q("2023"));
    }

    [Fact]
    public async Task Search_by_period_on_care_plans()
    {
        var p = await NewPatientAsync();
        var plan = await _fhir.CreateAsync("CarePlan", Build.CarePlan(p, start: "2024-03-01"));
        Assert.Equal([plan], (await _fhir.SearchAsync($"CarePlan?subject=Patient/{p}&date=ge2024-01-01")).MatchIds());
        // An open-ended period runs on: it overlaps any later date.
        Assert.Equal([plan], (await _fhir.SearchAsync($"CarePlan?subject=Patient/{p}&date=ge2030-01-01")).MatchIds());
        Assert.Empty((await _fhir.SearchAsync($"CarePlan?subject=Patient/{p}&date=lt2024-01-01")).MatchIds());
    }

    [Fact]
    public async Task Search_by_intent_owner_and_authored_date()
    {
        var p = await NewPatientAsync();
        var la = await _fhir.CreateAsync("Organization", Build.Organization("Suffolk"));
        var trust = await _fhir.CreateAsync("Organization", Build.Organization("Community trust"));
        var sr = await _fhir.CreateAsync("ServiceRequest", Build.ServiceRequest(p, authoredOn: "2024-09-02", intent: "order"));
        await _fhir.CreateAsync("ServiceRequest", Build.ServiceRequest(p, authoredOn: "2024-09-02", intent: "proposal"));
        var healthTask = await _fhir.CreateAsync("Task", Build.Task(p, owner: $"Organization/{trust}"));
        await _fhir.CreateAsync("Task", Build.Task(p, owner: $"Organization/{la}"));

        Assert.Equal([sr], (await _fhir.SearchAsync($"ServiceRequest?subject=Patient/{p}&intent=order")).MatchIds());
        Assert.Equal([sr], (await _fhir.SearchAsync($"ServiceRequest?subject=Patient/{p}&intent=order&authored=2024-09")).MatchIds());
        Assert.Equal([healthTask], (await _fhir.SearchAsync($"Task?owner=Organization/{trust}")).MatchIds());
        Assert.Equal([healthTask], (await _fhir.SearchAsync($"Task?patient={p}&owner={trust}")).MatchIds());
    }

    [Fact]
    public async Task Search_by_last_updated()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ");
        var tag = Unique();
        var id = await _fhir.CreateAsync("Organization", Build.Organization("LastUpdated " + tag));
        Assert.Equal([id], (await _fhir.SearchAsync($"Organization?name=LastUpdated {tag}&_lastUpdated=gt{before}")).MatchIds());
        Assert.Empty((await _fhir.SearchAsync($"Organization?name=LastUpdated {tag}&_lastUpdated=lt{before}")).MatchIds());
    }

    [Fact]
    public async Task Chained_search_finds_observations_by_the_patients_identifier()
    {
        var nhs = Build.NhsNumber();
        var p = await NewPatientAsync(nhs);
        var o = await _fhir.CreateAsync("Observation", Build.Observation(p));
        await _fhir.CreateAsync("Observation", Build.Observation(await NewPatientAsync()));
        Assert.Equal([o], (await _fhir.SearchAsync($"Observation?subject:Patient.identifier=https://fhir.nhs.uk/Id/nhs-number|{nhs}")).MatchIds());
        Assert.Equal([o], (await _fhir.SearchAsync($"Observation?patient.identifier={nhs}")).MatchIds());
    }

    [Fact]
    public async Task Include_and_revinclude_follow_the_ehc_plan_references()
    {
        // A child unlike every other in the shared store, so the master child index raises no identity-review Task
        // for it (that Task would be revincluded by Task:patient too).
        var letters = string.Concat(Guid.NewGuid().ToString("N").Select(c => (char)('A' + c % 26)));
        var p = await _fhir.CreateAsync("Patient", Build.Patient(family: "Q" + letters[..9].ToLowerInvariant(), given: "X" + letters[9..17].ToLowerInvariant(), birthDate: "2003-11-0" + (1 + letters[0] % 9)));
        var need = await _fhir.CreateAsync("Condition", Build.Condition(p));
        var goal = await _fhir.CreateAsync("Goal", Build.Goal(p, addresses: $"Condition/{need}"));
        var plan = await _fhir.CreateAsync("CarePlan", Build.CarePlan(p, goals: [$"Goal/{goal}"], addresses: [$"Condition/{need}"]));
        var progress = await _fhir.CreateAsync("Observation", Build.Observation(p));
        var task = await _fhir.CreateAsync("Task", Build.Task(p, focus: $"CarePlan/{plan}"));

        var withIncludes = await _fhir.SearchAsync($"CarePlan?_id={plan}&_include=CarePlan:goal&_include=CarePlan:condition&_include=CarePlan:subject");
        Assert.Equal([plan], withIncludes.MatchIds());
        Assert.Equal([goal], withIncludes.IncludedIds("Goal"));
        Assert.Equal([need], withIncludes.IncludedIds("Condition"));
        Assert.Equal([p], withIncludes.IncludedIds("Patient"));
        Assert.Equal(1, withIncludes["total"]!.GetValue<int>());

        var patientEverything = await _fhir.SearchAsync($"Patient?_id={p}&_revinclude=Observation:subject&_revinclude=CarePlan:subject&_revinclude=Goal:subject&_revinclude=Task:patient");
        Assert.Equal([progress], patientEverything.IncludedIds("Observation"));
        Assert.Equal([plan], patientEverything.IncludedIds("CarePlan"));
        Assert.Equal([goal], patientEverything.IncludedIds("Goal"));
        Assert.Equal([task], patientEverything.IncludedIds("Task"));

        var tasksForPlan = await _fhir.SearchAsync($"CarePlan?_id={plan}&_revinclude=Task:focus");
        Assert.Equal([task], tasksForPlan.IncludedIds("Task"));
    }

    [Fact]
    public async Task Summary_count_returns_only_the_total()
    {
        var p = await NewPatientAsync();
        for (int i = 0; i < 3; i++) await _fhir.CreateAsync("Observation", Build.Observation(p));
        var bundle = await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_summary=count");
        Assert.Equal(3, bundle["total"]!.GetValue<int>());
        Assert.Null(bundle["entry"]);
    }

    [Fact]
    public async Task Elements_returns_only_the_asked_elements_plus_mandatory_ones()
    {
        var p = await NewPatientAsync(family: "Elements");
        var bundle = await _fhir.SearchAsync($"Patient?_id={p}&_elements=name");
        var resource = bundle["entry"]![0]!["resource"]!.AsObject();
        Assert.True(resource.ContainsKey("name"));
        Assert.False(resource.ContainsKey("birthDate"));
        Assert.False(resource.ContainsKey("identifier"));
        Assert.Equal(p, resource["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sort_by_date_ascending_and_descending()
    {
        var p = await NewPatientAsync();
        var b = await _fhir.CreateAsync("Observation", Build.Observation(p, effective: "2024-02-01"));
        var c = await _fhir.CreateAsync("Observation", Build.Observation(p, effective: "2024-03-01"));
        var a = await _fhir.CreateAsync("Observation", Build.Observation(p, effective: "2024-01-01"));
        Assert.Equal([a, b, c], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_sort=date")).MatchIds());
        Assert.Equal([c, b, a], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_sort=-date")).MatchIds());
        Assert.Equal([a, c, b], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_sort=-_lastUpdated")).MatchIds());
        Assert.Equal([b, c, a], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_sort=_lastUpdated")).MatchIds());
    }

    [Fact]
    public async Task Paging_links_stay_correct_while_data_changes()
    {
        var p = await NewPatientAsync();
        var ids = new List<string>();
        for (int i = 0; i < 7; i++) ids.Add(await _fhir.CreateAsync("Observation", Build.Observation(p, effective: $"2024-01-{10 + i}")));

        var page1 = await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_sort=date&_count=3");
        Assert.Equal(ids.Take(3), page1.MatchIds());
        Assert.Null(page1.Link("previous"));

        // While the client reads page 1, a record on it is deleted and an earlier one is added.
        Assert.Equal(HttpStatusCode.NoContent, (await _fhir.DeleteAsync($"Observation/{ids[0]}")).StatusCode);
        await _fhir.CreateAsync("Observation", Build.Observation(p, effective: "2023-12-01"));

        var page2 = await _fhir.SearchAsync(page1.Link("next")!);
        Assert.Equal(ids.Skip(3).Take(3), page2.MatchIds());
        var page3 = await _fhir.SearchAsync(page2.Link("next")!);
        Assert.Equal(ids.Skip(6), page3.MatchIds());
        Assert.Null(page3.Link("next"));

        var back = await _fhir.SearchAsync(page3.Link("previous")!);
        Assert.Equal(ids.Skip(3).Take(3), back.MatchIds());
    }

    [Theory]
    [InlineData("date")]
    [InlineData("-date")]
    public async Task An_emptied_next_page_still_leads_back_to_the_page_before(string sort)
    {
        var p = await NewPatientAsync();
        var ids = new List<string>();
        for (int i = 0; i < 4; i++) ids.Add(await _fhir.CreateAsync("Observation", Build.Observation(p, effective: $"2024-02-0{i + 1}")));
        if (sort.StartsWith('-')) ids.Reverse();

        var page1 = await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_sort={sort}&_count=2");
        Assert.Equal(ids.Take(2), page1.MatchIds());
        foreach (var gone in ids.Skip(2)) await _fhir.DeleteAsync($"Observation/{gone}");

        var empty = await _fhir.SearchAsync(page1.Link("next")!);
        Assert.Empty(empty.MatchIds());
        Assert.Null(empty.Link("next"));
        var back = await _fhir.SearchAsync(empty.Link("previous")!);
        Assert.Equal(ids.Take(2), back.MatchIds());
    }

    [Fact]
    public async Task Unknown_parameters_are_reported_leniently_or_rejected_when_strict()
    {
        var lenient = await _fhir.SearchAsync("Patient?foo=bar&_count=1");
        var outcome = (lenient["entry"]?.AsArray() ?? []).Single(e => e!["search"]!["mode"]!.GetValue<string>() == "outcome")!;
        Assert.Contains("foo", outcome["resource"]!.Issues());

        var strict = new HttpRequestMessage(HttpMethod.Get, "Patient?foo=bar");
        strict.Headers.Add("Prefer", "handling=strict");
        var r = await _fhir.SendAsync(strict);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("foo", (await r.JsonAsync()).Issues());
    }

    [Fact]
    public async Task Bad_search_values_get_400_not_500()
    {
        foreach (var q in new[] { "Observation?date=notadate", "Observation?value-quantity=abc",
                                   "Patient?_count=-1", "Patient?_cursor=@@@", "Patient?_id:missing=true", "Patient?gender:missing=maybe" })
        {
            var strict = new HttpRequestMessage(HttpMethod.Get, q);
            strict.Headers.Add("Prefer", "handling=strict");
            var r = await _fhir.SendAsync(strict);
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{q} gave {(int)r.StatusCode}");
            Assert.Equal("OperationOutcome", (await r.JsonAsync())["resourceType"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Extreme_numbers_in_quantity_search_are_answered_not_crashed()
    {
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync("Observation?value-quantity=79228162514264337593543950335")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _fhir.GetAsync("Observation?value-quantity=-79228162514264337593543950335")).StatusCode);
    }

    [Fact]
    public async Task Id_not_excludes_the_named_resource()
    {
        var p = await NewPatientAsync();
        var keep = await _fhir.CreateAsync("Observation", Build.Observation(p));
        var exclude = await _fhir.CreateAsync("Observation", Build.Observation(p));
        Assert.Equal([keep], (await _fhir.SearchAsync($"Observation?subject=Patient/{p}&_id:not={exclude}")).MatchIds());
    }

    [Fact]
    public async Task References_to_other_servers_are_not_taken_for_local_resources()
    {
        var p = await NewPatientAsync();
        var foreign = Build.Observation(p).Replace($"Patient/{p}", $"https://other.example/fhir/Patient/{p}");
        await _fhir.CreateAsync("Observation", foreign);
        Assert.Empty((await _fhir.SearchAsync($"Observation?subject=Patient/{p}")).MatchIds());
    }

    [Fact]
    public async Task Search_with_post_and_a_form_body()
    {
        var nhs = Build.NhsNumber();
        var id = await NewPatientAsync(nhs);
        var r = await _fhir.PostAsync("Patient/_search", new FormUrlEncodedContent([new("identifier", nhs)]));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal([id], (await r.JsonAsync()).MatchIds());
    }

    [Fact]
    public async Task Type_history_pages_newest_first()
    {
        var tag = Unique();
        var id = await _fhir.CreateAsync("Organization", Build.Organization("History " + tag));
        var org = JsonNode.Parse(Build.Organization("History " + tag + " v2"))!.AsObject();
        org["id"] = id;
        await _fhir.PutAsync($"Organization/{id}", Body(org.ToJsonString()));
        var page = await _fhir.SearchAsync("Organization/_history?_count=1");
        Assert.Equal("2", page["entry"]![0]!["resource"]!["meta"]!["versionId"]!.GetValue<string>());
        var next = await _fhir.SearchAsync(page.Link("next")!);
        Assert.Single(next["entry"]!.AsArray());
    }

    [Fact]
    public async Task History_page_links_are_sealed_and_a_made_up_or_borrowed_page_is_refused()
    {
        await _fhir.CreateAsync("Organization", Build.Organization("Sealed history " + Unique()));
        await _fhir.CreateAsync("Organization", Build.Organization("Sealed history " + Unique()));
        var next = (await _fhir.SearchAsync("Organization/_history?_count=1")).Link("next")!;
        var page = Uri.UnescapeDataString(next[(next.IndexOf("_page=", StringComparison.Ordinal) + "_page=".Length)..].Split('&')[0]);
        // The boundary was a store key, possibly a withheld version's: sealed, it is no number.
        Assert.False(long.TryParse(page, out _), $"_page={page}");

        var search = (await _fhir.SearchAsync("Organization?_count=1")).Link("next")!;
        var searchCursor = search[(search.IndexOf("_cursor=", StringComparison.Ordinal) + "_cursor=".Length)..].Split('&')[0];
        foreach (var bad in new[] { "12345", "not-a-cursor", searchCursor })
        {
            var r = await _fhir.GetAsync($"Organization/_history?_count=1&_page={bad}");
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"_page={bad} gave {(int)r.StatusCode}");
            Assert.Contains("_page", (await r.JsonAsync()).Issues());
        }
    }
}

[Collection("sqlite")] public sealed class SqliteSearchTests(SqliteGateway g) : SearchTests(g), IClassFixture<SqliteGateway>;
[Collection("postgres")] public sealed class PostgresSearchTests(PostgresGateway g) : SearchTests(g), IClassFixture<PostgresGateway>;
