namespace SendInterop.Storage.Indicators;

// The indicator projection (issue #5 points 3 and 5): one table per projection row kind, so every indicator is a
// set-based GROUP BY over flat, typed columns instead of a walk over FHIR JSON. Each table is keyed by the child
// (Patient id) first, so a child's rows are deleted and re-inserted together in one transaction.
//
// Days are stored as DateOnly.DayNumber integers: comparisons and "days between" are plain integer arithmetic with
// the same meaning on SQLite and PostgreSQL (no date functions that differ by provider). The birth date is also kept
// as year and month*100+day so the age in completed years on any reference date is one integer expression.

/// <summary>The columns every projection row has: the child, its strata, and when the row was computed.</summary>
public abstract class IndicatorRowEntity
{
    /// <summary>Patient id (not the reference): the key the child's rows are replaced by.</summary>
    public required string ChildId { get; set; }

    /// <summary>The projection's row id (resource reference, plus a key where one resource gives several rows).</summary>
    public required string RowId { get; set; }

    public string? LaCode { get; set; }

    /// <summary>Birth date as a day number; null when unknown.</summary>
    public int? BirthDay { get; set; }

    public int? BirthYear { get; set; }

    /// <summary>Month × 100 + day of the birth date (229 for 29 February).</summary>
    public int? BirthMonthDay { get; set; }

    public required string Sex { get; set; }

    public required string Ethnicity { get; set; }

    public required string PrimaryNeed { get; set; }

    /// <summary>Setting type code (SettingTypes.Code).</summary>
    public required string SettingType { get; set; }

    /// <summary>When the row was projected, Unix milliseconds UTC (so MIN/MAX agree on both providers).</summary>
    public long ComputedAt { get; set; }
}

/// <summary>Table ind_case: one request for an EHC needs assessment (CaseRow).</summary>
public sealed class CaseRowEntity : IndicatorRowEntity
{
    public int Received { get; set; }
    public int? DecisionOn { get; set; }
    public bool? DecidedToAssess { get; set; }
    public int? DecidedNotToIssueOn { get; set; }
    public int? PlanIssued { get; set; }
    public bool ExceptionsApply { get; set; }
    public bool? TribunalAppeal { get; set; }
}

/// <summary>Table ind_plan: one issued EHC plan (PlanRow).</summary>
public sealed class PlanRowEntity : IndicatorRowEntity
{
    public int Issued { get; set; }
    public int? Ceased { get; set; }

    /// <summary>SEN2 CeaseReason code text "1".."9"; null when not ceased or not recorded.</summary>
    public string? CeaseReason { get; set; }

    public bool? OutOfArea { get; set; }
    public bool PersonalBudget { get; set; }
    public bool DirectPayment { get; set; }
}

/// <summary>Table ind_review: one annual review owed (ReviewRow).</summary>
public sealed class ReviewRowEntity : IndicatorRowEntity
{
    public int Due { get; set; }
    public int? Held { get; set; }
    public bool Cancelled { get; set; }
}

/// <summary>Table ind_outcome: one section E outcome (OutcomeRow).</summary>
public sealed class OutcomeRowEntity : IndicatorRowEntity
{
    public string? Achievement { get; set; }
    public int? AssessedOn { get; set; }
}

/// <summary>Table ind_wait: one NHS episode of care (WaitRow).</summary>
public sealed class WaitRowEntity : IndicatorRowEntity
{
    public bool AutismAssessment { get; set; }
    public int Referred { get; set; }
    public int? FirstContact { get; set; }
}

/// <summary>
/// Table ind_state: one row describing the projection as a whole: the projector version it was built with (a change
/// forces a full rebuild at start-up), the "as of" day of the last full rebuild (rows age: an annual review becomes
/// overdue without any write, so the projection is rebuilt daily), and when the last rebuild finished.
/// </summary>
public sealed class ProjectionStateEntity
{
    /// <summary>"indicators" (the rebuild's state) or "indicators-writes" (the write counter, <see cref="ProjectionVersion.RowName"/>).</summary>
    public required string Name { get; set; }

    public required string Version { get; set; }

    /// <summary>The "as of" day (day number) the last full rebuild projected with.</summary>
    public int AsOfDay { get; set; }

    /// <summary>When the last full rebuild completed, Unix milliseconds UTC; 0 while one has never completed.</summary>
    public long RebuiltAt { get; set; }

    /// <summary>Children projected by the last full rebuild.</summary>
    public int Children { get; set; }

    /// <summary>
    /// On the "indicators-writes" row only: how many transactions have changed the projection's rows. Moved in the same
    /// transaction as the rows, so counts read after seeing N include every write up to N (<see cref="ProjectionVersion"/>).
    /// </summary>
    public long Writes { get; set; }
}

/// <summary>
/// Table ind_leaf_writes: per leaf (an LA code, or "unknown" for rows without one), how many transactions have changed
/// that leaf's projection rows. Moved in the same transaction as the rows (<see cref="LeafVersions"/>), so a stored
/// tally counted at N is current while the leaf still reads N.
/// </summary>
public sealed class LeafWritesEntity
{
    public required string Leaf { get; set; }

    public long Writes { get; set; }
}

/// <summary>
/// Table ind_tally: one leaf's counts for one count query (indicators, period, provider's SQL), as
/// <see cref="StoredTallies"/> keeps them: the pre-aggregated layer an LA's or England's report is assembled from
/// without scanning the projection rows of leaves that have not changed.
/// </summary>
public sealed class StoredTallyEntity
{
    /// <summary>SHA-256 (hex) of the query's SQL for all leaves, its period parameters and the payload format.</summary>
    public required string QueryKey { get; set; }

    public required string Leaf { get; set; }

    /// <summary>The leaf's <see cref="LeafWritesEntity.Writes"/> read before the count: the tally includes at least those writes.</summary>
    public long Writes { get; set; }

    /// <summary>When the count was taken, Unix milliseconds UTC.</summary>
    public long CountedAt { get; set; }

    /// <summary>The leaf's tallies (<see cref="LeafTallyCodec"/>).</summary>
    public required byte[] Payload { get; set; }
}

/// <summary>
/// Table ind_decision: the small-number suppression decided for one count query's scope (a region, or England), kept
/// with the exact counts it was decided from (<see cref="StoredDecisions"/>), so a report over unchanged counts does
/// not decide again.
/// </summary>
public sealed class StoredDecisionEntity
{
    /// <summary>The count query's key (<see cref="StoredTallyEntity.QueryKey"/>).</summary>
    public required string QueryKey { get; set; }

    /// <summary>The scope's code: a region's ONS code, or England's.</summary>
    public required string Scope { get; set; }

    /// <summary>SHA-256 (hex) of everything the decisions were made from: each leaf's counts and the group it is in.</summary>
    public required string CountsHash { get; set; }

    /// <summary>Per indicator of the query, the withheld cells (<see cref="StoredDecisions"/>).</summary>
    public required byte[] Payload { get; set; }
}
