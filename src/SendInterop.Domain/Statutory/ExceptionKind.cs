namespace SendInterop.Domain.Statutory;

/// <summary>
/// Why a time limit might not be met. The first five are the regulation's exceptions (DOMAIN.md 1.1); the last is a
/// delay reason LAs record that the regulations do not excuse.
/// </summary>
public enum ExceptionKind
{
    /// <summary>
    /// SEND Regs 2014 reg 10(4)(a): advice was asked of a school head teacher or post-16 principal in the window from
    /// one week before a closure of at least 4 continuous weeks to one week before it reopens (in practice the summer).
    /// </summary>
    SchoolOrCollegeClosure,

    /// <summary>Reg 10(4)(b): the same, for an early years provider.</summary>
    EarlyYearsClosure,

    /// <summary>Reg 10(4)(c), reg 8(2)(a): exceptional personal circumstances affect the child, parent or young person.</summary>
    ExceptionalPersonalCircumstances,

    /// <summary>Reg 10(4)(d), reg 8(2)(b): the child, parent or young person is away from the LA's area for at least 4 continuous weeks.</summary>
    FamilyAwayFromArea,

    /// <summary>Reg 8(2)(c): the child, parent or young person missed an appointment for the advice (advice deadline only).</summary>
    MissedAppointment,

    /// <summary>
    /// Advice or information from a school, health or social care arrived late. Recorded so the delay is visible, but
    /// it is NOT an exception: reg 10(4) lists no such ground, so it never changes the "excluding exceptions" figures.
    /// </summary>
    LateInformation,
}

/// <summary>Codes and the regulation behind each <see cref="ExceptionKind"/>.</summary>
public static class ExceptionKinds
{
    public static string Code(ExceptionKind kind) => kind switch
    {
        ExceptionKind.SchoolOrCollegeClosure => "school-closure",
        ExceptionKind.EarlyYearsClosure => "early-years-closure",
        ExceptionKind.ExceptionalPersonalCircumstances => "exceptional-personal-circumstances",
        ExceptionKind.FamilyAwayFromArea => "family-away",
        ExceptionKind.MissedAppointment => "missed-appointment",
        ExceptionKind.LateInformation => "late-information",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static ExceptionKind? FromCode(string? code) => code switch
    {
        "school-closure" => ExceptionKind.SchoolOrCollegeClosure,
        "early-years-closure" => ExceptionKind.EarlyYearsClosure,
        "exceptional-personal-circumstances" => ExceptionKind.ExceptionalPersonalCircumstances,
        "family-away" => ExceptionKind.FamilyAwayFromArea,
        "missed-appointment" => ExceptionKind.MissedAppointment,
        "late-information" => ExceptionKind.LateInformation,
        _ => null,
    };

    public static string Display(ExceptionKind kind) => kind switch
    {
        ExceptionKind.SchoolOrCollegeClosure => "School or college closed 4+ weeks when advice was requested (reg 10(4)(a))",
        ExceptionKind.EarlyYearsClosure => "Early years provider closed 4+ weeks when advice was requested (reg 10(4)(b))",
        ExceptionKind.ExceptionalPersonalCircumstances => "Exceptional personal circumstances (reg 10(4)(c), reg 8(2)(a))",
        ExceptionKind.FamilyAwayFromArea => "Child, parent or young person away from the area 4+ weeks (reg 10(4)(d), reg 8(2)(b))",
        ExceptionKind.MissedAppointment => "Appointment for advice missed (reg 8(2)(c))",
        ExceptionKind.LateInformation => "Late advice or information (a delay reason, not a regulation exception)",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
