using System.Net;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Infrastructure.FhirHttp;

namespace SendInterop.Gateway.Tests.Security.Oracles;

/// <summary>
/// Bundle.total as an oracle. The gateway leaves the total out of a filtered search beyond its counting limits; if that
/// decision looked at every match, hidden ones included, a client could create matching resources of its own until the
/// total vanished and so learn how many matches, or whether one particular match, were hidden from it. Here the limits
/// are small (<see cref="TotalLimitGateway"/>): at most 5 permitted matches counted, at most 3 other organisations'
/// matches decided. Organisation B (ods-ZZZ, in no agreement) searches Patients by a family name that la-926's hidden
/// children share.
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
        await CreatePatientsAsync(_a, family, 3); // hidden from B: 3 of the 3 other-organisation matches it may decide

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
    public async Task Beyond_the_decision_budget_the_total_is_left_out_however_many_matches_the_client_adds()
    {
        var wide = "Totalwide" + Unique();
        var control = "Totalcontrol" + Unique();
        await CreatePatientsAsync(_a, wide, 4); // more other-organisation matches than the budget of 3
        await CreatePatientsAsync(_a, control, 3); // exactly the budget

        await CreatePatientsAsync(_b, wide, 2);
        await CreatePatientsAsync(_b, control, 2);
        Assert.Equal(2, await TotalAsync(control));
        Assert.Null(await TotalAsync(wide));

        // B's own writes cannot move the budget: it counts other organisations' matches only.
        await CreatePatientsAsync(_b, control, 3);
        Assert.Equal(5, await TotalAsync(control));
        await CreatePatientsAsync(_b, wide, 1);
        Assert.Null(await TotalAsync(wide));
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

/// <summary>The gateway on its own SQLite database with Bundle.total's counting limits made small enough to reach.</summary>
public sealed class TotalLimitGateway() : SqliteGatewayFixture("sendinterop-total-")
{
    protected override Dictionary<string, string?> MoreSettings() => new()
    {
        ["Access:MaxGatedTotal"] = "5",
        ["Access:MaxGatedTotalScan"] = "3",
    };
}
