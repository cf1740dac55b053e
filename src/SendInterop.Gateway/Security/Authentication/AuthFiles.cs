using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SendInterop.Storage;

namespace SendInterop.Gateway.Security.Authentication;

/// <summary>Where the signing key file and the client registry file are: configured, or beside the SQLite database.</summary>
public sealed class AuthFiles
{
    public const string DefaultRegistryFileName = "sendinterop-clients.json";

    public AuthFiles(IOptions<AuthOptions> options, StorageOptions? storage = null)
    {
        var o = options.Value;
        SigningKeyFile = Path.GetFullPath(o.SigningKeyFile ?? Path.Combine(DefaultDirectory(storage), Authentication.SigningKeyFile.DefaultFileName));
        ClientRegistryFile = Path.GetFullPath(o.ClientRegistryFile ?? Path.Combine(Path.GetDirectoryName(SigningKeyFile)!, DefaultRegistryFileName));
    }

    public string SigningKeyFile { get; }

    public string ClientRegistryFile { get; }

    private static string DefaultDirectory(StorageOptions? storage)
    {
        if (storage is { Provider: StorageProvider.Sqlite })
        {
            try
            {
                var dataSource = new SqliteConnectionStringBuilder(storage.ConnectionString).DataSource;
                if (!string.IsNullOrEmpty(dataSource) && dataSource != ":memory:" && !dataSource.StartsWith("file:", StringComparison.Ordinal))
                    return Path.GetDirectoryName(Path.GetFullPath(dataSource)) ?? Directory.GetCurrentDirectory();
            }
            catch (ArgumentException)
            {
                // not a parsable SQLite connection string: fall back to the working directory
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
