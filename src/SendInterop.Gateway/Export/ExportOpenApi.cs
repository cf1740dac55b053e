using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using SendInterop.Gateway.OpenApi;
using Returns = SendInterop.Gateway.OpenApi.FhirOperationFilter.Returns;
using Success = SendInterop.Gateway.OpenApi.FhirOperationFilter.Success;

namespace SendInterop.Gateway.Export;

/// <summary>
/// The OpenAPI parts of the bulk export routes that the FHIR route documentation has no kind for: the Prefer header and
/// _outputFormat, the status poll's 202 headers, the JSON manifest and the NDJSON files. <see cref="FhirOperationFilter"/>
/// calls these.
/// </summary>
internal static class ExportOpenApi
{
    private const string ManifestExample = "2f82f91b2a894212a46385eeeaa27d1a";

    public static string KickOffDescription(string what) =>
        "Starts a FHIR Bulk Data Access (v2) export (https://hl7.org/fhir/uv/bulkdata/export.html) of " + what + ". Send Prefer: respond-async; "
        + "the answer is 202 with Content-Location, the status URL to poll. Every resource is decided by the consent gate for the caller "
        + "(its scopes, purpose and organisation, as a read would be) when the files are written, and every line again, audited, when a "
        + "file is downloaded; what the caller may not see is not in the files, the counts or the manifest. _type limits the types (each needs read and search scope, else "
        + "403); _since keeps resources last updated at or after an instant with a time zone; _typeFilter (Type?criteria, plain search "
        + "criteria on an exported type, no chains; several for a type: any matches) keeps only the matching resources of its type; "
        + "_outputFormat must be NDJSON; patient (POST only, Patient and Group exports) limits the children. _elements and "
        + "includeAssociatedData are refused (400) rather than ignored, unless Prefer: handling=lenient. Break-glass (safeguarding) and commissioning "
        + "purposes are refused (403). A client may have Export:MaxUnfinishedPerClient exports waiting or running (429 beyond).";

    public const string StatusDescription =
        "The status of an export started by this client: 202 while it is queued or running (X-Progress, Retry-After), 200 with the "
        + "manifest when complete (transactionTime, request, requiresAccessToken true, output: type, url, count per file; the files are kept "
        + "until Expires, Export:FileLifetimeMinutes after completion), or the error as an OperationOutcome (422 when the request could no "
        + "longer be carried out, such as a Group no longer readable; 500 when the server failed). 404 for an export of another client, or "
        + "one expired or cancelled.";

    public const string FileDescription =
        "One file of a complete export, as application/fhir+ndjson: one resource per line, all of one type, each as its read returned it "
        + "when the file was written. Only the client that started the export (same client, organisation, agency and patient in context; 404 "
        + "for anyone else). Each line is decided again by the consent gate for this request (its token and purpose) and audited before it "
        + "is sent: a resource deleted since, or one this request may not see now (a consent withdrawn, a label added), is left out, so a "
        + "file may hold fewer lines than the manifest's count. A client may download Export:MaxConcurrentDownloadsPerClient files at once "
        + "from one replica (429 with Retry-After beyond).";

    public static readonly Success[] KickOffSuccess = [new(202, "Accepted: poll the URL in Content-Location.", Returns.Outcome, null)];

    public static readonly Success[] StatusSuccess =
    [
        new(200, "Complete: the manifest.", Returns.ExportManifest, null),
        new(202, "Queued or running: poll again after Retry-After seconds.", Returns.ExportManifest, null),
    ];

    public static readonly Success[] FileSuccess = [new(200, "The NDJSON file.", Returns.Ndjson, null)];

    public static OpenApiResponse Response(int status, string description, Returns returns) => (status, returns) switch
    {
        (202, _) => new OpenApiResponse
        {
            Description = description,
            Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["X-Progress"] = Header("queued, or how many resources are in files so far."),
                ["Retry-After"] = Header("Seconds to wait before polling again."),
            },
        },
        (_, Returns.Ndjson) => new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                [ExportEndpoints.NdjsonMediaType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    Example = "{\"resourceType\":\"Encounter\",\"id\":\"e1\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},\"subject\":{\"reference\":\"Patient/p1\"}}\n",
                },
            },
        },
        _ => new OpenApiResponse
        {
            Description = description,
            Headers = new Dictionary<string, IOpenApiHeader> { ["Expires"] = Header("When the files are deleted.") },
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = ManifestSchema(), Example = ManifestExampleJson() },
            },
        },
    };

    /// <summary>Adds the kick-offs' Prefer header and the Content-Location of their 202, and a GET's _typeFilter and _outputFormat.</summary>
    public static void Complete(string endpointName, OpenApiOperation operation)
    {
        var posted = endpointName is ExportEndpoints.SystemPostName or ExportEndpoints.PatientPostName or ExportEndpoints.GroupPostName;
        if (!posted && endpointName is not (ExportEndpoints.SystemName or ExportEndpoints.PatientName or ExportEndpoints.GroupName)) return;
        var parameters = operation.Parameters ??= new List<IOpenApiParameter>();
        parameters.Add(new OpenApiParameter
        {
            Name = "Prefer", In = ParameterLocation.Header, Required = true, Description = "Must hold respond-async (and may hold handling=lenient).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = "respond-async",
        });
        if (operation.Responses?.TryGetValue("202", out var accepted) == true && accepted is OpenApiResponse response)
            (response.Headers ??= new Dictionary<string, IOpenApiHeader>())["Content-Location"] = Header("The status URL to poll: [base]/$export-status/{job}.");
        if (posted) return; // the rest are query parameters of a GET
        parameters.Add(new OpenApiParameter
        {
            Name = "_typeFilter", In = ParameterLocation.Query,
            Description = "Search criteria on an exported type (Type?param=value); comma-separated or repeated; a resource of that type is exported when it matches one.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String }, Example = "Observation?category=survey",
        });
        parameters.Add(new OpenApiParameter
        {
            Name = "_outputFormat", In = ParameterLocation.Query, Description = "NDJSON only (the default).",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [ExportEndpoints.NdjsonMediaType, "application/ndjson", "ndjson"] },
        });
    }

    private static OpenApiSchema ManifestSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["transactionTime"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "When the run that wrote the files started." },
            ["request"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The kick-off URL." },
            ["requiresAccessToken"] = new OpenApiSchema { Type = JsonSchemaType.Boolean },
            ["output"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["url"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["count"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                    },
                },
            },
            ["error"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } },
        },
    };

    private static JsonNode ManifestExampleJson() => new JsonObject
    {
        ["transactionTime"] = "2026-11-27T09:23:25.137Z",
        ["request"] = "https://gateway.example/fhir/Group/caseload-1/$export?_type=Patient,Encounter",
        ["requiresAccessToken"] = true,
        ["output"] = new JsonArray
        {
            new JsonObject { ["type"] = "Encounter", ["url"] = $"https://gateway.example/fhir/$export-file/{ManifestExample}/1", ["count"] = 817 },
            new JsonObject { ["type"] = "Patient", ["url"] = $"https://gateway.example/fhir/$export-file/{ManifestExample}/2", ["count"] = 282 },
        },
        ["error"] = new JsonArray(),
    };

    private static OpenApiHeader Header(string description) => new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
}
