using Microsoft.AspNetCore.WebUtilities;
using SendInterop.Domain.Search;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// A subscription's <c>criteria</c> (<c>Observation?code=...&amp;subject=Patient/123</c>) as the search it is: the type and
/// its query. Only criteria are allowed; result parameters (paging, includes, sorting, summaries) and chains are refused,
/// because a notification is one resource and a chain would match through resources the subscriber may not see.
/// </summary>
public sealed record SubscriptionCriteria(string ResourceType, IReadOnlyList<KeyValuePair<string, string>> Query)
{
    /// <summary>Types nobody subscribes to: a subscription on subscriptions or on the audit trail would notify about itself.</summary>
    private static readonly HashSet<string> Unsubscribable = new(StringComparer.Ordinal) { "Subscription", "AuditEvent" };

    private static readonly HashSet<string> ResultParameters = new(StringComparer.Ordinal)
    {
        "_count", "_sort", "_include", "_revinclude", "_summary", "_elements", "_total", "_contained", "_containedType", "_cursor", "_format", "_pretty",
    };

    /// <summary>Parses and checks <paramref name="text"/>; the error says what is wrong in words a client can act on.</summary>
    public static bool TryParse(string? text, SearchRequestParser parser, out SubscriptionCriteria? criteria, out string error)
    {
        criteria = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Subscription.criteria is required: a search such as Observation?subject=Patient/123.";
            return false;
        }
        var q = text.IndexOf('?');
        var type = (q < 0 ? text : text[..q]).Trim();
        // A concrete type: Resource and DomainResource name no stored resource, so such a subscription would never fire.
        if (!Hl7.Fhir.Model.ModelInfo.IsKnownResource(type) || type is "Resource" or "DomainResource")
        {
            error = $"Subscription.criteria must start with a resource type, not '{type}'.";
            return false;
        }
        if (Unsubscribable.Contains(type))
        {
            error = $"{type} cannot be subscribed to.";
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
                error = $"Subscription.criteria takes search criteria only, not {key}.";
                return false;
            }
            if (key.Contains('.') || key.StartsWith("_has", StringComparison.Ordinal))
            {
                error = $"Subscription.criteria cannot use chained parameters ({key}): a notification cannot depend on resources its subscriber may not see.";
                return false;
            }
        }
        var parsed = parser.Parse(type, query);
        if (parsed.Refusals.Count > 0 || parsed.Problems.Count > 0)
        {
            error = "Subscription.criteria is not a search this server can run: " + string.Join(" ", parsed.Refusals.Concat(parsed.Problems));
            return false;
        }
        criteria = new SubscriptionCriteria(type, query);
        return true;
    }

    /// <summary>The search that matches exactly the resource <paramref name="id"/> when it meets the criteria.</summary>
    public SearchRequest ForResource(SearchRequestParser parser, string id)
    {
        var request = parser.Parse(ResourceType, Query.Append(new("_id", id)));
        request.Count = 1;
        return request;
    }
}
