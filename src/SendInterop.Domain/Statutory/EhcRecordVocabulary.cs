using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Statutory;

/// <summary>
/// The systems and codes the record uses for the EHC process: the one definition, which the gateway's demo cohort
/// (DemoData/DemoCodes.cs) and the statutory clock's reader share.
/// </summary>
public static class EhcRecordVocabulary
{
    /// <summary>ServiceRequest.code, Task.code, Encounter.type, DocumentReference.type.</summary>
    public const string ProcessStepSystem = SendCanonical.Base + "/CodeSystem/ehc-process-step";

    /// <summary>Task.businessStatus of the record's own step Tasks.</summary>
    public const string StepStatusSystem = SendCanonical.Base + "/CodeSystem/ehc-step-status";

    public const string RequestForAssessment = "ehc-needs-assessment-request";
    public const string DecideToAssess = "decision-to-assess";
    public const string AdviceRequest = "advice-request";
    public const string DraftPlan = "draft-plan";
    public const string FinalPlan = "final-plan";
    public const string AnnualReview = "annual-review";

    public const string DecidedNotToAssess = "decided-not-to-assess";
    public const string PlanIssued = "plan-issued";
    public const string DecidedNotToIssue = "decided-not-to-issue";
}

/// <summary>Codes of <see cref="StatutoryCanonical.AdviceSourceCodeSystem"/> for <see cref="AdviceSource"/>.</summary>
public static class AdviceSources
{
    public static string Code(AdviceSource source) => source switch
    {
        AdviceSource.SchoolOrCollege => "school-or-college",
        AdviceSource.EarlyYearsProvider => "early-years-provider",
        AdviceSource.EducationalPsychologist => "educational-psychologist",
        AdviceSource.Health => "health",
        AdviceSource.SocialCare => "social-care",
        AdviceSource.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, null),
    };

    public static AdviceSource? FromCode(string? code) =>
        Enum.GetValues<AdviceSource>().Select(s => (AdviceSource?)s).FirstOrDefault(s => Code(s!.Value) == code);
}
