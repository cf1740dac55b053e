using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Patch;

public enum FhirPathPatchType { Add, Insert, Delete, Replace, Move }

/// <summary>
/// One "operation" parameter of a FHIRPath Patch (https://hl7.org/fhir/R4/fhirpatch.html), checked for shape when
/// read: the parts each type needs are present and of the right kind, else a 400 naming the operation.
/// </summary>
/// <param name="Position">Where the operation stands in the Parameters (0-based), for messages.</param>
/// <param name="Value">The "value" part itself: a value[x], a resource, or a tree of parts for a complex value.</param>
public sealed record FhirPathPatchOperation(
    int Position,
    FhirPathPatchType Type,
    string Path,
    string? Name,
    Parameters.ParameterComponent? Value,
    int? Index,
    int? Source,
    int? Destination)
{
    private static readonly string[] PartNames = ["type", "path", "name", "value", "index", "source", "destination"];

    public static IReadOnlyList<FhirPathPatchOperation> ReadAll(Parameters patch)
    {
        if (patch.Parameter.Count == 0)
            throw FhirException.BadRequest("The FHIRPath Patch Parameters has no 'operation' parameters.", OperationOutcome.IssueType.Required);
        return patch.Parameter.Select(Read).ToList();
    }

    private static FhirPathPatchOperation Read(Parameters.ParameterComponent parameter, int position)
    {
        if (parameter.Name != "operation")
            throw Malformed(position, $"the parameter is named '{parameter.Name}'; a FHIRPath Patch has only 'operation' parameters");
        if (parameter.Value is not null || parameter.Resource is not null || parameter.Part.Count == 0)
            throw Malformed(position, "an operation must consist of parts (type, path, and name, value, index, source or destination)");

        var parts = new Dictionary<string, Parameters.ParameterComponent>();
        foreach (var part in parameter.Part)
        {
            if (part.Name is null || !PartNames.Contains(part.Name))
                throw Malformed(position, $"'{part.Name}' is not a part of an operation (expected one of {string.Join(", ", PartNames)})");
            if (!parts.TryAdd(part.Name, part)) throw Malformed(position, $"the part '{part.Name}' appears more than once");
        }

        var typeText = Text(parts, "type", position) ?? throw Malformed(position, "the part 'type' is missing");
        FhirPathPatchType type = typeText switch
        {
            "add" => FhirPathPatchType.Add, "insert" => FhirPathPatchType.Insert, "delete" => FhirPathPatchType.Delete,
            "replace" => FhirPathPatchType.Replace, "move" => FhirPathPatchType.Move,
            _ => throw Malformed(position, $"'{typeText}' is not an operation type (add, insert, delete, replace, move)"),
        };
        var path = Text(parts, "path", position);
        if (string.IsNullOrWhiteSpace(path)) throw Malformed(position, "the part 'path' is missing");

        var op = new FhirPathPatchOperation(position, type, path, Text(parts, "name", position), parts.GetValueOrDefault("value"),
            Integer(parts, "index", position), Integer(parts, "source", position), Integer(parts, "destination", position));

        if (type == FhirPathPatchType.Add && string.IsNullOrWhiteSpace(op.Name)) throw Malformed(position, "'add' needs a 'name' part");
        if (type is FhirPathPatchType.Add or FhirPathPatchType.Insert or FhirPathPatchType.Replace)
        {
            if (op.Value is null) throw Malformed(position, $"'{typeText}' needs a 'value' part");
            if (op.Value.Value is null && op.Value.Resource is null && op.Value.Part.Count == 0)
                throw Malformed(position, "the 'value' part has neither a value[x] nor parts");
        }
        if (type == FhirPathPatchType.Insert && op.Index is null) throw Malformed(position, "'insert' needs an 'index' part");
        if (type == FhirPathPatchType.Move && (op.Source is null || op.Destination is null))
            throw Malformed(position, "'move' needs 'source' and 'destination' parts");
        return op;
    }

    private static string? Text(Dictionary<string, Parameters.ParameterComponent> parts, string name, int position) =>
        !parts.TryGetValue(name, out var part) ? null
        : part.Value is PrimitiveType { JsonValue: string s } ? s
        : throw Malformed(position, $"the part '{name}' must have a string or code value");

    private static int? Integer(Dictionary<string, Parameters.ParameterComponent> parts, string name, int position) =>
        !parts.TryGetValue(name, out var part) ? null
        : part.Value is PrimitiveType { JsonValue: int i } ? i
        : throw Malformed(position, $"the part '{name}' must have an integer value");

    private static FhirException Malformed(int position, string why) =>
        FhirException.BadRequest($"FHIRPath Patch operation {position} is malformed: {why}.", OperationOutcome.IssueType.Structure);

    public override string ToString() => $"operation {Position} ({Type.ToString().ToLowerInvariant()} '{Path}')";
}
