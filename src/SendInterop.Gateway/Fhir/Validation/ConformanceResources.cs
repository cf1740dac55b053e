using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;
using Task = System.Threading.Tasks.Task;

namespace SendInterop.Gateway.Fhir.Validation;

/// <summary>
/// Our conformance resources (and any additional packages), parsed once and with snapshots generated once. Every
/// validator thread gets its own deep copy through <see cref="CreateResolver"/>, because the Firely validator corrects
/// StructureDefinitions in place while compiling them and two threads sharing one instance have been seen to crash
/// (firely-validator-api issue 381).
/// </summary>
internal sealed class ConformanceResources
{
    private readonly IReadOnlyList<Resource> _resources;

    private ConformanceResources(IReadOnlyList<Resource> resources, IReadOnlyList<string> files)
    {
        _resources = resources;
        Files = files;
        ProfileUrls = resources.OfType<StructureDefinition>().Where(sd => sd.Kind == StructureDefinition.StructureDefinitionKind.Resource)
            .Select(sd => sd.Url!).ToArray();
    }

    /// <summary>The files the resources came from, for start-up logging.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Canonical URLs of the resource profiles loaded.</summary>
    public IReadOnlyList<string> ProfileUrls { get; }

    /// <summary>Number of resources loaded.</summary>
    public int Count => _resources.Count;

    /// <summary>A fresh resolver over private copies of the resources, for one validator thread.</summary>
    public InMemoryResourceResolver CreateResolver() => new(_resources.Select(r => r.DeepCopy()));

    /// <summary>
    /// Loads every <c>*.json</c> under the directories (recursively), then gives each differential-only
    /// StructureDefinition a snapshot, resolving bases against the loaded resources and the core specification.
    /// </summary>
    /// <exception cref="InvalidOperationException">A file does not parse, or a snapshot cannot be generated: our own
    /// profiles are broken, which must stop start-up rather than let writes through unvalidated.</exception>
    public static async Task<ConformanceResources> LoadAsync(IEnumerable<string> directories, IAsyncResourceResolver coreSource)
    {
        var deserializer = new FhirJsonDeserializer();
        var resources = new List<Resource>();
        var files = new List<string>();
        foreach (var directory in directories)
        {
            if (!Directory.Exists(directory))
            {
                throw new InvalidOperationException($"Conformance directory '{directory}' does not exist.");
            }

            foreach (var file in Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                Resource resource;
                try
                {
                    resource = deserializer.DeserializeResource(File.ReadAllText(file));
                }
                catch (Exception ex) when (ex is DeserializationFailedException or System.Text.Json.JsonException)
                {
                    throw new InvalidOperationException($"Conformance file '{file}' is not a valid FHIR R4 resource: {ex.Message}", ex);
                }

                resources.Add(resource);
                files.Add(file);
            }
        }

        await GenerateSnapshotsAsync(resources, coreSource).ConfigureAwait(false);
        return new ConformanceResources(resources, files);
    }

    private static async Task GenerateSnapshotsAsync(List<Resource> resources, IAsyncResourceResolver coreSource)
    {
        // One resolver over the very instances we update, so a profile whose type or base is another of ours sees that
        // one's snapshot; the generator also expands such dependencies itself when it meets them first.
        var resolver = new MultiResolver(new InMemoryResourceResolver(resources), coreSource);
        var generator = new SnapshotGenerator(resolver, SnapshotGeneratorSettings.CreateDefault());
        var structures = resources.OfType<StructureDefinition>()
            .Where(sd => !sd.HasSnapshot)
            // Extensions first: profiles use them as slice types.
            .OrderBy(sd => sd.Type == "Extension" ? 0 : 1)
            .ToList();

        foreach (var sd in structures)
        {
            if (sd.HasSnapshot)
            {
                continue; // expanded already as a dependency of an earlier one
            }

            await generator.UpdateAsync(sd).ConfigureAwait(false);
            var errors = generator.Outcome?.Issue
                .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
                .Select(i => i.Details?.Text ?? i.Diagnostics)
                .ToList();
            if (errors is { Count: > 0 } || !sd.HasSnapshot)
            {
                throw new InvalidOperationException(
                    $"Snapshot generation failed for '{sd.Url}': {string.Join("; ", errors ?? ["no snapshot produced"])}");
            }
        }
    }
}
