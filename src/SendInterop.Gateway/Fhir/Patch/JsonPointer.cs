using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Patch;

/// <summary>
/// An RFC 6901 JSON Pointer: "" is the whole document, otherwise "/"-separated reference tokens in which "~1"
/// stands for "/" and "~0" for "~". "-" names the position after the last array item (only "add" may use it).
/// </summary>
public sealed class JsonPointer
{
    private JsonPointer(string text, IReadOnlyList<string> tokens) { Text = text; Tokens = tokens; }

    /// <summary>The pointer as written in the patch document, for messages.</summary>
    public string Text { get; }
    public IReadOnlyList<string> Tokens { get; }
    public bool IsRoot => Tokens.Count == 0;
    /// <summary>The last reference token (the member name or array index this pointer ends on).</summary>
    public string Last => Tokens[^1];
    public JsonPointer Parent => new(Text[..Text.LastIndexOf('/')], Tokens.Take(Tokens.Count - 1).ToList());

    /// <summary>Parses a pointer; a malformed one (no leading "/", a "~" not followed by 0 or 1) is a 400.</summary>
    public static JsonPointer Parse(string text)
    {
        if (text.Length == 0) return new(text, []);
        if (text[0] != '/')
            throw FhirException.BadRequest($"'{text}' is not a JSON Pointer: it must be empty or start with '/'.", OperationOutcome.IssueType.Structure);
        var tokens = new List<string>();
        foreach (var raw in text[1..].Split('/'))
        {
            for (var i = raw.IndexOf('~'); i >= 0; i = raw.IndexOf('~', i + 1))
                if (i + 1 >= raw.Length || raw[i + 1] is not ('0' or '1'))
                    throw FhirException.BadRequest($"'{text}' is not a JSON Pointer: '~' must be followed by 0 or 1.", OperationOutcome.IssueType.Structure);
            tokens.Add(raw.Replace("~1", "/").Replace("~0", "~"));
        }
        return new(text, tokens);
    }

    /// <summary>Whether this pointer is <paramref name="other"/> or lies inside it.</summary>
    public bool IsSameOrInside(JsonPointer other) =>
        Tokens.Count >= other.Tokens.Count && other.Tokens.Select((t, i) => t == Tokens[i]).All(b => b);

    /// <summary>Finds the node this pointer references; false when any step of it does not exist.</summary>
    public bool TryResolve(JsonNode? root, out JsonNode? node)
    {
        node = root;
        foreach (var token in Tokens)
        {
            switch (node)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    node = child;
                    break;
                case JsonArray array when TryParseIndex(token, out var index) && index < array.Count:
                    node = array[index];
                    break;
                default:
                    node = null;
                    return false;
            }
        }
        return true;
    }

    /// <summary>An RFC 6901 array index: "0" or digits without a leading zero.</summary>
    public static bool TryParseIndex(string token, out int index)
    {
        index = -1;
        if (token.Length == 0 || token.Length > 9 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit)) return false;
        index = int.Parse(token, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    public override string ToString() => Text;
}
