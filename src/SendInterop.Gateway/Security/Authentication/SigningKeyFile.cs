using System.Text.Json;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>
/// The gateway's signing key file: a JWK Set of private RSA keys (RS384), each with a kid and the time it was made.
/// Written with mode 600. To rotate, add a new key (<see cref="AddNewKey"/>); remove an old one once every token it
/// signed has expired (at most <see cref="AuthOptions.AccessTokenLifetime"/> later).
/// </summary>
public static class SigningKeyFile
{
    public const string DefaultFileName = "sendinterop-signing-keys.json";

    /// <summary>RSA modulus size of generated keys. Verification (every FHIR request) costs ~12 us at 2048 bits, ~26 us at 3072.</summary>
    public const int KeyBits = 2048;

    public const string Algorithm = Microsoft.IdentityModel.Tokens.SecurityAlgorithms.RsaSha384;

    public static JwkSet Read(string path) => JwkSet.Parse(File.ReadAllText(path));

    /// <summary>Writes the key set atomically (temporary file, then rename) with owner-only permissions.</summary>
    public static void Write(string path, JwkSet keys) => WriteAtomically(path, JsonSerializer.Serialize(keys, JwkSet.JsonOptions), overwrite: true);

    /// <summary>Creates the file with one new key unless it already exists. Returns true when it created it.</summary>
    public static bool CreateIfMissing(string path, DateTimeOffset now)
    {
        if (File.Exists(path)) return false;
        var keys = new JwkSet { Keys = [Jwk.NewRsa(Algorithm, KeyBits, now)] };
        try
        {
            WriteAtomically(path, JsonSerializer.Serialize(keys, JwkSet.JsonOptions), overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false; // another process (or replica) created it first: use theirs
        }
    }

    /// <summary>Adds a new key, which becomes the signing key; the existing keys keep validating.</summary>
    public static Jwk AddNewKey(string path, DateTimeOffset now)
    {
        var keys = File.Exists(path) ? Read(path) : new JwkSet();
        var key = Jwk.NewRsa(Algorithm, KeyBits, now);
        keys.Keys.Add(key);
        Write(path, keys);
        return key;
    }

    internal static void WriteAtomically(string path, string content, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
