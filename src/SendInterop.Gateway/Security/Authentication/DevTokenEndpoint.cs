using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.DemoData;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// <c>POST /auth/dev-token</c>, mapped in the Development environment only: a token for one of the demo
/// organisations without a client assertion, so an integrator can try the API in Swagger UI at once. The response
/// says so in <see cref="Header"/> and a warning member, and every token it mints is audited.
/// </summary>
public static class DevTokenEndpoint
{
    public const string Header = "X-SendInterop-Dev-Token";
    public const string HeaderValue = "not-for-production";
    public const string DefaultScope = "system/*.cruds";

    /// <summary>The demo organisations and their agencies (a local authority may also act for social care).</summary>
    public static IReadOnlyDictionary<string, string> DemoOrganisations { get; } =
        DemoDirectory.LocalAuthorities.Select(l => (l.Id, Agencies.Education))
            .Concat(DemoDirectory.Trusts.Select(t => (t.Id, Agencies.Health)))
            .Concat(DemoDirectory.Settings.Select(s => (s.Id, Agencies.Education)))
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);

    /// <summary>Every purpose except commissioning (aggregates only).</summary>
    public static IReadOnlyList<string> DefaultPurposes { get; } =
        [PurposesOfUse.DirectCare, PurposesOfUse.EhcAssessment, PurposesOfUse.EhcReview, PurposesOfUse.Safeguarding, PurposesOfUse.SubjectAccess];

    public static async Task<IResult> HandleAsync(HttpContext context, AccessTokenIssuer issuer, AuthAudit audit,
        string? organisation = null, string? agency = null, string? scope = null, string? purposes = null, string? role = null, string? patient = null)
    {
        context.Response.Headers[Header] = HeaderValue;
        // Optional to the binder, required here: a missing parameter is the client's 400, not a binding exception.
        if (organisation is null || !DemoOrganisations.TryGetValue(organisation, out var defaultAgency))
            return Problem($"organisation must be a demo organisation: {string.Join(", ", DemoOrganisations.Keys)}.");
        agency ??= defaultAgency;
        var allowedAgencies = organisation.StartsWith("la-", StringComparison.Ordinal) ? new[] { Agencies.Education, Agencies.SocialCare } : [defaultAgency];
        if (!allowedAgencies.Contains(agency)) return Problem($"agency for {organisation} must be {string.Join(" or ", allowedAgencies)}.");

        scope ??= DefaultScope;
        var parsed = SmartScopeParser.ParseMany(scope);
        if (parsed.HasErrors || parsed.ResourceScopes.Count == 0) return Problem("scope: " + (parsed.HasErrors ? string.Join("; ", parsed.Errors) : "no resource scope"));
        var purposeList = purposes is null ? DefaultPurposes : purposes.Split(' ', ',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (purposeList.FirstOrDefault(p => !PurposesOfUse.All.Contains(p)) is { } unknown)
            return Problem($"purpose '{unknown}' is not one of {string.Join(", ", PurposesOfUse.All)}.");

        var claims = new AccessTokenClaims("dev-" + organisation, organisation, agency, parsed.ToString(), purposeList.Distinct().ToList(), role, patient);
        var token = issuer.Issue(claims, GatewayUrls.RequestBase(context.Request));
        await audit.DevTokenAsync(context, claims);
        await TokenEndpoint.WriteTokenAsync(context, token, "Development only: a test token issued without client authentication. Not for production.");
        return Results.Empty;
    }

    private static IResult Problem(string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = description }, statusCode: 400);
}
