namespace SendInterop.Domain.Statutory;

/// <summary>Builds <see cref="StatutoryStep"/>s: the counting, both ways, lives here once.</summary>
internal sealed class StepFactory
{
    private readonly DateOnly _asOf;
    private readonly IReadOnlyList<QualifiedException> _exceptions;

    public StepFactory(DateOnly asOf, IReadOnlyList<QualifiedException> exceptions)
    {
        _asOf = asOf;
        _exceptions = exceptions;
    }

    /// <summary>
    /// A step with a limit in days from day 0 (6 weeks = 42 days: a request on a Monday is due the Monday 6 weeks on).
    /// Excluding exceptions, the days covered by a qualifying exception of the step's scope do not count.
    /// </summary>
    public StatutoryStep DayLimited(StatutoryStepCode code, string? key, string rule, StepOwner owner, string? ownerReference, string? focus,
        DateOnly start, int limitDays, DateOnly? met, ExceptionScope scope, bool started = false, bool isStatutory = true)
    {
        var applicable = _exceptions.Where(e => ClockExceptionRules.AppliesTo(scope, e.Kind)).ToList();
        var covered = DateInterval.Union(applicable.Select(e => e.Days));

        var due = start.AddDays(limitDays);
        var dueExcluding = ClockExceptionRules.DueExcluding(start, limitDays, covered);
        var end = met ?? _asOf;
        var elapsed = Math.Max(0, end.DayNumber - start.DayNumber);
        var excluded = ClockExceptionRules.DaysCovered(start, end, covered);

        // An exception applies when it covers a day while the step's clock was running: after day 0, up to the met day,
        // or (not met yet) up to the later of today and the moved due date.
        var runningTo = met ?? (_asOf > dueExcluding ? _asOf : dueExcluding);
        var applied = applicable.Where(e => ClockExceptionRules.DaysCovered(start, runningTo, [e.Days]) > 0)
            .Select(e => e.Kind).Distinct().Order().ToList();

        return new StatutoryStep
        {
            Code = code,
            Key = key,
            Rule = rule,
            IsStatutory = isStatutory,
            Owner = owner,
            OwnerReference = ownerReference,
            FocusReference = focus,
            ClockStart = start,
            MetOn = met,
            Started = started,
            IncludingExceptions = new StepTiming(due, StepStatus.Evaluate(due, met, _asOf), elapsed, 0),
            ExcludingExceptions = new StepTiming(dueExcluding, ExcludingStatus(limitDays, dueExcluding, elapsed - excluded, met), elapsed - excluded, excluded),
            ExceptionsApplied = applied,
        };
    }

    /// <summary>A step with a fixed due date and no exceptions (months, or a calendar deadline): both views are the same.</summary>
    public StatutoryStep Fixed(StatutoryStepCode code, string? key, string rule, StepOwner owner, string? ownerReference, string? focus,
        DateOnly start, DateOnly due, DateOnly? met, bool started = false)
    {
        var elapsed = Math.Max(0, (met ?? _asOf).DayNumber - start.DayNumber);
        var timing = new StepTiming(due, _asOf < start ? StepStatus.NotDue : StepStatus.Evaluate(due, met, _asOf), elapsed, 0);
        return new StatutoryStep
        {
            Code = code,
            Key = key,
            Rule = rule,
            Owner = owner,
            OwnerReference = ownerReference,
            FocusReference = focus,
            ClockStart = start,
            MetOn = met,
            Started = started,
            IncludingExceptions = timing,
            ExcludingExceptions = timing,
        };
    }

    /// <summary>
    /// Excluding exceptions, days late and overdue are clock days past the limit (exception days never count); days
    /// left are calendar days to the moved due date.
    /// </summary>
    private StepStatus ExcludingStatus(int limitDays, DateOnly dueExcluding, int clockDays, DateOnly? met)
    {
        if (met is not null)
            return clockDays <= limitDays ? new(StepState.MetOnTime, 0) : new(StepState.MetLate, clockDays - limitDays);
        return _asOf <= dueExcluding
            ? new(StepState.Due, dueExcluding.DayNumber - _asOf.DayNumber)
            : new(StepState.Overdue, clockDays - limitDays);
    }
}

/// <summary>Changing a step's status after the counting (route changes), both views together.</summary>
internal static class StatutoryStepExtensions
{
    public static StatutoryStep WithStatus(this StatutoryStep step, StepStatus status) => step with
    {
        IncludingExceptions = step.IncludingExceptions with { Status = status },
        ExcludingExceptions = step.ExcludingExceptions with { Status = status },
    };

    public static bool IsMet(this StatutoryStep step) => step.Status.State is StepState.MetOnTime or StepState.MetLate;
}
