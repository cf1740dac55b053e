using SendInterop.Gateway.Subscriptions;

namespace SendInterop.Gateway.Tests.Security.Consent;

/// <summary>An endpoint is under a registered prefix only at a boundary: a prefix ending mid-name lets no other host through.</summary>
public sealed class SubscriptionEndpointTests
{
    [Theory]
    [InlineData("https://cms.la926.example/hooks/sub-1", "https://cms.la926.example/hooks/", true)]
    [InlineData("https://cms.la926.example/hooks", "https://cms.la926.example/hooks", true)]
    [InlineData("https://cms.la926.example/hooks/sub-1", "https://cms.la926.example", true)]
    [InlineData("https://cms.la926.example:8443/hooks", "https://cms.la926.example", true)]
    [InlineData("https://cms.la926.example.attacker.net/hooks", "https://cms.la926.example", false)]
    [InlineData("https://cms.la926.examplex/hooks", "https://cms.la926.example", false)]
    [InlineData("https://cms.la926.example/hooksx", "https://cms.la926.example/hooks", false)]
    [InlineData("http://127.0.0.1:5000/fhir", "http://127.0.0.1:", true)]
    [InlineData("http://127.0.0.10/fhir", "http://127.0.0.1", false)]
    [InlineData("https://cms.la926.example/hooks", "", false)]
    public void A_url_is_under_a_prefix_only_at_a_boundary(string url, string prefix, bool under) =>
        Assert.Equal(under, SubscriptionRules.IsUnder(url, prefix));
}
