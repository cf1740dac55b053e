namespace SendInterop.Storage.Model;

// Search index rows, one table per search parameter kind. Rows exist only for the current, non-deleted
// version of a resource: they are replaced on every write, so a search never scans JSON or old versions.

/// <summary>Token and uri parameters: identifier, status, category, code, _id ...</summary>
public sealed class TokenIndexRow
{
    public long Id { get; set; }
    public long ResourceKey { get; set; }
    public required string ResourceType { get; set; }
    public required string Param { get; set; }
    public string? System { get; set; }
    public required string Code { get; set; }
}

/// <summary>String parameters, normalised (lower case, accents removed) for the default starts-with match.</summary>
public sealed class StringIndexRow
{
    public long Id { get; set; }
    public long ResourceKey { get; set; }
    public required string ResourceType { get; set; }
    public required string Param { get; set; }
    public required string Value { get; set; }
}

/// <summary>Date parameters as an inclusive UTC tick range, so partial dates and periods compare correctly.</summary>
public sealed class DateIndexRow
{
    public long Id { get; set; }
    public long ResourceKey { get; set; }
    public required string ResourceType { get; set; }
    public required string Param { get; set; }
    public long Start { get; set; }
    public long End { get; set; }
}

/// <summary>Reference parameters to resources on this server (type and id), for search, chains and includes.</summary>
public sealed class ReferenceIndexRow
{
    public long Id { get; set; }
    public long ResourceKey { get; set; }
    public required string ResourceType { get; set; }
    public required string Param { get; set; }
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
}

/// <summary>Number and quantity parameters (value with optional unit system and code).</summary>
public sealed class QuantityIndexRow
{
    public long Id { get; set; }
    public long ResourceKey { get; set; }
    public required string ResourceType { get; set; }
    public required string Param { get; set; }
    public double Value { get; set; }
    public string? System { get; set; }
    public string? Code { get; set; }
}
