namespace SendInterop.Domain.Statutory;

/// <summary>Where a case is on its route through the process, on the "as of" day.</summary>
public enum CaseRoute
{
    /// <summary>Request received; no decision whether to assess yet.</summary>
    AwaitingDecision,

    /// <summary>Decided to assess; no outcome yet.</summary>
    Assessing,

    /// <summary>Refused to assess (SEN2 RequestOutcome N). Appealable.</summary>
    RefusedToAssess,

    /// <summary>Assessed; decided not to issue a plan (SEN2 AssessmentOutcome N). Appealable.</summary>
    DecidedNotToIssue,

    /// <summary>Final plan issued.</summary>
    PlanIssued,

    /// <summary>Request withdrawn before an outcome (SEN2 RequestOutcome W).</summary>
    Withdrawn,

    /// <summary>A plan with no request on record (issued before the record began, or transferred in).</summary>
    PlanOnly,
}

/// <summary>
/// The case as SEN2 measures it (SEN2.md 1.4): DfE works timeliness out from ReceivedDate and the issue date, and
/// publishes "within 20 weeks" both including and excluding cases where an exception applies (the Week20 flag).
/// A case with <see cref="ExceptionsApply"/> is left out of the "excluding exceptions" rate entirely; it is not
/// re-timed.
/// </summary>
public sealed record Sen2TwentyWeekOutcome(DateOnly Received, DateOnly Issued, bool ExceptionsApply)
{
    /// <summary>Days from receipt (day 0) to issue.</summary>
    public int ElapsedDays => Issued.DayNumber - Received.DayNumber;

    /// <summary>Issued on or before day 140.</summary>
    public bool WithinTwentyWeeks => ElapsedDays <= 140;

    /// <summary>SEN2 Week20: 1 when a reg 10(4) exception applies, else 0.</summary>
    public int Week20Flag => ExceptionsApply ? 1 : 0;

    /// <summary>Whether the case counts in the "excluding exceptions" rate (numerator and denominator).</summary>
    public bool CountsInExcludingExceptionsRate => !ExceptionsApply;
}

/// <summary>Everything the clock worked out for one case on one day.</summary>
public sealed record StatutoryTimeline
{
    public required string CaseId { get; init; }

    public required string PatientReference { get; init; }

    public required DateOnly AsOf { get; init; }

    public required CaseRoute Route { get; init; }

    /// <summary>The steps in process order: assessment steps, then reviews, then phase transfers.</summary>
    public required IReadOnlyList<StatutoryStep> Steps { get; init; }

    /// <summary>The exceptions that qualified under the regulations.</summary>
    public IReadOnlyList<QualifiedException> Exceptions { get; init; } = [];

    /// <summary>The SEN2 20-week view, once a final plan has been issued.</summary>
    public Sen2TwentyWeekOutcome? TwentyWeeks { get; init; }

    /// <summary>
    /// The last day to appeal the latest appealable decision (refusal to assess, refusal to issue, or the issued plan's
    /// content), without mediation; null when there is none or it falls outside the bank holiday table.
    /// </summary>
    public DateOnly? AppealDeadline { get; init; }

    /// <summary>Problems with a recorded cessation (DOMAIN.md 1.4).</summary>
    public IReadOnlyList<CessationIssue> CessationIssues { get; init; } = [];

    /// <summary>Why something recorded was not applied, or looks wrong. No personal data.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public StatutoryStep? Find(StatutoryStepCode code, string? key = null) =>
        Steps.FirstOrDefault(s => s.Code == code && (key is null || s.Key == key));
}
