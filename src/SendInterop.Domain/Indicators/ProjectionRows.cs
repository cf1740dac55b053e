using SendInterop.Domain.Statutory;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// The stratifier fields every projection row carries. They describe the child, not the row's event, and are taken as
/// the record stands when it is projected: the age band alone is worked out later, on the period's reference date, so
/// the row keeps the birth date. No name, no identifier: <see cref="ProjectionRow.ChildKey"/> is the Patient reference.
/// </summary>
public sealed record ChildStrata
{
    /// <summary>3-digit DfE code of the LA responsible for the child (the case's LA); null when the record names none.</summary>
    public string? LaCode { get; init; }

    /// <summary>Date of birth, for the age band on the reference date (<see cref="AgeBands"/>).</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>Patient.gender code: male, female, other, unknown.</summary>
    public string Sex { get; init; } = "unknown";

    /// <summary>Ethnic main group (<see cref="EthnicGroups"/>).</summary>
    public string Ethnicity { get; init; } = EthnicGroups.Unknown;

    /// <summary>SEN2 SENtype of the rank-1 active need (ASD, SLCN, ... DS, NSA), or "unknown".</summary>
    public string PrimaryNeed { get; init; } = "unknown";

    /// <summary>The setting type named in the row's plan (for rows with no plan of their own, the child's latest plan).</summary>
    public SettingType SettingType { get; init; } = SettingType.NotRecorded;
}

/// <summary>What a projection row is; one table each in the database.</summary>
public enum RowKind
{
    Case,
    Plan,
    Review,
    Outcome,
    Wait,
}

/// <summary>One flat, typed row of the indicator projection. Dates are UK calendar days.</summary>
public abstract record ProjectionRow
{
    public abstract RowKind Kind { get; }

    /// <summary>Stable id of the row: the reference of the resource it comes from (plus a key where one resource gives several rows).</summary>
    public required string RowId { get; init; }

    /// <summary>The child (Patient reference): to count children, never to show.</summary>
    public required string ChildKey { get; init; }

    public required ChildStrata Strata { get; init; }
}

/// <summary>One request for an EHC needs assessment and what became of it (SEN2 modules 2 and 3).</summary>
public sealed record CaseRow : ProjectionRow
{
    public override RowKind Kind => RowKind.Case;

    /// <summary>The day the LA received the request: day 0 of every assessment clock.</summary>
    public required DateOnly Received { get; init; }

    /// <summary>The day the decision whether to assess was notified; null while undecided (or withdrawn first).</summary>
    public DateOnly? DecisionOn { get; init; }

    /// <summary>True: decided to assess; false: refused (SEN2 RequestOutcome N); null: no decision.</summary>
    public bool? DecidedToAssess { get; init; }

    /// <summary>The day the family was told no plan would be issued after assessment (SEN2 AssessmentOutcome N).</summary>
    public DateOnly? DecidedNotToIssueOn { get; init; }

    /// <summary>The day the final plan was issued, when the request led to one.</summary>
    public DateOnly? PlanIssued { get; init; }

    /// <summary>A reg 10(4) exception applies to the 20-week limit (SEN2 Week20), as the statutory clock qualifies it.</summary>
    public bool ExceptionsApply { get; init; }

    /// <summary>A SEND Tribunal appeal recorded against a decision on this request (SEN2 RequestTribunal, AssessmentTribunal, OtherTribunal); null when nothing is recorded either way.</summary>
    public bool? TribunalAppeal { get; init; }

    /// <summary>Days from receipt to the decision whether to assess.</summary>
    public int? DaysToDecision => DecisionOn is { } d ? d.DayNumber - Received.DayNumber : null;

    /// <summary>Days from receipt to the final plan (SEN2 timeliness: within 20 weeks is at most 140).</summary>
    public int? DaysToIssue => PlanIssued is { } d ? d.DayNumber - Received.DayNumber : null;

    /// <summary>The day of the latest appealable decision: refusal to assess, refusal to issue, or the issued plan (DOMAIN.md 1.5).</summary>
    public DateOnly? AppealableDecisionOn => DecidedToAssess == false ? DecisionOn : DecidedNotToIssueOn ?? PlanIssued;
}

