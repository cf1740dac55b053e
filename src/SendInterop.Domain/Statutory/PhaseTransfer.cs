namespace SendInterop.Domain.Statutory;

/// <summary>
/// Transfers between phases of education that have a statutory deadline for the review and amended plan
/// (SEND Regs 2014 reg 18; DOMAIN.md 1.3).
/// </summary>
public enum PhaseTransferKind
{
    /// <summary>Early years to school (into reception).</summary>
    EarlyYearsToSchool,

    /// <summary>Infant to junior school (into year 3).</summary>
    InfantToJunior,

    /// <summary>Primary to secondary school (into year 7).</summary>
    PrimaryToSecondary,

    /// <summary>Primary (first) to middle school; the year group depends on the LA.</summary>
    PrimaryToMiddle,

    /// <summary>Middle to secondary (high) school; the year group depends on the LA.</summary>
    MiddleToSecondary,

    /// <summary>Secondary school to a post-16 institution (into year 12).</summary>
    SecondaryToPost16,

    /// <summary>From one post-16 institution to another.</summary>
    Post16ToPost16,
}

/// <summary>The deadlines of reg 18 and the school years that decide when they fall.</summary>
public static class PhaseTransfers
{
    public static string Code(PhaseTransferKind kind) => kind switch
    {
        PhaseTransferKind.EarlyYearsToSchool => "early-years-to-school",
        PhaseTransferKind.InfantToJunior => "infant-to-junior",
        PhaseTransferKind.PrimaryToSecondary => "primary-to-secondary",
        PhaseTransferKind.PrimaryToMiddle => "primary-to-middle",
        PhaseTransferKind.MiddleToSecondary => "middle-to-secondary",
        PhaseTransferKind.SecondaryToPost16 => "secondary-to-post16",
        PhaseTransferKind.Post16ToPost16 => "post16-to-post16",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static PhaseTransferKind? FromCode(string? code) =>
        Enum.GetValues<PhaseTransferKind>().Select(k => (PhaseTransferKind?)k).FirstOrDefault(k => Code(k!.Value) == code);

    /// <summary>
    /// The day by which the review and the amended plan naming the new setting must be done (reg 18(1)):
    /// <list type="bullet">
    /// <item>between school phases (early years to school, infant to junior, primary to middle or secondary, middle to
    /// secondary): 15 February of the calendar year of the transfer;</item>
    /// <item>secondary school to a post-16 institution: 31 March of the calendar year of the transfer;</item>
    /// <item>between post-16 institutions: 5 months before the transfer (a calendar-month count, so a transfer on
    /// 31 July gives 28 or 29 February: the corresponding day or, where the month has none, its last day).</item>
    /// </list>
    /// </summary>
    public static DateOnly DeadlineFor(PhaseTransferKind kind, DateOnly transferDate) => kind switch
    {
        PhaseTransferKind.SecondaryToPost16 => new DateOnly(transferDate.Year, 3, 31),
        PhaseTransferKind.Post16ToPost16 => transferDate.AddMonths(-5),
        _ => new DateOnly(transferDate.Year, 2, 15),
    };

    /// <summary>The rule <see cref="DeadlineFor"/> applies, with its source, for Task descriptions.</summary>
    public static string RuleFor(PhaseTransferKind kind) => kind switch
    {
        PhaseTransferKind.SecondaryToPost16 => "Review and amend the plan naming the post-16 institution by 31 March of the year of transfer (SEND Regs 2014 reg 18)",
        PhaseTransferKind.Post16ToPost16 => "Review and amend the plan naming the new post-16 institution at least 5 months before the transfer (SEND Regs 2014 reg 18)",
        _ => "Review and amend the plan naming the new school by 15 February of the year of transfer (SEND Regs 2014 reg 18)",
    };

    /// <summary>The year group the child enters at a standard transfer, or null where it depends on the LA (middle schools, post-16 moves).</summary>
    public static int? EntryYearGroup(PhaseTransferKind kind) => kind switch
    {
        PhaseTransferKind.EarlyYearsToSchool => 0,
        PhaseTransferKind.InfantToJunior => 3,
        PhaseTransferKind.PrimaryToSecondary => 7,
        PhaseTransferKind.SecondaryToPost16 => 12,
        _ => null,
    };
}

/// <summary>
/// National curriculum year groups in England. A school year runs 1 September to 31 August and a cohort is everyone
/// born between 1 September and the following 31 August; reception is "year 0", entered in the September after the
/// fourth birthday. Children taught out of their cohort (a delayed reception start for summer-born children) need
/// the transfer recorded, not inferred.
/// </summary>
public static class SchoolYears
{
    /// <summary>The first day (1 September) of the school year that contains the day.</summary>
    public static DateOnly StartOfSchoolYear(DateOnly day) =>
        day.Month >= 9 ? new DateOnly(day.Year, 9, 1) : new DateOnly(day.Year - 1, 9, 1);

    /// <summary>
    /// The calendar year of the 31 August that closes the child's birth cohort: a child born from September counts
    /// with the next calendar year's births.
    /// </summary>
    public static int CohortYear(DateOnly birthDate) => birthDate.Month >= 9 ? birthDate.Year + 1 : birthDate.Year;

    /// <summary>
    /// The year group a child of the usual cohort is in on the day (0 = reception; negative before reception; 12 and 13
    /// are the sixth-form years). Born 10 January 2015: cohort 2015, reception from September 2019, year 7 from
    /// September 2026.
    /// </summary>
    public static int YearGroupOn(DateOnly birthDate, DateOnly day) =>
        StartOfSchoolYear(day).Year - CohortYear(birthDate) - 4;

    /// <summary>The 1 September on which a child of the usual cohort enters the year group.</summary>
    public static DateOnly EntersYearGroup(DateOnly birthDate, int yearGroup) =>
        new(CohortYear(birthDate) + 4 + yearGroup, 9, 1);
}
