using SendInterop.Gateway.Fhir.Endpoints;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// The SEN2 routes. They are explicit routes beside the FHIR dispatcher, not operations inside it, because neither body is
/// FHIR: the import streams an XML file the FHIR handler would buffer and parse as a resource, and the export answers with
/// one. Otherwise they behave as every FHIR route: the same token policy, requester and purpose of use, SMART scopes checked
/// before anything is read, every disclosure through the consent gate, the request's decisions audited before the answer
/// leaves, and errors as OperationOutcomes (<see cref="Fhir.Errors.FhirErrorHandler"/>).
/// </summary>
public static class Sen2Endpoints
{
    public const string ImportName = "sen2-import";
    public const string ExportName = "sen2-export";

    public static WebApplicationBuilder AddSen2(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<Sen2Options>(builder.Configuration.GetSection("Sen2"));
        services.AddSingleton<Sen2LaChildIds>();
        services.AddSingleton<Sen2UnchangedEntries>();
        services.AddSingleton<Sen2StaleRecords>();
        services.AddSingleton<Sen2RecordImporter>();
        services.AddSingleton<Sen2ContentComparer>();
        services.AddSingleton<Sen2ImportAudit>();
        services.AddSingleton<Batches.Sen2BatchLookup>();
        services.AddSingleton<Batches.Sen2BatchImporter>();
        services.AddSingleton<Sen2ImportLocks>();
        services.AddSingleton<Sen2ImportOperation>();
        services.AddSingleton<Sen2ExportCollector>();
        services.AddSingleton<Sen2ExportOperation>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSen2Api(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(FhirHttpHandler.BasePath).WithTags(FhirEndpoints.Tag).RequireAuthorization(SendClientAuthorization.Policy);
        fhir.MapPost("/" + Sen2ImportOperation.Name, ImportAsync).WithName(ImportName)
            .WithSummary("Import the caller's LA's SEN2 person-level return (XML); a per-record report");
        fhir.MapGet("/" + Sen2ExportOperation.Name, ExportAsync).WithName(ExportName)
            .WithSummary("Export the caller's LA's SEN2 person-level return (XML) from the record");
        return app;
    }

    private static async Task ImportAsync(HttpContext context, RequesterResolver requesters, AccessAuditor auditor, Sen2ImportOperation import, FhirResponseWriter writer)
    {
        var access = await requesters.ResolveAsync(context);
        FhirResponse response;
        try
        {
            response = await import.ExecuteAsync(context, access);
        }
        finally
        {
            // As FhirHttpHandler: permit or deny, every decision is durably audited before any answer leaves.
            await auditor.FlushAsync(access, CancellationToken.None);
        }

        await writer.WriteAsync(context, response, FhirFormats.ForResponse(context.Request), ElementFilter.None);
    }

    private static async Task ExportAsync(HttpContext context, RequesterResolver requesters, AccessAuditor auditor, Sen2ExportOperation export)
    {
        var access = await requesters.ResolveAsync(context);
        (Domain.Sen2.Sen2Header Header, Sen2ExportContent Content) result;
        try
        {
            result = await export.ExecuteAsync(context, access);
        }
        finally
        {
            await auditor.FlushAsync(access, CancellationToken.None);
        }

        await Sen2ExportOperation.WriteAsync(context, result.Header, result.Content);
    }
}
