namespace SendInterop.Domain.Search;

/// <summary>The search index values of one resource, by kind; the store turns them into rows.</summary>
public sealed class ExtractedIndex
{
    public List<(string Param, string? System, string Code)> Tokens { get; } = [];
    public List<(string Param, string Value)> Strings { get; } = [];
    public List<(string Param, FhirDateRange Range)> Dates { get; } = [];
    public List<(string Param, string TargetType, string TargetId)> References { get; } = [];
    public List<(string Param, double Value, string? System, string? Code)> Quantities { get; } = [];
}
