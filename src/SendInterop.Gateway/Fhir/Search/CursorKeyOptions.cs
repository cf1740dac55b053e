namespace SendInterop.Gateway.Fhir.Search;

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
