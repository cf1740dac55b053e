namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// Who is asking, for what purpose, as established from a validated access token (and an
/// <c>X-Purpose-Of-Use</c> header limited to the purposes the client may claim).
/// </summary>
/// <param name="ClientId">The registered client (the token's <c>sub</c>/<c>client_id</c>).</param>
/// <param name="OrganisationId">The client's organisation as an Organization id: <c>la-926</c>, <c>ods-RGN</c>, <c>school-123456</c>.</param>
/// <param name="Agency">One of <see cref="Agencies"/>.</param>
/// <param name="Role">The user's or system's role, when the token carries one (informational; recorded in the audit).</param>
/// <param name="Scopes">The granted SMART scopes.</param>
/// <param name="AllowedPurposes">Purposes the client may claim.</param>
/// <param name="Purpose">The purpose of this request (one of <see cref="AllowedPurposes"/>).</param>
/// <param name="PatientContext">For <c>patient/</c> scopes and subject access: the Patient id in context.</param>
/// <param name="BreakGlassReason">For <see cref="PurposesOfUse.Safeguarding"/>: the stated reason; null otherwise.</param>
/// <param name="BreakGlassUntil">When the break-glass time box closes; null if none is open.</param>
/// <param name="RegisteredClient">The token was issued by the gateway to a client of its registry.</param>
public sealed record Requester(
    string ClientId,
    string OrganisationId,
    string Agency,
    string? Role,
    ScopeSet Scopes,
    IReadOnlySet<string> AllowedPurposes,
    string Purpose,
    string? PatientContext = null,
    string? BreakGlassReason = null,
    DateTimeOffset? BreakGlassUntil = null,
    bool RegisteredClient = false)
{
    /// <summary>True when a break-glass reason is given and its time box is open at <paramref name="now"/>.</summary>
    public bool HasOpenBreakGlass(DateTimeOffset now) =>
        Purpose == PurposesOfUse.Safeguarding && !string.IsNullOrWhiteSpace(BreakGlassReason) && BreakGlassUntil is { } until && now < until;
}
