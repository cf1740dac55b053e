using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// Resolves the search criteria of conditional create, update, delete and conditional references to the
/// matching resources. Criteria must be fully understood: a conditional write on a half-understood query
/// could overwrite the wrong child's record, so unknown parameters are an error here, never ignored.
/// Matches the requester may not see do not exist for it: a conditional write can neither find nor reveal them.
/// </summary>
public sealed class ConditionalResolver(SearchRequestParser parser, IResourceStore store, DisclosureGate gate, ChainedCriteriaGate chains)
{
    /// <summary>Access rows (no bodies) read per statement while looking for the permitted matches.</summary>
    private const int Batch = 200;

    public async Task<IReadOnlyList<ResourceRecord>> ResolveAsync(string type, string query, AccessSession access, CancellationToken ct) =>
        await ResolveAsync(type, FhirUrl.ParseQuery(query.TrimStart('?')), access, ct);

    /// <param name="wanted">
    /// How many matches the caller needs (2 by default: none, one, or "more than one" is all a conditional interaction
    /// decides on). A caller that filters the matches further itself asks for more.
    /// </param>
    public async Task<IReadOnlyList<ResourceRecord>> ResolveAsync(string type, IReadOnlyList<KeyValuePair<string, string>> query, AccessSession access,
        CancellationToken ct, int wanted = 2)
    {
        var request = parser.Parse(type, query);
        if (request.Problems.Count > 0 || request.Refusals.Count > 0)
            throw FhirException.BadRequest("The conditional criteria could not be used: " + string.Join(" ", request.Refusals.Concat(request.Problems)));
        if (request.Criteria.Count == 0)
            throw FhirException.BadRequest("A conditional interaction needs at least one search criterion (e.g. identifier=system|value).");
        // Only the criteria count: result parameters (_summary=count, a paging cursor, _sort) must not make a match
        // disappear, or a conditional create would duplicate and a conditional update would fork a record.
        request.Count = wanted;
        request.Summary = SummaryMode.None;
        request.Cursor = null;
        request.Sort.Clear();
        try
        {
            // A chain in the criteria matches only through targets the requester may see, as in a search.
            await chains.ApplyAsync(access, request, ct);
            if (access.IsInternal) return (await store.SearchAsync(request, ct)).Matches;
            return await PermittedMatchesAsync(request, access, wanted, ct);
        }
        catch (SendInterop.Storage.Search.SearchValueException ex)
        {
            throw FhirException.BadRequest(ex.Message);
        }
    }

    /// <summary>
    /// The first <paramref name="wanted"/> matches the requester may see, within the constraints of its read scope: every
    /// match is walked in key order (access facts only) until they are found, so no number of hidden matches can crowd
    /// out a visible one (50 fetched, then filtered, let 50 hidden matches turn a conditional create's 200 into a
    /// duplicate's 201). Only those are read and their decisions recorded.
    /// </summary>
    private async Task<IReadOnlyList<ResourceRecord>> PermittedMatchesAsync(SearchRequest request, AccessSession access, int wanted, CancellationToken ct)
    {
        var grant = access.ScopeFor(request.ResourceType, Domain.Access.SmartPermissions.Read);
        var results = new List<ResourceRecord>(wanted);
        await foreach (var row in store.WalkAccessAsync(request, Batch, ct))
        {
            if (!await gate.IsPermittedWithinScopeAsync(access, row, grant, ct)) continue;
            // Read and decided again (recorded); a match changed or hidden since its row was read is passed over.
            if (await store.ReadAsync(row.ResourceType, row.ResourceId, ct) is { IsDeleted: false } record && await gate.PermitsAsync(access, record, grant, ct))
                results.Add(record);
            if (results.Count == wanted) break;
        }
        return results;
    }
}
