using System.Diagnostics;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Profiles;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// <see cref="IProfileValidator"/> on Firely.Fhir.Validation.R4: our conformance resources (snapshots generated once at
/// load), the core specification from Hl7.Fhir.Specification.Data.R4, a CachedResolver over both and a
/// LocalTerminologyService; plus the identifier rules for Patients. Validation runs on a few dedicated threads (see
/// <see cref="ValidationWorkerPool"/> for why).
/// </summary>
public sealed partial class FirelyProfileValidator : IProfileValidator, IDisposable
{
    private readonly ValidationOptions _options;
    private readonly ILogger<FirelyProfileValidator> _logger;
    private readonly HashSet<string> _validateTypes;
    private readonly Lazy<IAsyncResourceResolver> _coreSource;
    private readonly Lazy<ConformanceResources> _conformance;
    private readonly ValidationWorkerPool _pool;
    private Task? _warmUp;
    private volatile bool _isWarm;

    public FirelyProfileValidator(IOptions<ValidationOptions> options, ILogger<FirelyProfileValidator> logger)
    {
        _options = options.Value;
        _logger = logger;
        _validateTypes = new HashSet<string>(_options.EffectiveValidateTypes, StringComparer.Ordinal);

        // One ZipSource over specification.zip serves every validation thread (it is documented thread-safe); each
        // thread puts its own CachedResolver in front of it.
        _coreSource = new Lazy<IAsyncResourceResolver>(CreateCoreSource, LazyThreadSafetyMode.ExecutionAndPublication);
        _conformance = new Lazy<ConformanceResources>(LoadConformance, LazyThreadSafetyMode.ExecutionAndPublication);
        _pool = new ValidationWorkerPool(
            _options.EffectiveMaxConcurrency,
            () => new ValidatorInstance(_conformance.Value, _coreSource.Value));
    }

    /// <inheritdoc />
    public bool IsWarm => _isWarm;

    /// <summary>Number of validations that can run at once (the dedicated validation threads).</summary>
    public int MaxConcurrency => _pool.Size;

    /// <inheritdoc />
    /// <remarks>
    /// True for the types in <see cref="ValidationOptions.ValidateTypes"/> (by default the four SEND-profiled types) and,
    /// when <see cref="ValidationOptions.ValidateDeclaredProfiles"/> is on, for anything that declares a meta.profile.
    /// </remarks>
    public bool ShouldValidate(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _validateTypes.Contains(resource.TypeName)
            || (_options.ValidateDeclaredProfiles && resource.Meta?.Profile.Any() == true);
    }

    /// <inheritdoc />
    public Task<OperationOutcome> ValidateAsync(Resource resource, string? profile = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _pool.RunAsync(instance => Validate(instance, resource, profile), cancellationToken);
    }

    /// <inheritdoc />
    public Task WarmUpAsync(CancellationToken cancellationToken = default)
    {
        // One warm-up per process, however many callers (hosted service, readiness probe, tests) ask.
        lock (_pool)
        {
            _warmUp ??= WarmUpCoreAsync(cancellationToken);
            return _warmUp;
        }
    }

    public void Dispose() => _pool.Dispose();

    private async Task WarmUpCoreAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await _pool.RunOnEveryThreadAsync(
            instance =>
            {
                // Twice each: the second pass runs the paths the first one compiled, so the JIT sees them too.
                for (var pass = 0; pass < 2; pass++)
                {
                    foreach (var (sample, profile) in WarmUpSamples.All())
                    {
                        instance.Validate(sample, profile);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
        _isWarm = true;
        LogWarm(_pool.Size, _conformance.Value.Count, stopwatch.ElapsedMilliseconds);
    }

    private OperationOutcome Validate(ValidatorInstance instance, Resource resource, string? profile)
    {
        var outcome = new OperationOutcome();
        var declared = resource.Meta?.Profile.OfType<string>().ToList() ?? [];

        // Which profile to validate against: the one asked for; else the core type, from which the validator follows
        // meta.profile itself. A SEND profile applies when the resource claims it: third-party data (a Synthea
        // Condition, an NHS trust's Patient without a UPN) is validated fully against R4, not refused for not being SEND.
        string? target = profile;

        foreach (var unknown in (profile is null ? declared : [profile, .. declared]).Distinct().Where(p => !instance.IsKnownProfile(p)))
        {
            // A profile asked for explicitly ($validate?profile=) must be known: error. One merely declared in
            // meta.profile (US Core on Synthea data, a trust's local profile) is reported as a warning: the resource
            // is still validated fully against R4 and every profile this server knows, and third-party data loads.
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = unknown == profile ? OperationOutcome.IssueSeverity.Error : OperationOutcome.IssueSeverity.Warning,
                Code = OperationOutcome.IssueType.NotSupported,
                Diagnostics = $"Profile '{unknown}' is not known to this server, so the resource cannot be validated against it",
                Expression = [profile == unknown ? resource.TypeName : $"{resource.TypeName}.meta.profile"],
            });

            if (unknown == target)
            {
                target = null; // still validate against the core type so the caller sees every other problem too
            }
        }

        try
        {
            outcome.Issue.AddRange(instance.Validate(resource, target).Issue);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A validator bug or a conformance resource it cannot compile must reach the caller as an outcome (the
            // write is refused), not as a 500 that hides which resource triggered it.
            LogValidatorFailed(Hosting.ScrubbedException.Of(ex), resource.TypeName, target ?? "(core type)");
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Fatal,
                Code = OperationOutcome.IssueType.Exception,
                Diagnostics = $"Profile validation could not complete: {ex.Message}",
            });
        }

        if (resource is Patient patient)
        {
            outcome.Issue.AddRange(PatientIdentifierCheck.Check(patient, _options.AllowTestNhsNumbers));
        }

        if (outcome.Issue.Count == 0)
        {
            // Never an empty OperationOutcome: FHIR requires at least one issue.
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Informational,
                Diagnostics = "All OK",
            });
        }

        return outcome;
    }

    private IAsyncResourceResolver CreateCoreSource() => CoreSpecification.Get(_options.SpecificationZipPath);

    private ConformanceResources LoadConformance()
    {
        var directories = new[] { _options.ConformanceDirectory }.Concat(_options.AdditionalConformanceDirectories)
            .Select(d => Path.GetFullPath(d, AppContext.BaseDirectory))
            .ToList();
        var stopwatch = Stopwatch.StartNew();

        // Runs once, on the validation thread that first needs it (never a pool thread), so blocking here is harmless.
        var resources = ConformanceResources.LoadAsync(directories, _coreSource.Value).GetAwaiter().GetResult();
        LogConformanceLoaded(resources.Count, string.Join(", ", directories), stopwatch.ElapsedMilliseconds);
        return resources;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} conformance resources from {Directories} with snapshots in {ElapsedMs} ms")]
    private partial void LogConformanceLoaded(int count, string directories, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Profile validation of a {ResourceType} against {Profile} threw")]
    private partial void LogValidatorFailed(Exception exception, string resourceType, string profile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile validation warm on {Threads} threads ({Count} conformance resources) after {ElapsedMs} ms")]
    private partial void LogWarm(int threads, int count, long elapsedMs);
}
