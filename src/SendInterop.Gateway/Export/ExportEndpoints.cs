using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Endpoints;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Security.Access;
using SendInterop.Gateway.Security.Authentication;
using SendInterop.Storage.Export;

namespace SendInterop.Gateway.Export;

/// <summary>
/// FHIR Bulk Data Access (v2) routes: the three kick-offs, the status (poll, or DELETE to cancel) and the output files.
/// They are explicit routes beside the FHIR dispatcher because their answers are not FHIR resources (a JSON manifest,
/// NDJSON). Otherwise they behave as every FHIR route: the same token policy, requester and purpose of use, SMART
/// scopes checked before anything is read, decisions audited, errors as OperationOutcomes.
/// <para>
/// A job is its requester's alone: its status, files and cancellation answer 404 to any other client (or the same
/// client id from another organisation or agency, or with another patient in context), as if it did not exist; the
/// break-glass purpose may not fetch it (403). Each line of a file is decided again for the request that downloads it
/// (<see cref="ExportFileServer"/>).
/// </para>
/// </summary>
public static class ExportEndpoints
{
    public const string SystemName = "export-system";
    public const string PatientName = "export-patient";
    public const string GroupName = "export-group";
    public const string SystemPostName = "export-system-post";
    public const string PatientPostName = "export-patient-post";
    public const string GroupPostName = "export-group-post";

    /// <summary>A POSTed Parameters body larger than this is refused (413): parameters, and at most some thousands of patient references.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;
    public const string StatusName = "export-status";
    public const string CancelName = "export-cancel";
    public const string FileName = "export-file";

    public const string StatusPath = "/$export-status";
    public const string FilePath = "/$export-file";
    public const string NdjsonMediaType = "application/fhir+ndjson";

