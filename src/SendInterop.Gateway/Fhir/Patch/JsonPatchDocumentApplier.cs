using System.Text.Json;
using System.Text.Json.Nodes;
using SendInterop.Gateway.Fhir.Errors;

namespace SendInterop.Gateway.Fhir.Patch;

/// <summary>
/// RFC 6902 JSON Patch over System.Text.Json nodes. Operations apply in order to a copy of the document; the first
/// that cannot apply (a failed "test", a path that does not exist) stops the whole patch with a 422 naming it, so
/// a patch applies entirely or not at all.
/// </summary>
public static class JsonPatchDocumentApplier
{
    /// <summary>Applies <paramref name="patchDocument"/> to <paramref name="currentJson"/> and returns the patched JSON.</summary>
    public static byte[] Apply(byte[] currentJson, ReadOnlySpan<byte> patchDocument)
    {
        var operations = JsonPatchOperation.ReadDocument(patchDocument);
        var document = JsonNode.Parse(currentJson);
        document = Apply(document, operations);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(currentJson.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (document is null) writer.WriteNullValue();
            else document.WriteTo(writer);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Applies the operations to <paramref name="document"/> (changed in place) and returns the result root.</summary>
    public static JsonNode? Apply(JsonNode? document, IEnumerable<JsonPatchOperation> operations)
    {
        foreach (var op in operations)
        {
            document = op.Op switch
            {
                JsonPatchOp.Add => Add(document, op.Path, op.Value?.DeepClone(), op),
                JsonPatchOp.Remove => Remove(document, op.Path, op, out _),
                JsonPatchOp.Replace => Replace(document, op),
                JsonPatchOp.Move => Move(document, op),
                JsonPatchOp.Copy => Copy(document, op),
                JsonPatchOp.Test => Test(document, op),
                _ => throw new InvalidOperationException($"Unhandled JSON Patch op {op.Op}."),
            };
        }
        return document;
    }

    private static JsonNode? Add(JsonNode? document, JsonPointer path, JsonNode? value, JsonPatchOperation op)
    {
        if (path.IsRoot) return value;
        switch (Container(document, path, op))
        {
            case JsonObject obj:
                obj[path.Last] = value;
                break;
            case JsonArray array when path.Last == "-":
                array.Add(value);
                break;
            case JsonArray array when JsonPointer.TryParseIndex(path.Last, out var index) && index <= array.Count:
                array.Insert(index, value);
                break;
            case JsonArray array:
                throw FhirException.Unprocessable($"JSON Patch {op} failed: '{path.Last}' is not an index from 0 to {array.Count} (or '-') in the array at '{path.Parent}'.");
        }
        return document;
    }

    private static JsonNode? Remove(JsonNode? document, JsonPointer path, JsonPatchOperation op, out JsonNode? removed)
    {
        if (path.IsRoot) throw FhirException.Unprocessable($"JSON Patch {op} failed: the whole document cannot be removed.");
        switch (Container(document, path, op))
        {
            case JsonObject obj when obj.TryGetPropertyValue(path.Last, out removed):
                obj.Remove(path.Last);
                return document;
            case JsonArray array when JsonPointer.TryParseIndex(path.Last, out var index) && index < array.Count:
                removed = array[index];
                array.RemoveAt(index);
                return document;
            default:
                throw Missing(path, op);
        }
    }

    private static JsonNode? Replace(JsonNode? document, JsonPatchOperation op)
    {
        if (!op.Path.TryResolve(document, out _)) throw Missing(op.Path, op);
        if (op.Path.IsRoot) return op.Value?.DeepClone();
        switch (Container(document, op.Path, op))
        {
            case JsonObject obj:
                obj[op.Path.Last] = op.Value?.DeepClone();
                break;
            case JsonArray array:
                JsonPointer.TryParseIndex(op.Path.Last, out var index);
                array[index] = op.Value?.DeepClone();
                break;
        }
        return document;
    }

    private static JsonNode? Move(JsonNode? document, JsonPatchOperation op)
    {
        var from = op.From!;
        if (op.Path.IsSameOrInside(from))
        {
            if (op.Path.Text == from.Text) return RequireExisting(document, from, op);
            throw FhirException.Unprocessable($"JSON Patch {op} failed: a value cannot be moved into itself.");
        }
        document = Remove(document, from, op, out var value);
        return Add(document, op.Path, value, op);
    }

    private static JsonNode? Copy(JsonNode? document, JsonPatchOperation op)
    {
        if (!op.From!.TryResolve(document, out var value)) throw Missing(op.From, op);
        return Add(document, op.Path, value?.DeepClone(), op);
    }

    private static JsonNode? Test(JsonNode? document, JsonPatchOperation op)
    {
        if (!op.Path.TryResolve(document, out var actual))
            throw FhirException.Unprocessable($"JSON Patch test failed: '{op.Path}' does not exist, so it does not equal {Show(op.Value)}.");
        if (!JsonNode.DeepEquals(actual, op.Value))
            throw FhirException.Unprocessable($"JSON Patch test failed: the value at '{op.Path}' is {Show(actual)}, not {Show(op.Value)}.");
        return document;
    }

    private static JsonNode? RequireExisting(JsonNode? document, JsonPointer path, JsonPatchOperation op) =>
        path.TryResolve(document, out _) ? document : throw Missing(path, op);

    /// <summary>The object or array that holds the last token of <paramref name="path"/>; it must exist.</summary>
    private static JsonNode Container(JsonNode? document, JsonPointer path, JsonPatchOperation op)
    {
        var parent = path.Parent;
        if (!parent.TryResolve(document, out var container) || container is not (JsonObject or JsonArray))
            throw FhirException.Unprocessable(
                $"JSON Patch {op} failed: '{parent.Text}' does not exist or is not an object or array, so '{path}' cannot be reached.");
        return container;
    }

    private static FhirException Missing(JsonPointer path, JsonPatchOperation op) =>
        FhirException.Unprocessable($"JSON Patch {op} failed: there is no value at '{path}'.");

    private static string Show(JsonNode? node)
    {
        var text = node is null ? "null" : node.ToJsonString();
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}
