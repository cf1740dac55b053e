using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// The URLs the SEN2 mapping writes that are not (yet) in <see cref="SendCanonical"/> and <c>conformance/</c>: SEN2 code
/// systems, extensions for SEN2 items no FHIR element carries, and the business identifier that makes a re-import update
/// instead of duplicate. They hang off the project's canonical base so they can move to <see cref="SendCanonical"/>
/// unchanged once their conformance resources are written.
/// </summary>
public static class Sen2FhirUrls
{
    private const string StructureDefinition = SendCanonical.Base + "/StructureDefinition/";
    private const string CodeSystem = SendCanonical.Base + "/CodeSystem/";

    /// <summary>Identifier.system of every resource the SEN2 import owns (value: <see cref="Sen2RecordKey"/>).</summary>
    public const string RecordIdentifier = SendCanonical.Base + "/Id/sen2-record";

    /// <summary>Old-style 3-digit DfE LA code; the same URL the demo data puts on LA Organizations.</summary>
    public const string LaCode = SendCanonical.Base + "/Id/la-code";

    /// <summary>The statutory-step code system of the demo data and statutory clock (ServiceRequest.code, Encounter.type).</summary>
    public const string EhcProcessStep = Statutory.EhcRecordVocabulary.ProcessStepSystem;

    public const string RequestForAssessmentStep = Statutory.EhcRecordVocabulary.RequestForAssessment;
    public const string AnnualReviewStep = Statutory.EhcRecordVocabulary.AnnualReview;
    public const string PlacementStep = "placement";

    public const string V3ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

    /// <summary>Code systems of the SEN2 code lists (<see cref="Sen2CodeLists"/>).</summary>
    public static class CodeSystems
    {
        public const string RequestSource = CodeSystem + "sen2-request-source";
        public const string RequestOutcome = CodeSystem + "sen2-request-outcome";
        public const string AssessmentOutcome = CodeSystem + "sen2-assessment-outcome";
        public const string CeaseReason = CodeSystem + "sen2-cease-reason";
        public const string SenSetting = CodeSystem + "sen2-sen-setting";
        public const string ReviewOutcome = CodeSystem + "sen2-review-outcome";
        public const string Residential = CodeSystem + "sen2-residential";
        public const string WorkBasedLearning = CodeSystem + "sen2-work-based-learning";
        public const string DirectPayment = CodeSystem + "sen2-direct-payment";
        public const string UpnUnknown = CodeSystem + "sen2-upn-unknown";
        public const string DesignatedOfficer = CodeSystem + "sen2-designated-officer";

        /// <summary>CBDS ethnicity codes (main and extended), as the school census and SEN2 use them.</summary>
        public const string CbdsEthnicity = CodeSystem + "cbds-ethnicity";
    }

    /// <summary>Extensions for SEN2 items that no FHIR R4 element carries.</summary>
    public static class Extensions
    {
        // Patient
        public const string Ethnicity = StructureDefinition + "sen2-ethnicity";
        public const string UpnUnknown = StructureDefinition + "sen2-upn-unknown";

        // ServiceRequest (module 2, request; module 3, assessment)
        public const string RequestSource = StructureDefinition + "sen2-request-source";
        public const string RequestWhilstInRya = StructureDefinition + "sen2-rya";
        public const string RequestOutcome = StructureDefinition + "sen2-request-outcome";
        public const string RequestOutcomeDate = StructureDefinition + "sen2-request-outcome-date";
        public const string RequestMediation = StructureDefinition + "sen2-request-mediation";
        public const string RequestTribunal = StructureDefinition + "sen2-request-tribunal";
        public const string ExportedTo = StructureDefinition + "sen2-exported";

        /// <summary>Complex: outcome, outcomeDate, mediation, tribunal, otherMediation, otherTribunal, week20.</summary>
        public const string Assessment = StructureDefinition + "sen2-assessment";

        // CarePlan (module 4 named plan, module 5 active plan)
        public const string Residential = StructureDefinition + "sen2-residential";
        public const string WorkBasedLearning = StructureDefinition + "sen2-work-based-learning";

        /// <summary>Complex: takenUp (PB), organisedArrangements (OA), directPayments (DP).</summary>
        public const string PersonalBudget = StructureDefinition + "sen2-personal-budget";
        /// <summary>valueCoding: the same extension the statutory clock reads (Statutory/StatutoryCanonical), so imported plans count.</summary>
        public const string CeaseReason = StructureDefinition + "ehc-cease-reason";
        public const string TransferredInFrom = StructureDefinition + "sen2-transfer-la";
        public const string PhaseTransferDueDate = StructureDefinition + "sen2-phase-transfer-due-date";
        public const string PhaseTransferFinalDate = StructureDefinition + "sen2-phase-transfer-final-date";

        /// <summary>Complex, on the <c>ehc-placement</c> Reference or on a section I activity: rank, senSetting, senSettingOther,
        /// senUnit, resourcedProvision, residential, workBasedLearning.</summary>
        public const string SettingDetail = StructureDefinition + "sen2-setting-detail";

        // Encounter (annual review)
        public const string ReviewOutcome = StructureDefinition + "sen2-review-outcome";
        public const string ReviewDecisionDate = StructureDefinition + "sen2-review-decision-date";
        public const string ReviewDraftDate = StructureDefinition + "sen2-review-draft-date";
    }
}
