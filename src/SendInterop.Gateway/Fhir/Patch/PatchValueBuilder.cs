using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Patch;

/// <summary>
/// Turns the "value" part of a FHIRPath Patch operation into a POCO that fits the element it is going into: a
/// value[x] (or resource) is copied and type-checked, a tree of parts is built into a new instance of the element's
/// type, part by part. A value that does not fit is a 422 naming the element and the types it takes.
/// </summary>
public static class PatchValueBuilder
{
    /// <param name="where">The element the value is for, e.g. "Patient.telecom", for messages.</param>
    public static Base Build(Parameters.ParameterComponent valuePart, PropertyMapping property, string where)
    {
        if (valuePart.Value is { } value) return Fit((Base)value.DeepCopy(), property, where);
        if (valuePart.Resource is { } resource) return Fit((Base)resource.DeepCopy(), property, where);
        if (valuePart.Part.Count > 0) return FromParts(valuePart.Part, property, where);
        throw FhirException.BadRequest($"The value for {where} has neither a value[x], a resource nor parts.", OperationOutcome.IssueType.Required);
    }

    private static Base FromParts(List<Parameters.ParameterComponent> parts, PropertyMapping property, string where)
    {
        var type = property.ImplementingType;
        if (property.Choice != ChoiceType.None || type.IsAbstract)
            throw FhirException.Unprocessable($"{where} can hold several types, so its value must be given as a typed value[x] (e.g. valueQuantity), not as parts.");
        var mapping = ElementLocation.ClassOf(type);
        if (mapping.IsFhirPrimitive)
            throw FhirException.Unprocessable($"{where} is a {mapping.Name}, so its value must be given as value{Capitalized(mapping.Name)}, not as parts.");

        var instance = mapping.CreateInstance();
        foreach (var part in parts)
        {
            var child = (part.Name is null ? null : mapping.FindMappedElementByName(part.Name) ?? mapping.FindMappedElementByChoiceName(part.Name));
            if (child is null || child.RepresentsValueElement)
                throw FhirException.Unprocessable($"{where} is a {mapping.Name}, which has no element '{part.Name}'.");
            var childWhere = $"{where}.{child.Name}";
            var value = part.Value is not null || part.Resource is not null || part.Part.Count > 0
                ? Build(part, child, childWhere)
                : throw FhirException.BadRequest($"The part '{part.Name}' of the value for {where} has no value.", OperationOutcome.IssueType.Required);
            if (child.IsCollection) ElementLocation.ListOf(instance, child).Add(value);
            else if (instance.TryGetValue(child.Name, out var existing) && existing is not null)
                throw FhirException.Unprocessable($"{childWhere} does not repeat, but the value gives it more than once.");
            else instance.SetValue(child.Name, value);
        }
        return instance;
    }

    /// <summary>
    /// Checks that <paramref name="value"/> is a type the element takes. A primitive of the same FHIR type but another
    /// class is converted (a plain code into a bound Code&lt;T&gt;, whose value must then be one of its codes).
    /// </summary>
    public static Base Fit(Base value, PropertyMapping property, string where)
    {
        var allowed = property.Choice == ChoiceType.DatatypeChoice && property.FhirType.Length > 0 ? property.FhirType : [property.ImplementingType];
        if (allowed.Any(t => t.IsInstanceOfType(value))) return Valid(value, where);
        if (value is PrimitiveType primitive)
        {
            foreach (var type in allowed)
                if (typeof(PrimitiveType).IsAssignableFrom(type) && !type.IsAbstract && FhirTypeName(type) == primitive.TypeName)
                    return Valid(Convert(primitive, type), where);
        }
        throw FhirException.Unprocessable(
            $"{where} takes {string.Join(" or ", allowed.Select(FhirTypeName))}, not {value.TypeName}.");
    }

    private static PrimitiveType Convert(PrimitiveType value, Type type)
    {
        var converted = (PrimitiveType)(Activator.CreateInstance(type)
            ?? throw new InvalidOperationException($"Cannot create {type}."));
        converted.JsonValue = value.JsonValue;
        converted.ElementId = value.ElementId;
        converted.Extension.AddRange(value.Extension);
        return converted;
    }

    /// <summary>A primitive's value must be valid for its type (a date that is a date, a code from a bound Code&lt;T&gt;'s set).</summary>
    private static Base Valid(Base value, string where)
    {
        if (value is not PrimitiveType primitive || primitive.HasValidValue()) return value;
        var type = primitive.GetType();
        throw FhirException.Unprocessable(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Code<>)
            ? $"'{primitive.JsonValue}' is not one of the codes allowed for {where}."
            : $"'{primitive.JsonValue}' is not a valid {primitive.TypeName} for {where}.");
    }

    /// <summary>The FHIR name of a POCO type; every bound Code&lt;T&gt; is a "code".</summary>
    private static string FhirTypeName(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Code<>) ? "code"
        : ModelInfo.ModelInspector.GetFhirTypeNameForType(type) ?? type.Name;

    private static string Capitalized(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
