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
    [InlineData("https://cms.la926.example/hooks:admin", "https://cms.la926.example/hooks", false)]
    [InlineData("https://CMS.la926.example/hooks/a", "https://cms.la926.example/hooks/", true)]
    [InlineData("https://cms.la926.example/Hooks/a", "https://cms.la926.example/hooks/", false)]
    public void A_url_is_under_a_prefix_only_at_a_boundary(string url, string prefix, bool under) =>
        Assert.Equal(under, SubscriptionRules.IsUnder(url, prefix));
}

/// <summary>The addresses a rest-hook may connect to once its name is resolved: not this machine, not cloud metadata.</summary>
public sealed class EndpointAddressGuardTests
{
    [Theory]
    [InlineData("203.0.113.10", false, true)]
    [InlineData("10.20.30.40", false, true)] // councils' and trusts' own networks
    [InlineData("127.0.0.1", false, false)]
    [InlineData("127.0.0.1", true, true)]
    [InlineData("::1", false, false)]
    [InlineData("169.254.169.254", false, false)]
    [InlineData("::ffff:169.254.169.254", false, false)]
    [InlineData("64:ff9b::a9fe:a9fe", false, false)] // NAT64 of 169.254.169.254
    [InlineData("2002:a9fe:a9fe::1", false, false)]   // 6to4 of 169.254.169.254
    [InlineData("fd00:ec2::254", false, false)]
    [InlineData("100.100.100.200", false, false)]
    [InlineData("fe80::1", false, false)]
    [InlineData("0.0.0.0", false, false)]
    [InlineData("224.0.0.1", false, false)]
    public void Only_addresses_off_this_machine_and_off_metadata_services_are_allowed(string address, bool allowLoopback, bool allowed) =>
        Assert.Equal(allowed, EndpointAddressGuard.IsAllowed(System.Net.IPAddress.Parse(address), allowLoopback));
}
