using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Security.Authentication;

namespace SendInterop.Gateway.Fhir.Search;

/// <summary>
/// Seals the store's paging cursors before they leave in next/previous links, and opens them when they come back.
/// Why: a store cursor is the sort value and row key of the boundary row of the store's page, and under the consent
/// gate that row may be one the requester may not see (a refilled page walks past hidden matches): a cursor of
/// <c>_sort=birthdate</c> carried a hidden child's birth date, of <c>_sort=identifier</c> an NHS number, and a cursor
/// written by the client walked the store wherever it liked. Sealed (ASP.NET Core Data Protection: authenticated
/// encryption, keys rotated by the library), a cursor says nothing and cannot be forged; what a page holds is still
/// decided by the gate.
/// </summary>
public sealed class SearchCursorSeal(IDataProtectionProvider provider)
{
    /// <summary>The protector's purpose: a cursor sealed for anything else (or by another version of the format) does not open.</summary>
    public const string Purpose = "SendInterop.Fhir.SearchCursor.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    /// <summary>The cursor as it goes into a link (URL-safe base64).</summary>
    public string Seal(string cursor) => _protector.Protect(cursor);

    /// <summary>The store's cursor from a link's <c>_cursor</c>; a 400 when it was not sealed here (edited, made up, or from keys since removed).</summary>
    public string Open(string sealedCursor)
    {
        try
        {
            return _protector.Unprotect(sealedCursor);
        }
        catch (CryptographicException)
        {
            throw FhirException.BadRequest("The paging cursor is not valid; follow the next/previous links exactly as returned.");
        }
    }
}

/// <summary>Bound from configuration section "DataProtection".</summary>
public sealed class CursorKeyOptions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// Where the keys that seal paging cursors are kept. Replicas behind one load balancer must share it (as they share
    /// the signing key file), or a link one replica wrote is refused by another. Default: a folder beside the signing key file.
    /// </summary>
    public string? KeysDirectory { get; set; }

    public const string DefaultFolderName = "sendinterop-cursor-keys";
}

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
