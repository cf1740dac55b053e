using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Security.Access;

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
        if (builder.Configuration.GetValue<bool?>(DemoDataOptions.SectionName + ":Enabled") ?? isDevelopment)
        {
            builder.Services.PostConfigure<AccessOptions>(AddDemoOrganisationsAndAgreements);
            // Loopback receivers on a developer's machine only, and not where the configuration says otherwise.
            if (isDevelopment && builder.Configuration["Subscriptions:AllowHttpLoopback"] is null)
                builder.Services.PostConfigure<Subscriptions.SubscriptionOptions>(AddDemoSubscriptionEndpoints);
        }
        return builder;
    }

    /// <summary>
    /// In the demo an integrator can try rest-hook subscriptions against a receiver on their own machine: every demo
    /// organisation without configured endpoints may deliver to http://127.0.0.1 (any port). Nowhere else.
    /// </summary>
    private static void AddDemoSubscriptionEndpoints(Subscriptions.SubscriptionOptions o)
    {
        o.AllowHttpLoopback = true;
        foreach (var (id, _) in DemoOwnership.Organisations())
            if (!o.AllowedEndpoints.ContainsKey(id)) o.AllowedEndpoints[id] = ["http://127.0.0.1:"];
    }

    /// <summary>
    /// The demo's sharing arrangements, as a council and its NHS partners would sign them: every demo organisation
    /// takes part (Tier 1) for direct care, assessment and review; health advice and plans flow to the LA for the
    /// assessment and review; plans flow to health and to schools for direct care (Tier 2). Configured agreements are kept.
    /// </summary>
    private static void AddDemoOrganisationsAndAgreements(AccessOptions o)
    {
        foreach (var (id, agency) in DemoOwnership.Organisations())
            if (o.Organisations.All(x => x.Id != id)) o.Organisations.Add(new OrganisationOption { Id = id, Agency = agency });
        string[] statutory = [PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview];
        o.Tier1.Add(new Tier1Option
        {
            Id = "demo-tier1-norfolk-suffolk",
            Organisations = DemoOwnership.Organisations().Select(x => x.Id).ToList(),
            Purposes = [PurposesOfUse.DirectCare, .. statutory],
        });
        o.Tier2.Add(new Tier2Option { Id = "demo-tier2-health-to-la", From = Agencies.Health, To = Agencies.Education, Classes = [DataClasses.Health, DataClasses.Plan], Purposes = [.. statutory] });
        o.Tier2.Add(new Tier2Option { Id = "demo-tier2-plan-to-health", From = Agencies.Education, To = Agencies.Health, Classes = [DataClasses.Plan], Purposes = [PurposesOfUse.DirectCare] });
        o.Tier2.Add(new Tier2Option { Id = "demo-tier2-plan-to-schools", From = Agencies.Education, To = Agencies.Education, Classes = [DataClasses.Plan], Purposes = [PurposesOfUse.DirectCare] });
    }
}
