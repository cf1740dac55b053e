using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Access;

public static class AccessServiceCollectionExtensions
{
    /// <summary>The consent gate and everything around it: requester resolution, child contexts, audit of decisions.</summary>
    public static IServiceCollection AddConsentGate(this IServiceCollection services, IConfiguration config)
    {
        services.Configure<AccessOptions>(config.GetSection(AccessOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IConsentGate>(sp => new ConsentGate(sp.GetRequiredService<IOptions<AccessOptions>>().Value.ToGateOptions()));
        services.AddSingleton<OrganisationDirectory>();
        services.AddSingleton<BreakGlassLedger>();
        services.AddSingleton<RequesterResolver>();
        services.AddSingleton<AccessFactsCodec>();
        services.AddSingleton<ChildContextProvider>();
        services.AddSingleton<Fhir.Interactions.IResourceWriteObserver>(sp => sp.GetRequiredService<ChildContextProvider>());
        services.AddHostedService<ChildContextInvalidator>();
        services.AddSingleton<DisclosureGate>();
        services.AddSingleton<ChainedCriteriaGate>();
        services.AddSingleton<ReferenceTargets>();
        services.AddSingleton<AccessAuditor>();
        services.AddSingleton<ClientStanding>();
        services.AddSingleton<StandingDisclosure>();
        return services;
    }
}
