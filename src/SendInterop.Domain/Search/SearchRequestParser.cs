using Hl7.Fhir.Model;

namespace SendInterop.Domain.Search;

/// <summary>
/// Turns the query string of a search into a <see cref="SearchRequest"/>: checks each parameter against the R4
/// definitions for the type, splits modifiers and chains, and collects what it could not use as problems.
/// </summary>
public sealed class SearchRequestParser(SearchParameterRegistry registry)
{
    private static readonly HashSet<string> Ignored = ["_format", "_pretty"];

    /// <summary>
    /// Reverse chaining is not implemented. It would select resources by properties of other resources, which the consent
    /// gate would have to decide one by one, as it does for forward chains.
    /// </summary>
    public const string HasRefusal =
        "Reverse chaining (_has) is not supported by this server: search the referring resource type instead (e.g. Observation?code=...&_include=Observation:subject).";

    public SearchRequest Parse(string resourceType, IEnumerable<KeyValuePair<string, string>> query)
    {
        var request = new SearchRequest { ResourceType = resourceType };
        foreach (var (rawKey, value) in query)
        {
            var key = rawKey.Trim();
            if (Ignored.Contains(key)) continue;
            if (key == "_has" || key.StartsWith("_has:", StringComparison.Ordinal))
            {
                request.Refusals.Add(HasRefusal);
                continue;
            }
            switch (key)
            {
                case "_count":
                    if (int.TryParse(value, out var count) && count >= 0) request.Count = Math.Min(count, SearchDefaults.MaxCount);
                    else request.Problems.Add($"_count must be a non-negative integer, not '{value}'.");
                    continue;
                case "_sort":
                    foreach (var field in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var desc = field.StartsWith('-');
                        var name = desc ? field[1..] : field;
                        if (name is "_id" or "_lastUpdated" || registry.Find(resourceType, name) is { Type: SearchParamType.Date or SearchParamType.String or SearchParamType.Token })
                            request.Sort.Add(new SortField(name, desc));
                        else request.Problems.Add($"_sort by '{name}' is not supported for {resourceType}.");
                    }
                    continue;
                case "_summary":
                    if (Enum.TryParse<SummaryMode>(value, ignoreCase: true, out var summary)) request.Summary = summary;
                    else request.Problems.Add($"_summary must be one of true, false, count, data, text, not '{value}'.");
                    continue;
                case "_total":
                    // estimate and accurate are answered alike (an accurate count, or none beyond the server's limits).
                    if (value is "none") request.OmitTotal = request.SkipTotal = true;
                    else if (value is not ("estimate" or "accurate")) request.Problems.Add($"_total must be one of none, estimate, accurate, not '{value}'.");
                    continue;
                case "_elements":
                    request.Elements = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    continue;
                case "_cursor":
                    request.Cursor = value;
                    continue;
                case "_include":
                case "_include:iterate":
                    if (ParseInclude(value, out var inc, out var why)) request.Includes.Add(inc);
                    else request.Problems.Add($"_include={value}: {why}");
                    continue;
                case "_revinclude":
                case "_revinclude:iterate":
                    if (ParseInclude(value, out var rev, out var whyRev)) request.RevIncludes.Add(rev);
                    else request.Problems.Add($"_revinclude={value}: {whyRev}");
                    continue;
            }
            if (ParseCriterion(resourceType, key, value, out var criterion, out var problem)) request.Criteria.Add(criterion);
            else request.Problems.Add(problem);
        }
        return request;
    }

    private bool ParseInclude(string value, out IncludeSpec spec, out string why)
    {
        spec = null!;
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3) { why = "expected Type:param or Type:param:TargetType."; return false; }
        if (!registry.IsKnownResourceType(parts[0])) { why = $"'{parts[0]}' is not an R4 resource type."; return false; }
        if (parts[1] != "*" && registry.Find(parts[0], parts[1]) is not { Type: SearchParamType.Reference })
        {
            why = $"'{parts[1]}' is not a reference search parameter of {parts[0]}.";
            return false;
        }
        spec = new IncludeSpec(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        why = "";
        return true;
    }

