namespace SendInterop.Domain.Sen2;

/// <summary>Limits and version range of <see cref="Sen2ReturnReader"/>. The defaults fit any LA's return with room to spare.</summary>
public sealed record Sen2ReaderOptions
{
    /// <summary>First collection year read: 2024 introduced <c>Sex</c>, RES/WBP in PlacementDetail and the review items.</summary>
    public const int FirstSupportedYear = 2024;

    /// <summary>Last collection year read. Raise it once the next year's guide has been checked for layout changes.</summary>
    public int LastSupportedYear { get; init; } = 2027;

    /// <summary>Largest file in characters (default 1 GiB; the largest LA's return is tens of MB).</summary>
    public long MaxCharacters { get; init; } = 1L << 30;

    /// <summary>Most elements in one Person; a larger record is an attack or a broken export, and ends the read.</summary>
    public int MaxElementsPerPerson { get; init; } = 2_000;

    /// <summary>Longest item value in characters; longer text is cut off in the error, never echoed.</summary>
    public int MaxValueLength { get; init; } = 500;

    public static Sen2ReaderOptions Default { get; } = new();
}
