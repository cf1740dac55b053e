using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Identity;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// The <c>linked-identifier</c> search parameter on Patient: <c>Patient?linked-identifier=[system]|value</c> finds the
/// Patients holding that identifier and every other Patient record linked to the same master identity, so a UPN finds
/// the child's NHS record too.
/// </summary>
/// <remarks>
/// A parameter of its own rather than widening <c>identifier</c>: a FHIR search result must meet its criteria, and
/// conditional create/update (<c>PUT Patient?identifier=...</c>) depend on <c>identifier</c> matching exactly one record
/// (widened, the child's other records would turn an upsert into a 412). Master-index servers do the same: HAPI's MDM
/// expands only when asked (the <c>:mdm</c> qualifier, <c>_mdm=true</c>). The expansion becomes an <c>_id</c> criterion
/// for the ordinary search, so every record still passes the consent gate, is paged and counted like any match; the
/// links in the Bundle keep the caller's own query, so no hidden record's id appears in them. Repeated parameters are
/// ANDed, comma-separated values ORed, as for any token parameter. Only the records holding the identifier that the
/// requester may see (through the gate) seed the expansion: a hidden record's identifier must not find the child's
/// visible records, or the search would tell the requester what identifiers the hidden record holds.
/// </remarks>
public sealed class LinkedIdentifierSearch(SearchRequestParser parser, IResourceStore store, MasterIndexStore links, MasterChildIndex index, DisclosureGate gate)
{
    public const string Name = "linked-identifier";

    /// <summary>Records of one child are few; a value matching more than this is refused rather than half answered.</summary>
    public const int MaxRecords = 500;

    /// <summary>Access rows read per statement while deciding the holders of an identifier.</summary>
    private const int Batch = 500;

    /// <summary>
    /// The query with <c>linked-identifier</c> replaced by <c>_id=...</c>; <c>null</c> ids when the query has no such
    /// parameter; an empty id list when nothing matches.
    /// </summary>
    public async Task<(IReadOnlyList<KeyValuePair<string, string>> Query, IReadOnlyList<string>? Ids)> ExpandAsync(
        string type, IReadOnlyList<KeyValuePair<string, string>> query, AccessSession access, ScopeGrant? grant, CancellationToken ct)
    {
        if (type != "Patient" || !query.Any(kv => IsOurs(kv.Key))) return (query, null);
        if (query.FirstOrDefault(kv => IsOurs(kv.Key) && kv.Key != Name) is { Key: { } modified })
            throw FhirException.BadRequest($"'{modified}': {Name} takes no modifier.");
        HashSet<string>? ids = null;
        foreach (var (_, value) in query.Where(kv => kv.Key == Name))
        {
            if (string.IsNullOrWhiteSpace(value)) throw FhirException.BadRequest($"{Name} needs a value: [system]|value.");
            var these = await ExpandOneAsync(value, access, grant, ct);
            if (ids is null) ids = these;
            else ids.IntersectWith(these);
        }
        var rest = query.Where(kv => !IsOurs(kv.Key)).ToList();
        var list = ids!.Order(StringComparer.Ordinal).ToList();
        if (list.Count > 0) rest.Add(new("_id", string.Join(',', list)));
        return (rest, list);
    }

    private static bool IsOurs(string key) => key == Name || key.StartsWith(Name + ":", StringComparison.Ordinal);

    /// <summary>
    /// The Patients holding the identifier (any of the comma-separated values) and the records of their masters, as far as
    /// the requester may see them. Every holder is decided (in key order, access facts only), and the limit counts visible
    /// records only: a cap before the gate let hidden holders crowd visible ones out, and a count of all members made the
    /// 422 say how many hidden records a child has. Not recorded here: the search these ids feed decides (and records)
    /// each again.
    /// </summary>
    private async Task<HashSet<string>> ExpandOneAsync(string value, AccessSession access, ScopeGrant? grant, CancellationToken ct)
    {
        var request = parser.Parse("Patient", [new("identifier", value)]);
        if (request.Problems.Count > 0) throw FhirException.BadRequest(string.Join(" ", request.Problems));
        var direct = new List<string>();
        try
        {
            await foreach (var row in store.WalkAccessAsync(request, Batch, ct))
            {
                if (!await gate.IsPermittedWithinScopeAsync(access, row, grant, ct)) continue;
                direct.Add(row.ResourceId);
                if (direct.Count > MaxRecords) throw TooMany();
            }
        }
        catch (Storage.Search.SearchValueException ex)
        {
            throw FhirException.BadRequest(ex.Message);
        }
        var found = new HashSet<string>(direct, StringComparer.Ordinal);
        await foreach (var record in VisibleMembersAsync(direct, found, access, grant, TooMany, ct)) { }
        return found;
    }

    /// <summary>
    /// The other current Patient records of the master identities of <paramref name="patientIds"/> that the requester may
    /// see, each once; <paramref name="found"/> holds what is already known (skipped) and gains each record given. More
    /// than <see cref="MaxRecords"/> in <paramref name="found"/> (visible records only: a count of all members would say
    /// how many hidden records a child has) throws <paramref name="tooMany"/>. Not recorded: the caller decides (and
    /// records) what it discloses. Shared by linked-identifier and <c>Patient/{id}/$everything?linked=true</c>.
    /// </summary>
    public async IAsyncEnumerable<Storage.Model.ResourceRecord> VisibleMembersAsync(IReadOnlyCollection<string> patientIds, HashSet<string> found,
        AccessSession access, ScopeGrant? grant, Func<FhirException> tooMany, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await index.EnsureReconciledAsync(ct);
        var masters = (await links.GetManyAsync(patientIds, ct)).Select(l => l.MasterId).Distinct(StringComparer.Ordinal).ToList();
        foreach (var member in (await links.MembersAsync(masters, ct)).Select(m => m.PatientId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (found.Contains(member)) continue;
            if (await store.ReadAsync("Patient", member, ct) is { IsDeleted: false } record
                && await gate.IsPermittedWithinScopeAsync(access, record, grant, ct))
            {
                found.Add(member);
                if (found.Count > MaxRecords) throw tooMany();
                yield return record;
            }
        }
    }

    private static FhirException TooMany() => new(422, Hl7.Fhir.Model.OperationOutcome.IssueType.TooCostly,
        $"{Name} matched more than {MaxRecords} records; give the identifier's system (system|value).");
}
