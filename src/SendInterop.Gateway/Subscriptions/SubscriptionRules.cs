using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// What a client's Subscription must be before it is stored, on every write path: a rest-hook to an endpoint configured
/// for the writer's organisation, criteria that are a plain search, a payload the gateway can send, and a writer whose
/// scopes let it search and read the criteria's type. The gateway then records who subscribed
/// (<see cref="SubscriptionGrant"/>) and sets the status: <c>requested</c> becomes <c>active</c>.
/// </summary>
public sealed class SubscriptionRules(SearchRequestParser parser, IOptions<SubscriptionOptions> options)
{
    public const string FhirJson = "application/fhir+json";
    private const int MaxHeaders = 10;
    private const int MaxHeaderLength = 1024;

    public void Apply(Subscription subscription, AccessSession access)
    {
        if (access.Requester is not { } requester) return; // the gateway's own writes (status changes) keep what they carry
        if (!SubscriptionCriteria.TryParse(subscription.Criteria, parser, out var criteria, out var error)) throw FhirException.Unprocessable(error);
        // The same scopes a search and read of the type would need (a 403 is audited like any scope refusal).
        access.RequireScope(criteria!.ResourceType, SmartPermissions.Search | SmartPermissions.Read);
        if (requester.Purpose == PurposesOfUse.Safeguarding)
            throw FhirException.Unprocessable("A subscription cannot be made for the safeguarding purpose: break-glass is time-boxed and cannot stand behind a subscription.");

        var channel = subscription.Channel ?? throw FhirException.Unprocessable("Subscription.channel is required.");
        if (channel.Type != Subscription.SubscriptionChannelType.RestHook)
            throw FhirException.Unprocessable("Only rest-hook subscriptions are supported (Subscription.channel.type = rest-hook).");
        CheckEndpoint(channel.Endpoint, requester.OrganisationId);
        if (!string.IsNullOrEmpty(channel.Payload) && channel.Payload != FhirJson)
            throw FhirException.Unprocessable($"Subscription.channel.payload must be empty (a notification without the resource) or {FhirJson}.");
        var headers = channel.Header.ToList();
        if (headers.Count > MaxHeaders || headers.Any(h => h is null || h.Length > MaxHeaderLength || !h.Contains(':') || h.Any(char.IsControl)))
            throw FhirException.Unprocessable($"Subscription.channel.header takes at most {MaxHeaders} 'Name: value' headers of up to {MaxHeaderLength} characters.");

        subscription.Status = subscription.Status switch
        {
            null or Subscription.SubscriptionStatus.Requested or Subscription.SubscriptionStatus.Active => Subscription.SubscriptionStatus.Active,
            Subscription.SubscriptionStatus.Off => Subscription.SubscriptionStatus.Off,
            _ => throw FhirException.Unprocessable("Subscription.status can be set to requested (or active) or off; error is set by the gateway."),
        };
        subscription.Error = null;
        SubscriptionGrant.Of(requester).WriteTo(subscription);
    }

    private void CheckEndpoint(string? endpoint, string organisation)
    {
        if (EndpointProblem(endpoint, organisation) is { } problem) throw FhirException.Unprocessable(problem);
    }

    /// <summary>
    /// Why <paramref name="endpoint"/> may not receive <paramref name="organisation"/>'s notifications, or null when it may.
    /// Asked again before every delivery round, so an endpoint taken out of the configuration receives nothing more once
    /// the gateway runs with the new configuration.
    /// </summary>
    public string? EndpointProblem(string? endpoint, string organisation)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
            return "Subscription.channel.endpoint must be an absolute URL without user information or fragment.";
        var secure = uri.Scheme == Uri.UriSchemeHttps
            || (uri.Scheme == Uri.UriSchemeHttp && options.Value.AllowHttpLoopback && IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));
        if (!secure) return "Subscription.channel.endpoint must be an https URL.";
        var allowed = options.Value.AllowedEndpoints.GetValueOrDefault(organisation) ?? [];
        // Compared on the parsed form, so "https://a.example@b.example" or a dot-segment cannot slip past a prefix.
        return allowed.Any(prefix => IsUnder(uri.AbsoluteUri, prefix))
            ? null
            : $"Subscription.channel.endpoint is not an endpoint registered for {organisation} (Subscriptions:AllowedEndpoints).";
    }

    /// <summary>
    /// Whether <paramref name="url"/> is <paramref name="prefix"/> or below it: a prefix ending mid-name
    /// ("https://cms.example") does not let "https://cms.example.attacker.net" through.
    /// </summary>
    internal static bool IsUnder(string url, string prefix)
    {
        if (prefix.Length == 0 || !url.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        if (url.Length == prefix.Length || prefix[^1] is '/' or ':' or '?') return true;
        return url[prefix.Length] is '/' or '?' or ':';
    }
}
