using SendInterop.Domain.Audit;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// One audit entry per imported record: which child's records the caller created, changed or deleted. A conditional write
/// that found its match is also audited through the gate's decisions; a plain create has no decision to record, so this
/// entry is what says who wrote it. The same entry whichever way the record was imported (on its own or in a batch).
/// </summary>
public sealed class Sen2ImportAudit(IAuditSink audit, TimeProvider clock)
{
    /// <summary>Audit rule code of an imported record's entry (AuditEvent.outcomeDesc).</summary>
    public const string Rule = "sen2-import";

    public Task RecordAsync(AccessSession access, IReadOnlyList<Sen2WrittenResource> written, string? childId)
    {
        if (written.Count == 0 || access.Requester is not { } r) return Task.CompletedTask;
        IReadOnlyList<string> patientIds = childId is null ? [] : [childId];
        var action = written.All(w => w.Created) ? AuditAction.Create : written.All(w => w.Deleted) ? AuditAction.Delete : AuditAction.Update;
        return audit.AppendAsync(new AuditRecord(
            clock.GetUtcNow(), action, "sen2-import", AuditDecision.Permit, Rule, null,
            r.ClientId, r.OrganisationId, r.Agency, r.Role, r.Purpose,
            patientIds, written.Select(w => w.VersionedReference).ToList(),
            access.CorrelationId, SourceAddress: access.SourceAddress), CancellationToken.None);
    }
}
