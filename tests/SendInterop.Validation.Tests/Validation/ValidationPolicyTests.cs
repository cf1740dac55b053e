using Hl7.Fhir.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Profiles;
using SendInterop.Gateway.Fhir.Validation;

namespace SendInterop.Validation.Tests.Validation;

/// <summary>ShouldValidate and configuration. No validation runs here, so these need no specification.</summary>
public class ValidationPolicyTests
{
    [Theory]
    [InlineData("Patient")]
    [InlineData("CarePlan")]
    [InlineData("Goal")]
    [InlineData("Condition")]
    public void Send_profiled_types_are_validated_by_default(string type)
    {
        using var validator = Create(new ValidationOptions());
        Assert.True(validator.ShouldValidate(Resource(type)));
    }

    [Fact]
    public void Other_types_are_not_validated_unless_they_declare_a_profile()
    {
        using var validator = Create(new ValidationOptions());
        Assert.False(validator.ShouldValidate(new Observation()));
        Assert.True(validator.ShouldValidate(new Observation { Meta = new Meta { Profile = ["https://example.org/p"] } }));
    }

    [Fact]
    public void Declared_profiles_are_ignored_by_the_policy_when_switched_off()
    {
        using var validator = Create(new ValidationOptions { ValidateDeclaredProfiles = false });
        Assert.False(validator.ShouldValidate(new Observation { Meta = new Meta { Profile = ["https://example.org/p"] } }));
    }

    [Fact]
    public void Configured_types_replace_the_defaults()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Fhir:Validation:ValidateTypes:0"] = "Observation",
            ["Fhir:Validation:AllowTestNhsNumbers"] = "true",
            ["Fhir:Validation:MaxConcurrency"] = "3",
        });

        Assert.Equal(["Observation"], options.EffectiveValidateTypes);
        Assert.True(options.AllowTestNhsNumbers);
        Assert.Equal(3, options.EffectiveMaxConcurrency);

        using var validator = Create(options);
        Assert.True(validator.ShouldValidate(new Observation()));
        Assert.False(validator.ShouldValidate(new Patient()));
    }

    [Fact]
    public void Defaults_apply_when_configuration_is_silent()
    {
        var options = Bind([]);
        Assert.Equal(ValidationOptions.DefaultValidateTypes, options.EffectiveValidateTypes);
        Assert.True(options.ValidateDeclaredProfiles);
        Assert.False(options.AllowTestNhsNumbers);
        Assert.Equal(Environment.ProcessorCount, options.EffectiveMaxConcurrency);
    }

    [Fact]
    public void Add_send_profile_validation_registers_one_validator_and_its_warm_up()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([]).Build();
        var services = new ServiceCollection().AddLogging().AddSendProfileValidation(configuration);
        using var provider = services.BuildServiceProvider();

        var validator = provider.GetRequiredService<IProfileValidator>();
        Assert.IsType<FirelyProfileValidator>(validator);
        Assert.Same(validator, provider.GetRequiredService<IProfileValidator>());
        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService));
        Assert.False(validator.IsWarm);
    }

    [Fact]
    public void Development_allows_test_nhs_numbers_unless_configuration_says_otherwise()
    {
        Assert.True(Bind([], environment: Environments.Development).AllowTestNhsNumbers);
        Assert.False(Bind([], environment: Environments.Production).AllowTestNhsNumbers);
        Assert.False(Bind(new() { ["Fhir:Validation:AllowTestNhsNumbers"] = "false" }, environment: Environments.Development).AllowTestNhsNumbers);
    }

    private static ValidationOptions Bind(Dictionary<string, string?> values, string? environment = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        if (environment is not null)
        {
            services.AddSingleton<IHostEnvironment>(new TestEnvironment(environment));
        }

        using var provider = services.AddSendProfileValidation(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ValidationOptions>>().Value;
    }

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "SendInterop.Gateway";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    private static FirelyProfileValidator Create(ValidationOptions options) =>
        new(Options.Create(options), NullLogger<FirelyProfileValidator>.Instance);

    private static Resource Resource(string type) =>
        (Resource)Activator.CreateInstance(ModelInfo.GetTypeForFhirType(type)!)!;
}