    private bool ParseCriterion(string type, string key, string value, out SearchCriterion criterion, out string problem)
    {
        criterion = null!;
        problem = "";
        // Chain: subject:Patient.identifier or subject.identifier
        var dot = key.IndexOf('.');
        string head = dot < 0 ? key : key[..dot];
        string? modifier = null;
        var colon = head.IndexOf(':');
        if (colon >= 0) { modifier = head[(colon + 1)..]; head = head[..colon]; }

        var parameter = registry.Find(type, head);
        if (parameter is null) { problem = $"Unknown search parameter '{head}' for {type}."; return false; }
        if (!parameter.IsSupported && !SearchParameterRegistry.ColumnParameters.Contains(head))
        {
            problem = $"Search parameter '{head}' ({parameter.Type}) is not supported by this server.";
            return false;
        }

        if (dot >= 0)
        {
            if (parameter.Type != SearchParamType.Reference) { problem = $"'{head}' is not a reference parameter and cannot be chained."; return false; }
            var innerName = key[(dot + 1)..].Split('.', ':')[0];
            var candidates = parameter.Targets.Where(t => registry.Find(t, innerName) is not null).ToList();
            // Without an explicit type, a chain is unambiguous when one target type has the chained parameter;
            // "patient" always means Patient (the R4 definitions also list Group for some types).
            var target = modifier ?? (candidates.Count == 1 ? candidates[0] : head == "patient" && candidates.Contains("Patient") ? "Patient" : null);
            if (target is null) { problem = $"Chain on '{head}' needs a target type (e.g. {head}:Patient.{key[(dot + 1)..]})."; return false; }
            if (!registry.IsKnownResourceType(target)) { problem = $"'{target}' is not an R4 resource type."; return false; }
            if (!ParseCriterion(target, key[(dot + 1)..], value, out var inner, out problem)) return false;
            criterion = new SearchCriterion(parameter, null, [], target, inner);
            return true;
        }

        if (modifier is not null && !IsSupportedModifier(parameter, modifier))
        {
            problem = $"Modifier ':{modifier}' is not supported on '{head}' ({parameter.Type}).";
            return false;
        }
        var values = SplitValues(value);
        if (values.Count == 0) { problem = $"Search parameter '{key}' has no value."; return false; }
        criterion = new SearchCriterion(parameter, modifier, values);
        return true;
    }

    private bool IsSupportedModifier(SearchParameterInfo p, string modifier) => modifier switch
    {
        "missing" => true,
        "exact" or "contains" => p.Type == SearchParamType.String,
        "not" or "text" => p.Type == SearchParamType.Token,
        "below" => p.Type == SearchParamType.Uri,
        _ => p.Type == SearchParamType.Reference && registry.IsKnownResourceType(modifier),
    };

    /// <summary>Splits on commas not escaped with a backslash, and unescapes \, \| \$ \\.</summary>
    public static List<string> SplitValues(string value)
    {
        var result = new List<string>();
        var current = new System.Text.StringBuilder();
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length && value[i + 1] is ',' or '$' or '\\')
            {
                current.Append(value[++i]);
            }
            else if (value[i] == ',')
            {
                if (current.Length > 0) result.Add(current.ToString());
                current.Clear();
            }
            else current.Append(value[i]);
        }
        if (current.Length > 0) result.Add(current.ToString());
        return result;
    }

    /// <summary>Splits a token "system|code" on the first unescaped bar. Returns system null when there is no bar.</summary>
    public static (string? System, string Code) SplitToken(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length) { i++; continue; }
            if (value[i] == '|') return (value[..i].Replace("\\|", "|"), value[(i + 1)..].Replace("\\|", "|"));
        }
        return (null, value.Replace("\\|", "|"));
    }

    /// <summary>Splits a leading two-letter comparison prefix from a date, number or quantity value.</summary>
    public static (SearchPrefix Prefix, string Value) SplitPrefix(string value)
    {
        if (value.Length > 2 && char.IsLetter(value[0]) && char.IsLetter(value[1]) &&
            Enum.TryParse<SearchPrefix>(value[..2], ignoreCase: true, out var prefix))
            return (prefix, value[2..]);
        return (SearchPrefix.Eq, value);
    }
}
