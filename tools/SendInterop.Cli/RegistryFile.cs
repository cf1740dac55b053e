using System.Text.Json;
using System.Text.Json.Nodes;

namespace SendInterop.Cli;

/// <summary>
/// The gateway's client registry file (<c>{"clients": [...]}</c>, Auth:ClientRegistryFile). Entries are added
/// under an exclusive lock and the file is replaced atomically, so the gateway (which re-reads it when it changes)
/// never sees half a file. Anything else in the file is kept as it was.
/// </summary>
public static class RegistryFile
{
    public static void Add(string path, JsonObject client, bool replace)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var _ = new FileStream(full + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);

        var document = File.Exists(full) && new FileInfo(full).Length > 0
            ? JsonNode.Parse(File.ReadAllText(full)) as JsonObject ?? throw new InvalidDataException($"{full} is not a JSON object.")
            : new JsonObject();
        var clients = document["clients"] as JsonArray ?? new JsonArray();
        document["clients"] = clients;

        var id = client["client_id"]!.GetValue<string>();
        var existing = clients.OfType<JsonObject>().FirstOrDefault(c => c["client_id"]?.GetValue<string>() == id);
        if (existing is not null)
        {
            if (!replace) throw new IOException($"client {id} is registered already in {full}; pass --force to replace it.");
            clients.Remove(existing);
        }
        clients.Add(client);

        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temp, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, full, overwrite: true);
    }
}
