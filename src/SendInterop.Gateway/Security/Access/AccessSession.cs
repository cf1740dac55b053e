using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Audit;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Who is behind one HTTP request (or the gateway itself), and the gate's decisions made for it so far. Every FHIR
/// request carries one; Bundle entries share their Bundle's. The decisions become AuditEvents when the request ends.
/// </summary>
public sealed class AccessSession
{
    private readonly List<RecordedDecision> _decisions = [];
    private readonly Dictionary<string, ChildContext?> _children = new(StringComparer.Ordinal);
    private readonly Dictionary<long, GateDecision> _decided = [];

    private AccessSession(Requester? requester, string correlationId, string? sourceAddress)
    {
        Requester = requester;
        CorrelationId = correlationId;
        SourceAddress = sourceAddress;
    }

    /// <summary>A request from outside, authenticated as <paramref name="requester"/>.</summary>
    public static AccessSession For(Requester requester, string correlationId, string? sourceAddress = null) => new(requester, correlationId, sourceAddress);

    /// <summary>
    /// The gateway acting for itself (demo data, future adapters): no gate, no audit, ownership tags kept as supplied.
    /// Never built from an HTTP request.
    /// </summary>
    public static AccessSession Internal(string purpose) => new(null, "internal:" + purpose, null);

    public Requester? Requester { get; }
    public bool IsInternal => Requester is null;
    public string CorrelationId { get; }
    public string? SourceAddress { get; }

    /// <summary>The request's interaction, for the audit (read, search-type, batch...). Set once by the dispatcher.</summary>
    public string Interaction { get; set; } = "unknown";
    public AuditAction Action { get; set; } = AuditAction.Execute;

    /// <summary>Rule 1: the grant for this interaction on this type, or a 403 (audited) when no scope allows it.</summary>
    public ScopeGrant? RequireScope(string resourceType, SmartPermissions needed)
    {
        if (Requester is null) return null;
        var grant = ScopeGrant.For(Requester.Scopes, resourceType, needed);
        if (grant is not null) return grant;
        RecordScopeDenial(resourceType);
        throw new FhirException(403, Hl7.Fhir.Model.OperationOutcome.IssueType.Forbidden,
            $"The access token's scopes do not allow {Describe(needed)} on {resourceType}.");
    }

    /// <summary>The grant, or null when the scopes do not allow it (for optional parts such as _include).</summary>
    public ScopeGrant? ScopeFor(string resourceType, SmartPermissions needed) =>
        Requester is null ? new ScopeGrant(false, []) : ScopeGrant.For(Requester.Scopes, resourceType, needed);

    public void Record(GateDecision decision, ResourceFacts facts)
    {
        lock (_decisions) _decisions.Add(new RecordedDecision(decision, $"{facts.ResourceType}/{facts.ResourceId}", facts.ChildId));
    }

    private void RecordScopeDenial(string resourceType)
    {
        lock (_decisions) _decisions.Add(new RecordedDecision(new GateDecision(Verdict.Deny, GateRules.Scopes), resourceType, null));
    }

    /// <summary>Takes the decisions recorded so far (each is audited once).</summary>
    public IReadOnlyList<RecordedDecision> DrainDecisions()
    {
        lock (_decisions)
        {
            var copy = _decisions.ToList();
            _decisions.Clear();
            return copy;
        }
    }

    /// <summary>The gate's decision already made in this request for a stored version (by its row key).</summary>
    internal bool TryGetDecision(long key, out GateDecision decision)
    {
        lock (_decided) return _decided.TryGetValue(key, out decision!);
    }

    internal void RememberDecision(long key, GateDecision decision)
    {
        lock (_decided) _decided[key] = decision;
    }

    internal bool TryGetChild(string childId, out ChildContext? child)
    {
        lock (_children) return _children.TryGetValue(childId, out child);
    }

    internal void RememberChild(string childId, ChildContext? child)
    {
        lock (_children) _children[childId] = child;
    }

    private static string Describe(SmartPermissions p) => p switch
    {
        SmartPermissions.Create => "create",
        SmartPermissions.Read => "read",
        SmartPermissions.Update => "update",
        SmartPermissions.Delete => "delete",
        SmartPermissions.Search => "search",
        _ => p.ToString(),
    };
}

/// <summary>One decision of the gate within a request: the resource (Type/id) and the child it is about.</summary>
public sealed record RecordedDecision(GateDecision Decision, string Entity, string? ChildId);
