using System.Collections;
using System.Text.RegularExpressions;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Patch;

/// <summary>
/// FHIRPath Patch (https://hl7.org/fhir/R4/fhirpatch.html) applied in place to a resource POCO. Paths are evaluated
/// with Firely's FHIRPath engine, whose results are the very element instances inside the resource, and changes are
/// made through Firely's element access (<see cref="Base.SetValue"/>, the live lists) guided by its class mappings.
/// <list type="bullet">
/// <item>add: path selects exactly one container; name is its element; the value is appended (or set, if it does not repeat).</item>
/// <item>insert / move: path names one repeating element (e.g. Patient.identifier); index, source and destination are positions in it.</item>
/// <item>delete: path selects at most one element; nothing selected is not an error.</item>
/// <item>replace: path selects exactly one element, which the value replaces.</item>
/// </list>
/// All operations are read (400 when malformed) before any applies; an operation that cannot apply is a 422.
/// </summary>
public static partial class FhirPathPatchApplier
{
    public static void Apply(Resource resource, Parameters patch)
    {
        var operations = FhirPathPatchOperation.ReadAll(patch);
        foreach (var op in operations)
        {
            switch (op.Type)
            {
                case FhirPathPatchType.Add: Add(resource, op); break;
                case FhirPathPatchType.Insert: Insert(resource, op); break;
                case FhirPathPatchType.Delete: Delete(resource, op); break;
                case FhirPathPatchType.Replace: Replace(resource, op); break;
                case FhirPathPatchType.Move: Move(resource, op); break;
            }
        }
    }

    private static void Add(Resource resource, FhirPathPatchOperation op)
    {
        var container = SingleContainer(resource, op.Path, op);
        var mapping = ElementLocation.ClassOf(container);
        var property = mapping.FindMappedElementByName(op.Name!) ?? mapping.FindMappedElementByChoiceName(op.Name!);
        if (property is null || property.RepresentsValueElement)
            throw Failed(op, $"'{op.Path}' is a {container.TypeName}, which has no element '{op.Name}'.");
        var value = PatchValueBuilder.Build(op.Value!, property, Where(op, $"{container.TypeName}.{property.Name}"));
        if (property.IsCollection) ElementLocation.ListOf(container, property).Add(value);
        else container.SetValue(property.Name, value);
    }

    private static void Insert(Resource resource, FhirPathPatchOperation op)
    {
        var (container, property, list) = RepeatingElement(resource, op);
        var index = op.Index!.Value;
        if (index < 0 || index > list.Count)
            throw Failed(op, $"index {index} is outside '{op.Path}', which has {list.Count} item(s) (0 to {list.Count} can be used).");
        var value = PatchValueBuilder.Build(op.Value!, property, Where(op, $"{container.TypeName}.{property.Name}"));
        list.Insert(index, value);
    }

    private static void Move(Resource resource, FhirPathPatchOperation op)
    {
        var (_, _, list) = RepeatingElement(resource, op);
        int source = op.Source!.Value, destination = op.Destination!.Value;
        if (source < 0 || source >= list.Count)
            throw Failed(op, $"source {source} is outside '{op.Path}', which has {list.Count} item(s).");
        if (destination < 0 || destination >= list.Count)
            throw Failed(op, $"destination {destination} is outside '{op.Path}', which has {list.Count} item(s).");
        var item = list[source];
        list.RemoveAt(source);
        list.Insert(destination, item);
    }

    private static void Delete(Resource resource, FhirPathPatchOperation op)
    {
        var matches = Evaluate(resource, op.Path, op);
        if (matches.Count == 0) return;
        if (matches.Count > 1)
            throw Failed(op, $"'{op.Path}' matches {matches.Count} elements; delete removes one element at a time.");
        var location = Locate(resource, matches[0], op);
        if (location.Property.IsCollection) ElementLocation.ListOf(location.Parent, location.Property).RemoveAt(location.Index);
        else location.Parent.SetValue(location.Property.Name, null);
    }

