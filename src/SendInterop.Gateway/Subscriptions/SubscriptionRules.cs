using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Search;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// What a client's Subscription must be before it is stored, on every write path: a rest-hook to an endpoint configured
/// for the writer's organisation, with headers that only authenticate (no Host, no framing), criteria that are a plain
/// search the store can run, a payload the gateway can send, and a writer whose scopes let it search and read the
/// criteria's type. The gateway then records who subscribed (<see cref="SubscriptionGrant"/>) and sets the status:
/// <c>requested</c> becomes <c>active</c>.
/// </summary>
public sealed class SubscriptionRules(SearchRequestParser parser, IResourceStore store, Security.Authentication.ClientRegistry clients, IOptions<SubscriptionOptions> options)
{
    public const string FhirJson = "application/fhir+json";

    /// <summary>Types nobody subscribes to: a subscription on subscriptions or on the audit trail would notify about itself.</summary>
    private static readonly HashSet<string> Unsubscribable = new(StringComparer.Ordinal) { "Subscription", "AuditEvent" };

    /// <summary>A Subscription's criteria as the search it is (<see cref="PlainCriteria"/>), or the error a client can act on.</summary>
    public static bool TryParseCriteria(string? text, SearchRequestParser parser, out PlainCriteria? criteria, out string error) =>
        PlainCriteria.TryParse(text, parser, "Subscription.criteria", Unsubscribable, "cannot be subscribed to.", out criteria, out error);

    private const int MaxHeaders = 10;
    private const int MaxHeaderLength = 1024;

