namespace SendInterop.Storage.Model;

/// <summary>
/// One version of one resource. Every write appends a row; the newest is flagged <see cref="IsCurrent"/>.
/// The JSON is stored exactly as it is served (meta.versionId and meta.lastUpdated already set), so a read
/// writes these bytes to the response without a parse or a re-serialise.
/// </summary>
public sealed class ResourceRecord
{
    /// <summary>Surrogate key: index rows point at it, and it orders writes.</summary>
    public long Key { get; set; }
    public required string ResourceType { get; set; }
    public required string ResourceId { get; set; }
    public int VersionId { get; set; }
    public bool IsCurrent { get; set; }
    public bool IsDeleted { get; set; }
    /// <summary>UTC ticks: portable across SQLite and PostgreSQL, and cheap to index and compare.</summary>
    public long LastUpdated { get; set; }
    /// <summary>The interaction that made this version: POST, PUT, PATCH or DELETE (history bundles report it).</summary>
    public required string Method { get; set; }
    /// <summary>UTF-8 JSON; empty for a deletion.</summary>
    public required byte[] Json { get; set; }
    /// <summary>
    /// The consent gate's facts about this version (owner, class, labels, child...), encoded by the gateway when it
    /// wrote the version, so a read or search is decided without parsing the resource. Opaque to storage. A deletion
    /// marker carries the facts of the version it deleted.
    /// </summary>
    public string? Access { get; set; }
    /// <summary>
    /// The owning organisation (an Organization id such as la-926), set from the writer's token. Only the owner may
    /// change or delete the resource; null for rows the gateway wrote for itself without an owner.
    /// </summary>
    public string? Owner { get; set; }

    // Index rows of this version. Kept in the EF model for the foreign keys and cascade deletes the migrations create;
    // the rows themselves are written and removed by SqlResourceWriter, and never loaded.
    public List<TokenIndexRow> Tokens { get; set; } = [];
    public List<StringIndexRow> Strings { get; set; } = [];
    public List<DateIndexRow> Dates { get; set; } = [];
    public List<ReferenceIndexRow> References { get; set; } = [];
    public List<QuantityIndexRow> Quantities { get; set; } = [];
}
