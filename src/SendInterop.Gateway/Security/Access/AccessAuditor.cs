using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Turns a request's recorded decisions into audit records: one per (decision, rule, policy, break-glass) group, each
/// listing the resources and children concerned. Awaited before the response is written, so nothing is disclosed
/// without its audit entry being durable.
/// </summary>
public sealed class AccessAuditor(IAuditSink sink, TimeProvider clock)
{
    public async Task FlushAsync(AccessSession session, CancellationToken ct)
    {
        if (session.IsInternal) return;
        var decisions = session.DrainDecisions();
        if (decisions.Count == 0) return;
        var r = session.Requester!;
        var now = clock.GetUtcNow();
        // All groups are queued at once so they share one durable batch (one flush), not one commit each.
        var appends = new List<Task>();
        foreach (var group in decisions.GroupBy(d => (d.Decision.Verdict, d.Decision.Rule, d.Decision.PolicyId, d.Decision.BreakGlass)))
        {
            var items = group.ToList();
            appends.Add(sink.AppendAsync(new AuditRecord(
                now, session.Action, session.Interaction,
                group.Key.Verdict == Verdict.Permit ? AuditDecision.Permit : AuditDecision.Deny,
                group.Key.Rule, group.Key.PolicyId,
                r.ClientId, r.OrganisationId, r.Agency, r.Role, r.Purpose,
                items.Select(d => d.ChildId).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
                items.Select(d => d.Entity).Distinct(StringComparer.Ordinal).ToList(),
                session.CorrelationId,
                group.Key.BreakGlass, group.Key.BreakGlass ? r.BreakGlassReason : null,
                session.SourceAddress), ct));
        }
        await Task.WhenAll(appends);
    }
}
