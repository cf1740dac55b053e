using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Fhir.Endpoints;

/// <summary>
/// The FHIR REST routes. Each is declared separately so Swagger documents it, and every one of them calls the
/// same handler: the resource type is a route value, never a controller.
/// </summary>
public static class FhirEndpoints
{
    public const string Tag = "FHIR R4";

    public static IEndpointRouteBuilder MapFhirApi(this IEndpointRouteBuilder app)
    {
        // Every FHIR route needs an access token with usable claims (401/403 otherwise), except the CapabilityStatement.
        var fhir = app.MapGroup(FhirHttpHandler.BasePath).WithTags(Tag).RequireAuthorization(SendClientAuthorization.Policy);

        fhir.MapGet("/metadata", Handle).WithName("capabilities").WithSummary("CapabilityStatement: what this server supports").AllowAnonymous();
        fhir.MapPost("/", Handle).WithName("batch-transaction").WithSummary("Process a batch or transaction Bundle (a transaction is atomic)");
        fhir.MapGet("/_history", Handle).WithName("history-system").WithSummary("History of all resources, newest first");

        fhir.MapGet("/{type}", (HttpContext c, string type) => Handle(c)).WithName("search-type").WithSummary("Search resources of a type");
        fhir.MapPost("/{type}", (HttpContext c, string type) => Handle(c)).WithName("create").WithSummary("Create a resource (If-None-Exist for conditional create)");
        fhir.MapPut("/{type}", (HttpContext c, string type) => Handle(c)).WithName("conditional-update").WithSummary("Conditional update (upsert by search criteria, e.g. ?identifier=system|value)");
        fhir.MapDelete("/{type}", (HttpContext c, string type) => Handle(c)).WithName("conditional-delete").WithSummary("Conditional delete (single match)");
        fhir.MapPost("/{type}/_search", (HttpContext c, string type) => Handle(c)).WithName("search-type-post").WithSummary("Search with parameters in a form body");
        fhir.MapGet("/{type}/_history", (HttpContext c, string type) => Handle(c)).WithName("history-type").WithSummary("History of a resource type");
        fhir.MapPost("/Patient/$match", Handle).WithName("patient-match").WithSummary("Find the children a Patient probably is (record linkage, scored and graded)");
        fhir.MapPost("/Patient/$merge", Handle).WithName("patient-merge").WithSummary("Merge one child's duplicate record into another (master child index; reversible)");
        fhir.MapPost("/Patient/$unmerge", Handle).WithName("patient-unmerge").WithSummary("Undo a Patient/$merge exactly");
        fhir.MapPost("/Task/{id}/$resolve", (HttpContext c, string id) => Handle(c)).WithName("task-resolve").WithSummary("Resolve an identity review Task: link or not-link the two records");
        fhir.MapGet("/Measure/$evaluate-measure", Handle).WithName("measure-evaluate-type").WithSummary("Evaluate an indicator named by the measure parameter");
        fhir.MapPost("/Measure/$evaluate-measure", Handle).WithName("measure-evaluate-type-post").WithSummary("Evaluate an indicator (Parameters body)");
        fhir.MapGet("/Measure/{id}/$evaluate-measure", (HttpContext c, string id) => Handle(c)).WithName("measure-evaluate").WithSummary("Evaluate an indicator: MeasureReport from the database");
        fhir.MapPost("/Measure/{id}/$evaluate-measure", (HttpContext c, string id) => Handle(c)).WithName("measure-evaluate-post").WithSummary("Evaluate an indicator (Parameters body)");
        fhir.MapPost("/{type}/$validate", (HttpContext c, string type) => Handle(c)).WithName("validate-type").WithSummary("Validate a resource against its profiles (full validation)");

        fhir.MapGet("/{type}/{id}", (HttpContext c, string type, string id) => Handle(c)).WithName("read").WithSummary("Read the current version");
        fhir.MapPut("/{type}/{id}", (HttpContext c, string type, string id) => Handle(c)).WithName("update").WithSummary("Update, or create with this id (If-Match for optimistic concurrency)");
        fhir.MapPatch("/{type}/{id}", (HttpContext c, string type, string id) => Handle(c)).WithName("patch").WithSummary("Patch with JSON Patch or FHIRPath Patch");
        fhir.MapDelete("/{type}/{id}", (HttpContext c, string type, string id) => Handle(c)).WithName("delete").WithSummary("Delete (versioned: history is kept)");
        fhir.MapGet("/{type}/{id}/_history", (HttpContext c, string type, string id) => Handle(c)).WithName("history-instance").WithSummary("History of one resource");
        fhir.MapGet("/{type}/{id}/_history/{vid}", (HttpContext c, string type, string id, string vid) => Handle(c)).WithName("vread").WithSummary("Read a specific version");
        fhir.MapGet("/Patient/{id}/$everything", (HttpContext c, string id) => Handle(c)).WithName("patient-everything").WithSummary("A child's record: the Patient and every resource that refers to it, through the consent gate");
        fhir.MapPost("/Patient/{id}/$everything", (HttpContext c, string id) => Handle(c)).WithName("patient-everything-post").WithSummary("Patient/{id}/$everything with the parameters in a Parameters body");
        fhir.MapGet("/{type}/{id}/$validate", (HttpContext c, string type, string id) => Handle(c)).WithName("validate-instance").WithSummary("Validate a stored resource");
        // Everything else under /fhir (other methods, other operations) reaches the dispatcher too, so a wrong method
        // or an unknown operation gets a FHIR OperationOutcome (405/404) instead of an empty routing response.
        app.MapFallback(FhirHttpHandler.BasePath + "/{**rest}", Handle).ExcludeFromDescription().RequireAuthorization(SendClientAuthorization.Policy);
        return app;
    }

    private static Task Handle(HttpContext context) => context.RequestServices.GetRequiredService<FhirHttpHandler>().HandleAsync(context);
}
