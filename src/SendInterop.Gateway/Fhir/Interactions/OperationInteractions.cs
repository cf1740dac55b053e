using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Validation;
using SendInterop.Gateway.Identity;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// FHIR operations ($name). $validate always runs full profile validation, whatever the write policy;
/// <c>POST Patient/$match</c> is <see cref="PatientMatchOperation"/>; <c>Patient/$merge</c> and <c>$unmerge</c> are
/// <see cref="PatientMergeOperation"/>; <c>Task/{id}/$resolve</c> (identity review) is <see cref="IdentityReviewOperation"/>;
/// <c>Patient/{id}/$everything</c> is <see cref="PatientEverythingOperation"/>.
/// </summary>
public sealed class OperationInteractions(
    IProfileValidator validator,
    IResourceStore store,
    FhirSerialization serialization,
    ReadInteractions reads,
    PatientMatchOperation match,
    PatientMergeOperation merge,
    IdentityReviewOperation review,
    Indicators.EvaluateMeasureOperation evaluateMeasure,
    PatientEverythingOperation everything)
{
    public static readonly string[] Supported = ["$validate", "$match", "$merge", "$unmerge", "$resolve", "$evaluate-measure", "$everything"];

    public async Task<FhirResponse> ExecuteAsync(FhirRequest request, CancellationToken ct)
    {
        var url = request.Url;
        return url.Operation switch
        {
            "$validate" when url.ResourceType is not null => await ValidateAsync(request, ct),
            "$match" when url.ResourceType == "Patient" && url.Id is null && !url.History =>
                request.Method == "POST" ? await match.ExecuteAsync(request, ct) : throw FhirException.MethodNotAllowed("Patient/$match takes POST with a Parameters body."),
            "$merge" or "$unmerge" when url.ResourceType == "Patient" && url.Id is null && !url.History =>
                request.Method != "POST" ? throw FhirException.MethodNotAllowed($"Patient/{url.Operation} takes POST with a Parameters body.")
                : url.Operation == "$merge" ? await merge.MergeAsync(request, ct) : await merge.UnmergeAsync(request, ct),
            "$resolve" when url.ResourceType == "Task" && url.Id is not null && !url.History =>
                request.Method == "POST" ? await review.ResolveAsync(request, ct) : throw FhirException.MethodNotAllowed("Task/{id}/$resolve takes POST with a Parameters body."),
            "$evaluate-measure" when url.ResourceType == "Measure" && !url.History => await evaluateMeasure.ExecuteAsync(request, ct),
            "$everything" when url.ResourceType == "Patient" && !url.History => url.Id is null
                ? throw new FhirException(400, OperationOutcome.IssueType.NotSupported, "$everything is answered one child at a time: Patient/{id}/$everything (there is no export of every Patient).")
                : request.Method is "GET" or "HEAD" or "POST" ? await everything.ExecuteAsync(request, ct)
                : throw FhirException.MethodNotAllowed("Patient/{id}/$everything takes GET, or POST with a Parameters body."),
            _ => throw FhirException.NotFound($"Operation {url.Operation} is not supported here. Supported: {string.Join(", ", Supported)} on a resource type or instance."),
        };
    }

    private async Task<FhirResponse> ValidateAsync(FhirRequest request, CancellationToken ct)
    {
        var type = request.Url.ResourceType!;
        Resource? resource = request.Resource;
        string? profile = request.Url.Query.FirstOrDefault(kv => kv.Key == "profile").Value;
        if (resource is Parameters parameters && type != "Parameters")
        {
            if (parameters.Get("resource").Count() > 1 || parameters.Get("profile").Count() > 1)
                throw FhirException.BadRequest("$validate takes one 'resource' and at most one 'profile' parameter.");
            resource = parameters.Get("resource").FirstOrDefault()?.Resource;
            var profileValue = parameters.Get("profile").FirstOrDefault()?.Value;
            profile ??= (profileValue as FhirUri)?.Value ?? (profileValue as Canonical)?.Value;
        }
        var supplied = resource is not null;
        if (resource is null && request.Url.Id is not null && request.Method == "GET")
        {
            // Validating a stored resource reads it: the read scope and the consent gate apply as to a read.
            var grant = request.Access.RequireScope(type, Domain.Access.SmartPermissions.Read);
            var record = await store.ReadAsync(type, request.Url.Id, ct);
            if (record is null) throw FhirException.NotFound($"{type}/{request.Url.Id} does not exist.");
            await reads.EnsureVisibleAsync(request.Access, grant, record, ct);
            if (record.IsDeleted) throw FhirException.NotFound($"{type}/{request.Url.Id} does not exist.");
            resource = serialization.ParseStored(record.Json);
        }
        // Validating a supplied resource discloses nothing stored, but it is a writer's tool: it needs a write scope.
        if (supplied && request.Access.ScopeFor(type, Domain.Access.SmartPermissions.Create) is null && request.Access.ScopeFor(type, Domain.Access.SmartPermissions.Update) is null)
            request.Access.RequireScope(type, Domain.Access.SmartPermissions.Create);
        if (resource is null) throw FhirException.BadRequest("$validate needs a resource: in the body, as Parameters.resource, or GET on an instance.", OperationOutcome.IssueType.Required);
        if (resource.TypeName != type) throw FhirException.BadRequest($"The resource is a {resource.TypeName} but $validate was called on {type}.");
        var outcome = await validator.ValidateAsync(resource, profile, ct);
        return FhirResponse.Of(outcome);
    }
}
