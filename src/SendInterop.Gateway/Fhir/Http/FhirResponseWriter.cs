using System.Globalization;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;
using Microsoft.Net.Http.Headers;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>Writes a <see cref="FhirResponse"/> as JSON or XML, with ETag, Last-Modified and Location.</summary>
public sealed class FhirResponseWriter(FhirSerialization serialization)
{
    public async System.Threading.Tasks.Task WriteAsync(HttpContext context, FhirResponse response, FhirFormat format, ElementFilter filter)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        if (response.VersionId is { } v) http.Headers.ETag = $"W/\"{v}\"";
        if (response.LastModified is { } lm) http.Headers.LastModified = lm.ToString("R", CultureInfo.InvariantCulture);
        if (response.Location is not null) http.Headers.Location = response.Location;
        if (!response.HasBody) return;

        http.ContentType = format.MediaType() + "; charset=utf-8";
        var ct = context.RequestAborted;
        if (format == FhirFormat.Json)
        {
            if (response.Json is not null && !filter.IsActive)
            {
                http.ContentLength = response.Json.Length;
                await http.Body.WriteAsync(response.Json, ct);
                return;
            }
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                if (response.Bundle is not null) WriteBundleJson(writer, response.Bundle, filter);
                else WriteResourceJson(writer, response.Json, response.Resource!, filter);
            }
            http.ContentLength = buffer.WrittenCount;
            await http.Body.WriteAsync(buffer.WrittenMemory, ct);
            return;
        }

        Resource resource = response.Bundle is not null ? ToPoco(response.Bundle, filter)
            : response.Resource ?? serialization.ParseStored(response.Json!);
        var xml = Encoding.UTF8.GetBytes(serialization.ToXml(resource, response.Bundle is null ? filter.Factory : null));
        http.ContentLength = xml.Length;
        await http.Body.WriteAsync(xml, ct);
    }

    private void WriteResourceJson(Utf8JsonWriter writer, byte[]? json, Resource? resource, ElementFilter filter)
    {
        if (json is not null && !filter.IsActive)
        {
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }
        resource ??= serialization.ParseStored(json!);
        serialization.WriteJson(resource, writer, filter.Factory?.Invoke());
    }

    private void WriteBundleJson(Utf8JsonWriter w, BundleBody bundle, ElementFilter filter)
    {
        w.WriteStartObject();
        w.WriteString("resourceType", "Bundle");
        w.WriteString("id", Guid.NewGuid().ToString());
        w.WriteStartObject("meta");
        w.WriteString("lastUpdated", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture));
        w.WriteEndObject();
        w.WriteString("type", bundle.Type.GetLiteral());
        if (bundle.Total is { } total) w.WriteNumber("total", total);
        if (bundle.Links.Count > 0)
        {
            w.WriteStartArray("link");
            foreach (var (rel, url) in bundle.Links)
            {
                w.WriteStartObject();
                w.WriteString("relation", rel);
                w.WriteString("url", url);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (bundle.Entries.Count > 0)
        {
            w.WriteStartArray("entry");
            foreach (var e in bundle.Entries) WriteEntryJson(w, e, filter);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private void WriteEntryJson(Utf8JsonWriter w, BundleBodyEntry e, ElementFilter filter)
    {
        w.WriteStartObject();
        if (e.FullUrl is not null) w.WriteString("fullUrl", e.FullUrl);
        if (e.Json is { Length: > 0 } || e.Resource is not null)
        {
            w.WritePropertyName("resource");
            // Included resources and outcomes are not subject to _elements (R4 search 3.1.1.5.9 applies it to matches).
            WriteResourceJson(w, e.Json is { Length: > 0 } ? e.Json : null, e.Resource, e.SearchMode == Bundle.SearchEntryMode.Match ? filter : ElementFilter.None);
        }
        if (e.SearchMode is { } mode)
        {
            w.WriteStartObject("search");
            if (e.MatchGrade is not null)
            {
                w.WriteStartArray("extension");
                w.WriteStartObject();
                w.WriteString("url", BundleBodyEntry.MatchGradeExtension);
                w.WriteString("valueCode", e.MatchGrade);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteString("mode", mode.GetLiteral());
            if (e.Score is { } score) w.WriteNumber("score", score);
            w.WriteEndObject();
        }
        if (e.RequestMethod is not null)
        {
            w.WriteStartObject("request");
            w.WriteString("method", e.RequestMethod);
            w.WriteString("url", e.RequestUrl);
            w.WriteEndObject();
        }
        if (e.ResponseStatus is not null)
        {
            w.WriteStartObject("response");
            w.WriteString("status", e.ResponseStatus);
            if (e.ResponseLocation is not null) w.WriteString("location", e.ResponseLocation);
            if (e.ResponseEtag is not null) w.WriteString("etag", e.ResponseEtag);
            if (e.ResponseLastModified is { } lm) w.WriteString("lastModified", lm.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffK", CultureInfo.InvariantCulture));
            if (e.ResponseOutcome is not null)
            {
                w.WritePropertyName("outcome");
                serialization.WriteJson(e.ResponseOutcome, w);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public Bundle ToPoco(BundleBody body, ElementFilter filter)
    {
        var bundle = new Bundle { Id = Guid.NewGuid().ToString(), Type = body.Type, Total = body.Total, Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow } };
        foreach (var (rel, url) in body.Links) bundle.Link.Add(new Bundle.LinkComponent { Relation = rel, Url = url });
        foreach (var e in body.Entries)
        {
            var entry = new Bundle.EntryComponent { FullUrl = e.FullUrl };
            if (e.Resource is not null) entry.Resource = e.Resource;
            else if (e.Json is { Length: > 0 }) entry.Resource = serialization.ParseStored(e.Json);
            if (entry.Resource is not null && e.SearchMode == Bundle.SearchEntryMode.Match && filter.IsActive)
                entry.Resource = filter.Apply(entry.Resource, serialization);
            if (e.SearchMode is { } m)
            {
                entry.Search = new Bundle.SearchComponent { Mode = m, Score = e.Score };
                if (e.MatchGrade is not null) entry.Search.Extension.Add(new Extension(BundleBodyEntry.MatchGradeExtension, new Code(e.MatchGrade)));
            }
            if (e.RequestMethod is not null)
                entry.Request = new Bundle.RequestComponent { Method = Enum.Parse<Bundle.HTTPVerb>(e.RequestMethod), Url = e.RequestUrl };
            if (e.ResponseStatus is not null)
                entry.Response = new Bundle.ResponseComponent
                {
                    Status = e.ResponseStatus, Location = e.ResponseLocation, Etag = e.ResponseEtag,
                    LastModified = e.ResponseLastModified, Outcome = e.ResponseOutcome,
                };
            bundle.Entry.Add(entry);
        }
        return bundle;
    }
}

/// <summary>_summary and _elements as a serialisation filter; <see cref="None"/> serves stored bytes untouched.</summary>
public sealed class ElementFilter
{
    public static readonly ElementFilter None = new(null);

    private ElementFilter(Func<SerializationFilter>? factory) => Factory = factory;

    public Func<SerializationFilter>? Factory { get; }
    public bool IsActive => Factory is not null;

    public static ElementFilter From(IQueryCollection query)
    {
        if (query.TryGetValue("_elements", out var elements) && !string.IsNullOrWhiteSpace(elements))
        {
            // id and meta always come back, so a client can still tell which resource (and version) it got.
            var list = elements.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Concat(["id", "meta"]).Distinct().ToArray();
            return new ElementFilter(() => SerializationFilter.ForElements(list));
        }
        if (query.TryGetValue("_summary", out var summary))
        {
            return summary.ToString().ToLowerInvariant() switch
            {
                "true" => new ElementFilter(SerializationFilter.ForSummary),
                "text" => new ElementFilter(SerializationFilter.ForText),
                "data" => new ElementFilter(SerializationFilter.ForData),
                _ => None,
            };
        }
        return None;
    }

    public Resource Apply(Resource resource, FhirSerialization serialization) =>
        serialization.ParseStored(serialization.ToJsonBytes(resource, Factory));
}
