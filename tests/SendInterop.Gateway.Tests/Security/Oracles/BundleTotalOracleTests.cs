using System.Net;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Oracles;

/// <summary>
/// Bundle.total as an oracle. The gateway leaves the total out of a filtered search beyond its counting limits; if that
/// decision looked at every match, hidden ones included, a client could create matching resources of its own until the
/// total vanished and so learn how many matches, or whether one particular match, were hidden from it. Here the limit
/// is small (<see cref="TotalLimitGateway"/>): at most 5 permitted matches counted. Organisation B (ods-ZZZ, in no
/// agreement) searches Patients by a family name that la-926's hidden children share.
/// </summary>
[Collection("sqlite")]
public sealed class BundleTotalOracleTests(TotalLimitGateway gateway) : IClassFixture<TotalLimitGateway>
{
    private const string Other = "ods-ZZZ";

    private readonly HttpClient _a = gateway.Fhir();
    private readonly HttpClient _b = gateway.Fhir(new TokenSpec(Organisation: Other, Agency: "health", ClientId: "total-oracle-b"));

    private async Task CreatePatientsAsync(HttpClient client, string family, int n)
    {
        for (var i = 0; i < n; i++) await client.CreateAsync("Patient", Build.Patient(family: family));
    }

    /// <summary>A page smaller than the result, so the total is counted rather than read off a complete first page.</summary>
    private async Task<int?> TotalAsync(string family)
    {
        var bundle = await _b.SearchAsync($"Patient?family={family}&_count=1");
        return bundle["total"]?.GetValue<int>();
    }

    [Fact]
    public async Task The_total_counts_only_visible_matches_and_hidden_ones_do_not_bring_its_limit_closer()
    {
        var family = "Totalmarker" + Unique();
        await CreatePatientsAsync(_a, family, 3); // hidden from B

        await CreatePatientsAsync(_b, family, 4);
        // 7 matches in all, above the limit of 5; B sees 4. (The old rule, over all matches, left the total out here.)
        Assert.Equal(4, await TotalAsync(family));

        await CreatePatientsAsync(_b, family, 1);
        Assert.Equal(5, await TotalAsync(family));

        // The sixth of B's own: now B's visible matches pass the limit, whatever is hidden.
        await CreatePatientsAsync(_b, family, 1);
        Assert.Null(await TotalAsync(family));
    }

    [Fact]
    public async Task Hidden_matches_never_take_the_total_away_and_later_pages_repeat_the_first_pages_total()
    {
        var family = "Totalwide" + Unique();
        await CreatePatientsAsync(_a, family, 12); // hidden from B: more than any limit here
        await CreatePatientsAsync(_b, family, 2);
        Assert.Equal(2, await TotalAsync(family));

        var first = await _b.SearchAsync($"Patient?family={family}&_count=1");
        Assert.Equal(2, first["total"]!.GetValue<int>());
        var second = await _b.SearchAsync(first.Link("next")!);
        Assert.Single(second.MatchIds());
        Assert.Equal(2, second["total"]!.GetValue<int>());
        Assert.Null(second.Link("next")); // the hidden matches beyond B's last leave no link to an empty page
    }

    [Fact]
    public async Task A_page_walks_past_any_number_of_hidden_matches_before_the_clients_own()
    {
        // 30 hidden children sort before B's one by birth date: more than the 20 store rounds a page used to stop after,
        // which gave B an empty page with a next link, and so a way to find hidden birth dates by moving its own.
        var family = "Totalsort" + Unique();
        for (var i = 0; i < 30; i++) await _a.CreateAsync("Patient", Build.Patient(family: family, birthDate: $"2010-01-{1 + i % 28:D2}"));
        var own = await _b.CreateAsync("Patient", Build.Patient(family: family, birthDate: "2015-06-01"));
        var page = await _b.SearchAsync($"Patient?family={family}&_sort=birthdate&_count=1");
        Assert.Equal([own], page.MatchIds());
        Assert.Null(page.Link("next"));
        var descending = await _b.SearchAsync($"Patient?family={family}&_sort=-birthdate&_count=1");
        Assert.Equal([own], descending.MatchIds());
    }

    [Fact]
    public async Task History_walks_past_any_number_of_hidden_newer_versions()
    {
        // B's Observation, then 25 of A's (hidden from B) written after it: newest first, the hidden ones come first.
        // A page of 20 store rounds at most used to give B an empty page with a next link: a count of A's writes.
        var since = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var bsPatient = await _b.CreateAsync("Patient", Build.Patient(family: "Historyown" + Unique()));
        var own = await _b.CreateAsync("Observation", Build.Observation(bsPatient));
        var asPatient = await _a.CreateAsync("Patient", Build.Patient(family: "Historyhidden" + Unique()));
        for (var i = 0; i < 25; i++) await _a.CreateAsync("Observation", Build.Observation(asPatient));

        var page = await _b.SearchAsync($"Observation/_history?_count=1&_since={Uri.EscapeDataString(since)}");
        Assert.Equal(own, Assert.Single(page["entry"]!.AsArray())!["resource"]!["id"]!.GetValue<string>());
        Assert.Null(page.Link("next"));
    }

    [Fact]
    public async Task Total_none_leaves_the_total_out_and_an_unknown_total_mode_is_reported()
    {
        var family = "Totalmode" + Unique();
        await CreatePatientsAsync(_b, family, 2);

        var complete = await _b.SearchAsync($"Patient?family={family}");
        Assert.Equal(2, complete["total"]!.GetValue<int>());
        var none = await _b.SearchAsync($"Patient?family={family}&_total=none");
        Assert.Null(none["total"]);
        Assert.Equal(2, none.MatchIds().Count);
        var paged = await _b.SearchAsync($"Patient?family={family}&_count=1&_total=none");
        Assert.Null(paged["total"]);
        var accurate = await _b.SearchAsync($"Patient?family={family}&_count=1&_total=accurate");
        Assert.Equal(2, accurate["total"]!.GetValue<int>());

        var strict = new HttpRequestMessage(HttpMethod.Get, $"Patient?family={family}&_total=sometimes");
        strict.Headers.Add("Prefer", "handling=strict");
        var r = await _b.SendAsync(strict);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("_total", (await r.JsonAsync()).Issues());
    }
}

/// <summary>The gateway on its own SQLite database with Bundle.total's counting limit made small enough to reach.</summary>
public sealed class TotalLimitGateway() : SqliteGatewayFixture("sendinterop-total-")
{
    protected override Dictionary<string, string?> MoreSettings() => new()
    {
        ["Access:MaxGatedTotal"] = "5",
    };
}
