namespace SendInterop.Domain.Identity.Linkage.Scoring;

/// <summary>What happens to a pair: linked automatically, queued for a person, or left apart.</summary>
public enum MatchBand
{
    NoLink = 0,
    Review = 1,
    AutoLink = 2,
}

/// <summary>What clustering may do with a pair, whatever its band.</summary>
public enum ClusterConstraint
{
    None = 0,

    /// <summary>Only a person may join these two (twin guard): auto-link clustering keeps them apart.</summary>
    NotAutomatic = 1,

    /// <summary>Never in one cluster (different verified NHS numbers, or below the cannot-link floor).</summary>
    Never = 2,
}
