using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.DemoData;
using SendInterop.Gateway.Tests.Infrastructure;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Tests.DemoData;

/// <summary>
/// The loader against a real gateway on SQLite: every bundle goes through the transaction path, so the SEND profile
/// validation and the reference checks apply to the synthetic data exactly as to a client's.
/// </summary>
[Collection("sqlite")]
public sealed class DemoDataLoaderTests(SqliteGateway gateway) : IClassFixture<SqliteGateway>
{
    /// <summary>Enough children to cover every pathway a few times; the full 500 is too slow for a unit test run.</summary>
    private const int Children = 10;

    [Fact]
    public async System.Threading.Tasks.Task Loads_the_cohort_through_the_transaction_path_once_then_skips()
    {
        var store = gateway.Services.GetRequiredService<IResourceStore>();
        DemoDataLoader Loader(bool enabled) => new(gateway.Services, store,
            Options.Create(new DemoDataOptions { Enabled = enabled, Children = Children, Seed = SyntheticCohort.DefaultSeed }),
            NullLogger<DemoDataLoader>.Instance);

        Assert.Equal("disabled", (await Loader(enabled: false).LoadAsync(default)).SkipReason);

        var first = await Loader(enabled: true).LoadAsync(default);
        Assert.True(first.Loaded);
        Assert.Equal(0, first.BundlesRejected);
        Assert.Equal(Children + 1, first.BundlesStored);
        Assert.Equal(Children, first.ResourcesByType["Patient"]);

        var expected = new SyntheticCohort(Children).Bundles().SelectMany(b => b.Entry).Count();
        Assert.Equal(expected, first.ResourcesByType.Values.Sum());
        Assert.NotNull(await store.ReadAsync("Organization", "la-926"));

        var second = await Loader(enabled: true).LoadAsync(default);
        Assert.False(second.Loaded);
        Assert.Equal("store already has patients", second.SkipReason);
    }
}

public sealed class DemoDataOptionsTests
{
    [Theory]
    [InlineData("Development", null, true)]
    [InlineData("Production", null, false)]
    [InlineData("Testing", null, false)]
    [InlineData("Development", "false", false)]
    [InlineData("Production", "true", true)]
    public void Enabled_defaults_to_development_only_and_configuration_overrides(string environment, string? configured, bool expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        if (configured is not null) builder.Configuration["DemoData:Enabled"] = configured;
        builder.Configuration["DemoData:Children"] = "42";
        builder.AddDemoData();
        using var services = builder.Services.BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<DemoDataOptions>>().Value;
        Assert.Equal(expected, options.Enabled);
        Assert.Equal(42, options.Children);
        Assert.Equal(SyntheticCohort.DefaultSeed, options.Seed);
        Assert.Contains(builder.Services, d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationType == typeof(DemoDataLoader));
    }
}
