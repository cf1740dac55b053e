using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// The one enforcement point: every resource the gateway is about to disclose (a read, each search match and include,
/// each history entry, each batch result) passes through here, is decided by the consent gate, and the decision is
/// recorded in the request's session for the audit. A withheld resource is simply not there.
/// </summary>
public sealed class DisclosureGate(
    IConsentGate gate,
    AccessFactsCodec codec,
    ChildContextProvider children,
    IOptions<AccessOptions> options,
    IResourceStore store,
    Domain.Search.SearchRequestParser parser,
    TimeProvider clock)
{
    private readonly SharingAgreements _agreements = options.Value.ToAgreements();

    public int HiddenReadStatus => options.Value.HiddenReadStatus == 403 ? 403 : 404;

    /// <summary>Whether the requester may see this version; the decision is recorded for the audit.</summary>
    public async Task<bool> PermitsAsync(AccessSession session, ResourceRecord record, ScopeGrant? grant, CancellationToken ct)
    {
        if (session.IsInternal) return true;
        var facts = codec.Decode(record.ResourceType, record.ResourceId, record.Access);
        var decision = await DecideAsync(session, facts, grant, ct, record.Key);
        session.Record(decision, facts);
        return decision.Permitted;
    }

    /// <summary>
    /// Rule 1 for one stored version, then the gate: a version outside the constraints of every granting scope
    /// (<c>?category=...</c>) is refused as a scope decision; otherwise the gate decides. Either way it is recorded, so
    /// the audit says why the resource was withheld.
    /// </summary>
    public async Task<bool> PermitsWithinScopeAsync(AccessSession session, ResourceRecord record, ScopeGrant? grant, CancellationToken ct)
    {
        if (session.IsInternal) return true;
        if (grant is { Unconstrained: false } && !await MatchesScopeConstraintsAsync(record.ResourceType, record.ResourceId, grant, ct))
        {
            session.Record(ScopeDeny, codec.Decode(record.ResourceType, record.ResourceId, record.Access));
            return false;
        }
        return await PermitsAsync(session, record, grant, ct);
    }

    /// <summary>
    /// Whether a resource meets the <c>?param=value</c> constraints of at least one granting scope, asked of the store
    /// with the same search semantics the constraint has in a search.
    /// </summary>
    public async Task<bool> MatchesScopeConstraintsAsync(string type, string id, ScopeGrant grant, CancellationToken ct)
    {
        foreach (var set in grant.ConstraintSets)
        {
            var query = set.Select(c => new KeyValuePair<string, string>(c.Parameter, c.Value)).Append(new("_id", id)).ToList();
            var request = parser.Parse(type, query);
            if (request.Problems.Count > 0 || request.Refusals.Count > 0) continue; // a constraint we cannot evaluate grants nothing
            request.Count = 1;
            try
            {
                if ((await store.SearchAsync(request, ct)).Matches.Count > 0) return true;
            }
            catch (SendInterop.Storage.Search.SearchValueException)
            {
                // A value the parser took but the store cannot search by (birthdate=2026-13-45, an approximate date out
                // of range): like a constraint that cannot be evaluated, it grants nothing (it was a 500 on reads).
            }
        }
        return false;
    }

    /// <summary>
    /// Records that a stored resource was withheld because the token's scopes do not reach its type (an optional part of
    /// an answer, such as a $everything entry, is left out rather than refused with 403, but the decision is still audited).
    /// </summary>
    public void RecordOutOfScope(AccessSession session, ResourceRecord record)
    {
        if (!session.IsInternal) session.Record(ScopeDeny, codec.Decode(record.ResourceType, record.ResourceId, record.Access));
    }

    /// <summary>Whether the requester may see this version, without recording it (a look-ahead that discloses nothing).</summary>
    public async Task<bool> IsPermittedAsync(AccessSession session, ResourceRecord record, ScopeGrant? grant, CancellationToken ct) =>
        session.IsInternal || (await DecideAsync(session, codec.Decode(record.ResourceType, record.ResourceId, record.Access), grant, ct, record.Key)).Permitted;

    /// <summary>Whether the requester may see a resource described by <paramref name="facts"/> (not stored as a row: AuditEvents).</summary>
    public async Task<bool> PermitsFactsAsync(AccessSession session, ResourceFacts facts, ScopeGrant? grant, CancellationToken ct)
    {
        if (session.IsInternal) return true;
        var decision = await DecideAsync(session, facts, grant, ct);
        session.Record(decision, facts);
        return decision.Permitted;
    }

    /// <summary>The records the requester may see, in their order; every decision is recorded.</summary>
    public async Task<List<ResourceRecord>> FilterAsync(AccessSession session, IReadOnlyList<ResourceRecord> records, ScopeGrant? grant, CancellationToken ct)
    {
        var permitted = new List<ResourceRecord>(records.Count);
        foreach (var r in records)
            if (await PermitsAsync(session, r, grant, ct)) permitted.Add(r);
        return permitted;
    }

    /// <summary>
    /// How many of these matches the requester may see (for Bundle.total). Not recorded: counting discloses no
    /// resource, and the ones actually returned are decided (and audited) again when the page is built.
    /// </summary>
    public async Task<int> CountPermittedAsync(AccessSession session, IReadOnlyList<AccessRow> rows, ScopeGrant? grant, CancellationToken ct)
    {
        if (session.IsInternal) return rows.Count;
        var n = 0;
        foreach (var row in rows)
        {
            var facts = codec.Decode(row.ResourceType, row.ResourceId, row.Access);
            if ((await DecideAsync(session, facts, grant, ct, row.Key)).Permitted) n++;
        }
        return n;
    }

    /// <summary>
    /// Whether the requester may see the match described by <paramref name="row"/> (no body read), within the constraints
    /// of <paramref name="grant"/>. Not recorded: used where a resource steers a search without being disclosed (the
    /// targets of a chained criterion).
    /// </summary>
    public async Task<bool> IsPermittedWithinScopeAsync(AccessSession session, AccessRow row, ScopeGrant? grant, CancellationToken ct)
    {
        if (session.IsInternal) return true;
        if (grant is { Unconstrained: false } && !await MatchesScopeConstraintsAsync(row.ResourceType, row.ResourceId, grant, ct)) return false;
        return (await DecideAsync(session, codec.Decode(row.ResourceType, row.ResourceId, row.Access), grant, ct, row.Key)).Permitted;
    }

    /// <summary><see cref="IsPermittedWithinScopeAsync(AccessSession, AccessRow, ScopeGrant?, CancellationToken)"/> for a stored version.</summary>
    public Task<bool> IsPermittedWithinScopeAsync(AccessSession session, ResourceRecord record, ScopeGrant? grant, CancellationToken ct) =>
        IsPermittedWithinScopeAsync(session, new AccessRow(record.Key, record.ResourceType, record.ResourceId, record.Owner, record.Access), grant, ct);

    /// <summary>
    /// Whether the requester may learn that this stored resource exists (referential integrity on its writes): when the
    /// gate would let it read the resource, whatever its scopes, or when a Tier 1 agreement joins its organisation and the
    /// owner for the request's purpose. Partners in one agreement write about each other's children (advice about the
    /// LA's child, a plan naming the school), so between them the existence of a referenced id is no secret; to anyone
    /// else a hidden resource does not exist. Not recorded: nothing of the resource is disclosed.
    /// </summary>
    public async Task<bool> MayKnowExistsAsync(AccessSession session, AccessRow row, CancellationToken ct)
    {
        if (session.IsInternal) return true;
        var facts = codec.Decode(row.ResourceType, row.ResourceId, row.Access);
        if (_agreements.Tier1Covers(session.Requester!.OrganisationId, facts.OwnerOrganisation, session.Requester.Purpose)) return true;
        return (await DecideAsync(session, facts, grant: null, ct, row.Key)).Permitted;
    }

    /// <summary>
    /// Whether gateway-made data owned by <paramref name="organisation"/> may name a record <paramref name="owner"/> holds
    /// (an identity review Task naming the existing record a new one resembles): its own records, or a Tier 1 partner's
    /// for direct care, the partners for whom a child's existence is no secret (as in <see cref="MayKnowExistsAsync"/>).
    /// No requester is involved, so nothing is decided for the audit: the data named is disclosed later, through the gate.
    /// </summary>
    public bool OrganisationMayKnowOf(string organisation, string? owner) =>
        owner == organisation || _agreements.Tier1Covers(organisation, owner, PurposesOfUse.DirectCare);

    /// <summary>A scope refusal of one resource (patient context or constraint not met).</summary>
    private static readonly GateDecision ScopeDeny = new(Verdict.Deny, GateRules.Scopes);

    /// <param name="rowKey">The stored version's row key, when there is one: a search decides each match once even
    /// though it is met twice (counting the total, then building the page).</param>
    private async ValueTask<GateDecision> DecideAsync(AccessSession session, ResourceFacts facts, ScopeGrant? grant, CancellationToken ct, long? rowKey = null)
    {
        var requester = session.Requester!;
        // Rule 1, per resource: patient/ scopes reach only the patient in context.
        if (grant is { PatientOnly: true } && (facts.ChildId is null || facts.ChildId != requester.PatientContext))
            return ScopeDeny;
        if (rowKey is { } known && session.TryGetDecision(known, out var decided)) return decided;
        var child = NeedsChild(requester, facts) && facts.ChildId is { } childId ? await ChildAsync(session, childId, ct) : null;
        var decision = gate.Decide(requester, facts, child, _agreements, clock.GetUtcNow());
        if (rowKey is { } key) session.RememberDecision(key, decision);
        return decision;
    }

    /// <summary>
    /// Whether the decision can depend on the child's consents or open processes. Only an optimisation: when it
    /// says no wrongly, the gate gets no child and answers with less disclosure, never more.
    /// </summary>
    private static bool NeedsChild(Requester r, ResourceFacts f) =>
        r.Purpose is not (PurposesOfUse.Commissioning or PurposesOfUse.SubjectAccess or PurposesOfUse.Safeguarding)
        && f.DataClass != DataClasses.Directory
        && !string.Equals(f.OwnerOrganisation, r.OrganisationId, StringComparison.Ordinal);

    private async ValueTask<ChildContext?> ChildAsync(AccessSession session, string childId, CancellationToken ct)
    {
        if (session.TryGetChild(childId, out var known)) return known;
        var loaded = await children.GetAsync(childId, ct);
        session.RememberChild(childId, loaded);
        return loaded;
    }
}
