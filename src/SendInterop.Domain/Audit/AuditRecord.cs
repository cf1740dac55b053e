namespace SendInterop.Domain.Audit;

/// <summary>What happened, in the AuditEvent's action vocabulary.</summary>
public enum AuditAction
{
    /// <summary>C: create.</summary>
    Create,
    /// <summary>R: read, vread, history of one resource.</summary>
    Read,
    /// <summary>U: update, patch.</summary>
    Update,
    /// <summary>D: delete.</summary>
    Delete,
    /// <summary>E: search, batch, operation, token request, authentication.</summary>
    Execute,
}

/// <summary>The decision recorded. Authentication failures are <see cref="Deny"/> with no resource.</summary>
public enum AuditDecision { Permit, Deny }

/// <summary>
/// One audited decision, before it becomes an AuditEvent in the hash-chained log. Never carries a token, a
/// resource body or free text a client supplied other than the break-glass reason. Only ids and codes.
/// </summary>
/// <param name="Recorded">When the decision was made.</param>
/// <param name="Action">The interaction's action.</param>
/// <param name="Interaction">The FHIR interaction or event: read, vread, search-type, history-instance, create, update,
/// patch, delete, batch, transaction, operation, token, authenticate.</param>
/// <param name="Decision">Permit or deny.</param>
/// <param name="Rule">The rule that decided (a GateRules code, or e.g. "token-expired" for authentication).</param>
/// <param name="PolicyId">The Consent or agreement id that decided, when one did.</param>
/// <param name="ClientId">The client, when known (null for an unauthenticated attempt).</param>
/// <param name="OrganisationId">The requester's organisation, when known.</param>
/// <param name="Agency">The requester's agency, when known.</param>
/// <param name="Role">The requester's role, when known.</param>
/// <param name="Purpose">The purpose of use claimed, when known.</param>
/// <param name="ChildIds">The Patient ids whose data was disclosed (permit) or asked for (deny).</param>
/// <param name="Entities">The resources disclosed or refused, as Type/id (or Type/id/_history/v).</param>
/// <param name="CorrelationId">The request's correlation id (the HTTP trace identifier).</param>
/// <param name="BreakGlass">True when break-glass was used: reported.</param>
/// <param name="BreakGlassReason">The reason stated for break-glass.</param>
/// <param name="SourceAddress">The caller's network address.</param>
public sealed record AuditRecord(
    DateTimeOffset Recorded,
    AuditAction Action,
    string Interaction,
    AuditDecision Decision,
    string Rule,
    string? PolicyId,
    string? ClientId,
    string? OrganisationId,
    string? Agency,
    string? Role,
    string? Purpose,
    IReadOnlyList<string> ChildIds,
    IReadOnlyList<string> Entities,
    string? CorrelationId,
    bool BreakGlass = false,
    string? BreakGlassReason = null,
    string? SourceAddress = null);

/// <summary>
/// Where audited decisions go. <see cref="AppendAsync"/> completes when the record is safe from a crash of the
/// process: in the audit journal, or committed (batched with others, so many requests share one disk flush),
/// depending on the deployment (ADR 4). A response is not sent before its audit entry is safe.
/// </summary>
public interface IAuditSink
{
    Task AppendAsync(AuditRecord record, CancellationToken ct = default);
}
