using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace SendInterop.Domain.Search;

/// <summary>
/// The standard search parameters of FHIR R4, taken from the definitions the Firely SDK ships
/// (<see cref="ModelInfo.SearchParameters"/>), indexed by resource type and name.
/// </summary>
/// <remarks>
/// Many R4 definitions share one expression across dozens of types ("AllergyIntolerance.patient | CarePlan.subject
/// .where(resolve() is Patient) | ..."). We keep only the branches for the type at hand, so indexing a CarePlan does
/// not evaluate thirty branches that cannot match, and we rewrite <c>where(resolve() is X)</c> to a test on the
/// reference text, because resolving references while indexing would need a database round trip per reference.
/// </remarks>
public sealed partial class SearchParameterRegistry
{
    /// <summary>Parameters every resource has. _id and _lastUpdated are stored as columns, not index rows.</summary>
    public static readonly FrozenSet<string> ColumnParameters = FrozenSet.ToFrozenSet(["_id", "_lastUpdated"]);

    private readonly FrozenDictionary<string, FrozenDictionary<string, SearchParameterInfo>> _byType;

    /// <summary>
    /// The parameters of every resource (R4 "Resource" search parameters), which the SDK's list does not carry.
    /// Expressions start at meta (not "Resource.meta") so they evaluate on any concrete type.
    /// </summary>
    private static readonly SearchParamDefinition[] ResourceLevel =
    [
        new() { Resource = "Resource", Name = "_id", Type = SearchParamType.Token, Expression = "id", Url = "http://hl7.org/fhir/SearchParameter/Resource-id" },
        new() { Resource = "Resource", Name = "_lastUpdated", Type = SearchParamType.Date, Expression = "meta.lastUpdated", Url = "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated" },
        new() { Resource = "Resource", Name = "_tag", Type = SearchParamType.Token, Expression = "meta.tag", Url = "http://hl7.org/fhir/SearchParameter/Resource-tag" },
        new() { Resource = "Resource", Name = "_security", Type = SearchParamType.Token, Expression = "meta.security", Url = "http://hl7.org/fhir/SearchParameter/Resource-security" },
        new() { Resource = "Resource", Name = "_profile", Type = SearchParamType.Uri, Expression = "meta.profile", Url = "http://hl7.org/fhir/SearchParameter/Resource-profile" },
        new() { Resource = "Resource", Name = "_source", Type = SearchParamType.Uri, Expression = "meta.source", Url = "http://hl7.org/fhir/SearchParameter/Resource-source" },
    ];

    public static SearchParameterRegistry Default { get; } = new();

    private SearchParameterRegistry()
    {
        var common = ModelInfo.SearchParameters.Where(p => p.Resource is "Resource" or "DomainResource").Concat(ResourceLevel).ToList();
        var byType = new Dictionary<string, FrozenDictionary<string, SearchParameterInfo>>();
        foreach (var type in ModelInfo.SupportedResources)
        {
            var parameters = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
            foreach (var def in common.Concat(ModelInfo.SearchParameters.Where(p => p.Resource == type)))
            {
                if (def.Name is null) continue;
                var expression = NarrowExpression(def.Expression, type, def.Resource);
                parameters[def.Name] = new SearchParameterInfo(type, def.Name, def.Type, expression,
                    def.Target?.Select(t => t.ToString()).ToArray() ?? [], def.Url);
            }
            byType[type] = parameters.ToFrozenDictionary(StringComparer.Ordinal);
        }
        _byType = byType.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool IsKnownResourceType(string type) => _byType.ContainsKey(type);

    public IEnumerable<string> ResourceTypes => _byType.Keys;

    public IReadOnlyCollection<SearchParameterInfo> ForType(string type) =>
        _byType.TryGetValue(type, out var p) ? p.Values : [];

    public SearchParameterInfo? Find(string type, string name) =>
        _byType.TryGetValue(type, out var p) && p.TryGetValue(name, out var info) ? info : null;

    internal static string? NarrowExpression(string? expression, string type, string? definingResource)
    {
        if (string.IsNullOrWhiteSpace(expression)) return null;
        var branches = SplitTopLevelUnion(expression);
        if (definingResource is not ("Resource" or "DomainResource"))
        {
            branches = branches.Where(b => BranchType(b) == type).ToList();
            if (branches.Count == 0) return null;
        }
        var narrowed = string.Join(" | ", branches.Select(b => b.Trim()));
        return ResolveIs().Replace(narrowed, m => $"where(reference.startsWith('{m.Groups[1].Value}/') or reference.contains('/{m.Groups[1].Value}/'))");
    }

    private static string? BranchType(string branch)
    {
        var b = branch.TrimStart().TrimStart('(');
        var end = b.IndexOfAny(['.', ' ', ')']);
        return end < 0 ? b : b[..end];
    }

    /// <summary>The expression split at the unions (<c>|</c>) outside parentheses and strings.</summary>
    internal static List<string> SplitTopLevelUnion(string expression)
    {
        var result = new List<string>();
        int depth = 0, start = 0;
        bool inString = false;
        for (int i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (c == '\'') inString = !inString;
            else if (inString) continue;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (c == '|' && depth == 0)
            {
                result.Add(expression[start..i]);
                start = i + 1;
            }
        }
        result.Add(expression[start..]);
        return result;
    }

    [GeneratedRegex(@"where\(resolve\(\) is (\w+)\)")]
    private static partial Regex ResolveIs();
}
