using SendInterop.Domain.Access;
using SendInterop.Gateway.Security;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Dashboard;

/// <summary>
/// Who may read the dashboard's data: a token whose <see cref="SendClaims.Role"/> claim is <see cref="Value"/> and whose
/// scopes grant reading Measure (<c>system/Measure.rs</c>, <c>system/*.rs</c>, ...). The role is the organisation's
/// statement that this user or system commissions services: the dashboard shows area aggregates only (suppressed, no
/// child), but it is a commissioning tool, so caseworkers' and clinicians' tokens are refused even though the FHIR
/// <c>$evaluate-measure</c> operation itself would answer them.
/// </summary>
public static class CommissionerRole
{
    /// <summary>The value of the token's <c>role</c> claim that opens the dashboard API.</summary>
    public const string Value = "commissioner";

    /// <summary>Null when <paramref name="client"/> may read the dashboard's data, else why not (shown to the caller).</summary>
    public static string? Refusal(AuthenticatedClient? client)
    {
        if (client is null) return "The access token's claims cannot be used.";
        if (!string.Equals(client.Role, Value, StringComparison.Ordinal))
            return $"The dashboard needs an access token with role '{Value}' (this token's role is {(client.Role is null ? "not set" : "'" + client.Role + "'")}).";
        if (Security.Access.ScopeGrant.For(client.Scopes, "Measure", SmartPermissions.Read) is null)
            return "The dashboard needs a scope that grants reading Measure, e.g. system/Measure.rs.";
        return null;
    }
}
