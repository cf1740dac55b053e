using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SendInterop.Gateway.Fhir.Validation;

public static class ProfileValidationServiceCollectionExtensions
{
    /// <summary>
    /// Registers SEND profile validation: <see cref="ValidationOptions"/> from <c>Fhir:Validation</c>, the Firely-based
    /// <see cref="IProfileValidator"/> as a singleton (its validators and caches are expensive and live for the process),
    /// and a hosted service that warms it up in the background at start-up.
    /// </summary>
    public static IServiceCollection AddSendProfileValidation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ValidationOptions>()
            .Bind(configuration.GetSection(ValidationOptions.SectionName))
            .Validate(o => o.MaxConcurrency is null or > 0, "Fhir:Validation:MaxConcurrency must be positive")
            .ValidateOnStart();
        services.AddSingleton<FirelyProfileValidator>();
        services.AddSingleton<IProfileValidator>(sp => sp.GetRequiredService<FirelyProfileValidator>());
        services.AddHostedService<ValidationWarmUpService>();
        return services;
    }
}
