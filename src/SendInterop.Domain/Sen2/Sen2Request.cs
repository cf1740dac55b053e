using SendInterop.Domain.Identifiers;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// One <c>Requests</c> element (module 2): a request for an EHC needs assessment, with the assessment that followed and the
/// active plan it led to, both optional.
/// </summary>
public sealed record Sen2Request
{
    /// <summary><c>ReceivedDate</c>: the day the 20-week clock started. Absent for historical (H) requests.</summary>
    public DateOnly? ReceivedDate { get; init; }

    /// <summary><c>RequestSource</c> (2026+).</summary>
    public Sen2Code? Source { get; init; }

    /// <summary><c>RYA</c>: initial request made whilst in relevant youth accommodation.</summary>
    public bool? WhilstInRya { get; init; }

    /// <summary><c>RequestOutcomeDate</c>: when the requester was told whether the LA would assess.</summary>
    public DateOnly? OutcomeDate { get; init; }

    /// <summary><c>RequestOutcome</c> (<see cref="Sen2CodeLists.RequestOutcome"/>).</summary>
    public required Sen2Code Outcome { get; init; }

    /// <summary><c>RequestMediation</c>.</summary>
    public bool? Mediation { get; init; }

    /// <summary><c>RequestTribunal</c>.</summary>
    public bool? Tribunal { get; init; }

    /// <summary><c>Exported</c>: the LA the person moved to before the assessment was completed.</summary>
    public LaCode? ExportedTo { get; init; }

    public Sen2Assessment? Assessment { get; init; }

    /// <summary><c>ActivePlans</c> (module 5): a sibling of the assessment, not inside the named plan.</summary>
    public Sen2ActivePlan? ActivePlan { get; init; }
}

/// <summary>The <c>Assessment</c> element (module 3): the decision whether to issue a plan.</summary>
public sealed record Sen2Assessment
{
    /// <summary><c>AssessmentOutcome</c> (<see cref="Sen2CodeLists.AssessmentOutcome"/>).</summary>
    public required Sen2Code Outcome { get; init; }

    /// <summary><c>AssessmentOutcomeDate</c>: when the plan was issued, or the person told no plan would be.</summary>
    public DateOnly? OutcomeDate { get; init; }

    public bool? Mediation { get; init; }

    public bool? Tribunal { get; init; }

    public bool? OtherMediation { get; init; }

    public bool? OtherTribunal { get; init; }

    /// <summary><c>Week20</c>: the 20-week time-limit exceptions apply (it does not say whether the plan was late).</summary>
    public bool? Week20ExceptionsApply { get; init; }

    public Sen2NamedPlan? NamedPlan { get; init; }
}
