using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using Microsoft.OpenApi;
using SendInterop.Domain.Search;

namespace SendInterop.Gateway.OpenApi;

/// <summary>
/// The reusable parts of the FHIR OpenAPI document (<c>#/components</c>): two deliberately small schemas instead of a
/// model of all of FHIR, the FHIR query and header parameters, one error response per status with an
/// OperationOutcome example, and the example bodies. Operations refer to them by the names below.
/// </summary>
internal static class FhirOpenApiComponents
{
    public const string FhirJson = "application/fhir+json";
    public const string FhirXml = "application/fhir+xml";
    public const string JsonPatchMediaType = "application/json-patch+json";
    public const string FormMediaType = "application/x-www-form-urlencoded";

    /// <summary>Schema names.</summary>
    public static class Schemas
    {
        public const string Resource = "FhirResource";
        public const string ResourceXml = "FhirResourceXml";
        public const string ResourceType = "FhirResourceType";
        public const string OperationOutcome = "OperationOutcome";
        public const string JsonPatch = "JsonPatch";
    }

    /// <summary>Parameter names (keys under <c>#/components/parameters</c>).</summary>
    public static class Parameters
    {
        public const string Format = "_format";
        public const string Count = "_count";
        public const string Since = "_since";
        public const string Type = "_type";
        public const string Linked = "linked";
        public const string Sort = "_sort";
        public const string Summary = "_summary";
        public const string Total = "_total";
        public const string Elements = "_elements";
        public const string Include = "_include";
        public const string RevInclude = "_revinclude";
        public const string Profile = "profile";
        public const string SearchParameters = "searchParameters";
        public const string ConditionalCriteria = "conditionalCriteria";
        public const string IfMatch = "If-Match";
        public const string IfNoneExist = "If-None-Exist";
        public const string PreferReturn = "Prefer-return";
        public const string PreferHandling = "Prefer-handling";
        public const string Measure = "measure";
        public const string PeriodStart = "periodStart";
        public const string PeriodEnd = "periodEnd";
        public const string ReferenceDate = "referenceDate";
        public const string Sen2Year = "sen2Year";
        public const string Subject = "subject";
        public const string ReportType = "reportType";
    }

    /// <summary>Header names (keys under <c>#/components/headers</c>).</summary>
    public static class Headers
    {
        public const string ETag = "ETag";
        public const string LastModified = "Last-Modified";
        public const string Location = "Location";
    }

    /// <summary>Example names (keys under <c>#/components/examples</c>).</summary>
    public static class Examples
    {
        public const string Child = "SendChild";
        public const string ChildXml = "SendChildXml";
        public const string StoredChild = "SendChildStored";
        public const string StoredChildXml = "SendChildStoredXml";
        public const string EhcPlan = "EhcPlan";
        public const string EhcPlanXml = "EhcPlanXml";
        public const string Transaction = "TransactionBundle";
        public const string TransactionXml = "TransactionBundleXml";
        public const string TransactionResponse = "TransactionResponseBundle";
        public const string Searchset = "SearchsetBundle";
        public const string History = "HistoryBundle";
        public const string JsonPatch = "JsonPatch";
        public const string FhirPathPatch = "FhirPathPatch";
        public const string FhirPathPatchXml = "FhirPathPatchXml";
        public const string ValidationPassed = "ValidationPassed";
        public const string MatchRequest = "PatientMatchRequest";
        public const string MatchRequestXml = "PatientMatchRequestXml";
        public const string MatchResult = "PatientMatchResult";
        public const string MergeRequest = "PatientMergeRequest";
        public const string MergeRequestXml = "PatientMergeRequestXml";
        public const string MergeResult = "PatientMergeResult";
        public const string ResolveRequest = "TaskResolveRequest";
        public const string ResolveRequestXml = "TaskResolveRequestXml";
        public const string ResolvedReview = "ResolvedIdentityReviewTask";
        public const string EvaluateMeasureRequest = "EvaluateMeasureRequest";
        public const string EverythingRequest = "EverythingRequest";
        public const string EverythingRequestXml = "EverythingRequestXml";
        public const string ExportRequest = "ExportRequest";
        public const string ExportRequestXml = "ExportRequestXml";
        public const string EvaluateMeasureRequestXml = "EvaluateMeasureRequestXml";
        public const string MeasureReportSummary = "MeasureReportSummary";
    }

