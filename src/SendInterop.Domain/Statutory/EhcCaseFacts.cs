namespace SendInterop.Domain.Statutory;

/// <summary>
/// What the record says happened in one EHC case: a request for an EHC needs assessment and, when one followed, the
/// plan. Dates only, no names: the clock never needs to know who the child is. Facts dated after the "as of" date are
/// ignored by the clock, so the same facts can be replayed as they stood on any day.
/// </summary>
public sealed record EhcCaseFacts
{
    /// <summary>Stable id of the case (the request's logical id, or the plan's for a plan with no request on record).</summary>
    public required string CaseId { get; init; }

    /// <summary>Reference to the child (Patient/...), copied to Task.for.</summary>
    public required string PatientReference { get; init; }

    /// <summary>The child's date of birth, for phase transfers and cease checks; null when unknown.</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>Reference to the request (ServiceRequest/...); the focus of the assessment steps.</summary>
    public string? RequestReference { get; init; }

    /// <summary>The LA that received the request (Organization/...): owner of the LA's steps.</summary>
    public string? LocalAuthorityReference { get; init; }

    /// <summary>The day the LA received the request: day 0 of the 20-week clock (DOMAIN.md 1.1). Null for a plan with no request on record.</summary>
    public DateOnly? RequestReceived { get; init; }

    /// <summary>The decision whether to assess, when made and notified.</summary>
    public AssessmentDecision? DecisionToAssess { get; init; }

    /// <summary>Advice and information requested for the assessment (reg 6), each with its own 6-week clock.</summary>
    public IReadOnlyList<AdviceRequestFact> Advice { get; init; } = [];

    /// <summary>The day the draft plan was sent to the family.</summary>
    public DateOnly? DraftIssued { get; init; }

    /// <summary>The day the family's representations on the draft arrived.</summary>
    public DateOnly? DraftRepresentationsReceived { get; init; }

    /// <summary>The day the family was told no plan will be issued after the assessment (SEN2 AssessmentOutcome N).</summary>
    public DateOnly? DecidedNotToIssueOn { get; init; }

    /// <summary>The day the request was withdrawn or ended (SEN2 RequestOutcome W).</summary>
    public DateOnly? WithdrawnOn { get; init; }

    /// <summary>Exceptions and delay reasons recorded on the case.</summary>
    public IReadOnlyList<ClockException> Exceptions { get; init; } = [];

    /// <summary>The plan, once the final plan has been issued.</summary>
    public EhcPlanFacts? Plan { get; init; }
}

/// <summary>The decision whether to carry out an EHC needs assessment (CFA 2014 s.36).</summary>
public sealed record AssessmentDecision(bool ToAssess, DateOnly NotifiedOn);

/// <summary>Who advice was asked of (SEND Regs 2014 reg 6(1)); it decides who owes the 6 weeks and which closures count.</summary>
public enum AdviceSource
{
    /// <summary>The head teacher of a school or principal of a post-16 institution (reg 6(1)(a)/(b); reg 10(4)(a)).</summary>
    SchoolOrCollege,

    /// <summary>An early years provider (reg 10(4)(b)).</summary>
    EarlyYearsProvider,

    /// <summary>The LA's educational psychologist (reg 6(1)(b)).</summary>
    EducationalPsychologist,

    /// <summary>Health advice (reg 6(1)(c)).</summary>
    Health,

    /// <summary>Social care advice (reg 6(1)(d)).</summary>
    SocialCare,

    /// <summary>Anyone else the LA thinks appropriate (reg 6(1)(h)).</summary>
    Other,
}

/// <summary>
/// One request for advice: whom, when asked, when it came back. <see cref="Key"/> tells two requests of the same source
/// apart (the source record's id) so each gets its own stable Task identifier.
/// </summary>
public sealed record AdviceRequestFact(string Key, AdviceSource Source, DateOnly RequestedOn, DateOnly? ReceivedOn = null, string? AdviserReference = null);

/// <summary>The plan once issued: its reviews, phase transfers and, when it ended, how.</summary>
public sealed record EhcPlanFacts
{
    /// <summary>Reference to the plan (CarePlan/...); the focus of the plan steps.</summary>
    public string? PlanReference { get; init; }

    /// <summary>The day the final plan was issued (SEN2 AssessmentOutcomeDate / NamedPlan StartDate).</summary>
    public required DateOnly Issued { get; init; }

    /// <summary>The setting named in section I (Organization/...), which convenes the review (reg 20).</summary>
    public string? NamedSettingReference { get; init; }

    /// <summary>Review meetings, held or scheduled, in any order.</summary>
    public IReadOnlyList<AnnualReviewFact> Reviews { get; init; } = [];

    /// <summary>Phase transfers the record names; when none, the clock may infer the next one (<see cref="StatutoryClockSettings.InferPhaseTransfers"/>).</summary>
    public IReadOnlyList<PhaseTransferFact> PhaseTransfers { get; init; } = [];

    /// <summary>When and why the plan stopped being maintained.</summary>
    public PlanCessation? Cessation { get; init; }
}

/// <summary>SEN2 ReviewOutcome: what the LA decided after the review meeting (SEN2.md 2.6).</summary>
public enum ReviewDecision
{
    Maintain,
    Amend,
    Cease,
}

/// <summary>
/// One review: the meeting (held, or only scheduled) and what followed. <see cref="Key"/> is the source record's id.
/// </summary>
public sealed record AnnualReviewFact(string Key)
{
    public DateOnly? MeetingHeld { get; init; }

    /// <summary>A meeting booked but not yet held.</summary>
    public DateOnly? MeetingScheduled { get; init; }

    /// <summary>The day the review report went to the LA and everyone asked for advice.</summary>
    public DateOnly? ReportSent { get; init; }

    /// <summary>The day the LA notified its decision (SEN2 LastReview).</summary>
    public DateOnly? DecisionNotified { get; init; }

    public ReviewDecision? Decision { get; init; }

    /// <summary>The day the LA sent the proposed amendments (the draft amended plan).</summary>
    public DateOnly? AmendmentNoticeSent { get; init; }

    public DateOnly? AmendedPlanIssued { get; init; }
}

/// <summary>
/// A transfer between phases named in the record: the kind and the day the child moves, and when the review and
/// amendments naming the new setting were completed.
/// </summary>
public sealed record PhaseTransferFact(PhaseTransferKind Kind, DateOnly TransferDate, DateOnly? ReviewCompleted = null);

/// <summary>The end of a plan (SEN2 CeaseDate, CeaseReason).</summary>
public sealed record PlanCessation(DateOnly CeasedOn, CeaseReason? Reason);
