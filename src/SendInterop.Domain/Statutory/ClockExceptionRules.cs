namespace SendInterop.Domain.Statutory;

/// <summary>An exception that passed its regulation's tests, with the days it stops the clock for.</summary>
public sealed record QualifiedException(ExceptionKind Kind, DateInterval Days);

/// <summary>Which regulation's exceptions a step is subject to.</summary>
internal enum ExceptionScope
{
    /// <summary>No exceptions (review and transfer steps, the family's 15 days).</summary>
    None,

    /// <summary>
    /// The 6-week decision whether to assess. DOMAIN.md 1.1 names no exception for it; SEND Regs 2014 reg 5(4) has one
    /// mirroring reg 10(4) (to verify), so the same four grounds apply.
    /// </summary>
    DecisionToAssess,

    /// <summary>The 6 weeks for advice: reg 8(2) (exceptional circumstances, away 4+ weeks, missed appointment).</summary>
    Advice,

    /// <summary>The 16-week notice, the draft and the 20-week final plan: reg 10(4)(a)-(d), applied to the final plan by reg 13(3).</summary>
    Assessment,
}

/// <summary>
/// Decides which recorded exceptions and configured closures qualify under the regulations, before any step looks at
/// them. One place, so a rule (4 continuous weeks, the closure window) is written once.
/// </summary>
internal static class ClockExceptionRules
{
    /// <summary>Reg 10(4)(a), (b), (d): "at least 4 continuous weeks".</summary>
    private const int FourWeeks = 28;

    public static bool AppliesTo(ExceptionScope scope, ExceptionKind kind) => scope switch
    {
        ExceptionScope.Advice => kind is ExceptionKind.ExceptionalPersonalCircumstances or ExceptionKind.FamilyAwayFromArea or ExceptionKind.MissedAppointment,
        ExceptionScope.DecisionToAssess or ExceptionScope.Assessment => kind is ExceptionKind.SchoolOrCollegeClosure or ExceptionKind.EarlyYearsClosure
            or ExceptionKind.ExceptionalPersonalCircumstances or ExceptionKind.FamilyAwayFromArea,
        _ => false,
    };

    /// <summary>The exceptions that qualify on this case, and a note (no personal data) for each one that did not.</summary>
    public static IReadOnlyList<QualifiedException> Qualify(EhcCaseFacts facts, StatutoryClockSettings settings, List<string> notes)
    {
        var qualified = new List<QualifiedException>();

        foreach (var kind in new[] { ExceptionKind.ExceptionalPersonalCircumstances, ExceptionKind.MissedAppointment })
        {
            qualified.AddRange(facts.Exceptions.Where(e => e.Kind == kind).Select(e => new QualifiedException(kind, e.Days)));
        }

        // Reg 10(4)(d): away for at least 4 continuous weeks. Touching or overlapping records are one absence.
        foreach (var absence in DateInterval.Union(facts.Exceptions.Where(e => e.Kind == ExceptionKind.FamilyAwayFromArea).Select(e => e.Days)))
        {
            if (absence.Days >= FourWeeks) qualified.Add(new(ExceptionKind.FamilyAwayFromArea, absence));
            else notes.Add($"Absence {absence} is {absence.Days} days, under the 4 continuous weeks reg 10(4)(d) needs: not applied.");
        }

        // Reg 10(4)(a)/(b): closures, recorded on the case or configured by the LA.
        QualifyClosures(facts, ExceptionKind.SchoolOrCollegeClosure, ClosureScope.SchoolsAndColleges, AdviceSource.SchoolOrCollege, settings, qualified, notes);
        QualifyClosures(facts, ExceptionKind.EarlyYearsClosure, ClosureScope.EarlyYearsProviders, AdviceSource.EarlyYearsProvider, settings, qualified, notes);

        if (facts.Exceptions.Any(e => e.Kind == ExceptionKind.LateInformation))
            notes.Add("Late advice or information is recorded: a delay reason, not a reg 10(4) exception, so it changes no figure.");

        return qualified;
    }

    /// <summary>
    /// A closure counts when it lasts at least 4 continuous weeks AND advice was asked of that kind of institution in the
    /// window from one week before the first closed day to one week before it reopens (both days included).
    /// </summary>
    private static void QualifyClosures(EhcCaseFacts facts, ExceptionKind kind, ClosureScope scope, AdviceSource source,
        StatutoryClockSettings settings, List<QualifiedException> qualified, List<string> notes)
    {
        var closures = facts.Exceptions.Where(e => e.Kind == kind).Select(e => (e.Days, Label: "recorded closure"))
            .Concat(settings.Closures.Where(c => c.Scope == scope).Select(c => (Days: c.ClosedDays, c.Label)));
        var asked = facts.Advice.Where(a => a.Source == source).Select(a => a.RequestedOn).ToList();

        foreach (var (days, label) in closures.OrderBy(c => c.Days.First))
        {
            var reopens = days.Last.AddDays(1);
            var window = new DateInterval(days.First.AddDays(-7), reopens.AddDays(-7));
            var askedInWindow = asked.Any(window.Contains);
            if (days.Days < FourWeeks)
            {
                // Only worth saying when it could have mattered: advice was asked around it.
                if (askedInWindow) notes.Add($"Closure '{label}' {days} is {days.Days} days, under the 4 continuous weeks reg 10(4) needs: not applied.");
                continue;
            }

            if (askedInWindow) qualified.Add(new(kind, days));
        }
    }

    /// <summary>Days of <paramref name="covered"/> in (start, end]: the days after day 0 up to and including <paramref name="end"/>.</summary>
    public static int DaysCovered(DateOnly start, DateOnly end, IReadOnlyList<DateInterval> covered)
    {
        if (end <= start) return 0;
        var span = new DateInterval(start.AddDays(1), end);
        return covered.Sum(c => span.Intersect(c)?.Days ?? 0);
    }

    /// <summary>
    /// The due date with covered days left out: the day on which <paramref name="limitDays"/> uncovered days have passed
    /// since day 0. With nothing covered it is simply day 0 + the limit.
    /// </summary>
    public static DateOnly DueExcluding(DateOnly start, int limitDays, IReadOnlyList<DateInterval> covered)
    {
        var day = start;
        for (var counted = 0; counted < limitDays;)
        {
            day = day.AddDays(1);
            if (!covered.Any(c => c.Contains(day))) counted++;
        }

        return day;
    }
}
