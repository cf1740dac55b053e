using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Patch;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>create, update, patch and delete, plain and conditional, for every resource type.</summary>
public sealed class WriteInteractions(
    IResourceStore store,
    ResourcePreparer preparer,
    ConditionalResolver conditional,
    PatchApplier patches,
    ConditionalWriteLocks conditionalLocks,
    ReadInteractions reads,
    ReferenceTargets referenceTargets,
    WriteTargets writeTargets,
    IEnumerable<IResourceWriteObserver> observers,
    IEnumerable<IResourceCommitHandler> commitHandlers,
    IOptions<FhirApiOptions> options,
    Security.Access.DisclosureGate gate)
{
    public async Task<FhirResponse> CreateAsync(FhirRequest request, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        var resource = RequireBody(request, type);
        using var conditionalLock = request.IfNoneExist is { Length: > 0 } ifNoneExist
            ? await conditionalLocks.AcquireAsync(type, Http.FhirUrl.ParseQuery(ifNoneExist.TrimStart('?')), ct) : null;
        if (request.IfNoneExist is { Length: > 0 } criteria)
        {
            var matches = await conditional.ResolveAsync(type, criteria, request.Access, ct);
            if (matches.Count > 1)
                throw FhirException.PreconditionFailed($"If-None-Exist matched {matches.Count} or more {type} resources; make the criteria specific to one.");
            if (matches.Count == 1)
            {
                // The match's body only to a requester who may read it (its read scope, constraints, patient context):
                // a create-only client learns that the record exists, as conditional create must tell it,
                // not its content (it could read anything the gate shows it by probing with If-None-Exist).
                var found = ReadInteractions.FromRecord(matches[0]);
                var readGrant = request.Access.ScopeFor(type, Domain.Access.SmartPermissions.Read);
                if (!request.Access.IsInternal && (readGrant is null || !await gate.PermitsWithinScopeAsync(request.Access, matches[0], readGrant, ct)))
                    return Respond(request, new FhirResponse
                    {
                        Status = found.Status, VersionId = found.VersionId, LastModified = found.LastModified,
                        ResourceType = found.ResourceType, ResourceId = found.ResourceId,
                    }, created: false);
                return Respond(request, found, created: false);
            }
        }
        // A client id on POST is ignored, as R4 requires: the server assigns ids on create.
        var prepared = await preparer.PrepareAsync(resource, ResourcePreparer.NewId(), request.Access, ct);
        await CheckReferencesAsync(prepared.Resource, request.Access, ct);
        var result = (await Write(preparer.ToWrite(prepared, "POST", mustNotExist: true), ct))[0];
        return Respond(request, result);
    }

    public async Task<FhirResponse> UpdateAsync(FhirRequest request, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        var resource = RequireBody(request, type);
        string id;
        // Whether the id is one the client chose (not a conditional match, not assigned here): WriteTargets decides it.
        var clientChosen = true;
        using var conditionalLock = request.Url.Id is null ? await conditionalLocks.AcquireAsync(type, request.Url.Query, ct) : null;
        if (request.Url.Id is null)
        {
            // Conditional update: the upsert integrating systems want (PUT Patient?identifier=...).
            var matches = await conditional.ResolveAsync(type, request.Url.Query, request.Access, ct);
            if (matches.Count > 1)
                throw FhirException.PreconditionFailed($"The conditional update matched {matches.Count} or more {type} resources; make the criteria specific to one.");
            id = matches.Count == 1 ? matches[0].ResourceId : resource.Id ?? ResourcePreparer.NewId();
            clientChosen = matches.Count == 0 && resource.Id is not null;
            if (resource.Id is not null && resource.Id != id)
                throw FhirException.BadRequest($"The body's id '{resource.Id}' is not the id of the resource the criteria matched ('{id}').");
        }
        else
        {
            id = request.Url.Id;
            if (resource.Id is null) throw FhirException.BadRequest($"The body has no id; an update of {type}/{id} must carry id \"{id}\".", OperationOutcome.IssueType.Required);
            if (resource.Id != id) throw FhirException.BadRequest($"The body's id '{resource.Id}' does not match the id in the URL ('{id}').");
        }
        if (!ResourcePreparer.IsValidId(id)) throw FhirException.BadRequest($"'{id}' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).");
        if (clientChosen) await writeTargets.EnsureMayPutAsync(request.Access, type, id, ct);
        var expected = ExpectedVersion(request);
        var prepared = await preparer.PrepareAsync(resource, id, request.Access, ct);
        await CheckReferencesAsync(prepared.Resource, request.Access, ct);
        var result = (await Write(preparer.ToWrite(prepared, "PUT", expected), ct))[0];
        return Respond(request, result);
    }

    public async Task<FhirResponse> PatchAsync(FhirRequest request, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        string id = request.Url.Id ?? await SingleMatchAsync(type, request, "patch", ct);
        var current = await store.ReadAsync(type, id, ct);
        if (current is null) throw FhirException.NotFound(CannotPatch(type, id));
        // Before the patch touches the stored content: a failing JSON Patch "test" would otherwise reveal values. A hidden
        // resource answers with the same text as a missing one.
        await EnsureMayChangeAsync(request.Access, current, ct, CannotPatch(type, id));
        if (current.IsDeleted) throw FhirException.NotFound(CannotPatch(type, id));
        var expected = ExpectedVersion(request);
        if (expected is { } e && e != current.VersionId)
            throw FhirException.PreconditionFailed($"If-Match asked for version {e} of {type}/{id} but the current version is {current.VersionId}.");
        var patched = patches.Apply(current.Json, type, request);
        if (patched.TypeName != type || patched.Id != id)
            throw FhirException.Unprocessable("The patch may not change the resource type or id.");
        var prepared = await preparer.PrepareAsync(patched, id, request.Access, ct);
        await CheckReferencesAsync(prepared.Resource, request.Access, ct);
        // Expect the version we patched: a concurrent write in between gives 409 rather than a lost update.
        var result = (await Write(preparer.ToWrite(prepared, "PATCH", expected ?? current.VersionId), ct))[0];
        return Respond(request, result);
    }

    public async Task<FhirResponse> DeleteAsync(FhirRequest request, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        preparer.EnsureWritable(type);
        string? id = request.Url.Id;
        if (id is null)
        {
            var matches = await conditional.ResolveAsync(type, request.Url.Query, request.Access, ct);
            if (matches.Count > 1)
                throw FhirException.PreconditionFailed($"The conditional delete matched {matches.Count} or more {type} resources; this server deletes one at a time.");
            if (matches.Count == 0) return Outcome(request, 204, $"No {type} matched; nothing was deleted.");
            id = matches[0].ResourceId;
        }
        var expected = ExpectedVersion(request);
        // A resource the requester may not see is, for it, an id that does not exist: nothing is deleted, and the answer
        // is the one for a free id (a 403 would say the id is taken).
        if (request.Url.Id is not null && await store.ReadAsync(type, id, ct) is { } current && await writeTargets.IsHiddenAsync(request.Access, current, ct))
            return expected is { } e ? throw FhirException.PreconditionFailed(VersionConflictException.NoSuchVersion(type, id, e)) : NothingDeleted(request, type, id);
        var result = (await Write(new ResourceWrite
        {
            ResourceType = type, ResourceId = id, Method = "DELETE", ExpectedVersion = expected, RequireOwner = request.Access.Requester?.OrganisationId,
        }, ct))[0];
        if (result.NoOp) return NothingDeleted(request, type, id);
        return request.PreferReturn == PreferReturn.OperationOutcome
            ? FhirResponse.Of(OperationOutcomes.Information($"{type}/{id} was deleted (version {result.VersionId})."))
            : new FhirResponse { Status = 204, VersionId = result.VersionId, ResourceType = type, ResourceId = id };
    }

    private static FhirResponse NothingDeleted(FhirRequest request, string type, string id) =>
        request.PreferReturn == PreferReturn.OperationOutcome
            ? FhirResponse.Of(OperationOutcomes.Information($"{type}/{id} did not exist or was already deleted."))
            : new FhirResponse { Status = 204, ResourceType = type, ResourceId = id };

    /// <summary>
    /// Only the owning organisation changes a resource. One the requester may not even see answers as a read would
    /// (not found); one it sees but does not own is a 403.
    /// </summary>
    public async System.Threading.Tasks.Task EnsureMayChangeAsync(AccessSession access, Storage.Model.ResourceRecord current, CancellationToken ct, string? notFoundMessage = null)
    {
        if (access.Requester is not { } requester) return;
        await reads.EnsureVisibleAsync(access, access.ScopeFor(current.ResourceType, Domain.Access.SmartPermissions.Read), current, ct, notFoundMessage);
        if (!string.Equals(current.Owner, requester.OrganisationId, StringComparison.Ordinal)) throw NotOwner(current.ResourceType, current.ResourceId);
    }

    public static string CannotPatch(string type, string id) => $"{type}/{id} does not exist, so it cannot be patched.";

    public static FhirException NotOwner(string type, string id) =>
        new(403, OperationOutcome.IssueType.Forbidden, $"{type}/{id} belongs to another organisation; only its owner may change it.");

    private async Task<string> SingleMatchAsync(string type, FhirRequest request, string what, CancellationToken ct)
    {
        var matches = await conditional.ResolveAsync(type, request.Url.Query, request.Access, ct);
        return matches.Count switch
        {
            0 => throw FhirException.NotFound($"No {type} matched the conditional {what} criteria."),
            1 => matches[0].ResourceId,
            _ => throw FhirException.PreconditionFailed($"The conditional {what} matched {matches.Count} or more {type} resources."),
        };
    }

    private async Task<IReadOnlyList<WriteResult>> Write(ResourceWrite write, CancellationToken ct)
    {
        try
        {
            var results = await store.WriteAsync([write], ct);
            foreach (var o in observers) o.Written([write]);
            foreach (var h in commitHandlers) await h.CommittedAsync([write], ct);
            return results;
        }
        catch (VersionConflictException ex)
        {
            throw ex.PreconditionFailed ? FhirException.PreconditionFailed(ex.Message) : FhirException.Conflict(ex.Message);
        }
        catch (OwnershipException ex)
        {
            throw NotOwner(ex.ResourceType, ex.ResourceId);
        }
    }

    /// <summary>
    /// Every Type/id reference must point at a resource that exists here (no dangling links in a child's record) and that
    /// the writer may see: one it may not see answers exactly as one that does not exist.
    /// </summary>
    private async System.Threading.Tasks.Task CheckReferencesAsync(Resource resource, AccessSession access, CancellationToken ct)
    {
        if (!preparer.EnforceReferentialIntegrity) return;
        var refs = preparer.LocalReferences(resource)
            .Where(r => !(r.Type == resource.TypeName && r.Id == resource.Id)).ToList();
        if (refs.Count == 0) return;
        var exists = await referenceTargets.ExistForAsync(access, refs.Select(r => (r.Type, r.Id)).ToList(), ct);
        var missing = refs.Where((_, i) => !exists[i]).Select(r => r.Text).Distinct().ToList();
        if (missing.Count > 0)
            throw new FhirException(422, OperationOutcome.IssueType.NotFound,
                $"The {resource.TypeName} refers to resources that do not exist on this server: {string.Join(", ", missing.Take(10))}. Create them first, or send everything in one transaction Bundle.");
    }

    private int? ExpectedVersion(FhirRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.IfMatch))
        {
            if (options.Value.RequireIfMatch)
                throw new FhirException(428, OperationOutcome.IssueType.Required, "This server requires If-Match (e.g. If-Match: W/\"3\") on updates, patches and deletes, so no change overwrites another unseen.");
            return null;
        }
        return ParseETag(request.IfMatch);
    }

    public static int ParseETag(string etag)
    {
        var v = etag.Trim();
        if (v.StartsWith("W/", StringComparison.Ordinal)) v = v[2..];
        v = v.Trim('"');
        if (int.TryParse(v, out var version) && version > 0) return version;
        throw FhirException.BadRequest($"If-Match '{etag}' is not a version ETag (expected e.g. W/\"3\").");
    }

    private static Resource RequireBody(FhirRequest request, string type)
    {
        var resource = request.Resource ?? throw FhirException.BadRequest("The request has no resource body.", OperationOutcome.IssueType.Required);
        if (resource.TypeName != type)
            throw FhirException.BadRequest($"The body is a {resource.TypeName} but the URL is for {type}.");
        return resource;
    }

    private FhirResponse Respond(FhirRequest request, WriteResult result) =>
        Respond(request, new FhirResponse
        {
            Status = result.Created ? 201 : 200, Json = result.Json, VersionId = result.VersionId, LastModified = result.LastUpdated,
            ResourceType = result.ResourceType, ResourceId = result.ResourceId,
        }, result.Created);

    private FhirResponse Respond(FhirRequest request, FhirResponse stored, bool created)
    {
        var location = $"{request.BaseUrl}/{stored.ResourceType}/{stored.ResourceId}/_history/{stored.VersionId}";
        return new FhirResponse
        {
            Status = stored.Status, VersionId = stored.VersionId, LastModified = stored.LastModified,
            Location = created || stored.Status == 201 ? location : null,
            ResourceType = stored.ResourceType, ResourceId = stored.ResourceId,
            Json = request.PreferReturn == PreferReturn.Representation ? stored.Json : null,
            Resource = request.PreferReturn == PreferReturn.OperationOutcome
                ? OperationOutcomes.Information($"{stored.ResourceType}/{stored.ResourceId} version {stored.VersionId} stored.") : null,
        };
    }

    private static FhirResponse Outcome(FhirRequest request, int status, string message) =>
        request.PreferReturn == PreferReturn.OperationOutcome ? FhirResponse.Of(OperationOutcomes.Information(message), 200) : FhirResponse.Empty(status);
}
