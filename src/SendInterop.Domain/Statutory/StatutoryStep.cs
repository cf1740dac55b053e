namespace SendInterop.Domain.Statutory;

/// <summary>
/// The clock's view of one step on the "as of" day: the rule, who owes it, and its due date and status counted two
/// ways. <see cref="IncludingExceptions"/> is the plain calendar (what DfE measures from the dates); in
/// <see cref="ExcludingExceptions"/> the days covered by an exception that applies to the step do not count, so the
/// due date moves back by those days.
/// </summary>
public sealed record StatutoryStep
{
    public required StatutoryStepCode Code { get; init; }

    /// <summary>Tells apart steps of the same code in one case (an advice request's source record, a review cycle, a transfer); null when there is one.</summary>
    public string? Key { get; init; }

    /// <summary>The rule the due date follows and its legal source, in words.</summary>
    public required string Rule { get; init; }

    /// <summary>False for practice targets that no regulation sets (the week-16 draft).</summary>
    public bool IsStatutory { get; init; } = true;

    public required StepOwner Owner { get; init; }

    /// <summary>The owing organisation (or practitioner) when the record names one.</summary>
    public string? OwnerReference { get; init; }

    /// <summary>What the step is about: the request for assessment steps, the plan for plan steps.</summary>
    public string? FocusReference { get; init; }

    /// <summary>Day 0 of the step's time limit.</summary>
    public required DateOnly ClockStart { get; init; }

    /// <summary>The day the step was met, when it has been (and on or before the "as of" day).</summary>
    public DateOnly? MetOn { get; init; }

    /// <summary>Work on the step has visibly begun (assessment under way, meeting booked): the Task is in progress.</summary>
    public bool Started { get; init; }

    public required StepTiming IncludingExceptions { get; init; }

    public required StepTiming ExcludingExceptions { get; init; }

    /// <summary>The regulation exceptions that apply to this step (empty when none; never <see cref="ExceptionKind.LateInformation"/>).</summary>
    public IReadOnlyList<ExceptionKind> ExceptionsApplied { get; init; } = [];

    public bool ExceptionsApply => ExceptionsApplied.Count > 0;

    /// <summary>The due date on the plain calendar.</summary>
    public DateOnly DueDate => IncludingExceptions.DueDate;

    /// <summary>The status on the plain calendar.</summary>
    public StepStatus Status => IncludingExceptions.Status;
}

/// <summary>
/// One way of counting a step: its due date, its status, the days it took (to the met day, or so far), and how many
/// exception days were left out of that count.
/// </summary>
public sealed record StepTiming(DateOnly DueDate, StepStatus Status, int ElapsedDays, int ExcludedDays);
