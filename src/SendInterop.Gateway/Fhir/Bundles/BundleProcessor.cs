using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using FhirUrl = SendInterop.Gateway.Fhir.Http.FhirUrl;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Fhir.Patch;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Bundles;

/// <summary>
/// batch and transaction Bundles. A batch runs each entry as an independent interaction through the same
/// dispatcher as HTTP. A transaction is planned first (ids assigned, conditional entries resolved, urn:uuid and
/// conditional references rewritten, every resource validated, every reference checked), then stored with one
/// database transaction: all or nothing.
/// </summary>
public sealed class BundleProcessor(
    IServiceProvider services,
    IResourceStore store,
    ResourcePreparer preparer,
    ConditionalResolver conditional,
    FhirResponseWriter writer,
    PatchApplier patches,
    WriteInteractions writeInteractions,
    Security.Access.ReferenceTargets referenceTargets,
    WriteTargets writeTargets,
    IEnumerable<IResourceWriteObserver> observers,
    IEnumerable<IResourceCommitHandler> commitHandlers,
    IOptions<FhirApiOptions> options)
{
    public async Task<FhirResponse> ProcessAsync(FhirRequest request, CancellationToken ct)
    {
        if (request.Resource is not Bundle bundle)
            throw FhirException.BadRequest($"POST to the base URL takes a batch or transaction Bundle, not {request.Resource?.TypeName ?? "an empty body"}.");
        if (bundle.Entry.Count > options.Value.MaxBundleEntries)
            throw new FhirException(413, OperationOutcome.IssueType.TooCostly,
                $"The Bundle has {bundle.Entry.Count} entries; this server accepts at most {options.Value.MaxBundleEntries} per Bundle. Split it.");
        return bundle.Type switch
        {
            Bundle.BundleType.Transaction => await TransactionAsync(request, bundle, ct),
            Bundle.BundleType.Batch => await BatchAsync(request, bundle, ct),
            _ => throw FhirException.BadRequest($"Bundle.type must be 'batch' or 'transaction' to be processed, not '{bundle.Type?.GetLiteral() ?? "(missing)"}'."),
        };
    }

    /// <summary>
    /// Entries of a batch are independent by definition (R4 3.1.0.11.1), so up to <see cref="BatchParallelism"/> run at
    /// once: their writes then share group commits instead of each waiting for its own. Responses keep entry order.
    /// </summary>
    private const int BatchParallelism = 8;

    private async Task<FhirResponse> BatchAsync(FhirRequest request, Bundle bundle, CancellationToken ct)
    {
        var dispatcher = services.GetRequiredService<FhirInteractions>();
        var responses = new FhirResponse[bundle.Entry.Count];
        await Parallel.ForAsync(0, bundle.Entry.Count, new ParallelOptions { MaxDegreeOfParallelism = BatchParallelism, CancellationToken = ct }, async (i, token) =>
        {
            try
            {
                var entryRequest = EntryRequest(request, bundle.Entry[i]);
                if (entryRequest.Url.ResourceType is null && entryRequest.Method == "POST")
                    throw FhirException.BadRequest("A batch entry cannot itself be a batch or transaction.");
                responses[i] = await dispatcher.ExecuteAsync(entryRequest, token);
            }
            catch (FhirException ex)
            {
                responses[i] = new FhirResponse { Status = ex.Status, Resource = ex.ToOutcome() };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One entry's fault must not hide the others' results (some of which are already stored).
                responses[i] = InternalError(ex);
            }
        });
        var body = new BundleBody { Type = Bundle.BundleType.BatchResponse };
        foreach (var response in responses) body.Entries.Add(ResponseEntry(request.BaseUrl, response, outcomeOnly: false));
        return new FhirResponse { Bundle = body };
    }

    private static FhirRequest EntryRequest(FhirRequest outer, Bundle.EntryComponent entry)
    {
        var r = entry.Request ?? throw FhirException.BadRequest($"Bundle entry {entry.FullUrl} has no request (method and url are required in batch and transaction).", OperationOutcome.IssueType.Required);
        if (r.Method is null || string.IsNullOrWhiteSpace(r.Url))
            throw FhirException.BadRequest("Every batch/transaction entry needs request.method and request.url.", OperationOutcome.IssueType.Required);
        return new FhirRequest
        {
            Method = r.Method.Value.ToString().ToUpperInvariant(), Url = FhirUrl.Parse(r.Url), BaseUrl = outer.BaseUrl,
            IfMatch = r.IfMatch, IfNoneExist = r.IfNoneExist, Resource = entry.Resource,
            PreferReturn = outer.PreferReturn, StrictHandling = outer.StrictHandling,
            ContentType = entry.Resource is null ? null : FhirFormats.JsonMediaType,
            Access = outer.Access,
        };
    }

    private sealed class PlannedEntry
    {
        public required int Index { get; init; }
        public required FhirRequest Request { get; init; }
        public string Type => Request.Url.ResourceType!;
        public string? Id { get; set; }
        /// <summary>If-None-Exist matched an existing resource: nothing is written for this entry.</summary>
        public FhirResponse? Existing { get; set; }
        public ResourceWrite? Write { get; set; }
        /// <summary>For PATCH entries: the patched resource, whose references are checked like any other write.</summary>
        public Resource? PatchedResource { get; set; }
    }

    private async Task<FhirResponse> TransactionAsync(FhirRequest request, Bundle bundle, CancellationToken ct)
    {
        var planned = new List<PlannedEntry>();
        var idMap = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = new HashSet<(string, string)>();

        // 1. Resolve every entry to a type and id, so references between entries can be rewritten.
        for (int i = 0; i < bundle.Entry.Count; i++)
        {
            var entry = bundle.Entry[i];
            var er = WithIndex(() => EntryRequest(request, entry), i);
            var p = new PlannedEntry { Index = i, Request = er };
            var url = er.Url;
            if (url.ResourceType is null || !ModelInfo.IsKnownResource(url.ResourceType))
                throw At(i, FhirException.BadRequest($"'{entry.Request!.Url}' does not name a resource type."));
            // Rule 1 for every entry, before anything is resolved or read (GET entries are checked by the dispatcher).
            if (TransactionPermission(er.Method) is { } needed) WithIndex(() => request.Access.RequireScope(url.ResourceType, needed), i);
            switch (er.Method)
            {
                case "POST":
                    if (er.IfNoneExist is { Length: > 0 } criteria)
                    {
                        var m = await WithIndexAsync(() => conditional.ResolveAsync(url.ResourceType, criteria, request.Access, ct), i);
                        if (m.Count > 1) throw At(i, FhirException.PreconditionFailed($"If-None-Exist matched {m.Count} or more {url.ResourceType} resources."));
                        if (m.Count == 1) { p.Id = m[0].ResourceId; p.Existing = ReadInteractions.FromRecord(m[0]); }
                    }
                    p.Id ??= ResourcePreparer.NewId();
                    break;
                case "PUT":
                case "DELETE":
                case "PATCH":
                    // Whether a PUT's id is the client's choice (WriteTargets decides whether it may be written).
                    var clientChosen = url.Id is not null;
                    if (url.Id is not null) p.Id = url.Id;
                    else
                    {
                        var m = await WithIndexAsync(() => conditional.ResolveAsync(url.ResourceType, url.Query, request.Access, ct), i);
                        if (m.Count > 1) throw At(i, FhirException.PreconditionFailed($"The conditional {er.Method} matched {m.Count} or more {url.ResourceType} resources."));
                        p.Id = m.Count == 1 ? m[0].ResourceId : er.Method == "PUT" ? er.Resource?.Id ?? ResourcePreparer.NewId() : null;
                        clientChosen = m.Count == 0 && er.Resource?.Id is not null;
                    }
                    if (p.Id is not null && !ResourcePreparer.IsValidId(p.Id)) throw At(i, FhirException.BadRequest($"'{p.Id}' is not a valid FHIR id."));
                    if (er.Method == "PUT" && clientChosen)
                        await WithIndexAsync(async () => { await writeTargets.EnsureMayPutAsync(request.Access, url.ResourceType, p.Id!, ct); return true; }, i);
                    break;
                case "GET":
                    break;
                default:
                    throw At(i, FhirException.BadRequest($"Method {er.Method} is not allowed in a transaction."));
            }
            if (er.Method != "GET" && p.Id is not null && !targets.Add((url.ResourceType, p.Id)))
                throw At(i, FhirException.BadRequest($"{url.ResourceType}/{p.Id} is the target of more than one entry; a transaction may change each resource once."));
            if (entry.FullUrl is { Length: > 0 } fullUrl && p.Id is not null) idMap[fullUrl] = $"{url.ResourceType}/{p.Id}";
            planned.Add(p);
        }

        // 2. Rewrite urn:uuid and conditional references to the resolved ids.
        var conditionalCache = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in planned)
        {
            if (p.Request.Resource is null || p.Existing is not null) continue;
            foreach (var reference in ReferenceWalker.All(p.Request.Resource))
            {
                var text = reference.Reference;
                if (string.IsNullOrEmpty(text) || text.StartsWith('#')) continue;
                if (idMap.TryGetValue(text, out var mapped)) { reference.Reference = mapped; continue; }
                if (text.StartsWith("urn:uuid:", StringComparison.Ordinal) || text.StartsWith("urn:oid:", StringComparison.Ordinal))
                    throw At(p.Index, FhirException.BadRequest($"Reference '{text}' does not match the fullUrl of any entry in this transaction."));
                var q = text.IndexOf('?');
                // Type?criteria, not an absolute URL: only the part before '?' may tell (criteria hold URL systems).
                if (q > 0 && !text[..q].Contains("://", StringComparison.Ordinal))
                {
                    if (!conditionalCache.TryGetValue(text, out var resolved))
                    {
                        var type = text[..q];
                        if (!ModelInfo.IsKnownResource(type)) throw At(p.Index, FhirException.BadRequest($"Conditional reference '{text}' does not start with a resource type."));
                        // A conditional reference is a search of its type: it needs the scope a search needs (403 otherwise,
                        // as for a chain), or it would tell a client without it whether such resources exist.
                        var m = await WithIndexAsync(() =>
                        {
                            request.Access.RequireScope(type, Domain.Access.SmartPermissions.Search);
                            return conditional.ResolveAsync(type, text[q..], request.Access, ct);
                        }, p.Index);
                        // Resources this transaction creates count too (a Synthea export names its Organizations so).
                        var ids = m.Select(r => r.ResourceId).Union(InBundleMatches(planned, type, text[(q + 1)..]), StringComparer.Ordinal).ToList();
                        if (ids.Count != 1)
                            throw At(p.Index, new FhirException(ids.Count == 0 ? 422 : 412, OperationOutcome.IssueType.NotFound,
                                $"Conditional reference '{text}' matched {(ids.Count == 0 ? "no" : "more than one")} resource; it must match exactly one."));
                        resolved = conditionalCache[text] = $"{type}/{ids[0]}";
                    }
                    reference.Reference = resolved;
                }
            }
        }

        // 3. Validate and index every resource; check that every reference resolves.
        var deleted = new HashSet<(string, string)>();
        var written = new HashSet<(string, string)>();
        var standIns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in planned)
        {
            if (p.Existing is not null || p.Request.Method == "GET") continue;
            switch (p.Request.Method)
            {
                case "DELETE":
                    preparer.EnsureWritable(p.Type);
                    if (p.Id is null) continue;
                    deleted.Add((p.Type, p.Id));
                    // A resource the requester may not see is, for it, a free id: nothing is deleted, answered as for one.
                    if (await store.ReadAsync(p.Type, p.Id, ct) is { } target && await writeTargets.IsHiddenAsync(request.Access, target, ct))
                    {
                        if (IfMatch(p) is { } e)
                        {
                            // With If-Match, a free id fails when the transaction is stored, in entry order, after any
                            // earlier entry's failure. A delete of an id nobody uses stands in for this one, so it fails at
                            // the same point with the same words (its id is put back in the message below). Failing it
                            // before the store instead let an earlier entry's error show whether this id was hidden.
                            var standIn = "unused-" + Guid.NewGuid().ToString("N");
                            standIns[standIn] = p.Id;
                            p.Write = new ResourceWrite { ResourceType = p.Type, ResourceId = standIn, Method = "DELETE", ExpectedVersion = e };
                            break;
                        }
                        p.Existing = new FhirResponse { Status = 204, LastModified = DateTimeOffset.UtcNow, ResourceType = p.Type, ResourceId = p.Id };
                        break;
                    }
                    p.Write = new ResourceWrite
                    {
                        ResourceType = p.Type, ResourceId = p.Id, Method = "DELETE", ExpectedVersion = IfMatch(p), RequireOwner = request.Access.Requester?.OrganisationId,
                    };
                    break;
                case "PATCH":
                {
                    if (p.Id is null) throw At(p.Index, FhirException.NotFound($"No {p.Type} matched the conditional patch criteria."));
                    if (written.Contains((p.Type, p.Id)) || deleted.Contains((p.Type, p.Id)))
                        throw At(p.Index, FhirException.BadRequest($"{p.Type}/{p.Id} is patched and also written by another entry of this transaction."));
                    var current = await store.ReadAsync(p.Type, p.Id, ct);
                    if (current is null) throw At(p.Index, FhirException.NotFound($"{p.Type}/{p.Id} does not exist, so it cannot be patched."));
                    await WithIndexAsync(async () => { await writeInteractions.EnsureMayChangeAsync(request.Access, current, ct, WriteInteractions.CannotPatch(p.Type, p.Id)); return true; }, p.Index);
                    if (current.IsDeleted) throw At(p.Index, FhirException.NotFound($"{p.Type}/{p.Id} does not exist, so it cannot be patched."));
                    var patched = WithIndex(() => patches.Apply(current.Json, p.Type, p.Request), p.Index);
                    if (patched.TypeName != p.Type || patched.Id != p.Id) throw At(p.Index, FhirException.Unprocessable("The patch may not change the resource type or id."));
                    var preparedPatch = await WithIndexAsync(() => preparer.PrepareAsync(patched, p.Id, request.Access, request.ValidateProfiles, ct), p.Index);
                    // The version patched is the version expected: a concurrent write fails the transaction, not the patch.
                    p.Write = preparer.ToWrite(preparedPatch, "PATCH", IfMatch(p) ?? current.VersionId);
                    p.PatchedResource = patched;
                    written.Add((p.Type, p.Id));
                    break;
                }
                default:
                    var resource = p.Request.Resource ?? throw At(p.Index, FhirException.BadRequest($"{p.Request.Method} entry has no resource.", OperationOutcome.IssueType.Required));
                    if (resource.TypeName != p.Type) throw At(p.Index, FhirException.BadRequest($"The entry's resource is a {resource.TypeName} but its request.url is for {p.Type}."));
                    if (p.Request.Method == "PUT" && p.Request.Url.Id is not null && resource.Id is not null && resource.Id != p.Id)
                        throw At(p.Index, FhirException.BadRequest($"The resource id '{resource.Id}' does not match request.url ({p.Type}/{p.Id})."));
                    var prepared = await WithIndexAsync(() => preparer.PrepareAsync(resource, p.Id!, request.Access, request.ValidateProfiles, ct), p.Index);
                    p.Write = preparer.ToWrite(prepared, p.Request.Method, IfMatch(p), mustNotExist: p.Request.Method == "POST");
                    written.Add((p.Type, p.Id!));
                    break;
            }
        }
        if (preparer.EnforceReferentialIntegrity) await CheckReferencesAsync(planned, written, deleted, request.Access, ct);

        // 4. Store everything at once.
        IReadOnlyList<WriteResult> results;
        var writes = planned.Where(p => p.Write is not null).ToList();
        try
        {
            results = await store.WriteAsync(writes.Select(p => p.Write!).ToList(), ct);
            var committed = writes.Select(p => p.Write!).ToList();
            foreach (var o in observers) o.Written(committed);
            if (request.DeferredCommits is { } deferred) deferred.Add(committed);
            else foreach (var h in commitHandlers) await h.CommittedAsync(committed, ct);
        }
        catch (VersionConflictException ex)
        {
            var message = standIns.Aggregate(ex.Message, (m, standIn) => m.Replace(standIn.Key, standIn.Value, StringComparison.Ordinal));
            throw ex.PreconditionFailed ? FhirException.PreconditionFailed("Transaction rolled back: " + message) : FhirException.Conflict("Transaction rolled back: " + message);
        }
        catch (OwnershipException ex)
        {
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden, "Transaction rolled back: " + WriteInteractions.NotOwner(ex.ResourceType, ex.ResourceId).Message);
        }

        // 5. Answer entry by entry, in request order; GETs run after the writes and see them.
        var byIndex = new Dictionary<int, WriteResult>();
        for (int i = 0; i < writes.Count; i++) byIndex[writes[i].Index] = results[i];
        var body = new BundleBody { Type = Bundle.BundleType.TransactionResponse };
        var dispatcher = services.GetRequiredService<FhirInteractions>();
        foreach (var p in planned)
        {
            FhirResponse response;
            if (p.Request.Method == "GET")
            {
                try { response = await dispatcher.ExecuteAsync(p.Request, ct); }
                catch (FhirException ex) { response = new FhirResponse { Status = ex.Status, Resource = ex.ToOutcome() }; }
                catch (Exception ex) when (ex is not OperationCanceledException) { response = InternalError(ex); }
            }
            else if (p.Existing is not null) response = p.Existing;
            else if (byIndex.TryGetValue(p.Index, out var r))
                response = new FhirResponse
                {
                    Status = r.Deleted ? 204 : r.Created ? 201 : 200, VersionId = r.NoOp ? null : r.VersionId, LastModified = r.LastUpdated,
                    Location = r.Deleted ? null : $"{request.BaseUrl}/{r.ResourceType}/{r.ResourceId}/_history/{r.VersionId}",
                    ResourceType = r.ResourceType, ResourceId = r.ResourceId,
                };
            else response = FhirResponse.Empty(204);
            body.Entries.Add(ResponseEntry(request.BaseUrl, response, outcomeOnly: p.Request.Method != "GET"));
        }
        return new FhirResponse { Bundle = body };
    }

    /// <summary>References outside the Bundle must exist for the writer (ReferenceTargets: one it may not see does not).</summary>
    private async System.Threading.Tasks.Task CheckReferencesAsync(List<PlannedEntry> planned, HashSet<(string, string)> written, HashSet<(string, string)> deleted,
        Security.Access.AccessSession access, CancellationToken ct)
    {
        var needed = new List<(int Index, string Type, string Id, string Text)>();
        foreach (var p in planned.Where(p => p.Write is { IsDelete: false }))
            foreach (var (type, id, text) in preparer.LocalReferences(p.PatchedResource ?? p.Request.Resource!))
            {
                if (deleted.Contains((type, id)))
                    throw At(p.Index, new FhirException(409, OperationOutcome.IssueType.Conflict, $"{text} is deleted by this same transaction but still referenced."));
                if (!written.Contains((type, id))) needed.Add((p.Index, type, id, text));
            }
        if (needed.Count == 0) return;
        var exists = await referenceTargets.ExistForAsync(access, needed.Select(n => (n.Type, n.Id)).ToList(), ct);
        var missing = needed.Where((_, i) => !exists[i]).ToList();
        if (missing.Count > 0)
            throw At(missing[0].Index, new FhirException(422, OperationOutcome.IssueType.NotFound,
                $"The transaction refers to resources that exist neither on this server nor in the Bundle: {string.Join(", ", missing.Select(m => m.Text).Distinct().Take(10))}."));
    }

    private static int? IfMatch(PlannedEntry p) => string.IsNullOrWhiteSpace(p.Request.IfMatch) ? null : WriteInteractions.ParseETag(p.Request.IfMatch);

    private BundleBodyEntry ResponseEntry(string baseUrl, FhirResponse r, bool outcomeOnly)
    {
        var isOutcome = r.Resource is OperationOutcome && r.Status >= 400;
        return new BundleBodyEntry
        {
            FullUrl = r.ResourceType is not null && r.ResourceId is not null ? $"{baseUrl}/{r.ResourceType}/{r.ResourceId}" : null,
            Json = outcomeOnly ? null : r.Json,
            Resource = outcomeOnly || isOutcome ? null : r.Resource ?? (r.Bundle is null ? null : writer.ToPoco(r.Bundle, ElementFilter.None)),
            ResponseStatus = r.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ResponseLocation = r.Location,
            ResponseEtag = r.VersionId is { } v ? $"W/\"{v}\"" : null,
            ResponseLastModified = r.LastModified,
            ResponseOutcome = isOutcome ? r.Resource : null,
        };
    }

    private static FhirResponse InternalError(Exception ex) => new()
    {
        Status = 500,
        Resource = new FhirException(500, OperationOutcome.IssueType.Exception,
            $"This entry failed inside the server ({ex.GetType().Name}); the other entries' results stand.").ToOutcome(),
    };

    private static FhirException At(int index, FhirException inner) =>
        new(inner.Status, inner.Code, $"Transaction rolled back, nothing was stored. Entry {index}: {inner.Message}", inner.ExtraIssues);

    private static T WithIndex<T>(Func<T> action, int index)
    {
        try { return action(); }
        catch (FhirException ex) { throw At(index, ex); }
    }

    /// <summary>
    /// The ids of this transaction's entries of <paramref name="type"/> that a conditional reference's criteria match,
    /// for the one form that can be decided on a resource not yet stored: a single <c>identifier=system|value</c>.
    /// </summary>
    private static IEnumerable<string> InBundleMatches(List<PlannedEntry> planned, string type, string criteria)
    {
        var query = FhirUrl.ParseQuery(criteria);
        if (query.Count != 1 || query[0].Key != "identifier" || query[0].Value.Split('|') is not [var system, var value]
            || value.Length == 0 || value.Contains(',', StringComparison.Ordinal)) return [];
        return planned
            .Where(e => e.Type == type && e.Id is not null && e.Existing is null && e.Request.Resource is { } r
                && IdentifiersOf(r).Any(i => i.Value == value && (system.Length == 0 ? i.System is null : i.System == system)))
            .Select(e => e.Id!);
    }

    private static IEnumerable<Identifier> IdentifiersOf(Resource resource) =>
        resource.GetType().GetProperty("Identifier")?.GetValue(resource) switch
        {
            IEnumerable<Identifier> many => many,
            Identifier one => [one],
            _ => [],
        };

    private static async Task<T> WithIndexAsync<T>(Func<Task<T>> action, int index)
    {
        try { return await action(); }
        catch (FhirException ex) { throw At(index, ex); }
    }

    private static Domain.Access.SmartPermissions? TransactionPermission(string method) => method switch
    {
        "POST" => Domain.Access.SmartPermissions.Create,
        "PUT" or "PATCH" => Domain.Access.SmartPermissions.Update,
        "DELETE" => Domain.Access.SmartPermissions.Delete,
        _ => null,
    };
}
