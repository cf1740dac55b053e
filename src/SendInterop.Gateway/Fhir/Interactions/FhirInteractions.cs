using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Bundles;
using SendInterop.Gateway.Fhir.Capability;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// The one dispatcher from a FHIR request (HTTP or Bundle entry) to its interaction. Every resource type takes
/// the same path; there is no controller per type. Here the token's SMART scopes are checked for every interaction
/// (rule 1 of the consent model) before any data is touched; the interactions then pass every resource they would
/// disclose through the consent gate.
/// </summary>
public sealed class FhirInteractions(
    SearchParameterRegistry registry,
    ReadInteractions reads,
    WriteInteractions writes,
    SearchInteraction search,
    HistoryInteraction history,
    OperationInteractions operations,
    BundleProcessor bundles,
    AuditEventInteraction audit,
    CapabilityStatementFactory capability,
    Indicators.MeasureCatalogueInteraction measures)
{
    public async Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
    {
        var url = request.Url;
        var access = request.Access;
        if (url.Special == "metadata")
            return request.Method == "GET" ? FhirResponse.Of(capability.Create(request.BaseUrl)) : throw NotAllowed(request);
        if (url.ResourceType is not null && !registry.IsKnownResourceType(url.ResourceType))
            throw FhirException.NotFound($"'{url.ResourceType}' is not a FHIR R4 resource type (names are case-sensitive, e.g. Patient, CarePlan).");
        if (url.Id is not null && !ResourcePreparer.IsValidId(url.Id))
            throw FhirException.BadRequest($"'{url.Id}' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).");
        if (url.Operation is not null)
        {
            Name(request, "operation", AuditAction.Execute);
            return await operations.ExecuteAsync(request, ct);
        }
        if (url.ResourceType == AuditEventInteraction.Type && request.Method is "GET" or "HEAD" or "POST" && url.Operation is null)
            return await AuditEventAsync(request, ct);
        // Measures are the indicator catalogue, defined in code and read-only (docs/indicators.md), not stored resources.
        if (url.ResourceType == Indicators.MeasureCatalogueInteraction.Type)
            return await measures.ExecuteAsync(request, ct);
        if (url.History)
        {
            if (request.Method != "GET") throw NotAllowed(request);
            if (url.VersionId is { } v)
            {
                Name(request, "vread", AuditAction.Read);
                return await reads.VReadAsync(access, access.RequireScope(url.ResourceType!, SmartPermissions.Read), url.ResourceType!, url.Id!, v, ct);
            }
            Name(request, url.Id is not null ? "history-instance" : url.ResourceType is not null ? "history-type" : "history-system", AuditAction.Read);
            // Instance history reads one resource; type and system history search (system history: every type, "*").
            var grant = url.Id is not null ? access.RequireScope(url.ResourceType!, SmartPermissions.Read)
                : access.RequireScope(url.ResourceType ?? SmartScope.AnyResourceType, SmartPermissions.Search);
            return await history.HistoryAsync(request, grant, ct);
        }
        if (url.ResourceType is null)
        {
            if (request.Method != "POST") throw NotAllowed(request);
            Name(request, request.Resource is Bundle { Type: Bundle.BundleType.Transaction } ? "transaction" : "batch", AuditAction.Execute);
            return await bundles.ProcessAsync(request, ct);
        }
        if (url.SearchPost)
        {
            if (request.Method != "POST") throw NotAllowed(request);
            Name(request, "search-type", AuditAction.Execute);
            return await search.SearchAsync(request, access.RequireScope(url.ResourceType, SmartPermissions.Search), ct);
        }

        var type = url.ResourceType;
        switch (request.Method, url.Id is null)
        {
            case ("GET", true):
                Name(request, "search-type", AuditAction.Execute);
                return await search.SearchAsync(request, access.RequireScope(type, SmartPermissions.Search), ct);
            case ("GET" or "HEAD", false):
                Name(request, "read", AuditAction.Read);
                return await reads.ReadAsync(access, access.RequireScope(type, SmartPermissions.Read), type, url.Id!, ct);
            case ("POST", true):
                Name(request, "create", AuditAction.Create);
                access.RequireScope(type, SmartPermissions.Create);
                return await writes.CreateAsync(request, ct);
            case ("PUT", _):
                Name(request, "update", AuditAction.Update);
                access.RequireScope(type, SmartPermissions.Update);
                return await writes.UpdateAsync(request, ct);
            case ("PATCH", _):
                Name(request, "patch", AuditAction.Update);
                access.RequireScope(type, SmartPermissions.Update);
                return await writes.PatchAsync(request, ct);
            case ("DELETE", _):
                Name(request, "delete", AuditAction.Delete);
                access.RequireScope(type, SmartPermissions.Delete);
                return await writes.DeleteAsync(request, ct);
            default:
                throw NotAllowed(request);
        }
    }

    /// <summary>AuditEvents live in the hash-chained audit log, not the resource store; reads and searches go there.</summary>
    private async Task<FhirResponse> AuditEventAsync(FhirRequest request, CancellationToken ct)
    {
        var url = request.Url;
        var access = request.Access;
        if (url.History) throw FhirException.MethodNotAllowed("The audit log has no history: entries are never changed.");
        if (url.Id is not null && request.Method != "POST")
        {
            Name(request, "read", AuditAction.Read);
            return await audit.ReadAsync(access, access.RequireScope(AuditEventInteraction.Type, SmartPermissions.Read), url.Id, ct);
        }
        if (request.Method == "POST" && !url.SearchPost) throw FhirException.MethodNotAllowed("AuditEvent is read-only through the API: the gateway writes it itself.");
        Name(request, "search-type", AuditAction.Execute);
        return await audit.SearchAsync(request, access.RequireScope(AuditEventInteraction.Type, SmartPermissions.Search), ct);
    }

    /// <summary>Names the request for its audit entry; a Bundle keeps its own name for the entries it runs.</summary>
    private static void Name(FhirRequest request, string interaction, AuditAction action)
    {
        if (request.Access.Interaction != "unknown") return;
        request.Access.Interaction = interaction;
        request.Access.Action = action;
    }

    private static FhirException NotAllowed(FhirRequest r) =>
        FhirException.MethodNotAllowed($"{r.Method} is not allowed on this FHIR URL.");
}
