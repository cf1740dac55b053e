using System.Net;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Tests.Infrastructure;
using static SendInterop.Gateway.Tests.Security.Consent.ConsentGateway;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>
/// A token whose scope claim cannot be understood, or a purpose of use the client may not claim: 403 with an
/// OperationOutcome before any data is touched.
/// </summary>
[Collection(ConsentCollection.Name)]
public sealed class RequesterInputTests(ConsentGateway gateway)
{
    private static void AssertForbidden(Reply r, string expectedInDiagnostics)
    {
        Assert.True(r.Status == HttpStatusCode.Forbidden, $"expected 403, got {r}");
        Assert.Equal("OperationOutcome", r.Json["resourceType"]!.GetValue<string>());
        Assert.Equal("forbidden", r.Json["issue"]![0]!["code"]!.GetValue<string>());
        Assert.Contains(expectedInDiagnostics, r.Json.Issues(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("system/Patient.sr")]           // permissions out of order
    [InlineData("system/Patient.rx")]           // not a permission letter
    [InlineData("system/patient.rs")]           // resource type is case-sensitive
    [InlineData("system/Patient")]              // no permissions
    [InlineData("system/NotAType.rs")]          // no such resource type
    [InlineData("System/Patient.rs")]           // context is case-sensitive
    [InlineData("system/Observation.rs?category")] // constraint without a value
    [InlineData("bogus")]                       // not a scope at all
    [InlineData("system/*.cruds launch/banana")] // one bad scope spoils the claim
    public async Task A_malformed_scope_claim_is_refused_with_403(string scope)
    {
        var client = gateway.As(La, scope: scope);
        foreach (var url in new[] { "Patient?_count=1", "Organization/la-926" })
            AssertForbidden(await client.GetAs(url), "scope");
        AssertForbidden(await client.SendAs(HttpMethod.Post, "Organization",
            content: FhirHttp.Body("""{"resourceType":"Organization","name":"Should not be stored"}""")), "scope");
    }

    [Fact]
    public async Task An_org_claim_that_is_not_an_organisation_id_or_an_overlong_client_id_is_refused_with_403_not_500()
    {
        AssertForbidden(await gateway.As("la 926/../x", agency: Agencies.Education).GetAs("Patient?_count=1"), "org");
        AssertForbidden(await gateway.As(new string('a', 65), agency: Agencies.Education).GetAs("Patient?_count=1"), "org");
        AssertForbidden(await gateway.As(La, clientId: new string('c', 129)).GetAs("Patient?_count=1"), "client id");
    }

    [Fact]
    public async Task A_purpose_the_client_may_not_claim_is_refused_with_403()
    {
        var client = gateway.As(La); // every purpose but commissioning
        Assert.Equal(HttpStatusCode.OK, (await client.GetAs($"Organization/{La}", PurposesOfUse.DirectCare)).Status);

        AssertForbidden(await client.GetAs($"Organization/{La}", PurposesOfUse.Commissioning), "commissioning");
        AssertForbidden(await client.GetAs("Patient?_count=1", PurposesOfUse.Commissioning), "commissioning");
        AssertForbidden(await client.GetAs("Patient?_count=1", "marketing"), "marketing");
        // Case matters: these are codes.
        AssertForbidden(await client.GetAs("Patient?_count=1", "Direct-Care"), "Direct-Care");

        var narrow = gateway.As(CommunityTrust, purposes: PurposesOfUse.DirectCare);
        AssertForbidden(await narrow.GetAs("Patient?_count=1", PurposesOfUse.Safeguarding), "safeguarding");
        AssertForbidden(await narrow.GetAs("Patient?_count=1", PurposesOfUse.EhcAssessment), "ehc-assessment");
    }

    [Fact]
    public async Task A_token_allowing_no_purpose_gets_nothing()
    {
        var client = gateway.As(La, purposes: "");
        AssertForbidden(await client.GetAs($"Organization/{La}"), "purpose");
        AssertForbidden(await client.GetAs($"Organization/{La}", PurposesOfUse.DirectCare), "purpose");
    }
}
