using Microsoft.Net.Http.Headers;

namespace SendInterop.Gateway.Dashboard;

/// <summary>
/// Serves the embedded page and its assets. The page holds no data (every figure comes from the API with the user's
/// token), so it is served without authentication, with a Content-Security-Policy that allows only the gateway's own
/// scripts, styles and API: no CDN, no inline script, no framing.
/// </summary>
public static class DashboardPages
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IResult Serve(HttpContext context, DashboardAssets assets, string file)
    {
        if (assets.Find(file) is not { } asset) return Results.NotFound();
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        // Revalidate every time: a new gateway build must never run an old script against a new API.
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Any(v => v == asset.ETag)) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
