using System.Collections;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace SendInterop.Gateway.Fhir.Patch;

/// <summary>
/// Where an element sits in a resource: its parent, the parent's element it belongs to, and its position when that
/// element repeats (-1 when it does not). Firely's FHIRPath evaluation over POCOs returns the very instances inside
/// the resource, so the location of an evaluation result is found by reference.
/// </summary>
public sealed record ElementLocation(Base Parent, PropertyMapping Property, int Index)
{
    /// <summary>Every element of <paramref name="root"/> (root excluded), keyed by instance.</summary>
    public static Dictionary<Base, ElementLocation> MapAll(Base root)
    {
        var map = new Dictionary<Base, ElementLocation>(ReferenceEqualityComparer.Instance);
        Walk(root, map);
        return map;
    }

    private static void Walk(Base node, Dictionary<Base, ElementLocation> map)
    {
        foreach (var (name, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case Base child when map.TryAdd(child, new(node, PropertyOf(node, name), -1)):
                    Walk(child, map);
                    break;
                case IList list:
                    PropertyMapping? property = null;
                    for (var i = 0; i < list.Count; i++)
                        if (list[i] is Base item && map.TryAdd(item, new(node, property ??= PropertyOf(node, name), i)))
                            Walk(item, map);
                    break;
            }
        }
    }

    public static ClassMapping ClassOf(Base node) => ClassOf(node.GetType());

    public static ClassMapping ClassOf(Type type) =>
        ModelInfo.ModelInspector.FindOrImportClassMapping(type)
        ?? throw new InvalidOperationException($"No Firely class mapping for {type}.");

    private static PropertyMapping PropertyOf(Base node, string name) =>
        ClassOf(node).FindMappedElementByName(name)
        ?? throw new InvalidOperationException($"No Firely property mapping for {node.TypeName}.{name}.");

    /// <summary>The live list behind a repeating element of <paramref name="parent"/> (created when absent).</summary>
    public static IList ListOf(Base parent, PropertyMapping property)
    {
        if (parent.TryGetValue(property.Name, out var value) && value is IList existing) return existing;
        var list = (IList)(Activator.CreateInstance(property.PropertyType)
            ?? throw new InvalidOperationException($"Cannot create a list for {parent.TypeName}.{property.Name}."));
        parent.SetValue(property.Name, list);
        return parent.TryGetValue(property.Name, out var set) && set is IList live ? live : list;
    }

    /// <summary>A readable name for the element, e.g. "Patient.identifier[1]", for messages.</summary>
    public string Describe() => $"{Parent.TypeName}.{Property.Name}" + (Index >= 0 ? $"[{Index}]" : "");
}
