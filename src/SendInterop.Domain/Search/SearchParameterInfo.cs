using Hl7.Fhir.Model;

namespace SendInterop.Domain.Search;

/// <summary>
/// One search parameter as it applies to one resource type: the R4 definition shipped with the Firely SDK,
/// with its FHIRPath expression narrowed to that type's branches.
/// </summary>
public sealed record SearchParameterInfo(
    string ResourceType,
    string Name,
    SearchParamType Type,
    string? Expression,
    IReadOnlyList<string> Targets,
    string? Url)
{
    /// <summary>True for parameters this store indexes and can search on.</summary>
    public bool IsSupported => Type is SearchParamType.Token or SearchParamType.String or SearchParamType.Date
        or SearchParamType.Reference or SearchParamType.Number or SearchParamType.Quantity or SearchParamType.Uri
        && Expression is not null;
}