/// <summary>One EHC plan, issued, with where it names and how it ended (SEN2 modules 4 and 5).</summary>
public sealed record PlanRow : ProjectionRow
{
    public override RowKind Kind => RowKind.Plan;

    /// <summary>The day the final plan was issued (SEN2 StartDate).</summary>
    public required DateOnly Issued { get; init; }

    /// <summary>The day the plan ended (SEN2 CeaseDate); null while in force.</summary>
    public DateOnly? Ceased { get; init; }

    /// <summary>SEN2 CeaseReason 1-9; null when not ceased or not recorded.</summary>
    public CeaseReason? CeaseReason { get; init; }

    /// <summary>
    /// The named setting is outside the plan's LA: true or false when the setting's own LA is known (its Organization is
    /// part of an LA with a la-code), null when it is not (academies, colleges, no setting).
    /// </summary>
    public bool? OutOfArea { get; init; }

    /// <summary>A personal budget is recorded in section J (SEN2 PB).</summary>
    public bool PersonalBudget { get; init; }

    /// <summary>Some of the personal budget is a direct payment (SEN2 DP).</summary>
    public bool DirectPayment { get; init; }

    /// <summary>In force on the day: issued on or before it, not ceased on or before it (a plan ceasing on the day is no longer in place).</summary>
    public bool InPlaceOn(DateOnly day) => Issued <= day && (Ceased is null || Ceased > day);
}

/// <summary>One annual review the statutory clock says was owed (CFA 2014 s.44; DOMAIN.md 1.3).</summary>
public sealed record ReviewRow : ProjectionRow
{
    public override RowKind Kind => RowKind.Review;

    /// <summary>12 months from the issue date or the previous meeting.</summary>
    public required DateOnly Due { get; init; }

    /// <summary>The day the meeting was held; null when not (yet) held.</summary>
    public DateOnly? Held { get; init; }

    /// <summary>No longer owed: the plan ceased before it was held.</summary>
    public bool Cancelled { get; init; }

    /// <summary>Held on or before the due day.</summary>
    public bool OnTime => Held is { } h && h <= Due;
}

/// <summary>One section E outcome (Goal) and the latest judgement of progress towards it.</summary>
public sealed record OutcomeRow : ProjectionRow
{
    public override RowKind Kind => RowKind.Outcome;

    /// <summary>Goal.achievementStatus (goal-achievement: achieved, improving, sustaining, in-progress, no-change, worsening, ...); null when none.</summary>
    public string? Achievement { get; init; }

    /// <summary>The day progress was last judged: the latest progress Observation, else Goal.statusDate; null when never.</summary>
    public DateOnly? AssessedOn { get; init; }

    /// <summary>Achieved, sustained or improving (the numerator of the outcomes indicator).</summary>
    public bool AchievedOrImproving => Achievement is "achieved" or "sustaining" or "improving";
}

/// <summary>One NHS episode of care: the wait from referral to first contact (EpisodeOfCare.statusHistory).</summary>
public sealed record WaitRow : ProjectionRow
{
    public override RowKind Kind => RowKind.Wait;

    /// <summary>The autism diagnostic pathway, measured against the 13-week standard.</summary>
    public bool AutismAssessment { get; init; }

    /// <summary>The day the referral was accepted (start of the first waitlist status, else the episode's start).</summary>
    public required DateOnly Referred { get; init; }

    /// <summary>The day of first contact (start of the first active status); null while still waiting.</summary>
    public DateOnly? FirstContact { get; init; }

    /// <summary>Days waited to first contact.</summary>
    public int? DaysWaited => FirstContact is { } f ? f.DayNumber - Referred.DayNumber : null;
}

/// <summary>All rows projected from one child's record.</summary>
public sealed record ProjectedRecord(
    IReadOnlyList<CaseRow> Cases,
    IReadOnlyList<PlanRow> Plans,
    IReadOnlyList<ReviewRow> Reviews,
    IReadOnlyList<OutcomeRow> Outcomes,
    IReadOnlyList<WaitRow> Waits)
{
    public IEnumerable<ProjectionRow> All => Cases.Cast<ProjectionRow>().Concat(Plans).Concat(Reviews).Concat(Outcomes).Concat(Waits);
}
