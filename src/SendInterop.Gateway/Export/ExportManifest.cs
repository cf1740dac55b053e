using System.Text.Json;
using SendInterop.Storage.Export;

namespace SendInterop.Gateway.Export;

/// <summary>
/// The complete-status manifest of Bulk Data Access v2: transactionTime, request, requiresAccessToken (always: a file is
/// the requester's alone), one output entry per file and an empty error list (a withheld resource is not an error; it is
/// not there).
/// </summary>
public static class ExportManifest
{
    public static void Write(Utf8JsonWriter json, ExportJobRow job, IReadOnlyList<ExportFileInfo> files, string fileBase)
    {
        json.WriteStartObject();
        json.WriteString("transactionTime", DateTimeOffset.FromUnixTimeMilliseconds(job.TransactionTime).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("request", job.RequestUrl);
        json.WriteBoolean("requiresAccessToken", true);
        json.WriteStartArray("output");
        foreach (var file in files)
        {
            json.WriteStartObject();
            json.WriteString("type", file.ResourceType);
            json.WriteString("url", $"{fileBase}/{file.Seq}");
            json.WriteNumber("count", file.Count);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("error");
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
