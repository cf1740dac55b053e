using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.DemoData;

public static class DemoDataExtensions
{
    /// <summary>
    /// The synthetic demo cohort: <see cref="DemoDataOptions"/> from the <c>DemoData</c> section (enabled by default in
    /// Development only) and <see cref="DemoDataLoader"/>, which loads it through the transaction path at start-up when
    /// the store is empty.
    /// </summary>
    public static WebApplicationBuilder AddDemoData(this WebApplicationBuilder builder)
    {
        var isDevelopment = builder.Environment.IsDevelopment();
        builder.Services.AddOptions<DemoDataOptions>()
            .Configure(o => o.Enabled = isDevelopment)
            .Bind(builder.Configuration.GetSection(DemoDataOptions.SectionName))
            .Validate(o => o.Children >= 0, "DemoData:Children must not be negative.");
        builder.Services.AddHostedService<DemoDataLoader>();
        return builder;
    }
}
