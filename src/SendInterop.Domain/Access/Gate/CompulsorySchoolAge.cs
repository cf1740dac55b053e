namespace SendInterop.Domain.Access.Gate;

/// <summary>
/// The end of compulsory school age in England: the last Friday of June of the school year (1 September to
/// 31 August) in which the child turns 16 (Education Act 1996 s.8 and the School Leaving Date Order 1997). Up to and
/// including that day the parent decides about sharing; after it the young person does (Children and Families Act
/// 2014 s.80), unless a lack of capacity is recorded.
/// </summary>
public static class CompulsorySchoolAge
{
    /// <summary>The last day of compulsory school age (a Friday; the day itself is still within it).</summary>
    /// <remarks>
    /// The sixteenth birthday is <c>birthDate.AddYears(16)</c> with <see cref="DateOnly.AddYears"/> semantics: a child
    /// born on 29 February whose sixteenth year is not a leap year turns 16 on 28 February. Either way the birthday is
    /// in February, so the school year, and so the answer, is the same.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The birth date is so late that its sixteenth birthday is past year 9999.</exception>
    public static DateOnly EndFor(DateOnly birthDate)
    {
        var sixteenth = birthDate.AddYears(16);
        // A school year runs 1 September to 31 August, so a birthday from September on falls in the school year
        // whose June is in the following calendar year.
        var juneYear = sixteenth.Month >= 9 ? sixteenth.Year + 1 : sixteenth.Year;
        var lastOfJune = new DateOnly(juneYear, 6, 30);
        var daysAfterFriday = ((int)lastOfJune.DayOfWeek - (int)DayOfWeek.Friday + 7) % 7;
        return lastOfJune.AddDays(-daysAfterFriday);
    }
}
