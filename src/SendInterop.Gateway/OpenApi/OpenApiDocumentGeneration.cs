using System.Reflection;

namespace SendInterop.Gateway.OpenApi;

/// <summary>Whether this process is a build-time OpenAPI generator rather than the gateway.</summary>
public static class OpenApiDocumentGeneration
{
    /// <summary>
    /// True when the process was started by a build-time OpenAPI generator: the Swashbuckle CLI (<c>dotnet swagger
    /// tofile</c>, entry assembly dotnet-swagger) or Microsoft.Extensions.ApiDescription.Server (<c>GetDocument.Insider</c>).
    /// Both run Program's top-level statements with a no-op server to read the document, so start-up work that needs a
    /// database or warms caches must be skipped.
    /// </summary>
    public static bool IsRunning { get; } = Assembly.GetEntryAssembly()?.GetName().Name is "dotnet-swagger" or "GetDocument.Insider";
}
