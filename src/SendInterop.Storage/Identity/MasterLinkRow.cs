namespace SendInterop.Storage.Identity;

/// <summary>
/// One Patient's link to its master identity in the master child index (issue #4 point 2). The primary key is the
/// Patient id, so the database itself guarantees that a Patient belongs to exactly one master. A master identity is
/// nothing but the set of rows sharing a <see cref="MasterId"/>: it has no data of its own to drift out of date.
/// </summary>
/// <remarks>
/// Rows are changed (a merge moves one, a review decision may move many) but never deleted: a deleted Patient keeps
/// its row so a later undelete or unmerge finds its place again.
/// </remarks>
public sealed class MasterLinkRow
{
    /// <summary>The Patient's resource id.</summary>
    public required string PatientId { get; set; }

    /// <summary>The master identity's id (opaque, gateway-assigned).</summary>
    public required string MasterId { get; set; }

    /// <summary>How the link was made: see <c>MasterLinkMethods</c> in the gateway.</summary>
    public required string Method { get; set; }

    /// <summary>The match probability against <see cref="MatchedPatientId"/>, when the linkage engine decided.</summary>
    public double? Probability { get; set; }

    /// <summary>The match weight (log2 odds) the probability came from.</summary>
    public double? Weight { get; set; }

    /// <summary>The engine's band for that pair: AutoLink, Review or NoLink.</summary>
    public string? Band { get; set; }

    /// <summary>The existing Patient the decision was scored against (the best candidate), if any.</summary>
    public string? MatchedPatientId { get; set; }

    /// <summary>
    /// Why: the engine's explanation as JSON (prior, each comparison's level and weight, rules fired). Never field
    /// values, so a person can see why two records were joined without this table repeating personal data.
    /// </summary>
    public string? Explanation { get; set; }

    /// <summary>
    /// The Patient's verified NHS number (UK Core verification status 01, or a trace that verified it), kept here so the
    /// deterministic link is one indexed lookup. Null when the number is absent or not verified.
    /// </summary>
    public string? NhsNumber { get; set; }

    /// <summary>What the NHS number trace answered for a Patient without a number: matched, no-match, multiple-matches, unavailable.</summary>
    public string? TraceOutcome { get; set; }

    /// <summary>The verification status code the trace returned with its number (01 = present and verified).</summary>
    public string? TraceVerificationStatus { get; set; }

    /// <summary>The Patient version the link was last checked against.</summary>
    public int PatientVersion { get; set; }

    /// <summary>When the row last changed, UTC ticks.</summary>
    public long LinkedAt { get; set; }
}

/// <summary>
/// One <c>Patient/$merge</c>, kept so that <c>Patient/$unmerge</c> can restore exactly what the merge changed: the
/// source's master link before the merge and the source's <c>active</c> flag.
/// </summary>
public sealed class MasterMergeRow
{
    public required string Id { get; set; }
    public required string SourcePatientId { get; set; }
    public required string TargetPatientId { get; set; }

    /// <summary>The source's <see cref="MasterLinkRow"/> before the merge, as JSON (null if it had none).</summary>
    public string? SourceLinkBefore { get; set; }

    /// <summary>The source's Patient.active before the merge: "true", "false" or null when absent.</summary>
    public string? SourceActiveBefore { get; set; }

    /// <summary>Whether the merge added the replaced-by link to the source (false when it was already there).</summary>
    public bool AddedSourceLink { get; set; }

    /// <summary>Whether the merge added the replaces link to the target.</summary>
    public bool AddedTargetLink { get; set; }

    public long MergedAt { get; set; }
    public string? MergedBy { get; set; }
    public long? UnmergedAt { get; set; }
    public string? UnmergedBy { get; set; }
}
