using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Puts chained criteria (<c>Observation?subject:Patient.name=Smith</c>) under the consent gate. Left to the database, a
/// chain joins through every Patient, so a requester could learn a hidden child's name, identifier or birth date from
/// which of its own Observations come back. Here each chain is resolved first: the targets matching the chained
/// criterion are decided one by one, as a search of the target type would decide them, and the chain becomes a plain
/// reference criterion on the permitted target ids (<c>subject:Patient=id1,id2,...</c>). Hidden targets do not exist for
/// it, so the outer search, its total and its pages behave as if they did not.
/// </summary>
/// <remarks>
/// Multi-level chains resolve from the innermost level outwards. Targets steer the search but are not disclosed, so
/// their decisions are not recorded for the audit (like counting a total). The limit applies to the permitted targets
/// only: a refusal that depended on how many hidden targets matched would itself reveal them.
/// </remarks>
public sealed class ChainedCriteriaGate(DisclosureGate gate, IResourceStore store, IOptions<AccessOptions> options)
{
    /// <summary>Access facts read per store round trip while the targets are decided.</summary>
    private const int Batch = 500;

    public int MaxTargets => Math.Max(1, options.Value.MaxChainTargets);

    /// <summary>Replaces every chained criterion of <paramref name="request"/> by its gated form (internal sessions see everything).</summary>
    public async Task ApplyAsync(AccessSession session, SearchRequest request, CancellationToken ct)
    {
        if (session.IsInternal) return;
        for (var i = 0; i < request.Criteria.Count; i++)
            if (request.Criteria[i].Chained is not null)
                request.Criteria[i] = await ResolveAsync(session, request.Criteria[i], ct);
    }

    private async Task<SearchCriterion> ResolveAsync(AccessSession session, SearchCriterion chain, CancellationToken ct)
    {
        var inner = chain.Chained!;
        if (inner.Chained is not null) inner = await ResolveAsync(session, inner, ct);
        var targetType = chain.ChainTargetType!;
        // A chain searches the target type: it needs the scope a search of that type needs (403 otherwise, as there).
        var grant = session.RequireScope(targetType, SmartPermissions.Search);
        var targets = new SearchRequest { ResourceType = targetType };
        targets.Criteria.Add(inner);

        var permitted = new List<string>();
        await foreach (var row in store.WalkAccessAsync(targets, Batch, ct))
        {
            if (!await gate.IsPermittedWithinScopeAsync(session, row, grant, ct)) continue;
            permitted.Add(row.ResourceId);
            if (permitted.Count > MaxTargets) throw TooWide(chain);
        }
        return new SearchCriterion(chain.Parameter, targetType, permitted);
    }

    private FhirException TooWide(SearchCriterion chain) => FhirException.BadRequest(
        $"The chained criterion '{Describe(chain)}' reaches more than {MaxTargets} {chain.ChainTargetType} resources; " +
        "narrow the chain (a more specific value, or an identifier) so that each chain reaches at most that many.",
        Hl7.Fhir.Model.OperationOutcome.IssueType.TooCostly);

    /// <summary>subject:Patient.general-practitioner:Practitioner.name, as the client wrote it (no value: it may be personal data).</summary>
    internal static string Describe(SearchCriterion c) =>
        c.Chained is null ? c.Parameter.Name : $"{c.Parameter.Name}:{c.ChainTargetType}.{Describe(c.Chained)}";
}
