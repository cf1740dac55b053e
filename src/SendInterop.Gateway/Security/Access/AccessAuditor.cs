using System.Diagnostics.Metrics;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Turns a request's recorded decisions into audit records: one per (decision, rule, policy, break-glass) group, each
/// listing the resources and children concerned. Awaited before the response is written, so nothing is disclosed
/// without its audit entry being durable. Break-glass is never silent: besides its AuditEvents (searchable with
/// <c>AuditEvent?break-glass=true</c>) it is counted in a metric and logged as a warning (ids of client and
/// organisation only, no personal data).
/// </summary>
public sealed partial class AccessAuditor(IAuditSink sink, TimeProvider clock, ILogger<AccessAuditor> logger)
{
    private static readonly Meter Meter = new("SendInterop.Access");
    private static readonly Counter<long> BreakGlassUses = Meter.CreateCounter<long>("sendinterop.access.break_glass", "{request}", "Requests that used break-glass");

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
        if (decisions.Any(d => d.Decision.BreakGlass))
        {
            BreakGlassUses.Add(1, new KeyValuePair<string, object?>("organisation", r.OrganisationId));
            LogBreakGlass(r.ClientId, r.OrganisationId, session.CorrelationId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Break-glass used by client {ClientId} of {Organisation} (correlation {CorrelationId}); the reason and the records are in the audit log")]
    private partial void LogBreakGlass(string clientId, string organisation, string correlationId);
}
