using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// One Firely validator with its own resolver chain and caches: our conformance resources, then the core specification,
/// behind a CachedResolver; codes checked by a LocalTerminologyService over the same chain. Not thread-safe: each
/// validation thread owns exactly one (see <see cref="ValidationWorkerPool"/>).
/// </summary>
internal sealed class ValidatorInstance
{
    private readonly CachedResolver _resolver;
    private readonly Validator _validator;
    private readonly Dictionary<string, bool> _knownProfiles = new(StringComparer.Ordinal);

    public ValidatorInstance(ConformanceResources conformance, IAsyncResourceResolver coreSource)
    {
        _resolver = new CachedResolver(new MultiResolver(conformance.CreateResolver(), coreSource));

        // CreateDefaultForCore wraps a LocalTerminologyService (expands our ValueSets and the core ones from the
        // resolver) with the services for implicit core value sets (languages, MIME types, UCUM).
        var terminology = new MemoizingTerminologyService(LocalTerminologyService.CreateDefaultForCore(_resolver));
        var settings = new ValidationSettings
        {
            // Unknown meta.profile canonicals are reported once, by us (a warning when only declared, an error when asked
            // for explicitly), naming them; the validator
            // then checks the ones it can resolve.
            SelectValidationProfiles = (_, profiles, _, _) => profiles.Where(p => IsKnownProfile(p.ToString())).ToArray(),
        };
        _validator = new Validator(_resolver, terminology, referenceResolver: null, settings);
    }

    /// <summary>True when <paramref name="canonical"/> resolves to a StructureDefinition (a version suffix is honoured).</summary>
    public bool IsKnownProfile(string canonical)
    {
        if (!_knownProfiles.TryGetValue(canonical, out var known))
        {
            // Blocking is fine: this runs on a dedicated validation thread, and the resolvers answer from memory or disk.
            known = _resolver.FindStructureDefinitionAsync(canonical).GetAwaiter().GetResult() is not null;
            _knownProfiles[canonical] = known;
        }

        return known;
    }

    /// <summary>Validates against <paramref name="profile"/>, or the core type definition when null; meta.profile is followed too.</summary>
    public OperationOutcome Validate(Resource resource, string? profile) => _validator.Validate(resource, profile);
}
