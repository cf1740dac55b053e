namespace SendInterop.Domain.Statutory;

/// <summary>
/// The last day the family can register an appeal with the First-tier Tribunal (SEND) against an appealable decision
/// (refusal to assess, refusal to issue a plan, the plan's content; DOMAIN.md 1.5).
/// </summary>
public static class TribunalAppealDeadline
{
    /// <summary>
    /// The later of 2 months from the decision letter and 1 month from the mediation certificate (DOMAIN.md 1.5), then
    /// moved off days the Tribunal does not count:
    /// <list type="number">
    /// <item>in August: the first working day of September (DOMAIN.md 1.5);</item>
    /// <item>25 December to 1 January: the next working day in January (DOMAIN.md 1.5);</item>
    /// <item>any other weekend day or bank holiday: the next working day. This one is not in DOMAIN.md; it is the
    /// Tribunal's general rule that an act due on a non-working day is in time on the next working day
    /// (HESC Rules 2008 r.12, to verify).</item>
    /// </list>
    /// Months are calendar months: the corresponding day, or the month's last day where there is none
    /// (31 December + 2 months = 28 or 29 February).
    /// </summary>
    public static DateOnly For(DateOnly decisionLetter, DateOnly? mediationCertificate = null)
    {
        var deadline = decisionLetter.AddMonths(2);
        if (mediationCertificate is { } certificate && certificate.AddMonths(1) > deadline) deadline = certificate.AddMonths(1);

        if (deadline.Month == 8) return BankHolidays.OnOrNextWorkingDay(new DateOnly(deadline.Year, 9, 1));
        if (deadline is { Month: 12, Day: >= 25 }) return BankHolidays.OnOrNextWorkingDay(new DateOnly(deadline.Year + 1, 1, 2));
        if (deadline is { Month: 1, Day: 1 }) return BankHolidays.OnOrNextWorkingDay(new DateOnly(deadline.Year, 1, 2));
        return BankHolidays.OnOrNextWorkingDay(deadline);
    }
}
