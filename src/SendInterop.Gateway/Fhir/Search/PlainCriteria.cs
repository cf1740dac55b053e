using Microsoft.AspNetCore.WebUtilities;
using SendInterop.Domain.Search;

namespace SendInterop.Gateway.Fhir.Search;

/// <summary>
/// Search criteria given as a URL (<c>Observation?code=...&amp;subject=Patient/123</c>) that the gateway runs on its own
/// later, for a disclosure it decides resource by resource: a subscription's <c>criteria</c>, a bulk export's
/// <c>_typeFilter</c>. Only criteria are allowed; result parameters (paging, includes, sorting, summaries) and chains are
/// refused, because what is disclosed is one resource at a time and a chain would match through resources the
/// requester may not see.
/// </summary>
public sealed record PlainCriteria(string ResourceType, IReadOnlyList<KeyValuePair<string, string>> Query)
{
    private static readonly HashSet<string> ResultParameters = new(StringComparer.Ordinal)
    {
        "_count", "_sort", "_include", "_revinclude", "_summary", "_elements", "_total", "_contained", "_containedType", "_cursor", "_format", "_pretty",
    };

    /// <summary>
    /// Parses and checks <paramref name="text"/>; the error, which names the input as <paramref name="label"/>, says what
    /// is wrong in words a client can act on. A type in <paramref name="excluded"/> is refused as
    /// "<c>{type} {excludedWhy}</c>".
    /// </summary>
    public static bool TryParse(string? text, SearchRequestParser parser, string label, IReadOnlySet<string> excluded, string excludedWhy,
        out PlainCriteria? criteria, out string error)
    {
        criteria = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"{label} is required: a search such as Observation?subject=Patient/123.";
            return false;
        }
        var q = text.IndexOf('?');
        var type = (q < 0 ? text : text[..q]).Trim();
        // A concrete type: Resource and DomainResource name no stored resource, so such criteria would never match.
        if (!Hl7.Fhir.Model.ModelInfo.IsKnownResource(type) || type is "Resource" or "DomainResource")
        {
            error = $"{label} must start with a resource type, not '{type}'.";
            return false;
        }
        if (excluded.Contains(type))
        {
            error = $"{type} {excludedWhy}";
            return false;
        }
        var query = new List<KeyValuePair<string, string>>();
        if (q >= 0)
            foreach (var (key, values) in QueryHelpers.ParseQuery(text[q..]))
                foreach (var value in values)
                    query.Add(new(key, value ?? ""));
        foreach (var (rawKey, _) in query)
        {
            var key = rawKey.Trim(); // as the search parser reads it
            if (ResultParameters.Contains(key.Split(':')[0]))
            {
                error = $"{label} takes search criteria only, not {key}.";
                return false;
            }
            if (key.Contains('.') || key.StartsWith("_has", StringComparison.Ordinal))
            {
                error = $"{label} cannot use chained parameters ({key}): what is disclosed cannot depend on resources the requester may not see.";
                return false;
            }
        }
        var parsed = parser.Parse(type, query);
        if (parsed.Refusals.Count > 0 || parsed.Problems.Count > 0)
        {
            error = $"{label} is not a search this server can run: " + string.Join(" ", parsed.Refusals.Concat(parsed.Problems));
            return false;
        }
        criteria = new PlainCriteria(type, query);
        return true;
    }

    /// <summary>
    /// Runs the criteria once, matching nothing: a value the parser takes but the store cannot search by
    /// (<c>date=2026-13-45</c>) is found when the criteria are given, not left to match nothing for ever. Null when the
    /// search runs; otherwise the store's reason.
    /// </summary>
    public async Task<string?> UnrunnableReasonAsync(SearchRequestParser parser, Storage.Store.IResourceStore store, CancellationToken ct)
    {
        try
        {
            await store.SearchAsync(ForResource(parser, "-"), ct);
            return null;
        }
        catch (Storage.Search.SearchValueException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The search that matches exactly the resource <paramref name="id"/> when it meets the criteria.</summary>
    public SearchRequest ForResource(SearchRequestParser parser, string id) => ForResources(parser, [id]);

    /// <summary>The search that matches those of <paramref name="ids"/> that meet the criteria (at most one page of them).</summary>
    public SearchRequest ForResources(SearchRequestParser parser, IReadOnlyCollection<string> ids)
    {
        var request = parser.Parse(ResourceType, Query.Append(new("_id", string.Join(',', ids))));
        request.Count = Math.Max(1, ids.Count);
        request.SkipTotal = true;
        return request;
    }
}
