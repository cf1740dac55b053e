using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;

namespace SendInterop.Gateway.Fhir.Patch;

public enum JsonPatchOp { Add, Remove, Replace, Move, Copy, Test }

/// <summary>One operation of an RFC 6902 JSON Patch document, checked for shape when read.</summary>
public sealed record JsonPatchOperation(int Index, JsonPatchOp Op, JsonPointer Path, JsonPointer? From, JsonNode? Value)
{
    /// <summary>
    /// Reads a JSON Patch document: a JSON array of objects, each with "op" and "path", plus "value" (add, replace,
    /// test) or "from" (move, copy). Anything else is a 400 naming the operation at fault.
    /// </summary>
    public static IReadOnlyList<JsonPatchOperation> ReadDocument(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty) throw FhirException.BadRequest("The JSON Patch body is empty; a JSON array of operations was expected.", OperationOutcome.IssueType.Required);
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = FhirSerialization.MaxDepth });
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw FhirException.BadRequest("The JSON Patch body is not valid JSON: " + ex.Message, OperationOutcome.IssueType.Structure);
        }
        if (document is not JsonArray array)
            throw FhirException.BadRequest("A JSON Patch document must be a JSON array of operations.", OperationOutcome.IssueType.Structure);
        var operations = new List<JsonPatchOperation>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            // System.Text.Json materialises objects lazily, so a duplicate member name only surfaces when read.
            try { operations.Add(Read(i, array[i])); }
            catch (ArgumentException ex) { throw Malformed(i, "it has a member name more than once (" + ex.Message + ")"); }
        }
        return operations;
    }

    private static JsonPatchOperation Read(int index, JsonNode? node)
    {
        if (node is not JsonObject obj) throw Malformed(index, "it is not a JSON object");
        var opName = RequiredString(obj, "op", index);
        JsonPatchOp op = opName switch
        {
            "add" => JsonPatchOp.Add, "remove" => JsonPatchOp.Remove, "replace" => JsonPatchOp.Replace,
            "move" => JsonPatchOp.Move, "copy" => JsonPatchOp.Copy, "test" => JsonPatchOp.Test,
            _ => throw Malformed(index, $"'{opName}' is not a JSON Patch op (add, remove, replace, move, copy, test)"),
        };
        var path = JsonPointer.Parse(RequiredString(obj, "path", index));
        JsonPointer? from = op is JsonPatchOp.Move or JsonPatchOp.Copy ? JsonPointer.Parse(RequiredString(obj, "from", index)) : null;
        JsonNode? value = null;
        if (op is JsonPatchOp.Add or JsonPatchOp.Replace or JsonPatchOp.Test)
        {
            if (!obj.TryGetPropertyValue("value", out value)) throw Malformed(index, $"'{opName}' needs a \"value\"");
            value = value?.DeepClone();
        }
        return new JsonPatchOperation(index, op, path, from, value);
    }

    private static string RequiredString(JsonObject obj, string member, int index)
    {
        if (!obj.TryGetPropertyValue(member, out var node) || node is null)
            throw Malformed(index, $"it has no \"{member}\"");
        if (node.GetValueKind() != JsonValueKind.String)
            throw Malformed(index, $"its \"{member}\" is not a string");
        return node.GetValue<string>();
    }

    private static FhirException Malformed(int index, string why) =>
        FhirException.BadRequest($"JSON Patch operation {index} is malformed: {why}.", OperationOutcome.IssueType.Structure);

    public override string ToString() => From is null
        ? $"operation {Index} ({Op.ToString().ToLowerInvariant()} '{Path}')"
        : $"operation {Index} ({Op.ToString().ToLowerInvariant()} '{From}' to '{Path}')";
}
