using System.Diagnostics;
using System.Diagnostics.Metrics;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir;

/// <summary>
/// Request duration by FHIR interaction and resource type (never ids or parameter values: no personal data in
/// telemetry), recorded by a small middleware on /fhir.
/// </summary>
public sealed class FhirMetrics
{
    public const string MeterName = "SendInterop.Fhir";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("sendinterop.fhir.request.duration", "s", "FHIR request duration by interaction and resource type");

    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments(FhirHttpHandler.BasePath)) { await next(context); return; }
        var start = Stopwatch.GetTimestamp();
        try { await next(context); }
        finally
        {
            var (interaction, type) = Classify(context);
            Duration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds,
                new("fhir.interaction", interaction), new("fhir.resource_type", type), new("http.response.status_code", context.Response.StatusCode));
        }
    }

    private static (string Interaction, string Type) Classify(HttpContext context)
    {
        var segments = context.Request.Path.Value![FhirHttpHandler.BasePath.Length..].Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = context.Request.Method;
        string type = segments.Length > 0 && char.IsUpper(segments[0][0]) ? segments[0] : "-";
        // Resource type names come from a closed list; anything else is bucketed so a client cannot blow up cardinality.
        if (type != "-" && !Hl7.Fhir.Model.ModelInfo.IsKnownResource(type)) type = "unknown";
        var interaction = segments.Length switch
        {
            0 => method == "POST" ? "batch-transaction" : "system",
            1 when segments[0] == "metadata" => "capabilities",
            1 when segments[0] == "_history" => "history-system",
            1 => method switch { "GET" => "search-type", "POST" => "create", "PUT" => "conditional-update", "DELETE" => "conditional-delete", _ => method },
            2 when segments[1] == "_history" => "history-type",
            2 when segments[1] == "_search" => "search-type",
            2 when segments[1].StartsWith('$') => "operation",
            2 => method switch { "GET" => "read", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete", _ => method },
            3 when segments[2] == "_history" => "history-instance",
            3 => "operation",
            _ => "vread",
        };
        return (interaction, type);
    }
}
