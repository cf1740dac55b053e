using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Statutory;

namespace SendInterop.Gateway.DemoData;

/// <summary>
/// Systems and codes the synthetic cohort needs that are not (yet) in <see cref="SendCanonical"/> or
/// <c>conformance/</c>. They hang off the project's canonical base so they can move there unchanged; until then none
/// of them appears in a SEND-profiled element, so the gateway's validator never has to resolve them.
/// </summary>
public static class DemoCodes
{
    private const string Id = SendCanonical.Base + "/Id/";
    private const string CodeSystem = SendCanonical.Base + "/CodeSystem/";

    /// <summary>Old-style 3-digit DfE LA code (926 Norfolk) on the LA's Organization.</summary>
    public const string LaCodeSystem = Id + "la-code";

    /// <summary>DfE Unique Reference Number of a school (Get Information about Schools).</summary>
    public const string SchoolUrnSystem = Id + "school-urn";

    /// <summary>UK Provider Reference Number of an FE college or training provider.</summary>
    public const string UkprnSystem = Id + "ukprn";

    /// <summary>The statutory steps of an EHC needs assessment (ServiceRequest.code, Task.code, Encounter.type).</summary>
    public const string EhcProcessStepSystem = EhcRecordVocabulary.ProcessStepSystem;

    /// <summary>Where a statutory step ended up (Task.businessStatus).</summary>
    public const string EhcStepStatusSystem = EhcRecordVocabulary.StepStatusSystem;

    /// <summary>Purposes of use from CONSENT.md (ehc-assessment, ehc-review, direct-care, ...).</summary>
    public const string PurposeOfUseSystem = CodeSystem + "purpose-of-use";

    // Process steps.
    public const string RequestForAssessment = EhcRecordVocabulary.RequestForAssessment;
    public const string DecideToAssess = EhcRecordVocabulary.DecideToAssess;
    public const string AdviceRequest = EhcRecordVocabulary.AdviceRequest;
    public const string DraftPlan = EhcRecordVocabulary.DraftPlan;
    public const string FinalPlan = EhcRecordVocabulary.FinalPlan;
    public const string AnnualReview = EhcRecordVocabulary.AnnualReview;
    public const string OutcomeProgress = "outcome-progress";
    public const string AdviceDocument = "advice";
    public const string ViewsDocument = "views";

    // Step statuses.
    public const string Overdue = "overdue";
    public const string DecidedToAssess = "decided-to-assess";
    public const string DecidedNotToAssess = EhcRecordVocabulary.DecidedNotToAssess;
    public const string AdviceReceived = "advice-received";
    public const string DraftIssued = "draft-issued";
    public const string PlanIssued = "plan-issued";
    public const string DecidedNotToIssue = "decided-not-to-issue";

    // Purposes of use (CONSENT.md).
    public const string EhcAssessment = "ehc-assessment";
    public const string EhcReview = "ehc-review";
    public const string DirectCare = "direct-care";

    // Well-known external systems.
    public const string Snomed = "http://snomed.info/sct";
    public const string Loinc = "http://loinc.org";
    public const string V3ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string V3RoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
    public const string V3ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    public const string GoalAchievement = "http://terminology.hl7.org/CodeSystem/goal-achievement";
    public const string ConsentScope = "http://terminology.hl7.org/CodeSystem/consentscope";
    public const string OrganizationType = "http://terminology.hl7.org/CodeSystem/organization-type";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    /// <summary>UK Core NHS number verification status extension and its code system (DOMAIN.md 4.1).</summary>
    public const string NhsNumberVerificationStatusExtension = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";
    public const string NhsNumberVerificationStatusSystem = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland";

    /// <summary>A CodeableConcept with one coding carrying its display, and text (the display unless given).</summary>
    public static CodeableConcept Concept(string system, string code, string display, string? text = null) =>
        new() { Coding = [new Coding(system, code, display)], Text = text ?? display };
}
