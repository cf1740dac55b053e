using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Search;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Validation;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Fhir.Interactions;

/// <summary>
/// A resource that passed validation, with its id fixed, its owner set, its search index and access facts extracted.
/// </summary>
/// <param name="RequireOwner">The organisation that must own the current version for this write to go ahead (the
/// writer's own), or null for the gateway's own writes.</param>
public sealed record PreparedResource(Resource Resource, ExtractedIndex Index, ResourceFacts Facts, string? RequireOwner);

/// <summary>
/// Everything a resource goes through before it is stored, for every write path (create, update, patch,
/// transaction): identifier rules, profile validation by policy, id assignment, index extraction, and the
/// rendering of the stored JSON once the store has fixed the version.
/// </summary>
public sealed class ResourcePreparer(
    FhirSerialization serialization,
    IProfileValidator validator,
    SearchIndexExtractor extractor,
    OrganisationDirectory organisations,
    Subscriptions.SubscriptionRules subscriptions,
    IOptions<FhirApiOptions> options)
{
    private static readonly HashSet<string> WriterClasses = new(StringComparer.Ordinal) { DataClasses.Education, DataClasses.Health, DataClasses.SocialCare };

    public static string NewId() => Guid.NewGuid().ToString();

    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');

    public void EnsureWritable(string type)
    {
        if (options.Value.ReadOnlyTypes.Contains(type))
            throw FhirException.MethodNotAllowed($"{type} is read-only through the API: the gateway writes it itself.");
    }

    public Task<PreparedResource> PrepareAsync(Resource resource, string id, AccessSession access, CancellationToken ct) =>
        PrepareAsync(resource, id, access, validateProfile: true, ct);

    /// <param name="validateProfile">False only for resources whose conformance is proven by construction (the SEN2
    /// import's mapped resources, <see cref="FhirRequest.ValidateProfiles"/>); every other rule still applies.</param>
    public async Task<PreparedResource> PrepareAsync(Resource resource, string id, AccessSession access, bool validateProfile, CancellationToken ct)
    {
        EnsureWritable(resource.TypeName);
        // Identity review Tasks are the master child index's: it opens them and changes them only together with the
        // links they decide (Task/{id}/$resolve), so a client can neither forge one nor close one behind its back.
        if (access.Requester is not null && Identity.IdentityReviewTasks.IsReviewTask(resource))
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden,
                "Identity review Tasks are written by the gateway only; resolve one with POST Task/{id}/$resolve.");
        // Statutory Tasks are computed from the record (Statutory/StatutoryTaskWriter): a client changes the request, plan
        // or review they follow, never the Task, or the next recomputation would silently undo its edit.
        if (access.Requester is not null && Statutory.StatutoryTasks.IsStatutoryTask(resource))
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden,
                "Statutory Tasks are computed by the gateway from the EHC record; update the ServiceRequest, CarePlan, review Encounter or step Task they follow instead.");
        resource.Id = id;
        // The owner is who writes, whatever the body claims: a client cannot plant data in another organisation's
        // name. Only the gateway's own writes (demo data, adapters) keep the owner they carry.
        if (access.Requester is { } requester)
        {
            OwnershipTags.SetOwner(resource, requester.OrganisationId);
            // A writer may say which agency's data this is, but not move it into a class the gate treats specially
            // (directory data is readable by all; identity, plan and audit follow from the resource type).
            resource.Meta?.Tag.RemoveAll(t => t.System == DataClasses.System && !WriterClasses.Contains(t.Code ?? ""));
        }
        // A client's Subscription is checked and activated here, so no write path can store one the dispatcher would trust.
        if (resource is Subscription subscription) await subscriptions.ApplyAsync(subscription, access, ct);
        if (validateProfile && validator.ShouldValidate(resource))
        {
            var outcome = await validator.ValidateAsync(resource, null, ct);
            if (outcome.HasErrors())
                throw FhirException.Unprocessable(
                    $"The {resource.TypeName} does not conform to its profile: " + FirstError(outcome),
                    outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal or OperationOutcome.IssueSeverity.Warning));
        }
        var facts = ResourceFactsExtractor.Extract(resource, organisations.AgencyOf);
        return new PreparedResource(resource, extractor.Extract(resource), facts, access.Requester?.OrganisationId);
    }

    private static string FirstError(OperationOutcome outcome)
    {
        var e = outcome.Issue.First(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);
        var where = e.Expression.FirstOrDefault();
        return (e.Details?.Text ?? e.Diagnostics ?? "validation failed") + (where is null ? "" : $" (at {where})");
    }

    public ResourceWrite ToWrite(PreparedResource prepared, string method, int? expectedVersion = null, bool mustNotExist = false)
    {
        var r = prepared.Resource;
        // Rendered now, on the caller's thread, so the store's one writer only splices in the version and timestamp.
        var template = StoredJsonTemplate.Of(r, serialization);
        return new ResourceWrite
        {
            ResourceType = r.TypeName, ResourceId = r.Id!, Method = method, ExpectedVersion = expectedVersion, MustNotExist = mustNotExist,
            Index = prepared.Index,
            Access = AccessFactsCodec.Encode(prepared.Facts),
            Owner = prepared.Facts.OwnerOrganisation,
            RequireOwner = prepared.RequireOwner,
            Render = (version, timestamp) =>
            {
                r.Meta ??= new Meta();
                r.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                r.Meta.LastUpdated = timestamp;
                return template?.With(version, timestamp) ?? serialization.ToJsonBytes(r);
            },
        };
    }

    /// <summary>The relative Type/id references in the resource: the ones that must point at a resource on this server.</summary>
    public IEnumerable<(string Type, string Id, string Text)> LocalReferences(Resource resource)
    {
        foreach (var reference in ReferenceWalker.All(resource))
        {
            var text = reference.Reference;
            if (text is null || text.StartsWith('#') || text.StartsWith("urn:", StringComparison.Ordinal)) continue;
            if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) continue;
            if (text.Contains('?')) continue;
            if (SearchIndexExtractor.TryParseLocalReference(text, out var type, out var id)) yield return (type, id, text);
        }
    }

    public bool EnforceReferentialIntegrity => options.Value.EnforceReferentialIntegrity;
}
