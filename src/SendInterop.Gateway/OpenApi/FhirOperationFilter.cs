using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;
using static SendInterop.Gateway.OpenApi.FhirOpenApiComponents;

namespace SendInterop.Gateway.OpenApi;

/// <summary>
/// Documents each FHIR route (recognised by its endpoint name, see <see cref="Fhir.Endpoints.FhirEndpoints"/>): the
/// <c>type</c>, <c>id</c> and <c>vid</c> path parameters, the FHIR query parameters and headers that apply, the request
/// body with its FHIR media types and examples, and the success and error responses. All routes share one handler, so
/// nothing of this can be inferred from the handler's signature.
/// </summary>
internal sealed class FhirOperationFilter : IOperationFilter
{
    private enum Body { None, Create, Update, ConditionalUpdate, Transaction, Patch, SearchForm, Validate, Match, Merge, Resolve, EvaluateMeasure, Everything, Sen2Return, ExportParameters }

    internal enum Returns { Resource, Bundle, Outcome, Sen2Return, ExportManifest, Ndjson }

    internal sealed record Success(int Status, string Description, Returns Returns, string? Example, params string[] Headers);

    private sealed record Spec(string Description, string[] Parameters, Body Body, Success[] Successes, int[] Errors);

    private static readonly string[] Written = [Headers.Location, Headers.ETag, Headers.LastModified];
    private static readonly string[] Versioned = [Headers.ETag, Headers.LastModified];

    private const string EvaluateMeasureDescription =
        "Evaluates an indicator (Measure, docs/indicators.md) with one set-based query over the indicator projection, which change events keep "
        + "current within seconds of a write. Period: periodStart and periodEnd (optional referenceDate), or sen2Year. Subject: an LA, a region "
        + "or England. reportType summary (default) gives aggregates with small-number suppression (counts 1-5 and anything that would reveal "
        + "them are masked), MeasureReport.date and the indicator-computed-at and projection-freshness extensions, and the DfE comparators; any "
        + "client with system/Measure.rs may ask. subject-list lists the children counted, only those the consent gate lets the requester see, "
        + "with counts of the children listed (never the aggregate); it needs system/Patient.rs too. Unknown measure 404; bad period, subject "
        + "or reportType 400.";

    private const string EverythingDescription =
        "A child's record (http://hl7.org/fhir/R4/patient-operation-everything.html): the Patient and every current resource that "
        + "refers to it (plans, outcomes, needs, requests, episodes, consents, Tasks), as a searchset Bundle paged with _count and the "
        + "next link (which carries every parameter, a POSTed one too). Needs read and search scope on Patient (403 otherwise); every other "
        + "resource needs read and search scope on its type (else it is left out) and passes the consent gate, "
        + "and what the requester may not see is left out as if it did not exist (never counted, never a short page). Every decision "
        + "is audited. What a page's entries refer to (the LA, schools, practitioners) follows as include entries, gated as a search's "
        + "_include. _since (last updated) and _type filter; start and end (care dates) are refused (400) rather than ignored. "
        + "linked=true adds the child's other Patient records (master child index) the caller may see, and what refers to them. "
        + "Bundle.total is given when the answer is one page. A hidden or unknown Patient answers as a read does (404, or 403 if "
        + "configured); type level Patient/$everything is 400.";

