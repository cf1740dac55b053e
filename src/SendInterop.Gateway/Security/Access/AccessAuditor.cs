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
        var groups = Group(decisions);
        // All groups are queued at once so they share one durable batch (one flush), not one commit each.
        if (groups.Count == 1) await sink.AppendAsync(RecordOf(groups[0], session, r, now), ct);
        else await Task.WhenAll(groups.Select(g => sink.AppendAsync(RecordOf(g, session, r, now), ct)));
        if (groups.Any(g => g.Key.BreakGlass))
        {
            BreakGlassUses.Add(1, new KeyValuePair<string, object?>("organisation", r.OrganisationId));
            LogBreakGlass(r.ClientId, r.OrganisationId, session.CorrelationId);
        }
    }

    private readonly record struct GroupKey(Verdict Verdict, string Rule, string? PolicyId, bool BreakGlass);

    /// <summary>The decisions of one group: the children and resources concerned, each once, in first-seen order.</summary>
    private sealed class DecisionGroup(GroupKey key)
    {
        private const int ScanLimit = 8;
        private HashSet<string>? _seenChildren, _seenEntities;

        public GroupKey Key { get; } = key;
        public List<string> Children { get; } = [];
        public List<string> Entities { get; } = [];

        public void AddChild(string child) => AddOnce(Children, ref _seenChildren, child);
        public void AddEntity(string entity) => AddOnce(Entities, ref _seenEntities, entity);

        /// <summary>A short list is scanned (a read has one item); a long one (a search page) gets a set.</summary>
        private static void AddOnce(List<string> list, ref HashSet<string>? seen, string value)
        {
            if (seen is null && list.Count < ScanLimit)
            {
                if (!list.Contains(value)) list.Add(value);
                return;
            }
            seen ??= new HashSet<string>(list, StringComparer.Ordinal);
            if (seen.Add(value)) list.Add(value);
        }
    }

    /// <summary>Groups by (verdict, rule, policy, break-glass) in one pass; a request has one or a few groups.</summary>
    private static List<DecisionGroup> Group(IReadOnlyList<RecordedDecision> decisions)
    {
        var groups = new List<DecisionGroup>(1);
        foreach (var d in decisions)
        {
            var key = new GroupKey(d.Decision.Verdict, d.Decision.Rule, d.Decision.PolicyId, d.Decision.BreakGlass);
            DecisionGroup? group = null;
            foreach (var g in groups)
                if (g.Key == key) { group = g; break; }
            if (group is null) groups.Add(group = new DecisionGroup(key));
            if (d.ChildId is { } child) group.AddChild(child);
            group.AddEntity(d.Entity);
        }
        return groups;
    }

    private static AuditRecord RecordOf(DecisionGroup g, AccessSession session, Requester r, DateTimeOffset now) => new(
        now, session.Action, session.Interaction,
        g.Key.Verdict == Verdict.Permit ? AuditDecision.Permit : AuditDecision.Deny,
        g.Key.Rule, g.Key.PolicyId,
        r.ClientId, r.OrganisationId, r.Agency, r.Role, r.Purpose,
        g.Children, g.Entities,
        session.CorrelationId,
        g.Key.BreakGlass, g.Key.BreakGlass ? r.BreakGlassReason : null,
        session.SourceAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Break-glass used by client {ClientId} of {Organisation} (correlation {CorrelationId}); the reason and the records are in the audit log")]
    private partial void LogBreakGlass(string clientId, string organisation, string correlationId);
}
