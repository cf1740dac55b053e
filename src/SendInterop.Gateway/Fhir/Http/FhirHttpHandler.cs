using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>
/// Turns an HTTP request under /fhir into a <see cref="FhirRequest"/>, runs it through the one dispatcher, and
/// writes the answer. Every FHIR route maps here; errors become OperationOutcomes in <see cref="FhirErrorHandler"/>.
/// </summary>
public sealed class FhirHttpHandler(
    FhirInteractions interactions,
    FhirSerialization serialization,
    FhirResponseWriter writer,
    RequesterResolver requesters,
    AccessAuditor auditor,
    IOptions<FhirApiOptions> options)
{
    public const string BasePath = "/fhir";

    public async System.Threading.Tasks.Task HandleAsync(HttpContext context)
    {
        var access = await requesters.ResolveAsync(context);
#if SENDINTEROP_GATE_BYPASS
        // Benchmark-only build: authenticated, then served as the gateway itself (no scopes, gate or decision audit).
        access = AccessSession.Internal("benchmark-gate-bypass");
#endif
        FhirResponse response;
        try
        {
            var request = await ReadRequestAsync(context, access);
            response = await interactions.ExecuteAsync(request, context.RequestAborted);
        }
        finally
        {
            // Permit or deny, every decision is durably audited before any answer leaves: the response waits for it.
            // Not the request's cancellation token: an entry for data already read must be written even if the
            // client has gone.
            await auditor.FlushAsync(access, CancellationToken.None);
        }
        if (HttpMethods.IsHead(context.Request.Method)) response = new FhirResponse { Status = response.Status, VersionId = response.VersionId, LastModified = response.LastModified };
        await writer.WriteAsync(context, response, FhirFormats.ForResponse(context.Request), ElementFilter.From(context.Request.Query));
    }

    private async Task<FhirRequest> ReadRequestAsync(HttpContext context, AccessSession access)
    {
        var http = context.Request;
        var relative = http.Path.Value![BasePath.Length..];
        var query = FhirUrl.ParseQuery(http.QueryString.HasValue ? http.QueryString.Value![1..] : "");
        var url = FhirUrl.Parse(relative.Trim('/')) with { Query = query };
        var prefer = http.Headers["Prefer"].ToString();

        Resource? resource = null;
        byte[]? raw = null;
        var method = http.Method.ToUpperInvariant();
        if (method is "POST" or "PUT" or "PATCH")
        {
            if (url.SearchPost && FhirFormats.IsFormContent(http.ContentType))
            {
                var form = await http.ReadFormAsync(context.RequestAborted);
                url = url with { Query = query.Concat(form.SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? "")))).ToList() };
            }
            else
            {
                raw = await ReadBodyAsync(context);
                var isJsonPatch = method == "PATCH" && (http.ContentType?.Contains("json-patch", StringComparison.OrdinalIgnoreCase) ?? false);
                if (raw.Length > 0 && !isJsonPatch)
                {
                    var format = FhirFormats.ForRequestBody(http)
                        ?? throw new FhirException(415, OperationOutcome.IssueType.NotSupported,
                            $"Content-Type '{http.ContentType}' is not a FHIR format; send application/fhir+json or application/fhir+xml.");
                    if (format == FhirFormat.Json) JsonShapeGuard.Check(raw, FhirSerialization.MaxDepth, options.Value.MaxArrayLength);
                    resource = serialization.Parse(raw, format);
                }
            }
        }

        return new FhirRequest
        {
            Method = method,
            Url = url,
            BaseUrl = $"{http.Scheme}://{http.Host}{http.PathBase}{BasePath}",
            IfMatch = http.Headers.IfMatch.ToString() is { Length: > 0 } im ? im : null,
            IfNoneExist = http.Headers["If-None-Exist"].ToString() is { Length: > 0 } ine ? ine : null,
            PreferReturn = prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase) ? PreferReturn.Minimal
                : prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase) ? PreferReturn.OperationOutcome
                : PreferReturn.Representation,
            StrictHandling = prefer.Contains("handling=strict", StringComparison.OrdinalIgnoreCase),
            Resource = resource,
            RawBody = raw,
            ContentType = http.ContentType,
            Access = access,
        };
    }

    private async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;
        if (context.Request.ContentLength is { } declared && declared > limit) throw TooLarge(limit);
        // Pre-size from Content-Length only up to 1 MiB: the header is the client's claim, not bytes received.
        using var buffer = new MemoryStream(context.Request.ContentLength is { } len and > 0 ? (int)Math.Min(len, Math.Min(limit, 1 << 20)) : 4096);
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(limit);
        }
        catch (InvalidOperationException ex)
        {
            // Copying the body is plain I/O; what throws this here is the request decompression's decoder on a body that
            // is not what its Content-Encoding says (Brotli; a bad gzip or deflate stream throws InvalidDataException).
            throw FhirException.BadRequest("The request body could not be decompressed: " + ex.Message, OperationOutcome.IssueType.Structure);
        }
        if (buffer.Length > limit) throw TooLarge(limit);
        return buffer.ToArray();
    }

    private static FhirException TooLarge(long limit) =>
        new(413, OperationOutcome.IssueType.TooCostly, $"The request body is larger than this server accepts ({limit / (1024 * 1024)} MiB). Split the data into several requests.");
}
