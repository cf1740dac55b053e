using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SendInterop.Gateway.Fhir.Validation;

public static class ProfileValidationServiceCollectionExtensions
{
    /// <summary>
    /// Registers SEND profile validation: <see cref="ValidationOptions"/> from <c>Fhir:Validation</c>, the Firely-based
    /// <see cref="IProfileValidator"/> as a singleton (its validators and caches are expensive and live for the process),
    /// and a hosted service that warms it up in the background at start-up.
    /// </summary>
    /// <remarks>
    /// In the Development environment <see cref="ValidationOptions.AllowTestNhsNumbers"/> defaults to true (synthetic
    /// children carry 999 numbers); configuration that sets it explicitly wins in every environment.
    /// </remarks>
    public static IServiceCollection AddSendProfileValidation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ValidationOptions.SectionName);
        services.AddOptions<ValidationOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                if (section[nameof(ValidationOptions.AllowTestNhsNumbers)] is null
                    && provider.GetService<IHostEnvironment>()?.IsDevelopment() == true)
                {
                    options.AllowTestNhsNumbers = true;
                }
            })
            .Bind(section)
            .Validate(o => o.MaxConcurrency is null or > 0, "Fhir:Validation:MaxConcurrency must be positive")
            .ValidateOnStart();
        services.AddSingleton<FirelyProfileValidator>();
        services.AddSingleton<IProfileValidator>(sp => sp.GetRequiredService<FirelyProfileValidator>());
        services.AddHostedService<ValidationWarmUpService>();
        return services;
    }
}