    public static WebApplicationBuilder AddBulkExport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<ExportOptions>(builder.Configuration.GetSection(ExportOptions.Section));
        services.AddSingleton<ExportWakeUp>();
        services.AddSingleton<ExportKickOff>();
        services.AddSingleton<ExportCandidates>();
        services.AddSingleton<ExportRun>();
        services.AddSingleton<ExportFileServer>();
        services.AddSingleton<ExportDownloadSlots>();
        services.AddSingleton<ExportDependencies>();
        services.AddHostedService<ExportWorker>();
        return builder;
    }

    public static IEndpointRouteBuilder MapBulkExportApi(this IEndpointRouteBuilder app)
    {
        var fhir = app.MapGroup(FhirHttpHandler.BasePath).WithTags(FhirEndpoints.Tag).RequireAuthorization(SendClientAuthorization.Policy);
        fhir.MapGet("/$export", (HttpContext c, ExportDependencies d) => KickOffAsync(c, d, ExportKinds.System, null))
            .WithName(SystemName).WithSummary("Start a bulk export of every resource the caller may see (asynchronous; NDJSON files)");
        fhir.MapGet("/Patient/$export", (HttpContext c, ExportDependencies d) => KickOffAsync(c, d, ExportKinds.Patient, null))
            .WithName(PatientName).WithSummary("Start a bulk export of every child's record the caller may see (asynchronous; NDJSON files)");
        fhir.MapGet("/Group/{id}/$export", (HttpContext c, ExportDependencies d, string id) => KickOffAsync(c, d, ExportKinds.Group, id))
            .WithName(GroupName).WithSummary("Start a bulk export of the records of a Group's children (asynchronous; NDJSON files)");
        // The same with the parameters in a Parameters body (Bulk Data v2), where patient may limit the children.
        fhir.MapPost("/$export", (HttpContext c, ExportDependencies d) => KickOffAsync(c, d, ExportKinds.System, null))
            .WithName(SystemPostName).WithSummary("Start a bulk export, parameters in a Parameters body");
        fhir.MapPost("/Patient/$export", (HttpContext c, ExportDependencies d) => KickOffAsync(c, d, ExportKinds.Patient, null))
            .WithName(PatientPostName).WithSummary("Start a bulk export of children's records, parameters (patient too) in a Parameters body");
        fhir.MapPost("/Group/{id}/$export", (HttpContext c, ExportDependencies d, string id) => KickOffAsync(c, d, ExportKinds.Group, id))
            .WithName(GroupPostName).WithSummary("Start a bulk export of a Group's children, parameters (patient too) in a Parameters body");
        // Say so rather than let the FHIR dispatcher answer that the operation is unknown.
        foreach (var path in new[] { "/$export", "/Patient/$export", "/Group/{id}/$export" })
            fhir.MapMethods(path, ["PUT", "PATCH", "DELETE"], NotAllowed).ExcludeFromDescription();
        fhir.MapGet(StatusPath + "/{job}", StatusAsync).WithName(StatusName).WithSummary("An export's progress, or its manifest when complete");
        fhir.MapDelete(StatusPath + "/{job}", CancelAsync).WithName(CancelName).WithSummary("Cancel an export, or delete a finished one's files");
        fhir.MapGet(FilePath + "/{job}/{file}", FileAsync).WithName(FileName).WithSummary("One output file of a complete export (NDJSON)");
        return app;
    }

    private static System.Threading.Tasks.Task NotAllowed(HttpContext context) =>
        throw FhirException.MethodNotAllowed("A bulk export is started with GET (parameters in the query) or POST (a Parameters body), with the header Prefer: respond-async.");

    /// <summary>What the handlers need, one service (a singleton), so each handler takes one parameter for them.</summary>
    public sealed record ExportDependencies(RequesterResolver Requesters, AccessAuditor Auditor, ExportKickOff KickOff, BulkExportStore Jobs,
        ExportFileServer Files, ExportDownloadSlots Downloads, FhirResponseWriter Writer, FhirSerialization Serialization, TimeProvider Clock, Microsoft.Extensions.Options.IOptions<ExportOptions> Options);

    private static async System.Threading.Tasks.Task KickOffAsync(HttpContext context, ExportDependencies d, string kind, string? groupId)
    {
        if (groupId is not null && !Fhir.Interactions.ResourcePreparer.IsValidId(groupId)) throw FhirException.BadRequest($"'{groupId}' is not a valid resource id.");
        var access = await d.Requesters.ResolveAsync(context);
        var parameters = HttpMethods.IsPost(context.Request.Method) ? ExportParameters.FromBody(await ReadBodyAsync(context, d)) : ExportParameters.FromQuery(context.Request.Query);
        string job;
        try
        {
            job = await d.KickOff.StartAsync(context.Request, access, kind, groupId, parameters, context.RequestAborted);
        }
        finally
        {
            await d.Auditor.FlushAsync(access, CancellationToken.None);
        }
        var status = $"{Base(context.Request)}{StatusPath}/{job}";
        context.Response.Headers.ContentLocation = status;
        await d.Writer.WriteAsync(context, FhirResponse.Of(OperationOutcomes.Information(ExportKickOff.Accepted(status)), 202), FhirFormat.Json, ElementFilter.None);
    }

    /// <summary>The POSTed body as a FHIR resource (JSON or XML), within <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<Resource> ReadBodyAsync(HttpContext context, ExportDependencies d)
    {
        var format = FhirFormats.ForRequestBody(context.Request)
            ?? throw new FhirException(415, OperationOutcome.IssueType.NotSupported, "A POSTed $export takes a Parameters resource as application/fhir+json or application/fhir+xml.");
        if (context.Request.ContentLength > MaxBodyBytes) throw TooLarge();
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBodyBytes) throw TooLarge();
            body.Write(buffer, 0, read);
        }
        return d.Serialization.Parse(body.GetBuffer().AsSpan(0, (int)body.Length), format);

        static FhirException TooLarge() => new(413, OperationOutcome.IssueType.TooCostly, $"A POSTed $export body is limited to {MaxBodyBytes} bytes.");
    }

    private static async System.Threading.Tasks.Task StatusAsync(HttpContext context, ExportDependencies d, string job)
    {
        var (row, _) = await OwnJobAsync(context, d, job);
        var response = context.Response;
        switch (row.Status)
        {
            case ExportStatuses.Accepted or ExportStatuses.Running:
                response.StatusCode = 202;
                response.Headers["X-Progress"] = row.Status == ExportStatuses.Accepted
                    ? "queued"
                    : string.Create(CultureInfo.InvariantCulture, $"running: {row.Exported} resources in files so far");
                response.Headers.RetryAfter = RetryAfter(d);
                return;
            case ExportStatuses.Failed:
                throw new FhirException(row.ErrorStatus is >= 400 and < 600 ? row.ErrorStatus.Value : 500, OperationOutcome.IssueType.Exception,
                    row.Error ?? "The export could not be completed; start a new one.");
        }
        var files = await d.Jobs.FilesAsync(row.JobId, context.RequestAborted);
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers.Expires = DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt).ToString("R", CultureInfo.InvariantCulture);
        await using var json = new Utf8JsonWriter(response.Body);
        ExportManifest.Write(json, row, files, $"{Base(context.Request)}{FilePath}/{row.JobId}");
    }

    private static async System.Threading.Tasks.Task CancelAsync(HttpContext context, ExportDependencies d, string job)
    {
        var (row, _) = await OwnJobAsync(context, d, job);
        await d.Jobs.DeleteAsync(row.JobId, context.RequestAborted);
        var outcome = OperationOutcomes.Information(row.Status is ExportStatuses.Accepted or ExportStatuses.Running
            ? "Export cancelled; nothing more is written and its files are deleted."
            : "Export deleted with its files.");
        await d.Writer.WriteAsync(context, FhirResponse.Of(outcome, 202), FhirFormat.Json, ElementFilter.None);
    }

    /// <summary>The Retry-After value of a status poll and of a refused download: the poll interval, at least 1 s.</summary>
    private static string RetryAfter(ExportDependencies d) => Math.Max(1, d.Options.Value.RetryAfterSeconds).ToString(CultureInfo.InvariantCulture);

    private static async System.Threading.Tasks.Task FileAsync(HttpContext context, ExportDependencies d, string job, string file)
    {
        var (row, access) = await OwnJobAsync(context, d, job);
        using var slot = d.Downloads.TryTake(row.ClientId, row.Organisation);
        if (slot is null)
        {
            // Written here, not thrown: the error handler clears the headers, and Retry-After is the point of this answer.
            var busy = new FhirException(429, OperationOutcome.IssueType.Throttled, $"This client is already downloading "
                + $"{d.Downloads.Limit} export files at once; fetch this one when one of them has finished.");
            context.Response.Headers.RetryAfter = RetryAfter(d);
            await d.Writer.WriteAsync(context, FhirResponse.Of(busy.ToOutcome(), busy.Status), FhirFormats.ForResponse(context.Request), ElementFilter.None);
            return;
        }
        var found = row.Status == ExportStatuses.Complete && int.TryParse(file, NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            && await d.Files.WriteAsync(context, access, row.JobId, seq);
        if (!found) throw FhirException.NotFound($"The export has no file '{file}'.");
    }

    /// <summary>
    /// The job if it exists, has not expired and is the caller's (same client, organisation, agency and patient in
    /// context); 404 otherwise, the same answer in each case.
    /// </summary>
    private static async Task<(ExportJobRow Row, AccessSession Access)> OwnJobAsync(HttpContext context, ExportDependencies d, string job)
    {
        var access = await d.Requesters.ResolveAsync(context);
        var row = job.Length <= 64 ? await d.Jobs.FindAsync(job, context.RequestAborted) : null;
        var mine = row is not null && access.Requester is { } r && r.ClientId == row.ClientId && r.OrganisationId == row.Organisation
            && r.Agency == row.Agency && r.PatientContext == row.PatientContext
            && (row.Status is ExportStatuses.Accepted or ExportStatuses.Running || row.ExpiresAt >= d.Clock.GetUtcNow().ToUnixTimeMilliseconds());
        if (!mine) throw FhirException.NotFound($"There is no export '{job}' for this client (it may have expired or been cancelled).");
        // As at kick-off: break-glass is for one child's record, not for fetching (and having audited as break-glass) a bulk export.
        if (access.Requester!.Purpose == Domain.Access.Gate.PurposesOfUse.Safeguarding)
            throw new FhirException(403, OperationOutcome.IssueType.Forbidden, "Break-glass (safeguarding) cannot be used to fetch or manage a bulk export.");
        return (row!, access);
    }

    private static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{FhirHttpHandler.BasePath}";
}
