using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Statutory;

/// <summary>
/// The URLs the statutory clock reads and writes. They hang off <see cref="SendCanonical.Base"/> like every other
/// artefact of the project; none is in <c>conformance/</c> yet (no SEND profile constrains them), so the validator never
/// has to resolve them. Moving them into <see cref="SendCanonical"/> is a rename, not a redesign.
/// </summary>
public static class StatutoryCanonical
{
    private const string StructureDefinition = SendCanonical.Base + "/StructureDefinition/";
    private const string CodeSystem = SendCanonical.Base + "/CodeSystem/";

    /// <summary>Business identifier system of the Tasks the planner writes (value: case id + step code).</summary>
    public const string StepIdentifierSystem = SendCanonical.Base + "/Id/statutory-step";

    /// <summary>Task.code: which statutory step the Task tracks (<see cref="StatutoryStepCode"/>).</summary>
    public const string StepCodeSystem = CodeSystem + "statutory-step";

    /// <summary>Task.businessStatus: where the step stands against its time limit (<see cref="StepState"/>).</summary>
    public const string StepStatusCodeSystem = CodeSystem + "statutory-step-status";

    /// <summary>Task.performerType: which kind of body owes the step (<see cref="StepOwner"/>).</summary>
    public const string StepOwnerCodeSystem = CodeSystem + "statutory-step-owner";

    /// <summary>Kinds of clock exception (<see cref="ExceptionKind"/>), in the ehc-clock-exception extension.</summary>
    public const string ClockExceptionCodeSystem = CodeSystem + "statutory-clock-exception";

    /// <summary>SEN2 CeaseReason 1-9 (SEN2.md 2.4).</summary>
    public const string Sen2CeaseReasonCodeSystem = CodeSystem + "sen2-cease-reason";

    /// <summary>SEN2 ReviewOutcome A/C/M (SEN2.md 2.6).</summary>
    public const string Sen2ReviewOutcomeCodeSystem = CodeSystem + "sen2-review-outcome";

    /// <summary>Who was asked for advice (<see cref="AdviceSource"/>), in the advice-request Task's performerType.</summary>
    public const string AdviceSourceCodeSystem = CodeSystem + "advice-source";

    /// <summary>Phase transfer kinds (<see cref="PhaseTransferKind"/>).</summary>
    public const string PhaseTransferKindCodeSystem = CodeSystem + "phase-transfer-kind";

    /// <summary>Extensions the clock reads from the record (facts with no home in core FHIR R4).</summary>
    public static class Extensions
    {
        /// <summary>ServiceRequest: a clock exception (complex: kind Coding, period Period, note string).</summary>
        public const string ClockException = StructureDefinition + "ehc-clock-exception";

        /// <summary>ServiceRequest: the day the request was withdrawn (valueDate; SEN2 RequestOutcome W).</summary>
        public const string RequestWithdrawn = StructureDefinition + "ehc-request-withdrawn";

        /// <summary>CarePlan: the day the family's representations on the draft plan arrived (valueDate).</summary>
        public const string DraftRepresentationsReceived = StructureDefinition + "ehc-draft-representations-received";

        /// <summary>CarePlan: SEN2 cease reason of a ceased plan (valueCoding in <see cref="Sen2CeaseReasonCodeSystem"/>).</summary>
        public const string CeaseReason = StructureDefinition + "ehc-cease-reason";

        /// <summary>CarePlan: a phase transfer (complex: kind code, transferDate date, reviewCompleted date).</summary>
        public const string PhaseTransfer = StructureDefinition + "ehc-phase-transfer";

        /// <summary>
        /// Encounter (annual review): what followed the meeting (complex: reportSent, decisionNotified,
        /// amendmentNoticeSent, amendedPlanIssued as valueDate; decision as valueCoding in
        /// <see cref="Sen2ReviewOutcomeCodeSystem"/>).
        /// </summary>
        public const string AnnualReview = StructureDefinition + "ehc-review";

        /// <summary>Task (written by the planner): the due date with exception days taken out of the clock (valueDate).</summary>
        public const string DueExcludingExceptions = StructureDefinition + "statutory-due-excluding-exceptions";

        /// <summary>Task (written by the planner): whether a regulation exception applies to the step (valueBoolean).</summary>
        public const string ExceptionsApply = StructureDefinition + "statutory-exceptions-apply";
    }
}