    /// <summary>Error responses (keys under <c>#/components/responses</c>), by HTTP status.</summary>
    public static IReadOnlyDictionary<int, string> ErrorResponses { get; } = new SortedDictionary<int, string>
    {
        [400] = "BadRequest",
        [401] = "Unauthorized",
        [403] = "Forbidden",
        [404] = "NotFound",
        [405] = "MethodNotAllowed",
        [409] = "Conflict",
        [410] = "Gone",
        [412] = "PreconditionFailed",
        [413] = "PayloadTooLarge",
        [415] = "UnsupportedMediaType",
        [422] = "UnprocessableEntity",
        [428] = "PreconditionRequired",
        [429] = "TooManyRequests",
    };

    /// <summary>Statuses documented only once a security scheme is configured (see <see cref="SwaggerServiceCollectionExtensions.AddFhirSecurityScheme"/>).</summary>
    public static readonly int[] SecurityStatuses = [401, 403];

    /// <summary>Adds every component to <paramref name="document"/>; <paramref name="withSecurityResponses"/> adds 401 and 403.</summary>
    public static void AddTo(OpenApiDocument document, SearchParameterRegistry registry, bool withSecurityResponses)
    {
        var components = document.Components ??= new OpenApiComponents();
        var schemas = components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var (name, schema) in CreateSchemas(registry)) schemas[name] = schema;

        var parameters = components.Parameters ??= new Dictionary<string, IOpenApiParameter>();
        foreach (var (name, parameter) in CreateParameters()) parameters[name] = parameter;