    private static void Replace(Resource resource, FhirPathPatchOperation op)
    {
        var matches = Evaluate(resource, op.Path, op);
        if (matches.Count != 1)
            throw Failed(op, $"'{op.Path}' must match exactly one element to replace, but matches {matches.Count}.");
        var location = Locate(resource, matches[0], op);
        var value = PatchValueBuilder.Build(op.Value!, location.Property, Where(op, location.Describe()));
        if (location.Property.IsCollection) ElementLocation.ListOf(location.Parent, location.Property)[location.Index] = value;
        else location.Parent.SetValue(location.Property.Name, value);
    }

    /// <summary>The one element <paramref name="path"/> selects, which will receive a child: the resource itself or an element in it.</summary>
    private static Base SingleContainer(Resource resource, string path, FhirPathPatchOperation op)
    {
        var matches = Evaluate(resource, path, op);
        if (matches.Count != 1)
            throw Failed(op, $"'{path}' must match exactly one element, but matches {matches.Count}.");
        if (!ReferenceEquals(matches[0], resource)) Locate(resource, matches[0], op);
        return matches[0];
    }

    /// <summary>
    /// The repeating element an insert or move path names: the path ends in an element name (Patient.identifier),
    /// the part before it selects exactly one element, and that element's named element repeats.
    /// </summary>
    private static (Base Container, PropertyMapping Property, IList List) RepeatingElement(Resource resource, FhirPathPatchOperation op)
    {
        var match = TrailingElementName().Match(op.Path.Trim());
        if (!match.Success)
            throw Failed(op, $"'{op.Path}' must end in the name of a repeating element, e.g. {resource.TypeName}.identifier.");
        var container = match.Groups["focus"].Success ? SingleContainer(resource, match.Groups["focus"].Value, op) : resource;
        var name = match.Groups["name"].Value;
        var property = ElementLocation.ClassOf(container).FindMappedElementByName(name);
        if (property is null || property.RepresentsValueElement)
            throw Failed(op, $"'{op.Path}' names '{name}', which a {container.TypeName} does not have.");
        if (!property.IsCollection)
            throw Failed(op, $"{container.TypeName}.{name} does not repeat, so '{op.Path}' cannot be used to insert or move.");
        return (container, property, ElementLocation.ListOf(container, property));
    }

    private static List<Base> Evaluate(Resource resource, string path, FhirPathPatchOperation op)
    {
        try
        {
            return resource.Select(path).OfType<Base>().ToList();
        }
        catch (FormatException ex)
        {
            throw FhirException.BadRequest($"FHIRPath Patch {op}: '{path}' is not a valid FHIRPath expression: {ex.Message}");
        }
        catch (Exception ex) when (ex is not FhirException and not OutOfMemoryException)
        {
            throw Failed(op, $"evaluating '{path}' failed: {ex.Message}");
        }
    }

    private static ElementLocation Locate(Resource resource, Base element, FhirPathPatchOperation op)
    {
        if (ReferenceEquals(element, resource))
            throw Failed(op, $"'{op.Path}' selects the resource itself, which cannot be deleted or replaced.");
        return ElementLocation.MapAll(resource).TryGetValue(element, out var location)
            ? location
            : throw Failed(op, $"'{op.Path}' does not select an element of the resource (a computed value cannot be changed).");
    }

    private static string Where(FhirPathPatchOperation op, string element) => $"FHIRPath Patch {op}: {element}";

    private static FhirException Failed(FhirPathPatchOperation op, string why) => FhirException.Unprocessable($"FHIRPath Patch {op} failed: {why}");

    /// <summary>"focus.name" or a bare "name", where name is a plain FHIR element name.</summary>
    [GeneratedRegex(@"^(?:(?<focus>.+)\.)?(?<name>[A-Za-z][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingElementName();
}