    public async System.Threading.Tasks.Task ApplyAsync(Subscription subscription, AccessSession access, CancellationToken ct)
    {
        if (access.Requester is not { } requester) return; // the gateway's own writes (status changes) keep what they carry
        if (!TryParseCriteria(subscription.Criteria, parser, out var criteria, out var error)) throw FhirException.Unprocessable(error);
        // The scopes a search and a read of the type would need, each on its own (.r and .s may be separate scopes);
        // a 403 is audited like any scope refusal.
        access.RequireScope(criteria!.ResourceType, SmartPermissions.Search);
        access.RequireScope(criteria.ResourceType, SmartPermissions.Read);
        if (await criteria.UnrunnableReasonAsync(parser, store, ct) is { } unrunnable)
            throw FhirException.Unprocessable("Subscription.criteria is not a search this server can run: " + unrunnable);
        if (requester.Purpose == PurposesOfUse.Safeguarding)
            throw FhirException.Unprocessable("A subscription cannot be made for the safeguarding purpose: break-glass is time-boxed and cannot stand behind a subscription.");

        var channel = subscription.Channel ?? throw FhirException.Unprocessable("Subscription.channel is required.");
        if (channel.Type != Subscription.SubscriptionChannelType.RestHook)
            throw FhirException.Unprocessable("Only rest-hook subscriptions are supported (Subscription.channel.type = rest-hook).");
        if (EndpointProblem(channel.Endpoint, requester.OrganisationId) is { } problem) throw FhirException.Unprocessable(problem);
        if (!string.IsNullOrEmpty(channel.Payload) && channel.Payload != FhirJson)
            throw FhirException.Unprocessable($"Subscription.channel.payload must be empty (a notification without the resource) or {FhirJson}.");
        CheckHeaders(channel.Header.ToList());

        subscription.Status = subscription.Status switch
        {
            null or Subscription.SubscriptionStatus.Requested or Subscription.SubscriptionStatus.Active => Subscription.SubscriptionStatus.Active,
            Subscription.SubscriptionStatus.Off => Subscription.SubscriptionStatus.Off,
            _ => throw FhirException.Unprocessable("Subscription.status can be set to requested (or active) or off; error is set by the gateway."),
        };
        subscription.Error = null;
        // A client of the gateway's own registry is held to its registration at each notification (SubscriptionDispatcher);
        // one removed, or moved to another organisation, since its token was issued cannot subscribe with it.
        var client = clients.Find(requester.ClientId);
        if ((client is not null && client.Organisation != requester.OrganisationId) || (requester.RegisteredClient && client is null))
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden, "This client is no longer registered for the token's organisation.");
        StandingGrant.Of(requester, registered: client is not null).WriteTo(subscription);
    }

    /// <summary>
    /// Headers sent with each notification are for the receiver's authentication only: <c>Authorization</c> and
    /// <c>X-</c> names, visible ASCII values. Anything else (Host, Transfer-Encoding, Connection...) could send the
    /// request somewhere the endpoint check did not approve, or break its framing.
    /// </summary>
    private static void CheckHeaders(IReadOnlyList<string?> headers)
    {
        var message = $"Subscription.channel.header takes at most {MaxHeaders} 'Name: value' headers of up to {MaxHeaderLength} characters, "
            + "named Authorization or X-..., with visible ASCII values.";
        if (headers.Count > MaxHeaders) throw FhirException.Unprocessable(message);
        foreach (var header in headers)
        {
            if (header is null || header.Length > MaxHeaderLength) throw FhirException.Unprocessable(message);
            var colon = header.IndexOf(':');
            if (colon <= 0) throw FhirException.Unprocessable(message);
            var name = header[..colon].Trim();
            var value = header[(colon + 1)..].Trim();
            var allowedName = name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
                || (name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) && name.Length > 2 && !ReroutingHeaders.Any(r => name.StartsWith(r, StringComparison.OrdinalIgnoreCase)));
            if (!allowedName || !name.All(IsTokenChar) || value.Length == 0 || !value.All(c => c is >= '!' and <= '~' or ' '))
                throw FhirException.Unprocessable(message);
        }
    }

    /// <summary>X- headers that proxies and frameworks honour to change a request's host, path or method.</summary>
    private static readonly string[] ReroutingHeaders =
        ["X-Forwarded-", "X-Original-", "X-Rewrite-", "X-HTTP-Method", "X-Method-Override", "X-Host", "X-Real-IP", "X-Envoy-", "X-Amz-"];

    /// <summary>RFC 9110 token characters (a header name).</summary>
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);

    /// <summary>
    /// Why <paramref name="endpoint"/> may not receive <paramref name="organisation"/>'s notifications, or null when it may.
    /// Asked again before every delivery round, so an endpoint taken out of the configuration receives nothing more once
    /// the gateway runs with the new configuration.
    /// </summary>
    public string? EndpointProblem(string? endpoint, string organisation)
    {
        // "/hook" parses as an absolute file: URL on Unix: only http(s) is an endpoint at all.
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
            return "Subscription.channel.endpoint must be an absolute https URL without user information or fragment.";
        var secure = uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && options.Value.AllowHttpLoopback && IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));
        if (!secure) return "Subscription.channel.endpoint must be an https URL.";
        // A notification with the resource goes to [endpoint]/[type]/[id]: a query would end up in the middle.
        if (!string.IsNullOrEmpty(uri.Query)) return "Subscription.channel.endpoint must not have a query.";
        // Encoded dots and slashes are refused as written, whatever a URL parser makes of them: the receiver's parser
        // may decode them after its own routing and climb out of the registered path.
        if (endpoint!.Contains("%2e", StringComparison.OrdinalIgnoreCase) || endpoint.Contains("%2f", StringComparison.OrdinalIgnoreCase))
            return "Subscription.channel.endpoint must not contain encoded dots or slashes in its path.";
        var allowed = options.Value.AllowedEndpoints.GetValueOrDefault(organisation) ?? [];
        // Compared on the parsed form, so "https://a.example@b.example" or a dot-segment cannot slip past a prefix.
        return allowed.Any(prefix => IsUnder(uri.AbsoluteUri, prefix))
            ? null
            : $"Subscription.channel.endpoint is not an endpoint registered for {organisation} (Subscriptions:AllowedEndpoints).";
    }

    /// <summary>
    /// Whether <paramref name="url"/> is <paramref name="prefix"/> or below it: scheme and host compared without case,
    /// the path exactly (one receiver's tenants may differ by case only), and only at a boundary, so a prefix ending
    /// mid-name ("https://cms.example") does not let "https://cms.example.attacker.net" through.
    /// </summary>
    internal static bool IsUnder(string url, string prefix)
    {
        if (prefix.Length == 0 || url.Length < prefix.Length) return false;
        var authorityEnd = AuthorityEnd(prefix);
        if (!url.AsSpan(0, authorityEnd).Equals(prefix.AsSpan(0, authorityEnd), StringComparison.OrdinalIgnoreCase)) return false;
        if (!url.AsSpan(authorityEnd, prefix.Length - authorityEnd).SequenceEqual(prefix.AsSpan(authorityEnd))) return false;
        if (url.Length == prefix.Length || prefix[^1] is '/') return true;
        // A ':' ends a host ("https://cms.example" admits ":8443"), never a path segment ("/hooks" does not admit "/hooks:x").
        var atHost = prefix.Length == authorityEnd;
        if (atHost && prefix[^1] == ':') return true;
        return url[prefix.Length] == '/' || (atHost && url[prefix.Length] == ':');
    }

    /// <summary>Where the scheme and authority of a URL (or URL prefix) end: at the first '/' after "//", else its end.</summary>
    private static int AuthorityEnd(string url)
    {
        var start = url.IndexOf("//", StringComparison.Ordinal);
        var slash = start < 0 ? -1 : url.IndexOf('/', start + 2);
        return slash < 0 ? url.Length : slash;
    }
}
