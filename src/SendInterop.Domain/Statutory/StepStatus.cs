namespace SendInterop.Domain.Statutory;

/// <summary>Where a step stands on the "as of" day.</summary>
public enum StepState
{
    /// <summary>Known but not owed yet (the draft before the decision to assess; a phase transfer before its school year).</summary>
    NotDue,

    /// <summary>Owed, and the due date has not passed.</summary>
    Due,

    MetOnTime,

    MetLate,

    /// <summary>Owed, not met, and the due date has passed.</summary>
    Overdue,

    /// <summary>No longer owed: the route changed (refused, no plan, withdrawn, plan ceased) or a later review superseded it.</summary>
    Cancelled,

    /// <summary>A family's window that closed without them using it. Not a breach by anyone.</summary>
    Lapsed,
}

/// <summary>
/// A step's state with its count of days: days late (<see cref="StepState.MetLate"/>), days overdue
/// (<see cref="StepState.Overdue"/>) or days still left (<see cref="StepState.Due"/>, 0 on the due day); 0 otherwise.
/// </summary>
public readonly record struct StepStatus(StepState State, int Days)
{
    public static StepStatus NotDue => new(StepState.NotDue, 0);

    public static StepStatus Cancelled => new(StepState.Cancelled, 0);

    public static StepStatus Lapsed => new(StepState.Lapsed, 0);

    /// <summary>
    /// The plain calendar evaluation: met on or before the due day is on time; a step met on the due day itself is on
    /// time (the limit is "within"). A met date after <paramref name="asOf"/> is not known yet on that day.
    /// </summary>
    public static StepStatus Evaluate(DateOnly due, DateOnly? met, DateOnly asOf)
    {
        if (met is { } done && done <= asOf)
            return done <= due ? new(StepState.MetOnTime, 0) : new(StepState.MetLate, done.DayNumber - due.DayNumber);
        return asOf <= due ? new(StepState.Due, due.DayNumber - asOf.DayNumber) : new(StepState.Overdue, asOf.DayNumber - due.DayNumber);
    }

    public override string ToString() => State switch
    {
        StepState.MetLate => $"met {Days} days late",
        StepState.Overdue => $"overdue by {Days} days",
        StepState.Due => $"due in {Days} days",
        _ => State.ToString(),
    };
}
