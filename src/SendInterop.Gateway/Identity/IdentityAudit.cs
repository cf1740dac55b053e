using SendInterop.Domain.Audit;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// Audits what a person did to the master child index (merge, unmerge, a review decision) through the same hash-chained
/// audit sink as the consent gate's decisions: who (client, organisation), what (the rule code names the change), which
/// children and records. Ids and codes only, never demographics. Awaited, so the change is not reported done before
/// its audit entry is durable.
/// </summary>
public sealed class IdentityAudit(IAuditSink sink, TimeProvider clock)
{
    /// <summary>Rule codes of the audit entries (AuditEvent.outcomeDesc and the rule extension).</summary>
    public const string MergeRule = "identity-merge", UnmergeRule = "identity-unmerge", ReviewLinkRule = "identity-review-link", ReviewNotLinkRule = "identity-review-not-link";

    public Task RecordAsync(AccessSession session, string interaction, string rule, IReadOnlyList<string> patientIds, IReadOnlyList<string> entities, CancellationToken ct)
    {
        var r = session.Requester;
        return sink.AppendAsync(new AuditRecord(
            clock.GetUtcNow(), AuditAction.Update, interaction, AuditDecision.Permit, rule, null,
            r?.ClientId, r?.OrganisationId, r?.Agency, r?.Role, r?.Purpose,
            patientIds.Distinct(StringComparer.Ordinal).ToList(), entities.Distinct(StringComparer.Ordinal).ToList(),
            session.CorrelationId, SourceAddress: session.SourceAddress), ct);
    }
}
