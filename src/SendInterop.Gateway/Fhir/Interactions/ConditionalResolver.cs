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
public sealed class ConditionalResolver(SearchRequestParser parser, IResourceStore store, DisclosureGate gate)
{
    /// <summary>Matches fetched before the gate filters them, so hidden ones cannot crowd out a visible second match.</summary>
    private const int GatedFetch = 50;

    public async Task<IReadOnlyList<ResourceRecord>> ResolveAsync(string type, string query, AccessSession access, CancellationToken ct) =>
        await ResolveAsync(type, FhirUrl.ParseQuery(query.TrimStart('?')), access, ct);

    public async Task<IReadOnlyList<ResourceRecord>> ResolveAsync(string type, IReadOnlyList<KeyValuePair<string, string>> query, AccessSession access, CancellationToken ct)
    {
        var request = parser.Parse(type, query);
        if (request.Problems.Count > 0)
            throw FhirException.BadRequest("The conditional criteria could not be used: " + string.Join(" ", request.Problems));
        if (request.Criteria.Count == 0)
            throw FhirException.BadRequest("A conditional interaction needs at least one search criterion (e.g. identifier=system|value).");
        // Only the criteria count: result parameters (_summary=count, a paging cursor, _sort) must not make a match
        // disappear, or a conditional create would duplicate and a conditional update would fork a record.
        request.Count = access.IsInternal ? 2 : GatedFetch;
        request.Summary = SummaryMode.None;
        request.Cursor = null;
        request.Sort.Clear();
        try
        {
            var matches = (await store.SearchAsync(request, ct)).Matches;
            return access.IsInternal ? matches : await gate.FilterAsync(access, matches, access.ScopeFor(type, Domain.Access.SmartPermissions.Read), ct);
        }
        catch (SendInterop.Storage.Search.SearchValueException ex)
        {
            throw FhirException.BadRequest(ex.Message);
        }
    }
}
