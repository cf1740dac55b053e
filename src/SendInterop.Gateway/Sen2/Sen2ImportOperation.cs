using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access;
using SendInterop.Domain.Audit;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;
using SendInterop.Gateway.Sen2.Batches;

namespace SendInterop.Gateway.Sen2;

/// <summary>
/// <c>POST /fhir/$sen2-import</c>: an LA's SEN2 XML return, streamed in, the valid person records imported in batches
/// (<see cref="Sen2BatchImporter"/>: one transaction per batch, a record the batch cannot settle on its own), each record
/// with errors reported and skipped. The commit handlers (master child index, statutory Tasks, indicator events) run once
/// per batch after its commit, overlapping the next batches (<see cref="Sen2CommitHandlerPipeline"/>), all before the answer.
/// See <see cref="Sen2ImportReport"/> for the answer.
/// </summary>
public sealed class Sen2ImportOperation(
    Sen2BatchImporter importer,
    Sen2ImportLocks locks,
    IEnumerable<IResourceCommitHandler> commitHandlers,
    IOptions<Sen2Options> options,
    ILogger<Sen2ImportOperation> logger)
{
    public const string Name = "$sen2-import";

    /// <summary>The types an import writes: the Patient by conditional create, the others by conditional update (which may create).</summary>
    private static readonly (string Type, SmartPermissions[] Needed)[] Writes =
    [
        ("Patient", [SmartPermissions.Create]),
        ("ServiceRequest", [SmartPermissions.Create, SmartPermissions.Update]),
        ("CarePlan", [SmartPermissions.Create, SmartPermissions.Update]),
        ("Condition", [SmartPermissions.Create, SmartPermissions.Update]),
        ("Encounter", [SmartPermissions.Create, SmartPermissions.Update]),
    ];

    public async Task<FhirResponse> ExecuteAsync(HttpContext context, AccessSession access)
    {
        access.Interaction = "sen2-import";
        access.Action = AuditAction.Create;
        // Rule 1 before a byte of the file is read: every type the import may write (system/*.cu grants all of them).
        foreach (var (type, needed) in Writes)
            foreach (var permission in needed) access.RequireScope(type, permission);
        var la = Sen2LocalAuthority.Of(access, Name);
        RequireXml(context.Request);
        var maxBytes = options.Value.MaxImportBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = maxBytes;
        if (context.Request.ContentLength > maxBytes)
            throw new FhirException(413, OperationOutcome.IssueType.TooCostly, $"The file is larger than this server accepts for a SEN2 import ({maxBytes / (1024 * 1024)} MiB).");

        using var held = locks.TryEnter(la)
            ?? throw FhirException.Conflict($"A SEN2 import for LA {la.Value} is already running; wait for it to finish and send the file again.");
        var readerOptions = Sen2ReaderOptions.Default with { MaxCharacters = maxBytes };
        await using var upload = await Sen2UploadReader.OpenAsync(context.Request.Body, maxBytes, readerOptions, context.RequestAborted);
        if (upload.Header is not { } header)
        {
            var unreadable = new Sen2ImportReport(null, [], upload.FileErrors, upload.UploadFailure);
            return FhirResponse.Of(unreadable.ToOutcome(), unreadable.FailureStatus);
        }

        if (header.La != la)
            throw FhirException.Unprocessable(
                $"The file is LA {header.La.Value}'s return (Header/Source/LEA) but the access token is for LA {la.Value}: an LA imports only its own return. Nothing was imported.");

        var results = new List<Sen2RecordResult>();
        var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{FhirHttpHandler.BasePath}";
        // A batch commits together (its records that cannot, each on its own); its commit handlers' work runs while the next
        // batches import (Sen2CommitHandlerPipeline), and all of it before the answer.
        var handlers = new Sen2CommitHandlerPipeline(commitHandlers, logger);
        var deferred = new DeferredCommitWork();
        try
        {
            await foreach (var batch in Sen2RecordBatches.ReadAsync(upload.Records, options.Value.EffectiveImportBatch, context.RequestAborted))
            {
                deferred = new DeferredCommitWork();
                results.AddRange(await importer.ImportAsync(batch, la, access, baseUrl, deferred, context.RequestAborted));
                await handlers.EnqueueAsync(deferred.Take());
            }
        }
        finally
        {
            // Even when the client went away: what committed gets its links and Tasks now rather than at the next repair,
            // including a batch cut short (its work is handed over only once; after a normal end this finds nothing left).
            await handlers.EnqueueAsync(deferred.Take());
            await handlers.DrainAsync();
        }

        var report = new Sen2ImportReport(header, results.OrderBy(r => r.Index).ToList(), upload.FileErrors, upload.UploadFailure);
        return report.FileFailed ? FhirResponse.Of(report.ToOutcome(), report.FailureStatus) : FhirResponse.Of(report.ToParameters());
    }

    /// <summary>A SEN2 return is plain XML; FHIR XML (application/fhir+xml) is a different thing and is refused here.</summary>
    private static void RequireXml(HttpRequest request)
    {
        var type = (request.ContentType ?? "").Split(';')[0].Trim();
        if (type.Equals("application/xml", StringComparison.OrdinalIgnoreCase) || type.Equals("text/xml", StringComparison.OrdinalIgnoreCase)) return;
        throw new FhirException(415, OperationOutcome.IssueType.NotSupported,
            $"{Name} takes the SEN2 return as XML: send it with Content-Type application/xml (not '{type}').");
    }
}
