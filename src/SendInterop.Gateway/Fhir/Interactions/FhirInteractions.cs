using Hl7.Fhir.Model;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Bundles;
using SendInterop.Gateway.Fhir.Capability;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// The one dispatcher from a FHIR request (HTTP or Bundle entry) to its interaction. Every resource type takes
/// the same path; there is no controller per type.
/// </summary>
public sealed class FhirInteractions(
    SearchParameterRegistry registry,
    ReadInteractions reads,
    WriteInteractions writes,
    SearchInteraction search,
    HistoryInteraction history,
    OperationInteractions operations,
    BundleProcessor bundles,
    CapabilityStatementFactory capability)
{
    public async Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
    {
        var url = request.Url;
        if (url.Special == "metadata")
            return request.Method == "GET" ? FhirResponse.Of(capability.Create(request.BaseUrl)) : throw NotAllowed(request);
        if (url.ResourceType is not null && !registry.IsKnownResourceType(url.ResourceType))
            throw FhirException.NotFound($"'{url.ResourceType}' is not a FHIR R4 resource type (names are case-sensitive, e.g. Patient, CarePlan).");
        if (url.Id is not null && !ResourcePreparer.IsValidId(url.Id))
            throw FhirException.BadRequest($"'{url.Id}' is not a valid FHIR id (1-64 of A-Z a-z 0-9 - .).");
        if (url.Operation is not null) return await operations.ExecuteAsync(request, ct);
        if (url.History)
        {
            if (request.Method != "GET") throw NotAllowed(request);
            return url.VersionId is { } v ? await reads.VReadAsync(url.ResourceType!, url.Id!, v, ct) : await history.HistoryAsync(request, ct);
        }
        if (url.ResourceType is null)
            return request.Method == "POST" ? await bundles.ProcessAsync(request, ct) : throw NotAllowed(request);
        if (url.SearchPost) return request.Method == "POST" ? await search.SearchAsync(request, ct) : throw NotAllowed(request);

        return (request.Method, url.Id is null) switch
        {
            ("GET", true) => await search.SearchAsync(request, ct),
            ("GET", false) => await reads.ReadAsync(url.ResourceType, url.Id!, ct),
            ("HEAD", false) => await reads.ReadAsync(url.ResourceType, url.Id!, ct),
            ("POST", true) => await writes.CreateAsync(request, ct),
            ("PUT", _) => await writes.UpdateAsync(request, ct),
            ("PATCH", _) => await writes.PatchAsync(request, ct),
            ("DELETE", _) => await writes.DeleteAsync(request, ct),
            _ => throw NotAllowed(request),
        };
    }

    private static FhirException NotAllowed(FhirRequest r) =>
        FhirException.MethodNotAllowed($"{r.Method} is not allowed on this FHIR URL.");
}
