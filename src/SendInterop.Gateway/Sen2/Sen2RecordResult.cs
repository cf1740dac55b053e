using SendInterop.Domain.Sen2;

namespace SendInterop.Gateway.Sen2;

/// <summary>What happened to one person record of an imported file.</summary>
public enum Sen2RecordStatus
{
    /// <summary>Its transaction committed: at least one resource was created, updated or deleted.</summary>
    Imported,

    /// <summary>The record already says exactly this: nothing was written.</summary>
    Unchanged,

    /// <summary>The record has errors, or its transaction was refused: nothing of it was written.</summary>
    Rejected,
}

/// <summary>A resource version an import wrote: <c>Type/id/_history/version</c>, and whether it was new or a deletion (of a
/// resource an earlier import made that the record no longer has).</summary>
public sealed record Sen2WrittenResource(string ResourceType, string ResourceId, int VersionId, bool Created, bool Deleted = false)
{
    public string VersionedReference => $"{ResourceType}/{ResourceId}/_history/{VersionId}";
}

/// <summary>
/// One problem of a record: where (element path, line, column), which rule, and a message. Built from the reader's
/// <see cref="Sen2Error"/> or from the gateway's refusal of the record's transaction; never carries a name, birth date or
/// identifier (a code value only for an invalid code, as the reader gives it).
/// </summary>
public sealed record Sen2RecordProblem(string Path, int Line, int Column, string Rule, string Message, string? Value = null)
{
    /// <summary>The gateway refused the record's FHIR transaction (validation, ownership, an ambiguous match).</summary>
    public const string FhirTransactionRefused = "FhirTransactionRefused";

    /// <summary>The child's identity is ambiguous among the LA's records (see <see cref="Sen2LaChildIds"/>).</summary>
    public const string AmbiguousIdentity = "AmbiguousIdentity";

    public static Sen2RecordProblem From(Sen2Error error) =>
        new(error.Path, error.Line, error.Position, error.Rule.ToString(), error.Message, error.Value);
}

/// <summary>The outcome of one record: its position in the file, status, what was written, and every problem.</summary>
public sealed record Sen2RecordResult(int Index, int Line, Sen2RecordStatus Status, IReadOnlyList<Sen2WrittenResource> Written, IReadOnlyList<Sen2RecordProblem> Problems)
{
    public static string PersonPath(int index) => $"/Message/Persons/Person[{index}]";
}
