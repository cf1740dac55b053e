using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// Who a subscription discloses to (<see cref="StandingGrant"/>), kept on the stored Subscription in an extension only
/// the gateway writes. Every notification is decided by the consent gate for this requester, as if it had read the
/// resource itself with the same token.
/// </summary>
public static class SubscriptionGrant
{
    public const string ExtensionUrl = SendCanonical.Base + "/StructureDefinition/subscription-grant";

    /// <summary>Replaces whatever grant the body carried with this one.</summary>
    public static void WriteTo(this StandingGrant grant, Subscription subscription)
    {
        subscription.Extension.RemoveAll(e => e.Url == ExtensionUrl);
        var ext = new Extension { Url = ExtensionUrl };
        Add(ext, "client", grant.ClientId);
        Add(ext, "organisation", grant.Organisation);
        Add(ext, "agency", grant.Agency);
        Add(ext, "role", grant.Role);
        Add(ext, "scope", grant.Scopes);
        Add(ext, "purpose", grant.Purpose);
        Add(ext, "patient", grant.PatientContext);
        if (grant.Registered) Add(ext, "registered", "true");
        subscription.Extension.Add(ext);
    }

    /// <summary>The grant on a stored Subscription, or null when it has none (written by the gateway itself, or damaged).</summary>
    public static StandingGrant? ReadFrom(Subscription subscription)
    {
        var ext = subscription.Extension.FirstOrDefault(e => e.Url == ExtensionUrl);
        if (ext is null) return null;
        string? Get(string name) => (ext.Extension.FirstOrDefault(e => e.Url == name)?.Value as FhirString)?.Value;
        var (client, organisation, agency, scope, purpose) = (Get("client"), Get("organisation"), Get("agency"), Get("scope"), Get("purpose"));
        if (client is null || organisation is null || agency is null || scope is null || purpose is null) return null;
        return new StandingGrant(client, organisation, agency, Get("role"), scope, purpose, Get("patient"), Get("registered") == "true");
    }

    private static void Add(Extension parent, string name, string? value)
    {
        if (value is not null) parent.Extension.Add(new Extension(name, new FhirString(value)));
    }
}
