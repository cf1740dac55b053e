using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Fhir.Search;

public static class SearchCursorSealExtensions
{
    /// <summary>Data Protection for the cursor seal, its keys in <see cref="CursorKeyOptions.KeysDirectory"/> (needs <see cref="AuthFiles"/>).</summary>
    public static IServiceCollection AddSearchCursorSeal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CursorKeyOptions>().Bind(configuration.GetSection(CursorKeyOptions.Section));
        // One application name for every replica and build, so their protectors agree.
        services.AddDataProtection().SetApplicationName("SendInterop");
        services.AddOptions<KeyManagementOptions>().Configure<AuthFiles, IOptions<CursorKeyOptions>, ILoggerFactory>((o, files, keys, logs) =>
        {
            var directory = keys.Value.KeysDirectory ?? Path.Combine(Path.GetDirectoryName(files.SigningKeyFile)!, CursorKeyOptions.DefaultFolderName);
            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(directory), logs);
        });
        services.AddSingleton<SearchCursorSeal>();
        return services;
    }
}
