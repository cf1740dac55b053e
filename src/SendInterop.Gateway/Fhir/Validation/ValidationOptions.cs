namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>Profile validation settings, bound from the <c>Fhir:Validation</c> configuration section.</summary>
public sealed class ValidationOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Fhir:Validation";

    /// <summary>The resource types that carry a SEND profile: validated on every write unless configured otherwise.</summary>
    public static IReadOnlyList<string> DefaultValidateTypes { get; } = ["Patient", "CarePlan", "Goal", "Condition"];

    /// <summary>
    /// Resource types that are always fully validated on write. Null (the default) means <see cref="DefaultValidateTypes"/>.
    /// Configuring the list replaces the defaults rather than adding to them (an empty list turns type-based validation off).
    /// </summary>
    /// <remarks>
    /// Null rather than a pre-filled list because the configuration binder appends to a list that already has items, so
    /// defaults in the initialiser could never be removed from configuration.
    /// </remarks>
    public List<string>? ValidateTypes { get; set; }

    /// <summary>
    /// Also validate on write any resource that declares a profile in <c>meta.profile</c>. This is write policy
    /// (<see cref="IProfileValidator.ShouldValidate"/>) only: once a resource is validated, its declared profiles are
    /// always checked, as FHIR requires.
    /// </summary>
    public bool ValidateDeclaredProfiles { get; set; } = true;

    /// <summary>Accept NHS numbers in the 999 test range. Off in production; on in Development and for synthetic data.</summary>
    public bool AllowTestNhsNumbers { get; set; }

    /// <summary>
    /// Directory holding our conformance resources (StructureDefinitions, CodeSystems, ValueSets as JSON). Relative paths
    /// are resolved against the application base directory, where the build copies <c>conformance/</c>.
    /// </summary>
    public string ConformanceDirectory { get; set; } = "conformance";

    /// <summary>
    /// Further directories of conformance JSON to load, e.g. the UK Core package where a deployment has it. Their
    /// StructureDefinitions must already carry snapshots; differential-only ones are given snapshots like ours.
    /// </summary>
    public List<string> AdditionalConformanceDirectories { get; set; } = [];

    /// <summary>
    /// Path of the FHIR core <c>specification.zip</c> (package Hl7.Fhir.Specification.Data.R4). Null means the copy the
    /// build puts in the application base directory.
    /// </summary>
    public string? SpecificationZipPath { get; set; }

    /// <summary>
    /// Number of dedicated validation threads, which is also the number of validations that run at once. Null means the
    /// processor count. Each thread holds its own validator and caches (the Firely validator is not thread-safe).
    /// </summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Warm the validator up in the background at start-up so the first write does not pay for it.</summary>
    public bool WarmUpOnStart { get; set; } = true;

    /// <summary>The resource types validated by type, with the default applied.</summary>
    public IReadOnlyList<string> EffectiveValidateTypes => ValidateTypes ?? DefaultValidateTypes;

    /// <summary>The number of validation threads, with the default applied (at least 1).</summary>
    public int EffectiveMaxConcurrency => Math.Max(1, MaxConcurrency ?? Environment.ProcessorCount);
}
