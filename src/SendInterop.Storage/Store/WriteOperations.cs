using SendInterop.Domain.Search;
using SendInterop.Storage.Model;

namespace SendInterop.Storage.Store;

/// <summary>
/// One resource write inside a unit of work. The JSON is rendered by <see cref="Render"/> once the store knows
/// the new version number and timestamp, so meta.versionId and meta.lastUpdated in the stored bytes are exact.
/// </summary>
public sealed class ResourceWrite
{
    public required string ResourceType { get; init; }
    public required string ResourceId { get; init; }
    /// <summary>POST, PUT, PATCH or DELETE.</summary>
    public required string Method { get; init; }
    /// <summary>If-Match: the write fails with <see cref="VersionConflictException"/> unless the current version is this one.</summary>
    public int? ExpectedVersion { get; init; }
    /// <summary>Create only: fail if the resource already exists (a POST never overwrites).</summary>
    public bool MustNotExist { get; init; }
    /// <summary>Null for a delete.</summary>
    public Func<int, DateTimeOffset, byte[]>? Render { get; init; }
    public ExtractedIndex? Index { get; init; }
    /// <summary>The consent gate's encoded facts (see <see cref="Model.ResourceRecord.Access"/>); ignored for a delete.</summary>
    public string? Access { get; init; }
    /// <summary>The owning organisation to store (see <see cref="Model.ResourceRecord.Owner"/>); a delete keeps the current owner.</summary>
    public string? Owner { get; init; }
    /// <summary>
    /// When set, the write fails with <see cref="OwnershipException"/> if a live current version exists and is owned by
    /// anyone else: one organisation never overwrites another's record, checked inside the write's transaction.
    /// </summary>
    public string? RequireOwner { get; init; }
    public bool IsDelete => Render is null;
}

/// <summary>What a write produced.</summary>
public sealed record WriteResult(string ResourceType, string ResourceId, int VersionId, DateTimeOffset LastUpdated,
    bool Created, bool Deleted, byte[] Json, bool NoOp = false);

/// <summary>The write would change a resource another organisation owns.</summary>
public sealed class OwnershipException(string resourceType, string resourceId)
    : Exception($"{resourceType}/{resourceId} belongs to another organisation; only its owner may change it.")
{
    public string ResourceType { get; } = resourceType;
    public string ResourceId { get; } = resourceId;
}

public sealed class VersionConflictException(string message, bool preconditionFailed) : Exception(message)
{
    /// <summary>If-Match on an id with no live version (also the answer for one the requester may not see).</summary>
    public static string NoSuchVersion(string type, string id, int expected) =>
        $"If-Match asked for version {expected} of {type}/{id}, which does not exist or is deleted.";

    /// <summary>True when an If-Match did not match (412); false for a race or an existing id (409).</summary>
    public bool PreconditionFailed { get; } = preconditionFailed;
}
