using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Search;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Sen2;

/// <summary>A person that could not be put in the return, by Patient id, with why (element names, never values).</summary>
public sealed record Sen2UnmappedChild(string PatientReference, IReadOnlyList<string> Problems);

/// <summary>The persons of an export and the children that could not be mapped.</summary>
public sealed record Sen2ExportContent(IReadOnlyList<Sen2Person> Persons, IReadOnlyList<Sen2UnmappedChild> Unmapped);

/// <summary>
/// Gathers an LA's SEN2 return from the record, as the caller: every resource that carries this LA's SEN2 record key
/// (ServiceRequest, CarePlan, Condition, Encounter), grouped by child, plus each child's Patient, each one passed through the
/// <see cref="DisclosureGate"/> (and so audited) before it is used. A resource the gate withholds is not in the return; a child
/// whose records cannot make a SEN2 person is listed in <see cref="Sen2ExportContent.Unmapped"/>, never dropped silently.
/// </summary>
/// <remarks>
/// One pass per type over the record-key index, a page at a time; a resource of another LA is skipped before the gate (it is not
/// going to be disclosed, so there is no decision to make or audit). The LA's resources are held while the return is built:
/// a return is sorted as a whole, and an LA's is tens of MB at most.
/// </remarks>
public sealed class Sen2ExportCollector(IResourceStore store, SearchRequestParser parser, DisclosureGate gate, FhirSerialization serialization)
{
    private const int PageSize = 1000;
    private static readonly string[] KeyedTypes = ["ServiceRequest", "CarePlan", "Condition", "Encounter"];

    /// <summary>Rule 1 for an export: search on every keyed type, read on Patient.</summary>
    public static void RequireScopes(AccessSession access)
    {
        foreach (var type in KeyedTypes) access.RequireScope(type, SmartPermissions.Search);
        access.RequireScope("Patient", SmartPermissions.Read);
    }

    public async Task<Sen2ExportContent> CollectAsync(LaCode la, AccessSession access, CancellationToken ct)
    {
        var prefix = la.Value + "/";
        var byChild = new SortedDictionary<string, List<Resource>>(StringComparer.Ordinal);
        foreach (var type in KeyedTypes)
        {
            var grant = access.ScopeFor(type, SmartPermissions.Search);
            string? cursor = null;
            do
            {
                var request = parser.Parse(type, [new("identifier", Sen2FhirUrls.RecordIdentifier + "|")]);
                request.Count = PageSize;
                request.Cursor = cursor;
                request.SkipTotal = true;
                var page = await store.SearchAsync(request, ct);
                foreach (var record in page.Matches)
                {
                    var resource = serialization.ParseStored(record.Json);
                    if (!HasKeyOf(resource, prefix) || ChildOf(resource) is not { } child) continue;
                    if (!await gate.PermitsWithinScopeAsync(access, record, grant, ct)) continue;
                    if (!byChild.TryGetValue(child, out var list)) byChild[child] = list = [];
                    list.Add(resource);
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        var persons = new List<Sen2Person>(byChild.Count);
        var unmapped = new List<Sen2UnmappedChild>();
        var patientGrant = access.ScopeFor("Patient", SmartPermissions.Read);
        foreach (var (childId, resources) in byChild)
        {
            var reference = "Patient/" + childId;
            var record = await store.ReadAsync("Patient", childId, ct);
            if (record is null || record.IsDeleted || !await gate.PermitsWithinScopeAsync(access, record, patientGrant, ct))
            {
                unmapped.Add(new Sen2UnmappedChild(reference, ["the child's Patient does not exist or may not be seen by this LA"]));
                continue;
            }

            if (FhirToSen2Mapper.TryMap([serialization.ParseStored(record.Json), .. resources], la, out var person, out var problems))
                persons.Add(person);
            else
                unmapped.Add(new Sen2UnmappedChild(reference, problems));
        }

        return new Sen2ExportContent(persons, unmapped);
    }

    private static bool HasKeyOf(Resource resource, string prefix) => Identifiers(resource)
        .Any(i => i.System == Sen2FhirUrls.RecordIdentifier && i.Value?.StartsWith(prefix, StringComparison.Ordinal) == true);

    private static IEnumerable<Identifier> Identifiers(Resource resource) => resource switch
    {
        ServiceRequest r => r.Identifier,
        CarePlan r => r.Identifier,
        Condition r => r.Identifier,
        Encounter r => r.Identifier,
        _ => [],
    };

    private static string? ChildOf(Resource resource)
    {
        var subject = resource switch
        {
            ServiceRequest r => r.Subject,
            CarePlan r => r.Subject,
            Condition r => r.Subject,
            Encounter r => r.Subject,
            _ => null,
        };
        return subject?.Reference is { } text && text.StartsWith("Patient/", StringComparison.Ordinal) ? text["Patient/".Length..] : null;
    }
}
