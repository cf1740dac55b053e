using System.Text;
using System.Text.Json;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Export;

/// <summary>
/// What the consent gate needs to decide an exported line again at download, stored beside the file: per line the
/// stored version's key, type, id and access facts, as a JSON array on a line of its own (<c>[key,"type","id","access"]</c>).
/// </summary>
public static class ExportLineFacts
{
    public sealed record Line(long Key, string ResourceType, string ResourceId, string? Access)
    {
        public AccessRow AsRow() => new(Key, ResourceType, ResourceId, null, Access);
    }

    /// <summary>A stored version as the gate takes it, from its access facts alone (no body: a decision needs only the facts).</summary>
    public static ResourceRecord FactsOnly(AccessRow row) =>
        new() { Key = row.Key, ResourceType = row.ResourceType, ResourceId = row.ResourceId, Owner = row.Owner, Access = row.Access, Json = [], Method = "" };

    public static void Append(Stream to, ResourceRecord record)
    {
        using (var json = new Utf8JsonWriter(to))
        {
            json.WriteStartArray();
            json.WriteNumberValue(record.Key);
            json.WriteStringValue(record.ResourceType);
            json.WriteStringValue(record.ResourceId);
            if (record.Access is null) json.WriteNullValue(); else json.WriteStringValue(record.Access);
            json.WriteEndArray();
        }
        to.WriteByte((byte)'\n');
    }

    public static List<Line> Read(byte[] facts)
    {
        var lines = new List<Line>();
        foreach (var text in Encoding.UTF8.GetString(facts).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(text);
            var a = doc.RootElement;
            lines.Add(new Line(a[0].GetInt64(), a[1].GetString()!, a[2].GetString()!, a[3].ValueKind == JsonValueKind.Null ? null : a[3].GetString()));
        }
        return lines;
    }
}
