using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.Options;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>
/// gzip for FHIR responses, except small ones whose length is known up front: below about two kilobytes gzip saves
/// at most one TCP segment and costs more CPU than a by-id read itself (measured in docs/performance.md).
/// </summary>
public sealed class SmallBodyAwareCompressionProvider(IServiceProvider services, IOptions<ResponseCompressionOptions> options)
    : ResponseCompressionProvider(services, options)
{
    public const int MinimumBytes = 2048;

    public override bool ShouldCompressResponse(HttpContext context) =>
        context.Response.ContentLength is not (< MinimumBytes) && base.ShouldCompressResponse(context);
}
