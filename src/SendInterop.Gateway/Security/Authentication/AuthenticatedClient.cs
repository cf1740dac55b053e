using System.Security.Claims;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The authenticated caller as the rest of the gateway sees it: the <see cref="SendClaims"/> of its access token,
/// checked and parsed once per request (<see cref="AuthenticatedClientExtensions.GetAuthenticatedClient"/>).
/// </summary>
/// <param name="ClientId">client_id (sub when client_id is absent).</param>
/// <param name="Organisation">org: an Organization id.</param>
/// <param name="Agency">agency: one of <see cref="Agencies.All"/>.</param>
/// <param name="Scopes">scope, parsed; never has errors.</param>
/// <param name="Purposes">purposes: each one of <see cref="PurposesOfUse.All"/>.</param>
/// <param name="Role">role, when present.</param>
/// <param name="Patient">patient, when present.</param>
/// <param name="Issuer">iss: the gateway's own issuer or a trusted external one.</param>
public sealed record AuthenticatedClient(
    string ClientId,
    string Organisation,
    string Agency,
    ScopeSet Scopes,
    IReadOnlySet<string> Purposes,
    string? Role,
    string? Patient,
    string? Issuer,
    bool RegisteredClient = false)
{
    /// <summary>Reads and checks the claims; null with the reason when they cannot be used.</summary>
    /// <summary>The longest client id the audit log stores.</summary>
    public const int MaxClientIdLength = 128;

    public static AuthenticatedClient? From(ClaimsPrincipal principal, out string problem)
    {
        problem = "";
        string? Claim(string type) => principal.FindFirst(type)?.Value;

        var clientId = Claim(SendClaims.ClientId) ?? Claim("sub");
        var organisation = Claim(SendClaims.Organisation);
        var agency = Claim(SendClaims.Agency);
        if (clientId is null || organisation is null || agency is null)
            return Fail("The access token lacks a required claim (client_id or sub, org, agency).", out problem);
        // The organisation becomes a resource's owner and an audit column: it must be an Organization id (as stored),
        // and the client id must fit the audit log, or an external issuer's odd claim would fail the request later.
        if (organisation.Length > 64 || !organisation.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
            return Fail("The access token's org claim is not an Organization id (1-64 of A-Z a-z 0-9 - .).", out problem);
        if (clientId.Length > MaxClientIdLength)
            return Fail($"The access token's client id is longer than {MaxClientIdLength} characters.", out problem);
        if (!Agencies.All.Contains(agency))
            return Fail($"The access token's agency claim is not one of {string.Join(", ", Agencies.All.Order(StringComparer.Ordinal))}.", out problem);
        if (principal.FindAll(SendClaims.Scope).Skip(1).Any())
            return Fail("The access token carries more than one scope claim.", out problem);

        var scopes = SmartScopeParser.ParseMany(Claim(SendClaims.Scope));
        if (scopes.HasErrors)
            return Fail("The access token's scope claim is malformed: " + string.Join("; ", scopes.Errors), out problem);
        if (scopes.ResourceScopes.Count == 0)
            return Fail("The access token grants no resource scope.", out problem);

        var purposes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var purpose in (Claim(SendClaims.Purposes) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!PurposesOfUse.All.Contains(purpose))
                return Fail($"The access token's purposes claim names an unknown purpose of use '{Truncate(purpose)}'.", out problem);
            purposes.Add(purpose);
        }

        return new AuthenticatedClient(clientId, organisation, agency, scopes, purposes, Claim(SendClaims.Role), Claim(SendClaims.Patient), Claim("iss"),
            string.Equals(Claim(SendClaims.RegisteredClient), "true", StringComparison.OrdinalIgnoreCase));
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    private static AuthenticatedClient? Fail(string message, out string problem)
    {
        problem = message;
        return null;
    }
}

public static class AuthenticatedClientExtensions
{
    private static readonly object ItemKey = new();

    /// <summary>
    /// The request's authenticated client, parsed once and kept for the rest of the request; null when the request is
    /// not authenticated or its claims are unusable (the FHIR routes refuse such requests before any handler runs).
    /// </summary>
    public static AuthenticatedClient? GetAuthenticatedClient(this HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var cached)) return cached as AuthenticatedClient;
        var client = context.User.Identity?.IsAuthenticated == true ? AuthenticatedClient.From(context.User, out _) : null;
        context.Items[ItemKey] = client;
        return client;
    }

    internal static void SetAuthenticatedClient(this HttpContext context, AuthenticatedClient? client) => context.Items[ItemKey] = client;
}
