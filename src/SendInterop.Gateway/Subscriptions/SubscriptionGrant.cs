using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Profiles;

namespace SendInterop.Gateway.Subscriptions;

/// <summary>
/// Who a subscription discloses to: the requester that created it (client, organisation, agency, role, scopes, the
/// purpose it stated), kept on the stored Subscription in an extension only the gateway writes. Every notification is
/// decided by the consent gate for this requester, as if it had read the resource itself with the same token.
/// </summary>
/// <param name="Registered">The client was in the gateway's client registry when it subscribed: each notification then
/// also needs the client's current registration to allow it (a revoked or narrowed client stops being notified).</param>
public sealed record SubscriptionGrant(string ClientId, string Organisation, string Agency, string? Role, string Scopes, string Purpose, string? PatientContext,
    bool Registered = false)
{
    public const string ExtensionUrl = SendCanonical.Base + "/StructureDefinition/subscription-grant";

    public static SubscriptionGrant Of(Requester r, bool registered) =>
        new(r.ClientId, r.OrganisationId, r.Agency, r.Role, r.Scopes.ToString(), r.Purpose, r.PatientContext, registered);

    /// <summary>The requester notifications are decided for: the stated purpose only, never break-glass.</summary>
    public Requester ToRequester() =>
        new(ClientId, Organisation, Agency, Role, SmartScopeParser.ParseMany(Scopes), new HashSet<string>(StringComparer.Ordinal) { Purpose }, Purpose, PatientContext);

    /// <summary>Replaces whatever grant the body carried with this one.</summary>
    public void WriteTo(Subscription subscription)
    {
        subscription.Extension.RemoveAll(e => e.Url == ExtensionUrl);
        var ext = new Extension { Url = ExtensionUrl };
        Add(ext, "client", ClientId);
        Add(ext, "organisation", Organisation);
        Add(ext, "agency", Agency);
        Add(ext, "role", Role);
        Add(ext, "scope", Scopes);
        Add(ext, "purpose", Purpose);
        Add(ext, "patient", PatientContext);
        if (Registered) Add(ext, "registered", "true");
        subscription.Extension.Add(ext);
    }

    /// <summary>The grant on a stored Subscription, or null when it has none (written by the gateway itself, or damaged).</summary>
    public static SubscriptionGrant? ReadFrom(Subscription subscription)
    {
        var ext = subscription.Extension.FirstOrDefault(e => e.Url == ExtensionUrl);
        if (ext is null) return null;
        string? Get(string name) => (ext.Extension.FirstOrDefault(e => e.Url == name)?.Value as FhirString)?.Value;
        var (client, organisation, agency, scope, purpose) = (Get("client"), Get("organisation"), Get("agency"), Get("scope"), Get("purpose"));
        if (client is null || organisation is null || agency is null || scope is null || purpose is null) return null;
        return new SubscriptionGrant(client, organisation, agency, Get("role"), scope, purpose, Get("patient"), Get("registered") == "true");
    }

    private static void Add(Extension parent, string name, string? value)
    {
        if (value is not null) parent.Extension.Add(new Extension(name, new FhirString(value)));
    }
}
