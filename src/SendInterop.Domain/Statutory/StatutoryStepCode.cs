namespace SendInterop.Domain.Statutory;

/// <summary>
/// A code of the statutory-step CodeSystem (<see cref="StatutoryCanonical.StepCodeSystem"/>): the steps of the EHC
/// process that have a time limit, as Task.code.
/// </summary>
public sealed record StatutoryStepCode(string Code, string Display)
{
    public static readonly StatutoryStepCode DecisionToAssess = new("decision-to-assess", "Decide whether to carry out an EHC needs assessment (6 weeks)");
    public static readonly StatutoryStepCode Advice = new("advice", "Advice and information for the assessment (6 weeks from the request for it)");
    public static readonly StatutoryStepCode NotifyNoPlan = new("notify-no-plan", "Tell the family no plan will be issued (16 weeks)");
    public static readonly StatutoryStepCode DraftPlan = new("draft-plan", "Issue the draft EHC plan (week 16, practice target)");
    public static readonly StatutoryStepCode DraftRepresentations = new("draft-representations", "Family's 15 days to comment on the draft and name a setting");
    public static readonly StatutoryStepCode FinalPlan = new("final-plan", "Issue the final EHC plan (20 weeks)");
    public static readonly StatutoryStepCode AnnualReview = new("annual-review", "Hold the annual review (12 months)");
    public static readonly StatutoryStepCode ReviewReport = new("review-report", "Send the review report (2 weeks after the meeting)");
    public static readonly StatutoryStepCode ReviewDecision = new("review-decision", "Notify the review decision (4 weeks after the meeting)");
    public static readonly StatutoryStepCode AmendedPlan = new("amended-plan", "Issue the amended plan (8 weeks after the proposed amendments)");
    public static readonly StatutoryStepCode PhaseTransferReview = new("phase-transfer-review", "Review and amend the plan for a phase transfer (15 February / 31 March)");

    public static IReadOnlyList<StatutoryStepCode> All { get; } =
    [
        DecisionToAssess, Advice, NotifyNoPlan, DraftPlan, DraftRepresentations, FinalPlan,
        AnnualReview, ReviewReport, ReviewDecision, AmendedPlan, PhaseTransferReview,
    ];
}
