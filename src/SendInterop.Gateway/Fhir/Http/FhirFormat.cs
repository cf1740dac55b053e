using Microsoft.Extensions.Primitives;

namespace SendInterop.Gateway.Fhir.Http;

public enum FhirFormat { Json, Xml }

/// <summary>Content negotiation for FHIR: _format wins over Accept; JSON is the default.</summary>
public static class FhirFormats
{
    public const string JsonMediaType = "application/fhir+json";
    public const string XmlMediaType = "application/fhir+xml";

    public static string MediaType(this FhirFormat f) => f == FhirFormat.Xml ? XmlMediaType : JsonMediaType;

    public static FhirFormat? FromMediaType(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var v = value.ToLowerInvariant();
        if (v.Contains("xml")) return FhirFormat.Xml;
        if (v.Contains("json")) return FhirFormat.Json;
        return null;
    }

    /// <summary>The response format: _format parameter, then Accept, then JSON.</summary>
    public static FhirFormat ForResponse(HttpRequest request)
    {
        if (request.Query.TryGetValue("_format", out var f) && FromMediaType(f) is { } fromQuery) return fromQuery;
        foreach (var accept in request.Headers.Accept)
        {
            if (accept is null) continue;
            // Accept may list several; take the first FHIR-ish one.
            foreach (var part in accept.Split(','))
                if (FromMediaType(part) is { } fmt) return fmt;
        }
        return FhirFormat.Json;
    }

    /// <summary>The request body format from Content-Type; null when it is not a FHIR format.</summary>
    public static FhirFormat? ForRequestBody(HttpRequest request) => FromMediaType(request.ContentType);

    public static bool IsFormContent(StringValues contentType) => contentType.ToString().Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
