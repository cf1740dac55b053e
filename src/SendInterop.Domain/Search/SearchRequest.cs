namespace SendInterop.Domain.Search;

/// <summary>A comparison prefix on date, number and quantity values (R4 search section 3.1.1.4).</summary>
public enum SearchPrefix { Eq, Ne, Gt, Lt, Ge, Le, Sa, Eb, Ap }

/// <summary>
/// One parsed search criterion: a parameter with an optional modifier and one or more values that are OR-ed
/// (comma-separated in the URL). Repeating a parameter in the URL gives several criteria that are AND-ed.
/// A chained criterion (<c>subject:Patient.identifier=x</c>) carries the criterion to apply to the target type.
/// </summary>
public sealed record SearchCriterion(
    SearchParameterInfo Parameter,
    string? Modifier,
    IReadOnlyList<string> Values,
    string? ChainTargetType = null,
    SearchCriterion? Chained = null);

public sealed record SortField(string Param, bool Descending);

public sealed record IncludeSpec(string SourceType, string Param, string? TargetType)
{
    /// <summary>A source type meaning "every match, whatever its type": internal (the parser takes resource types only).</summary>
    public const string AnySource = "*";
}

public enum SummaryMode { None, True, Count, Data, Text, False }

/// <summary>Everything a search URL asks for, after parsing and checking against the R4 definitions.</summary>
public sealed class SearchRequest
{
    public required string ResourceType { get; init; }
    public List<SearchCriterion> Criteria { get; } = [];
    public int Count { get; set; } = SearchDefaults.DefaultCount;
    public List<SortField> Sort { get; } = [];
    public List<IncludeSpec> Includes { get; } = [];
    public List<IncludeSpec> RevIncludes { get; } = [];
    public SummaryMode Summary { get; set; }
    public string[]? Elements { get; set; }
    /// <summary>Opaque keyset cursor from a next/previous link.</summary>
    public string? Cursor { get; set; }
    /// <summary>Do not count the matches (the caller counts them itself, e.g. through the consent gate).</summary>
    public bool SkipTotal { get; set; }
    /// <summary>The client asked for no Bundle.total (<c>_total=none</c>): a search need not count its matches.</summary>
    public bool OmitTotal { get; set; }
    /// <summary>Parameters we did not understand, with the reason, reported in an OperationOutcome (or rejected when strict).</summary>
    public List<string> Problems { get; } = [];
    /// <summary>
    /// Parameters refused even under lenient handling (the caller answers 400): ignoring them would silently return a
    /// wider result than the client asked for, with nothing but a warning to say so.
    /// </summary>
    public List<string> Refusals { get; } = [];
}

public static class SearchDefaults
{
    public const int DefaultCount = 20;
    public const int MaxCount = 1000;
}