        var headers = components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, header) in CreateHeaders()) headers[name] = header;

        var responses = components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        foreach (var (status, name) in ErrorResponses)
        {
            if (!withSecurityResponses && SecurityStatuses.Contains(status)) continue;
            responses[name] = CreateErrorResponse(document, status);
        }

        var examples = components.Examples ??= new Dictionary<string, IOpenApiExample>();
        foreach (var (name, example) in CreateExamples()) examples[name] = example;
    }

    private static IEnumerable<(string, IOpenApiSchema)> CreateSchemas(SearchParameterRegistry registry)
    {
        yield return (Schemas.Resource, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Any FHIR R4 resource in JSON (http://hl7.org/fhir/R4/json.html). Only resourceType is modelled here: "
                + "the structure of each type is defined by the FHIR specification and the SEND profiles, and the gateway "
                + "validates bodies against them.",
            Required = new HashSet<string> { "resourceType" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["resourceType"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The FHIR resource type, e.g. Patient." },
                ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Logical id, assigned by the server on create.", Pattern = "^[A-Za-z0-9\\-\\.]{1,64}$" },
                ["meta"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "versionId, lastUpdated and profile (http://hl7.org/fhir/R4/resource.html#Meta)." },
            },
        });
        yield return (Schemas.ResourceXml, new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "Any FHIR R4 resource in XML (http://hl7.org/fhir/R4/xml.html), namespace http://hl7.org/fhir.",
        });
        yield return (Schemas.ResourceType, new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "A FHIR R4 resource type. Names are case-sensitive. /fhir/metadata lists the interactions and search parameters of each.",
            Enum = registry.ResourceTypes.Order(StringComparer.Ordinal).Select(t => (JsonNode)JsonValue.Create(t)!).ToList(),
            Default = "Patient",
        });
        var issue = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "severity", "code" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["severity"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["fatal", "error", "warning", "information"] },
                ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Issue type (http://hl7.org/fhir/R4/valueset-issue-type.html), e.g. invalid, not-found, conflict." },
                ["details"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema> { ["text"] = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
                ["diagnostics"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong, in words a developer can act on." },
                ["expression"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Description = "FHIRPath of the element(s) concerned.",
                    Items = new OpenApiSchema { Type = JsonSchemaType.String },
                },
            },
        };
        yield return (Schemas.OperationOutcome, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The FHIR OperationOutcome (http://hl7.org/fhir/R4/operationoutcome.html): every error of the gateway, and the result of $validate.",
            Required = new HashSet<string> { "resourceType", "issue" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["resourceType"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["OperationOutcome"] },
                ["issue"] = new OpenApiSchema { Type = JsonSchemaType.Array, MinItems = 1, Items = issue },
            },
        });
        yield return (Schemas.JsonPatch, new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Description = "A JSON Patch document (RFC 6902), applied to the resource's current JSON.",
            Items = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "op", "path" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["op"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["add", "remove", "replace", "move", "copy", "test"] },
                    ["path"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "JSON Pointer (RFC 6901), e.g. /name/0/given." },
                    ["from"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "JSON Pointer of the source, for move and copy." },
                    ["value"] = new OpenApiSchema { Description = "The value for add, replace and test: any JSON." },
                },
            },
        });
    }

    private static IEnumerable<(string, IOpenApiParameter)> CreateParameters()
    {
        yield return (Parameters.Format, Query("_format",
            "Response format; overrides the Accept header. JSON is the default.",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["json", "xml", FhirJson, FhirXml] }));
        yield return (Parameters.Count, Query("_count",
            $"Page size (default {SearchDefaults.DefaultCount}, at most {SearchDefaults.MaxCount}). The Bundle's next link pages on.",
            new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = SearchDefaults.MaxCount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            example: 20));
        yield return (Parameters.Since, Query("_since",
            "Only versions written at or after this instant.",
            new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            example: "2025-01-01T00:00:00Z"));
        yield return (Parameters.Type, Query("_type",
            "$everything: only resources of these types (comma-separated, case-sensitive).",
            new OpenApiSchema { Type = JsonSchemaType.String },
            example: "CarePlan,Goal"));
        yield return (Parameters.Linked, Query("linked",
            "$everything: true adds the child's other Patient records in the master child index (as HAPI's _mdm=true) and what refers to them; "
            + "only the records the caller may see, and nothing found only through a record it may not see.",
            new OpenApiSchema { Type = JsonSchemaType.Boolean },
            example: true));
        yield return (Parameters.Sort, Query("_sort",
            "Comma-separated sort keys: search parameter names, '-' for descending (e.g. -_lastUpdated,birthdate).",
            new OpenApiSchema { Type = JsonSchemaType.String },
            example: "-_lastUpdated"));
        yield return (Parameters.Summary, Query("_summary",
            "Return a summary: true (summary elements), text, data (no text), count (total only) or false.",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true", "text", "data", "count", "false"] }));
        yield return (Parameters.Total, Query("_total",
            "Bundle.total: none leaves it out (the search need not count); estimate and accurate count the matches the caller may see. "
            + "It is also left out when more than the server's limit (Access:MaxGatedTotal) are visible; no limit counts matches the caller may not see.",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["none", "estimate", "accurate"] }));
        yield return (Parameters.Elements, Query("_elements",
            "Comma-separated top-level elements to return (mandatory elements are always included).",
            new OpenApiSchema { Type = JsonSchemaType.String },
            example: "identifier,name,birthDate"));
        yield return (Parameters.Include, Query("_include",
            "Also return resources the matches refer to: SourceType:searchParameter[:TargetType], or SourceType:* (repeatable).",
            new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            example: new JsonArray("CarePlan:subject"), explode: true));
        yield return (Parameters.RevInclude, Query("_revinclude",
            "Also return resources that refer to the matches: SourceType:searchParameter (repeatable).",
            new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            example: new JsonArray("CarePlan:subject"), explode: true));
        yield return (Parameters.Measure, Query("measure",
            "Type-level $evaluate-measure: the indicator, by Measure id or canonical URL (GET /fhir/Measure lists them).",
            new OpenApiSchema { Type = JsonSchemaType.String }, example: "ehc-plans-in-place"));
        yield return (Parameters.PeriodStart, Query("periodStart",
            "First day of the activity period (FHIR date: yyyy, yyyy-MM or yyyy-MM-dd; widened to the first day). With periodEnd, or use sen2Year.",
            new OpenApiSchema { Type = JsonSchemaType.String }, example: "2024-01-01"));
        yield return (Parameters.PeriodEnd, Query("periodEnd",
            "Last day of the activity period, included (widened to the last day).",
            new OpenApiSchema { Type = JsonSchemaType.String }, example: "2024-12-31"));
        yield return (Parameters.ReferenceDate, Query("referenceDate",
            "The snapshot day for caseload indicators and age bands; on or after periodEnd (default: periodEnd).",
            new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" }, example: "2025-01-16"));
        yield return (Parameters.Sen2Year, Query("sen2Year",
            "A SEN2 collection year instead of a period: activity in the calendar year before, snapshot on the January census day.",
            new OpenApiSchema { Type = JsonSchemaType.Integer }, example: 2025));
        yield return (Parameters.Subject, Query("subject",
            "Organization/la-NNN (or the 3-digit LA code), an ONS region code (E12...), or England (default).",
            new OpenApiSchema { Type = JsonSchemaType.String }, example: "Organization/la-926"));
        yield return (Parameters.ReportType, Query("reportType",
            "summary (default: suppressed aggregates) or subject-list (the children counted that the consent gate lets you see; needs Patient read scope).",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("summary"), JsonValue.Create("subject-list")] }, example: "summary"));
        yield return (Parameters.Profile, Query("profile",
            "Canonical URL of the profile to validate against; by default the SEND profile of the type and every meta.profile.",
            new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
            example: Domain.Profiles.SendCanonical.Profiles.Child));
        yield return (Parameters.SearchParameters, new OpenApiParameter
        {
            Name = "searchParameters",
            In = ParameterLocation.Query,
            Description = "Search parameters of the type, each sent as name=value (http://hl7.org/fhir/R4/search.html), "
                + "e.g. identifier=system|value, birthdate=ge2014-01-01, name=okafor, subject=Patient/{id}. Modifiers and "
                + "chains are part of the name (name:exact, subject:Patient.identifier). The parameters each type supports are "
                + "in /fhir/metadata.",
            Style = ParameterStyle.Form,
            Explode = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
            Example = new JsonObject { ["identifier"] = FhirOpenApiExamples.NhsNumberCriteria["identifier=".Length..] },
        });
        yield return (Parameters.ConditionalCriteria, new OpenApiParameter
        {
            Name = "conditionalCriteria",
            In = ParameterLocation.Query,
            Required = true,
            Description = "Search criteria that pick the one resource to act on, each sent as name=value, "
                + "e.g. identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018. At least one is required.",
            Style = ParameterStyle.Form,
            Explode = true,
            Schema = new OpenApiSchema { Type = JsonSchemaType.Object, AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String } },
            Example = new JsonObject { ["identifier"] = FhirOpenApiExamples.NhsNumberCriteria["identifier=".Length..] },
        });
        yield return (Parameters.IfMatch, Header("If-Match",
            "Optimistic concurrency: the version the change is based on, as the ETag the server returned. "
            + "If the resource has moved on, the answer is 412 and nothing is changed.",
            new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^W/\"[0-9]+\"$" },
            "W/\"1\""));
        yield return (Parameters.IfNoneExist, Header("If-None-Exist",
            "Conditional create: search criteria (a query string without '?'). If one resource matches, it is returned "
            + "and nothing is created; if several match, the answer is 412.",
            new OpenApiSchema { Type = JsonSchemaType.String },
            FhirOpenApiExamples.NhsNumberCriteria));
        yield return (Parameters.PreferReturn, Header("Prefer",
            "What a successful write returns: the stored resource (return=representation, the default), no body "
            + "(return=minimal) or an OperationOutcome (return=OperationOutcome).",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["return=representation", "return=minimal", "return=OperationOutcome"] },
            "return=representation"));
        yield return (Parameters.PreferHandling, Header("Prefer",
            "handling=strict rejects unknown or unsupported search parameters with 400; handling=lenient (the default) ignores them.",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["handling=strict", "handling=lenient"] },
            "handling=strict"));
    }

    private static IEnumerable<(string, IOpenApiHeader)> CreateHeaders()
    {
        yield return (Headers.ETag, new OpenApiHeader
        {
            Description = "The version of the resource returned, for If-Match.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = "W/\"1\"",
        });
        yield return (Headers.LastModified, new OpenApiHeader
        {
            Description = "When this version was stored (meta.lastUpdated), as an HTTP date.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = "Fri, 14 Mar 2025 09:30:00 GMT",
        });
        yield return (Headers.Location, new OpenApiHeader
        {
            Description = "The URL of the version written: [base]/[type]/[id]/_history/[vid].",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
            Example = "http://127.0.0.1:5080/fhir/Patient/" + FhirOpenApiExamples.ChildId + "/_history/1",
        });
    }

    private static IOpenApiResponse CreateErrorResponse(OpenApiDocument document, int status)
    {
        var (description, code, diagnostics) = status switch
        {
            400 => ("Bad request: the URL, a parameter or the body is malformed or not valid FHIR R4.",
                OperationOutcome.IssueType.Invalid, "_count must be a positive integer, not 'ten'."),
            401 => ("Not authenticated: a valid access token is required.",
                OperationOutcome.IssueType.Login, "An access token is required."),
            403 => ("Forbidden: the caller may not perform this interaction on this resource.",
                OperationOutcome.IssueType.Forbidden, "The caller is not allowed to perform this interaction."),
            404 => ("Not found: unknown resource type, or no resource with this id.",
                OperationOutcome.IssueType.NotFound, "Patient/" + FhirOpenApiExamples.ChildId + " does not exist."),
            405 => ("Method not allowed: the type is read-only through the API (e.g. AuditEvent), or the method does not apply to this URL.",
                OperationOutcome.IssueType.NotSupported, "AuditEvent is read-only through the API: the gateway writes it itself."),
            409 => ("Conflict: another change was written at the same time, or a transaction deletes a resource it still refers to.",
                OperationOutcome.IssueType.Conflict, "Patient/" + FhirOpenApiExamples.ChildId + " was changed by another request; read it again and retry."),
            410 => ("Gone: the resource (or this version) was deleted; its history is still available.",
                OperationOutcome.IssueType.Deleted, "Patient/" + FhirOpenApiExamples.ChildId + " was deleted (version 2); its history is still available."),
            412 => ("Precondition failed: If-Match names an older version, or conditional criteria matched more than one resource.",
                OperationOutcome.IssueType.Conflict, "If-Match asked for version 1 of Patient/" + FhirOpenApiExamples.ChildId + " but the current version is 2."),
            413 => ("Payload too large: the body, a Bundle or an array in it is bigger than the configured limits.",
                OperationOutcome.IssueType.TooCostly, "The request body is larger than this server accepts. Split the data into several requests."),
            415 => ("Unsupported media type: the body is not application/fhir+json or application/fhir+xml (or JSON Patch for PATCH).",
                OperationOutcome.IssueType.NotSupported, "Content-Type 'text/plain' is not a FHIR format; send application/fhir+json or application/fhir+xml."),
            422 => ("Unprocessable: the resource is not valid against its profile (e.g. a SEND profile), or refers to a resource that does not exist.",
                OperationOutcome.IssueType.Processing, "Patient.birthDate: minimum required = 1, but only found 0 (from " + Domain.Profiles.SendCanonical.Profiles.Child + ")"),
            428 => ("Precondition required: this server is configured to require If-Match on updates, patches and deletes.",
                OperationOutcome.IssueType.Required, "This server requires If-Match (e.g. If-Match: W/\"3\") on updates, patches and deletes, so no change overwrites another unseen."),
            429 => ("Too many requests: the client already has as many bulk exports waiting or running (Export:MaxUnfinishedPerClient), or as "
                + "many export files downloading (Export:MaxConcurrentDownloadsPerClient; Retry-After says when to try again), as it may.",
                OperationOutcome.IssueType.Throttled, "This client already has 2 exports waiting or running; poll or cancel them first."),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "No error response defined."),
        };
        return new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [FhirJson] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchemaReference(Schemas.OperationOutcome, document),
                    Example = FhirOpenApiExamples.ToJson(FhirOpenApiExamples.Error(code, diagnostics)),
                },
                [FhirXml] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(Schemas.ResourceXml, document) },
            },
        };
    }

    private static IEnumerable<(string, IOpenApiExample)> CreateExamples()
    {
        yield return (Examples.MatchRequest, Example("Patient/$match request",
            "The child as another system knows it (a typo in the given name, no NHS number), certain matches not required, at most 5.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.MatchRequest())));
        yield return (Examples.MatchRequestXml, Example("Patient/$match request, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.MatchRequest())));
        yield return (Examples.MatchResult, Example("Patient/$match result",
            "The stored child, graded probable with its match probability as search.score.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.MatchResult())));
        yield return (Examples.MergeRequest, Example("Patient/$merge request",
            "Merge the duplicate record (source) into the child's record (target); preview false makes the change.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.MergeRequest())));
        yield return (Examples.MergeRequestXml, Example("Patient/$merge request, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.MergeRequest())));
        yield return (Examples.MergeResult, Example("Patient/$merge result",
            "The input, an OperationOutcome, and the target as stored (with Patient.link replaces).",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.MergeResult())));
        yield return (Examples.ResolveRequest, Example("Task/{id}/$resolve request", "A reviewer decides the two records are the same child.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.ResolveRequest())));
        yield return (Examples.ResolveRequestXml, Example("Task/{id}/$resolve request, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.ResolveRequest())));
        yield return (Examples.ResolvedReview, Example("Resolved identity review Task",
            "The Task after $resolve: completed, with the decision as output.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.ResolvedReview())));
        yield return (Examples.EverythingRequest, Example("Patient/{id}/$everything request",
            "Plans and outcomes updated since the start of 2025, 50 to a page.", FhirOpenApiExamples.ToJson(FhirOpenApiExamples.EverythingRequest())));
        yield return (Examples.EverythingRequestXml, Example("Patient/{id}/$everything request, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.EverythingRequest())));
        yield return (Examples.ExportRequest, Example("Bulk $export request",
            "Two children's plans, outcomes and needs updated since the start of 2026.", FhirOpenApiExamples.ToJson(FhirOpenApiExamples.ExportRequest())));
        yield return (Examples.ExportRequestXml, Example("Bulk $export request, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.ExportRequest())));
        yield return (Examples.EvaluateMeasureRequest, Example("$evaluate-measure request",
            "An indicator for Norfolk in the SEN2 2025 collection year, as aggregates.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.EvaluateMeasureRequest())));
        yield return (Examples.EvaluateMeasureRequestXml, Example("$evaluate-measure request, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.EvaluateMeasureRequest())));
        yield return (Examples.MeasureReportSummary, Example("Summary MeasureReport",
            "EHC plans in place in Norfolk on the census day: computed from the projection, with the DfE figures beside it; counts of 1-5 would be masked.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.MeasureReportSummary())));
        yield return (Examples.Child, Example("SEND child (Patient)",
            "A child with an NHS number (999 test range), a UPN and a local authority child id, profile send-child.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.Child())));
        yield return (Examples.ChildXml, Example("SEND child (Patient), XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.Child())));
        yield return (Examples.StoredChild, Example("SEND child as stored",
            "The child with the id and version the server assigned.", FhirOpenApiExamples.ToJson(FhirOpenApiExamples.StoredChild())));
        yield return (Examples.StoredChildXml, Example("SEND child as stored, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.StoredChild())));
        yield return (Examples.EhcPlan, Example("EHC plan (CarePlan)",
            "An education, health and care plan, profile send-ehc-plan: placement (section I), personal budget (J), a need (B), "
            + "an outcome (E) and provision (F). The resources it refers to must exist.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.EhcPlan())));
        yield return (Examples.EhcPlanXml, Example("EHC plan (CarePlan), XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.EhcPlan())));
        yield return (Examples.Transaction, Example("Transaction: child, need, outcome and EHC plan",
            "Creates the four resources atomically; they refer to each other by urn:uuid. The Patient is a conditional "
            + "create on the NHS number, so sending the Bundle again reuses the child.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.Transaction())));
        yield return (Examples.TransactionXml, Example("Transaction, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.Transaction())));
        yield return (Examples.TransactionResponse, Example("Transaction response", "One response entry per request entry, in order.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.TransactionResponse())));
        yield return (Examples.Searchset, Example("Search result", "A searchset Bundle with one match.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.Searchset())));
        yield return (Examples.History, Example("History", "A history Bundle, newest version first.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.History())));
        yield return (Examples.JsonPatch, Example("JSON Patch", "Checks the birth date, then replaces the given names.",
            FhirOpenApiExamples.JsonPatch()));
        yield return (Examples.FhirPathPatch, Example("FHIRPath Patch", "Adds a temporary address (a Parameters resource).",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.FhirPathPatch())));
        yield return (Examples.FhirPathPatchXml, Example("FHIRPath Patch, XML", null, FhirOpenApiExamples.ToXml(FhirOpenApiExamples.FhirPathPatch())));
        yield return (Examples.ValidationPassed, Example("Valid", "The resource conforms: one informational issue.",
            FhirOpenApiExamples.ToJson(FhirOpenApiExamples.ValidationPassed())));
    }

    private static OpenApiExample Example(string summary, string? description, JsonNode value) =>
        new() { Summary = summary, Description = description, Value = value };

    private static OpenApiParameter Query(string name, string description, OpenApiSchema schema, JsonNode? example = null, bool explode = false)
    {
        var parameter = new OpenApiParameter { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema, Example = example };
        if (explode)
        {
            parameter.Style = ParameterStyle.Form;
            parameter.Explode = true;
        }
        return parameter;
    }

    private static OpenApiParameter Header(string name, string description, OpenApiSchema schema, string example) =>
        new() { Name = name, In = ParameterLocation.Header, Description = description, Schema = schema, Example = example };
}
