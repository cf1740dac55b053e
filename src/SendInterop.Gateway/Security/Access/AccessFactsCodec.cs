using System.Buffers;
using System.Text;
using System.Text.Json;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// Stores a resource's access facts as a short JSON text beside the resource (the Access column), and reads them back.
/// The text leaves out the type and id (columns of their own). Decoding is a plain parse of ~150 bytes: a cache keyed
/// by the text would miss almost always (the child and the date make each text unique) and cost a shared lock.
/// </summary>
public sealed class AccessFactsCodec
{
    private sealed record Wire(string? O, string? A, string C, string[]? L, string? P, long? D, string[]? K, string[]? N);

    public static string Encode(ResourceFacts f) => JsonSerializer.Serialize(new Wire(
        f.OwnerOrganisation, f.OwnerAgency, f.DataClass,
        f.Labels.Count == 0 ? null : f.Labels.Select(l => $"{l.System}|{l.Code}").ToArray(),
        f.ChildId, f.DataDate?.UtcTicks,
        f.Codes.Count == 0 ? null : f.Codes.Select(c => $"{c.System}|{c.Code}").ToArray(),
        f.NamedOrganisations.Count == 0 ? null : f.NamedOrganisations.ToArray()), WireJson.Options);

    /// <summary>
    /// The facts of a stored row. A row with no facts (written before the gate existed) is owned by nobody and of the
    /// health class: only the gateway itself and a break-glass can see it.
    /// </summary>
    public ResourceFacts Decode(string resourceType, string resourceId, string? text)
    {
        if (string.IsNullOrEmpty(text)) return Legacy(resourceType, resourceId);
        return Parse(resourceType, resourceId, text);
    }

    /// <summary>
    /// Reads the text with <see cref="Utf8JsonReader"/>: every gated decision decodes one, and the serializer's read state
    /// for a record with arrays allocated several times what the facts themselves take (docs/performance.md). A member
    /// this version does not know is skipped; facts without a data class are of the health class (as a row without facts:
    /// only explicit permission reaches it); a text that is not one object of this shape throws <see cref="JsonException"/>.
    /// </summary>
    private static ResourceFacts Parse(string resourceType, string resourceId, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > StackLimit ? ArrayPool<byte>.Shared.Rent(max) : null;
        try
        {
            Span<byte> utf8 = rented is null ? stackalloc byte[max] : rented;
            var reader = new Utf8JsonReader(utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
            string? owner = null, agency = null, dataClass = null, child = null;
            long? date = null;
            List<string>? labels = null, codes = null, named = null;
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Access facts are not a JSON object.");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("o"u8)) owner = NextString(ref reader);
                else if (reader.ValueTextEquals("a"u8)) agency = NextString(ref reader);
                else if (reader.ValueTextEquals("c"u8)) dataClass = NextString(ref reader);
                else if (reader.ValueTextEquals("p"u8)) child = NextString(ref reader);
                else if (reader.ValueTextEquals("d"u8)) date = reader.Read() && reader.TokenType == JsonTokenType.Null ? null : reader.GetInt64();
                else if (reader.ValueTextEquals("l"u8)) labels = NextStrings(ref reader);
                else if (reader.ValueTextEquals("k"u8)) codes = NextStrings(ref reader);
                else if (reader.ValueTextEquals("n"u8)) named = NextStrings(ref reader);
                else { reader.Read(); reader.Skip(); }
            }
            if (reader.TokenType != JsonTokenType.EndObject) throw new JsonException("Access facts end early.");
            if (reader.Read()) throw new JsonException("Access facts are followed by more JSON."); // trailing text throws in Read
            return new ResourceFacts(resourceType, resourceId, owner, agency, dataClass ?? DataClasses.Health,
                labels is null ? [] : labels.ConvertAll(SplitLabel),
                child,
                date is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : null,
                codes is null ? [] : codes.ConvertAll(s => { var l = SplitLabel(s); return new DataCode(l.System, l.Code); }),
                named is null ? [] : named);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // A member of the wrong JSON type ("d":"1", "o":5): reported like any other text that is not access facts.
            throw new JsonException("Access facts hold a value of the wrong type.", ex);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Texts up to this many UTF-8 bytes are read from the stack (a read's facts are about 150).</summary>
    private const int StackLimit = 1024;

    private static string? NextString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
    }

    private static List<string>? NextStrings(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("An access facts list is not an array.");
        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(reader.GetString() ?? throw new JsonException("A null in an access facts list."));
        return values;
    }

    private static SecurityLabel SplitLabel(string s)
    {
        var bar = s.LastIndexOf('|');
        return bar < 0 ? new SecurityLabel("", s) : new SecurityLabel(s[..bar], s[(bar + 1)..]);
    }

    private static ResourceFacts Legacy(string type, string id) => new(type, id, null, null, DataClasses.Health, [], null, null, [], []);

    private static class WireJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        };
    }
}
