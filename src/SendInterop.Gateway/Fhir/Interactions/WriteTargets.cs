using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Access.Gate;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// How a write answers for the id it targets, so that an id taken by a resource the requester may not see looks exactly
/// like an id that is free: a PUT to it is refused like a PUT to a free id the client may not create, a DELETE of it
/// deletes nothing, as for a free id. Ids live in one space for every organisation: if a free id were created
/// while a taken one was refused, a PUT would tell a writer whether a hidden record has that id (ids chosen by clients,
/// unlike server UUIDs, can be guessed). So, by default, a client chooses the id of a new resource only for directory
/// data (<see cref="ResourceFactsExtractor.IsDirectoryType"/>), which every requester but a commissioner may see anyway;
/// every other new record gets its id from the server (POST, or a conditional update).
/// </summary>
public sealed class WriteTargets(IResourceStore store, ReadInteractions reads, DisclosureGate gate, IOptions<AccessOptions> options)
{
    private bool AnyId => options.Value.ClientAssignedIds == ClientAssignedIds.Any;

    /// <summary>For the CapabilityStatement: whether update-as-create is offered for <paramref name="type"/>.</summary>
    public static bool OffersUpdateCreate(AccessOptions options, string type) =>
        options.ClientAssignedIds == ClientAssignedIds.Any || ResourceFactsExtractor.IsDirectoryType(type);

    /// <summary>
    /// Throws the "does not exist" answer unless the requester may write <paramref name="type"/>/<paramref name="id"/>:
    /// an existing resource it may see (ownership is checked by the write itself), or a free id it may create.
    /// </summary>
    public async Task EnsureMayPutAsync(AccessSession access, string type, string id, CancellationToken ct)
    {
        if (access.IsInternal || AnyId) return;
        var readGrant = access.ScopeFor(type, SmartPermissions.Read);
        var current = await store.ReadAsync(type, id, ct);
        if (current is not null)
        {
            // Hidden: answered as a read of it would be (by default the same 404 as below).
            await reads.EnsureVisibleAsync(access, readGrant, current, ct, DoesNotExist(type, id));
            return;
        }
        if (!MayChooseId(access, type, readGrant)) throw FhirException.NotFound(DoesNotExist(type, id));
    }

    /// <summary>Whether the requester may not see this stored version (recorded for the audit, as a read's decision is).</summary>
    public async Task<bool> IsHiddenAsync(AccessSession access, Storage.Model.ResourceRecord current, CancellationToken ct) =>
        !access.IsInternal && !await gate.PermitsWithinScopeAsync(access, current, access.ScopeFor(current.ResourceType, SmartPermissions.Read), ct);

    /// <summary>
    /// Only where a resource already at that id would be visible to the requester: directory data, a purpose other than
    /// commissioning, a read scope without patient context or constraints. Otherwise choosing an id could probe one.
    /// </summary>
    private static bool MayChooseId(AccessSession access, string type, ScopeGrant? readGrant) =>
        ResourceFactsExtractor.IsDirectoryType(type)
        && access.Requester!.Purpose != PurposesOfUse.Commissioning
        && readGrant is { PatientOnly: false, Unconstrained: true };

    /// <summary>One text for a free id and for an id taken by a hidden resource: the two must not be told apart.</summary>
    public static string DoesNotExist(string type, string id) =>
        $"{type}/{id} does not exist. New {type} resources get their id from the server: create with POST, or update conditionally (PUT {type}?identifier=...).";
}