    private static readonly Dictionary<string, Spec> Specs = new(StringComparer.Ordinal)
    {
        ["capabilities"] = new(
            "The CapabilityStatement (http://hl7.org/fhir/R4/capabilitystatement.html) of this server, built from its running "
            + "configuration: FHIR version 4.0.1, formats, every resource type with its interactions, indexed search parameters and "
            + "_include targets, and the $validate operation. Clients should read it rather than assume what is supported.",
            [Parameters.Format], Body.None,
            [new(200, "The CapabilityStatement.", Returns.Resource, null)],
            []),
        ["batch-transaction"] = new(
            "Processes a Bundle of type transaction or batch (http://hl7.org/fhir/R4/http.html#transaction). A transaction is "
            + "atomic: every entry succeeds or nothing is written, and entries may refer to each other by urn:uuid fullUrls, which "
            + "the server replaces with the new ids. A batch runs each entry on its own and reports each outcome in its entry. "
            + "Entries may be conditional (ifNoneExist, ifMatch, conditional URLs).",
            [Parameters.Format, Parameters.PreferReturn], Body.Transaction,
            [new(200, "A transaction-response or batch-response Bundle: one entry per request entry, in order.", Returns.Bundle, Examples.TransactionResponse)],
            [400, 404, 409, 412, 413, 415, 422]),
        ["history-system"] = new(
            "Every version of every resource, newest first, as a history Bundle (http://hl7.org/fhir/R4/http.html#history). A "
            + "deletion is an entry with request.method DELETE and no resource. Page with _count and the Bundle's next link.",
            [Parameters.Count, Parameters.Since, Parameters.Format], Body.None,
            [new(200, "A history Bundle.", Returns.Bundle, Examples.History)],
            [400]),
        ["search-type"] = new(
            "Searches resources of the type (http://hl7.org/fhir/R4/search.html) and returns a searchset Bundle. Search "
            + "parameters go in the query string, e.g. /fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018 "
            + "or /fhir/CarePlan?subject=Patient/{id}&_include=CarePlan:subject. Results are paged (_count, next link); paging "
            + "stays correct while data changes. Chains (subject:Patient.identifier=...) match only through resources the caller may "
            + "see; a chain reaching too many of them is a 400 (narrow it). Reverse chaining (_has) is refused with 400.",
            [Parameters.SearchParameters, Parameters.Count, Parameters.Sort, Parameters.Summary, Parameters.Total, Parameters.Elements,
                Parameters.Include, Parameters.RevInclude, Parameters.Format, Parameters.PreferHandling], Body.None,
            [new(200, "A searchset Bundle: matches, then included resources.", Returns.Bundle, Examples.Searchset)],
            [400, 404]),
        ["create"] = new(
            "Creates a resource; the server assigns the id (http://hl7.org/fhir/R4/http.html#create). Patient, CarePlan, Goal "
            + "and Condition are validated against the SEND profiles, and every reference must point at an existing resource. "
            + "With If-None-Exist the create is conditional: an existing match is returned instead.",
            [Parameters.IfNoneExist, Parameters.PreferReturn, Parameters.Format], Body.Create,
            [
                new(201, "Created. Location names the new version.", Returns.Resource, Examples.StoredChild, Written),
                new(200, "If-None-Exist matched one resource: it is returned and nothing is created.", Returns.Resource, Examples.StoredChild, Versioned),
            ],
            [400, 404, 405, 412, 413, 415, 422]),
        ["conditional-update"] = new(
            "Updates the one resource the search criteria match, or creates it if none does (http://hl7.org/fhir/R4/http.html#cond-update). "
            + "This is the upsert to use for records keyed by a business identifier such as the NHS number. If the body has an "
            + "id it must be the id of the match; if nothing matches, an id in the body follows the rules of update as create.",
            [Parameters.ConditionalCriteria, Parameters.PreferReturn, Parameters.Format], Body.ConditionalUpdate,
            [
                new(200, "Updated: the new version.", Returns.Resource, Examples.StoredChild, Versioned),
                new(201, "Nothing matched: created.", Returns.Resource, Examples.StoredChild, Written),
            ],
            [400, 404, 405, 409, 412, 413, 415, 422]),
        ["conditional-delete"] = new(
            "Deletes the one resource the search criteria match (http://hl7.org/fhir/R4/http.html#3.1.0.7.1). If nothing "
            + "matches, nothing is deleted; if several match, the answer is 412.",
            [Parameters.ConditionalCriteria, Parameters.PreferReturn], Body.None,
            [
                new(204, "Deleted, or nothing matched.", Returns.Resource, null),
                new(200, "With Prefer: return=OperationOutcome: what was done.", Returns.Outcome, null),
            ],
            [400, 404, 405, 409, 412]),
        ["search-type-post"] = new(
            "The same search as GET /fhir/{type}, with the parameters in an application/x-www-form-urlencoded body, so that "
            + "identifiers do not appear in URLs and logs.",
            [Parameters.Format, Parameters.PreferHandling], Body.SearchForm,
            [new(200, "A searchset Bundle: matches, then included resources.", Returns.Bundle, Examples.Searchset)],
            [400, 404, 415]),
        ["history-type"] = new(
            "Every version of every resource of the type, newest first, as a history Bundle.",
            [Parameters.Count, Parameters.Since, Parameters.Format], Body.None,
            [new(200, "A history Bundle.", Returns.Bundle, Examples.History)],
            [400, 404]),
        ["patient-match"] = new(
            "Patient/$match (http://hl7.org/fhir/R4/patient-operation-match.html): record linkage of the given Patient against "
            + "the children stored here (docs/identity.md). Parameters: resource (the Patient: at least an NHS number, or a "
            + "family name with a full birth date), onlyCertainMatches, count (default 10, at most 50). The answer lists the "
            + "matches the caller may see, best first, each with search.score (the match probability) and the match-grade "
            + "extension (certain, probable, possible). Matches the consent gate withholds are not listed or counted.",
            [Parameters.Format], Body.Match,
            [new(200, "A searchset Bundle of graded matches (empty when none, or none the caller may see).", Returns.Bundle, Examples.MatchResult)],
            [400, 415, 422]),
        ["patient-merge"] = new(
            "Patient/$merge (parameter names of FHIR R5's Patient-merge): a person says two records are the same child. "
            + "Parameters: source-patient or source-patient-identifier (the duplicate), target-patient or "
            + "target-patient-identifier (the record to keep), preview (true: change nothing, show the result). The source "
            + "gets Patient.link replaced-by and active=false, the target Patient.link replaces, and the source joins the "
            + "target's master identity. Nothing is deleted; Patient/$unmerge undoes it exactly. Needs update permission on "
            + "Patient and both records visible through the consent gate (a hidden record answers 404). Audited.",
            [Parameters.Format], Body.Merge,
            [new(200, "Parameters: input, outcome, result (the target as stored).", Returns.Resource, Examples.MergeResult)],
            [400, 403, 404, 409, 415, 422]),
        ["patient-unmerge"] = new(
            "Patient/$unmerge: undoes a Patient/$merge of source-patient into target-patient exactly (the links it added "
            + "removed, active put back as it was, the source's master identity restored). Same parameters and permissions "
            + "as $merge; 422 when the source is not merged into the target. Audited.",
            [Parameters.Format], Body.Merge,
            [new(200, "Parameters: input, outcome, result (the source as stored).", Returns.Resource, Examples.MergeResult)],
            [400, 403, 404, 409, 415, 422]),
        ["task-resolve"] = new(
            "Resolves an identity review Task (code " + Identity.IdentityReviewTasks.CodeSystem + "#possible-duplicate, "
            + "listed with Task?code=...&status=requested): decision link (the same child: their master identities are "
            + "joined) or not-link (different children: kept apart). Needs update permission on Task, read on Patient, "
            + "and the Task and both Patients visible through the consent gate. A resolved Task answers 409. Audited.",
            [Parameters.Format], Body.Resolve,
            [new(200, "The completed Task with the decision as output.", Returns.Resource, Examples.ResolvedReview, Versioned)],
            [400, 403, 404, 409, 415, 422]),
        ["patient-everything"] = new(
            EverythingDescription,
            [Parameters.Since, Parameters.Type, Parameters.Count, Parameters.Linked, Parameters.Format],
            Body.None,
            [new(200, "A searchset Bundle: the Patient first, then the resources that refer to it, in the order they were stored.", Returns.Bundle, Examples.Searchset)],
            [400, 403, 404, 410]),
        ["patient-everything-post"] = new(
            EverythingDescription + " POST: the same parameters in a Parameters body.",
            [Parameters.Format],
            Body.Everything,
            [new(200, "A searchset Bundle: the Patient first, then the resources that refer to it, in the order they were stored.", Returns.Bundle, Examples.Searchset)],
            [400, 403, 404, 410, 415]),
        ["measure-evaluate"] = new(
            EvaluateMeasureDescription,
            [Parameters.PeriodStart, Parameters.PeriodEnd, Parameters.ReferenceDate, Parameters.Sen2Year, Parameters.Subject, Parameters.ReportType, Parameters.Format],
            Body.None,
            [new(200, "A MeasureReport: summary (suppressed aggregates) or subject-list.", Returns.Resource, Examples.MeasureReportSummary)],
            [400, 403, 404, 405]),
        ["measure-evaluate-post"] = new(
            EvaluateMeasureDescription + " POST: the same parameters in a Parameters body.",
            [Parameters.PeriodStart, Parameters.PeriodEnd, Parameters.ReferenceDate, Parameters.Sen2Year, Parameters.Subject, Parameters.ReportType, Parameters.Format],
            Body.EvaluateMeasure,
            [new(200, "A MeasureReport: summary (suppressed aggregates) or subject-list.", Returns.Resource, Examples.MeasureReportSummary)],
            [400, 403, 404, 405, 415]),
        ["measure-evaluate-type"] = new(
            EvaluateMeasureDescription + " Type level: name the indicator with measure.",
            [Parameters.Measure, Parameters.PeriodStart, Parameters.PeriodEnd, Parameters.ReferenceDate, Parameters.Sen2Year, Parameters.Subject, Parameters.ReportType, Parameters.Format],
            Body.None,
            [new(200, "A MeasureReport: summary (suppressed aggregates) or subject-list.", Returns.Resource, Examples.MeasureReportSummary)],
            [400, 403, 404, 405]),
        ["measure-evaluate-type-post"] = new(
            EvaluateMeasureDescription + " Type level, POST: measure and the rest in a Parameters body.",
            [Parameters.PeriodStart, Parameters.PeriodEnd, Parameters.ReferenceDate, Parameters.Sen2Year, Parameters.Subject, Parameters.ReportType, Parameters.Format],
            Body.EvaluateMeasure,
            [new(200, "A MeasureReport: summary (suppressed aggregates) or subject-list.", Returns.Resource, Examples.MeasureReportSummary)],
            [400, 403, 404, 405, 415]),
        ["sen2-import"] = new(
            "Imports the caller's local authority's SEN2 person-level return (DfE XML, ../shared/SEN2.md) into the record. The LA is "
            + "the token's organisation (la-NNN; others 403) and must be the file's LEA (422). Valid Persons are imported in batches "
            + "(Sen2:ImportBatch) of one database transaction, each decided as its own transaction through POST /fhir would be "
            + "(matches through the consent gate, ownership, identity linking); a record the batch cannot settle, or every record of "
            + "a batch that fails, is imported on its own, so a bad record imports nothing of itself and takes no good one with it; "
            + "records with errors are reported and skipped. Importing the same file again changes nothing "
            + "(status unchanged); an edited file replaces each of its persons' records, deleting (history kept) what an earlier "
            + "import made for that person and the record no longer has. Needs create and update on Patient, ServiceRequest, "
            + "CarePlan, Condition and Encounter (system/*.cu), and delete on the last four for a record that removes something "
            + "(without it that record is rejected, 403, and nothing of it changes). A file that fails as a whole (not XML, truncated, DTD, wrong root or header) answers 400/413/422 "
            + "with an OperationOutcome naming the problem and the records imported before it. Audited.",
            [Parameters.Format], Body.Sen2Return,
            [new(200, "Parameters: la, collection-year, reference-date, counts, and one record part per Person (index, line, status imported/unchanged/rejected, created/updated/deleted references, error parts with path, line, column, rule, message).", Returns.Resource, null)],
            [400, 403, 409, 413, 415, 422]),
        ["sen2-export"] = new(
            "Exports the caller's local authority's SEN2 person-level return from the record as application/xml, ready for DfE "
            + "COLLECT: every child with this LA's SEN2 records that the LA may see (each resource read through the consent gate, "
            + "audited). Children whose records cannot make a SEN2 person are not in the file but are counted and named in the "
            + "X-SEN2-Unmapped headers, never dropped silently. Needs search on ServiceRequest, CarePlan, Condition, Encounter and "
            + "read on Patient.",
            [], Body.None,
            [new(200, "The SEN2 return (XML).", Returns.Sen2Return, null)],
            [400, 403]),
        [Export.ExportEndpoints.SystemName] = new(Export.ExportOpenApi.KickOffDescription("every resource of the types asked for (or every type the "
            + "scopes reach) that the caller may see"), [Parameters.Type, Parameters.Since], Body.None, Export.ExportOpenApi.KickOffSuccess, [400, 403, 405, 429]),
        [Export.ExportEndpoints.PatientName] = new(Export.ExportOpenApi.KickOffDescription("every child's compartment (each Patient and what refers to "
            + "it, as $everything) that the caller may see; needs read and search scope on Patient"), [Parameters.Type, Parameters.Since], Body.None,
            Export.ExportOpenApi.KickOffSuccess, [400, 403, 405, 429]),
        [Export.ExportEndpoints.GroupName] = new(Export.ExportOpenApi.KickOffDescription("the compartments of the Group's active Patient members that "
            + "the caller may see; the Group must be readable by the caller (hidden answers as unknown, 404)"), [Parameters.Type, Parameters.Since], Body.None,
            Export.ExportOpenApi.KickOffSuccess, [400, 403, 404, 405, 410, 429]),
        [Export.ExportEndpoints.SystemPostName] = new(Export.ExportOpenApi.KickOffDescription("every resource of the types asked for that the caller may "
            + "see, the parameters in a Parameters body"), [], Body.ExportParameters, Export.ExportOpenApi.KickOffSuccess, [400, 403, 413, 415, 429]),
        [Export.ExportEndpoints.PatientPostName] = new(Export.ExportOpenApi.KickOffDescription("every child's compartment the caller may see, or only "
            + "those of the patient references in the Parameters body"), [], Body.ExportParameters, Export.ExportOpenApi.KickOffSuccess, [400, 403, 413, 415, 429]),
        [Export.ExportEndpoints.GroupPostName] = new(Export.ExportOpenApi.KickOffDescription("the compartments of the Group's active Patient members "
            + "(those named by patient references in the Parameters body, when given) that the caller may see"), [], Body.ExportParameters,
            Export.ExportOpenApi.KickOffSuccess, [400, 403, 404, 410, 413, 415, 429]),
        [Export.ExportEndpoints.StatusName] = new(Export.ExportOpenApi.StatusDescription, [], Body.None, Export.ExportOpenApi.StatusSuccess, [403, 404, 422]),
        [Export.ExportEndpoints.CancelName] = new("Cancels a queued or running export, or deletes a finished one: nothing more is written and its files "
            + "are deleted; its status then answers 404. Only the client that started it (same client, organisation, agency and patient in context); 404 for "
            + "anyone else.",
            [], Body.None, [new(202, "Cancelled or deleted.", Returns.Outcome, null)], [403, 404]),
        [Export.ExportEndpoints.FileName] = new(Export.ExportOpenApi.FileDescription, [], Body.None, Export.ExportOpenApi.FileSuccess, [403, 404, 429]),
        ["validate-type"] = new(
            "Validates a resource without storing it (http://hl7.org/fhir/R4/resource-operation-validate.html): always full "
            + "validation against the FHIR specification, the SEND profile of the type and every profile in meta.profile. The "
            + "body is the resource, or a Parameters resource with a resource parameter (and optionally profile).",
            [Parameters.Profile, Parameters.Format], Body.Validate,
            [new(200, "An OperationOutcome with every issue found (an informational issue when there is none).", Returns.Outcome, Examples.ValidationPassed)],
            [400, 404, 413, 415]),
        ["read"] = new(
            "Reads the current version of a resource (http://hl7.org/fhir/R4/http.html#read). ETag carries the version for a "
            + "later If-Match.",
            [Parameters.Summary, Parameters.Elements, Parameters.Format], Body.None,
            [new(200, "The resource.", Returns.Resource, Examples.StoredChild, Versioned)],
            [400, 404, 410]),
        ["update"] = new(
            "Replaces a resource with a new version (http://hl7.org/fhir/R4/http.html#update); the body's id must equal the id "
            + "in the URL. If no resource the caller may see has this id, directory data (Organization, Practitioner, Location, ...) "
            + "is created with it (update as create); any other type answers 404, as the server assigns the ids of new records "
            + "(POST, or a conditional update). Send If-Match with the ETag you read so that no one else's change is overwritten.",
            [Parameters.IfMatch, Parameters.PreferReturn, Parameters.Format], Body.Update,
            [
                new(200, "Updated: the new version.", Returns.Resource, Examples.StoredChild, Versioned),
                new(201, "Created with the id in the URL (directory data).", Returns.Resource, Examples.StoredChild, Written),
            ],
            [400, 404, 405, 409, 412, 413, 415, 422, 428]),
        ["patch"] = new(
            "Changes part of a resource (http://hl7.org/fhir/R4/http.html#patch) with a JSON Patch (application/json-patch+json) "
            + "or a FHIRPath Patch (a Parameters resource in FHIR JSON or XML). The result is validated like any update.",
            [Parameters.IfMatch, Parameters.PreferReturn, Parameters.Format], Body.Patch,
            [new(200, "Patched: the new version.", Returns.Resource, Examples.StoredChild, Versioned)],
            [400, 404, 405, 409, 412, 413, 415, 422, 428]),
        ["delete"] = new(
            "Deletes a resource (http://hl7.org/fhir/R4/http.html#delete). Deletion is a new version: read answers 410 "
            + "afterwards and the history keeps every earlier version. Deleting what does not exist, or what the caller may not "
            + "see, succeeds and deletes nothing.",
            [Parameters.IfMatch, Parameters.PreferReturn], Body.None,
            [
                new(204, "Deleted (or did not exist).", Returns.Resource, null),
                new(200, "With Prefer: return=OperationOutcome: what was done.", Returns.Outcome, null),
            ],
            [400, 404, 405, 409, 412, 428]),
        ["history-instance"] = new(
            "Every version of one resource, newest first, as a history Bundle (http://hl7.org/fhir/R4/http.html#history).",
            [Parameters.Count, Parameters.Since, Parameters.Format], Body.None,
            [new(200, "A history Bundle.", Returns.Bundle, Examples.History)],
            [400, 404]),
        ["vread"] = new(
            "Reads one version of a resource (http://hl7.org/fhir/R4/http.html#vread).",
            [Parameters.Format], Body.None,
            [new(200, "The resource as it was in that version.", Returns.Resource, Examples.StoredChild, Versioned)],
            [400, 404, 410]),
        ["validate-instance"] = new(
            "Validates the stored current version of a resource (http://hl7.org/fhir/R4/resource-operation-validate.html), "
            + "e.g. after a profile changed.",
            [Parameters.Profile, Parameters.Format], Body.None,
            [new(200, "An OperationOutcome with every issue found (an informational issue when there is none).", Returns.Outcome, Examples.ValidationPassed)],
            [400, 404]),
    };

