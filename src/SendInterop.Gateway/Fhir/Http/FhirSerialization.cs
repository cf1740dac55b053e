using System.Text;
using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Http;

/// <summary>
/// The one place FHIR text becomes POCOs and back. Parsing is strict (unknown elements, wrong types and codes
/// outside required bindings are rejected) and every parser failure becomes a 400 OperationOutcome that names
/// the element and position, so a malformed body can never surface as a 500.
/// </summary>
public sealed class FhirSerialization
{
    /// <summary>Nesting deeper than this is refused before Firely sees it (FHIR resources rarely exceed 20).</summary>
    public const int MaxDepth = 64;

    private readonly FhirJsonDeserializer _json = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    private readonly FhirXmlDeserializer _xml = new(new DeserializerSettings().UsingMode(DeserializationMode.Strict));
    // Stored bytes were parsed strictly (and profile-validated) before they were written: reading them back runs no
    // attribute validation again (URI and date patterns, invariants, required elements), which was about a quarter of
    // each parse in the SEN2 import's commit handlers (docs/performance.md, session 19).
    private readonly FhirJsonDeserializer _stored = new(new DeserializerSettings { Validator = null });
    private readonly FhirJsonSerializer _jsonOut = new();
    private readonly FhirXmlSerializer _xmlOut = new();

    public Resource Parse(ReadOnlySpan<byte> body, FhirFormat format)
    {
        if (body.IsEmpty) throw FhirException.BadRequest("The request body is empty; a FHIR resource was expected.", OperationOutcome.IssueType.Required);
        return format == FhirFormat.Xml ? ParseXml(body.ToArray()) : ParseJson(body);
    }

    private Resource ParseJson(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
            return _json.DeserializeResource(ref reader);
        }
        catch (DeserializationFailedException ex)
        {
            throw new FhirException(400, OperationOutcome.IssueType.Structure,
                "The resource could not be parsed as FHIR R4 JSON: " + Describe(ex),
                ex.Exceptions.Take(50).Select(e => OperationOutcomes.Error(e.Message, OperationOutcome.IssueType.Structure)));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw FhirException.BadRequest("The request body is not valid FHIR JSON: " + ex.Message, OperationOutcome.IssueType.Structure);
        }
    }

    private Resource ParseXml(byte[] body)
    {
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true,
                MaxCharactersFromEntities = 0, Async = false,
            };
            CheckXmlDepth(body, settings);
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, settings);
            var resource = _xml.DeserializeResource(reader);
            // Stored as JSON, where a FHIR level is up to two JSON levels (an array and its object): a resource read back
            // must fit the JSON limit every stored resource is parsed with, as one posted as JSON does.
            JsonShapeGuard.Check(ToJsonBytes(resource), MaxDepth, int.MaxValue);
            return resource;
        }
        catch (DeserializationFailedException ex)
        {
            throw new FhirException(400, OperationOutcome.IssueType.Structure,
                "The resource could not be parsed as FHIR R4 XML: " + Describe(ex),
                ex.Exceptions.Take(50).Select(e => OperationOutcomes.Error(e.Message, OperationOutcome.IssueType.Structure)));
        }
        catch (Exception ex) when (ex is XmlException or FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw FhirException.BadRequest("The request body is not valid FHIR XML: " + ex.Message, OperationOutcome.IssueType.Structure);
        }
    }

    /// <summary>
    /// Refuses XML nested deeper than <see cref="MaxDepth"/> in one streaming pass, before Firely's recursive reader sees
    /// it: ten thousand nested extensions overflowed its stack and took the process down.
    /// </summary>
    private static void CheckXmlDepth(byte[] body, XmlReaderSettings settings)
    {
        using var stream = new MemoryStream(body);
        using var reader = XmlReader.Create(stream, settings);
        while (reader.Read())
        {
            if (reader.Depth > MaxDepth)
                throw FhirException.BadRequest($"The XML body is nested deeper than {MaxDepth} levels; no FHIR resource needs that.", OperationOutcome.IssueType.TooCostly);
        }
    }

    private static string Describe(DeserializationFailedException ex)
    {
        var count = ex.Exceptions.Count();
        return count == 1 ? "1 problem, listed below." : $"{count} problems, listed below.";
    }

    public byte[] ToJsonBytes(Base resource) => ToJsonBytes(resource, null);

    public void WriteJson(Base resource, Utf8JsonWriter writer, SerializationFilter? filter = null) =>
        _jsonOut.Serialize(resource, writer, filter is null ? null : () => filter);

    public byte[] ToJsonBytes(Base resource, Func<SerializationFilter>? filter)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })) _jsonOut.Serialize(resource, writer, filter);
        return buffer.WrittenSpan.ToArray();
    }

    public string ToXml(Base resource, Func<SerializationFilter>? filter)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { OmitXmlDeclaration = false, Encoding = new UTF8Encoding(false) }))
            _xmlOut.Serialize(resource, writer, filter);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// Parses bytes this server stored (validated when they were written), without validating them again; a failure
    /// here (bytes that are not FHIR JSON at all) is a server fault.
    /// </summary>
    public Resource ParseStored(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        return _stored.DeserializeResource(ref reader);
    }
}
