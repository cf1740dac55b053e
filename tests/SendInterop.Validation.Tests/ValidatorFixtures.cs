using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Validation;

namespace SendInterop.Validation.Tests;

/// <summary>One validator over our conformance resources, shared by the tests in a class (building one costs seconds).</summary>
public sealed class SendValidatorFixture : IDisposable
{
    public SendValidatorFixture()
    {
        Options = new ValidationOptions
        {
            ConformanceDirectory = RepositoryPaths.Conformance,
            MaxConcurrency = 2,
        };
        Validator = new FirelyProfileValidator(Microsoft.Extensions.Options.Options.Create(Options), NullLogger<FirelyProfileValidator>.Instance);
    }

    public ValidationOptions Options { get; }

    public FirelyProfileValidator Validator { get; }

    public void Dispose() => Validator.Dispose();
}

/// <summary>A validator that also knows UK Core (snapshots, value sets, code systems from the shared data, read in place).</summary>
public sealed class UkCoreValidatorFixture : IDisposable
{
    public UkCoreValidatorFixture()
    {
        var options = new ValidationOptions
        {
            ConformanceDirectory = RepositoryPaths.Conformance,
            AdditionalConformanceDirectories =
            [
                Path.Combine(RepositoryPaths.UkCore, "structuredefinitions-snapshot"),
                Path.Combine(RepositoryPaths.UkCore, "valuesets"),
                Path.Combine(RepositoryPaths.UkCore, "codesystems"),
            ],
            MaxConcurrency = 1,
        };
        Validator = new FirelyProfileValidator(Options.Create(options), NullLogger<FirelyProfileValidator>.Instance);
    }

    public FirelyProfileValidator Validator { get; }

    public void Dispose() => Validator.Dispose();
}