    /// <summary>The endpoint names this filter documents: every FHIR route.</summary>
    public static IReadOnlyCollection<string> EndpointNames => Specs.Keys;

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var name = metadata?.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName;
        if (name is null || !Specs.TryGetValue(name, out var spec)) return;
        var document = context.Document;

        operation.OperationId ??= name;
        operation.Summary ??= metadata!.OfType<IEndpointSummaryMetadata>().LastOrDefault()?.Summary;
        operation.Description = spec.Description;

        var parameters = operation.Parameters ??= new List<IOpenApiParameter>();
        foreach (var parameter in parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Path))
            DescribePathParameter(parameter, document);
        foreach (var key in spec.Parameters)
            parameters.Add(new OpenApiParameterReference(key, document));

        operation.RequestBody = RequestBody(spec.Body, document);

        var responses = operation.Responses = new OpenApiResponses();
        foreach (var success in spec.Successes)
            responses[Status(success.Status)] = SuccessResponse(success, document);
        foreach (var status in spec.Errors)
            responses[Status(status)] = new OpenApiResponseReference(ErrorResponses[status], document);
        Sen2.Sen2OpenApi.Complete(name, operation);
        Export.ExportOpenApi.Complete(name, operation);
    }

    /// <summary>Whether <paramref name="description"/> is one of the FHIR routes.</summary>
    public static bool IsFhirRoute(ApiDescription description) =>
        description.ActionDescriptor.EndpointMetadata?.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName is { } name
        && Specs.ContainsKey(name);

    private static void DescribePathParameter(OpenApiParameter parameter, OpenApiDocument document)
    {
        switch (parameter.Name)
        {
            case "type":
                parameter.Description = "The resource type, e.g. Patient or CarePlan (case-sensitive).";
                parameter.Schema = new OpenApiSchemaReference(Schemas.ResourceType, document);
                parameter.Example = "Patient";
                break;
            case "id":
                parameter.Description = "The logical id of the resource (1-64 characters: A-Z a-z 0-9 - .).";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[A-Za-z0-9\\-\\.]{1,64}$" };
                parameter.Example = FhirOpenApiExamples.ChildId;
                break;
            case "vid":
                parameter.Description = "The version id (meta.versionId; 1 for the first version).";
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]+$" };
                parameter.Example = "1";
                break;
        }
    }

    private static OpenApiRequestBody? RequestBody(Body body, OpenApiDocument document) => body switch
    {
        Body.None => null,
        Body.Create => FhirBody("The resource to create, without an id.", document,
            (Examples.Child, Examples.ChildXml), (Examples.EhcPlan, Examples.EhcPlanXml)),
        Body.ConditionalUpdate => FhirBody("The resource; without an id, or with the id of the match.", document, (Examples.Child, Examples.ChildXml)),
        Body.Update => FhirBody("The new version of the resource; its id must equal the id in the URL.", document, (Examples.StoredChild, Examples.StoredChildXml)),
        Body.Validate => FhirBody("The resource to validate, or a Parameters resource carrying it.", document,
            (Examples.Child, Examples.ChildXml), (Examples.EhcPlan, Examples.EhcPlanXml)),
        Body.Match => FhirBody("A Parameters resource: resource (the Patient to match), onlyCertainMatches, count.", document,
            (Examples.MatchRequest, Examples.MatchRequestXml)),
        Body.Merge => FhirBody("A Parameters resource: source-patient, target-patient (references or -identifier), preview.", document,
            (Examples.MergeRequest, Examples.MergeRequestXml)),
        Body.Resolve => FhirBody("A Parameters resource: decision (valueCode link or not-link).", document,
            (Examples.ResolveRequest, Examples.ResolveRequestXml)),
        Body.EvaluateMeasure => FhirBody("A Parameters resource: periodStart, periodEnd, referenceDate or sen2Year; subject; reportType (and measure at type level).", document,
            (Examples.EvaluateMeasureRequest, Examples.EvaluateMeasureRequestXml)),
        Body.Everything => FhirBody("A Parameters resource: _since (valueInstant), _type (valueString, repeatable), _count (valueInteger), linked (valueBoolean).", document,
            (Examples.EverythingRequest, Examples.EverythingRequestXml)),
        Body.Sen2Return => Sen2.Sen2OpenApi.RequestBody(),
        Body.ExportParameters => FhirBody("A Parameters resource: _type, _typeFilter (valueString, repeatable), _since (valueInstant), _outputFormat "
            + "(valueString), patient (valueReference Patient/[id], repeatable; Patient and Group exports only).", document,
            (Examples.ExportRequest, Examples.ExportRequestXml)),
        Body.Transaction => FhirBody("A Bundle of type transaction or batch.", document, (Examples.Transaction, Examples.TransactionXml)),
        Body.Patch => PatchBody(document),
        Body.SearchForm => SearchFormBody(),
        _ => throw new ArgumentOutOfRangeException(nameof(body), body, null),
    };

    private static OpenApiRequestBody FhirBody(string description, OpenApiDocument document, params (string Json, string Xml)[] examples) => new()
    {
        Description = description,
        Required = true,
        Content = new Dictionary<string, IOpenApiMediaType>
        {
            [FhirJson] = new OpenApiMediaType
            {
                Schema = new OpenApiSchemaReference(Schemas.Resource, document),
                Examples = examples.ToDictionary(e => e.Json, e => (IOpenApiExample)new OpenApiExampleReference(e.Json, document)),
            },
            [FhirXml] = new OpenApiMediaType
            {
                Schema = new OpenApiSchemaReference(Schemas.ResourceXml, document),
                Examples = examples.ToDictionary(e => e.Xml, e => (IOpenApiExample)new OpenApiExampleReference(e.Xml, document)),
            },
        },
    };

    private static OpenApiRequestBody PatchBody(OpenApiDocument document) => new()
    {
        Description = "A JSON Patch document, or a FHIRPath Patch Parameters resource.",
        Required = true,
        Content = new Dictionary<string, IOpenApiMediaType>
        {
            [JsonPatchMediaType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchemaReference(Schemas.JsonPatch, document),
                Examples = new Dictionary<string, IOpenApiExample> { [Examples.JsonPatch] = new OpenApiExampleReference(Examples.JsonPatch, document) },
            },
            [FhirJson] = new OpenApiMediaType
            {
                Schema = new OpenApiSchemaReference(Schemas.Resource, document),
                Examples = new Dictionary<string, IOpenApiExample> { [Examples.FhirPathPatch] = new OpenApiExampleReference(Examples.FhirPathPatch, document) },
            },
            [FhirXml] = new OpenApiMediaType
            {
                Schema = new OpenApiSchemaReference(Schemas.ResourceXml, document),
                Examples = new Dictionary<string, IOpenApiExample> { [Examples.FhirPathPatchXml] = new OpenApiExampleReference(Examples.FhirPathPatchXml, document) },
            },
        },
    };

    private static OpenApiRequestBody SearchFormBody() => new()
    {
        Description = "Search parameters as form fields: the same names and values as in a search URL.",
        Required = true,
        Content = new Dictionary<string, IOpenApiMediaType>
        {
            [FormMediaType] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["identifier"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "e.g. system|value" },
                        ["_count"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0" },
                        ["_sort"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["_include"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["_revinclude"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String },
                },
                Example = new System.Text.Json.Nodes.JsonObject
                {
                    ["identifier"] = FhirOpenApiExamples.NhsNumberCriteria["identifier=".Length..],
                    ["_revinclude"] = "CarePlan:subject",
                },
            },
        },
    };

    private static OpenApiResponse SuccessResponse(Success success, OpenApiDocument document)
    {
        if (success.Returns == Returns.Sen2Return) return Sen2.Sen2OpenApi.ExportResponse(success.Description);
        if (success.Returns is Returns.ExportManifest or Returns.Ndjson) return Export.ExportOpenApi.Response(success.Status, success.Description, success.Returns);
        var response = new OpenApiResponse { Description = success.Description };
        if (success.Headers.Length > 0)
            response.Headers = success.Headers.ToDictionary(h => h, h => (IOpenApiHeader)new OpenApiHeaderReference(h, document));
        if (success.Status == 204) return response;

        var json = new OpenApiMediaType
        {
            Schema = new OpenApiSchemaReference(success.Returns == Returns.Outcome ? Schemas.OperationOutcome : Schemas.Resource, document),
        };
        if (success.Example is { } example)
            json.Examples = new Dictionary<string, IOpenApiExample> { [example] = new OpenApiExampleReference(example, document) };
        response.Content = new Dictionary<string, IOpenApiMediaType>
        {
            [FhirJson] = json,
            [FhirXml] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(Schemas.ResourceXml, document) },
        };
        return response;
    }

    private static string Status(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
