using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// Full profile validation (Firely.Fhir.Validation.R4) of a resource that has already passed the strict parse.
/// The write path asks <see cref="ShouldValidate"/> first, because full validation costs ~10x the rest of a write;
/// <c>$validate</c> always validates.
/// </summary>
public interface IProfileValidator
{
    /// <summary>The validation policy: true for SEND-profiled types, anything declaring meta.profile, and types configured on.</summary>
    bool ShouldValidate(Resource resource);

    /// <summary>
    /// Validates against the given profile, or against the base definition plus every profile the resource declares
    /// (SEND profiles apply when declared: docs/adr/0002). Never returns an empty OperationOutcome: a clean result
    /// carries one informational issue.
    /// </summary>
    Task<OperationOutcome> ValidateAsync(Resource resource, string? profile = null, CancellationToken cancellationToken = default);

    /// <summary>Loads the specification and compiles schemas so the first request does not pay for it.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken = default);

    /// <summary>True once <see cref="WarmUpAsync"/> has finished (readiness probe).</summary>
    bool IsWarm { get; }
}
