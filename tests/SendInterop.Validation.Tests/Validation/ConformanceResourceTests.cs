using System.Text.Json;
using SendInterop.Domain.Profiles;

namespace SendInterop.Validation.Tests.Validation;

/// <summary>conformance/ and <see cref="SendCanonical"/> must agree: one defines the URLs, the other publishes them.</summary>
public class ConformanceResourceTests
{
    private static readonly Dictionary<string, string> Published = Directory
        .EnumerateFiles(RepositoryPaths.Conformance, "*.json", SearchOption.AllDirectories)
        .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement)
        .ToDictionary(r => r.GetProperty("url").GetString()!, r => r.GetProperty("resourceType").GetString()!);

    public static TheoryData<string, string> CanonicalUrls()
    {
        var data = new TheoryData<string, string>();
        foreach (var url in SendCanonical.Profiles.All.Concat(SendCanonical.Extensions.All))
        {
            data.Add(url, "StructureDefinition");
        }

        foreach (var url in SendCanonical.CodeSystems.All)
        {
            data.Add(url, "CodeSystem");
        }

        foreach (var url in SendCanonical.ValueSets.All)
        {
            data.Add(url, "ValueSet");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CanonicalUrls))]
    public void Every_canonical_url_in_code_is_published_in_conformance(string url, string resourceType)
    {
        Assert.True(Published.TryGetValue(url, out var actual), $"{url} is not in conformance/");
        Assert.Equal(resourceType, actual);
    }

    [Fact]
    public void Every_published_resource_is_named_in_send_canonical()
    {
        var known = CanonicalUrls().Select(row => (string)row[0]).ToHashSet();
        Assert.All(Published.Keys, url => Assert.Contains(url, known));
    }

    [Fact]
    public void Every_published_url_hangs_off_the_canonical_base() =>
        Assert.All(Published.Keys, url => Assert.StartsWith(SendCanonical.Base + "/", url));

    [Fact]
    public void Sen2_need_type_code_system_has_every_sen2_primary_need_code()
    {
        var codes = Concepts("CodeSystem-sen2-need-type.json");
        Assert.Superset(
            new HashSet<string> { "SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH", "NSA" },
            codes.ToHashSet());
    }

    [Fact]
    public void Pfa_domain_code_system_has_the_four_preparation_for_adulthood_outcomes() =>
        Assert.Equal(["employment", "independent-living", "community-inclusion", "health"], Concepts("CodeSystem-pfa-domain.json"));

    private static List<string> Concepts(string file) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Conformance, file))).RootElement
            .GetProperty("concept").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToList();
}
