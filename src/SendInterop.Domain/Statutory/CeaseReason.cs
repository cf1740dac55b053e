using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace SendInterop.Domain.Statutory;

/// <summary>
/// SEN2 CeaseReason (SEN2.md 2.4; DfE guide item 4.6, 2025 wording): why an LA stopped maintaining a plan. Only the
/// nine codes exist; <see cref="TryParse"/> is the one way in from outside.
/// </summary>
public sealed class CeaseReason : IEquatable<CeaseReason>
{
    public static readonly CeaseReason MaximumAge = new(1, "Reached maximum age (end of the academic year in which the young person turned 25; or 19 if entering the adult estate)");
    public static readonly CeaseReason NeedsMetWithoutPlan = new(2, "Ongoing education/training needs being met without an EHC plan");
    public static readonly CeaseReason HigherEducation = new(3, "Moved on to higher education");
    public static readonly CeaseReason PaidEmployment = new(4, "Moved on to paid employment, excluding apprenticeships");
    public static readonly CeaseReason TransferredToAnotherLa = new(5, "Transferred to another local authority in England");
    public static readonly CeaseReason NoLongerEngaging = new(6, "Young person no longer wishes to engage in education or training");
    public static readonly CeaseReason MovedOutsideEngland = new(7, "Moved outside England");
    public static readonly CeaseReason Deceased = new(8, "Deceased");
    public static readonly CeaseReason Other = new(9, "Other");

    public static IReadOnlyList<CeaseReason> All { get; } =
        [MaximumAge, NeedsMetWithoutPlan, HigherEducation, PaidEmployment, TransferredToAnotherLa, NoLongerEngaging, MovedOutsideEngland, Deceased, Other];

    private CeaseReason(int code, string description)
    {
        Code = code;
        Description = description;
    }

    /// <summary>The SEN2 code, 1 to 9.</summary>
    public int Code { get; }

    public string Description { get; }

    /// <summary>The code as it appears in SEN2 XML and in a FHIR Coding ("1" ... "9").</summary>
    public string CodeText => Code.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses "1".."9" (surrounding spaces allowed); anything else, including "0", "10" and "01", is refused.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out CeaseReason? reason)
    {
        reason = null;
        var trimmed = text?.Trim();
        if (trimmed is not { Length: 1 } || trimmed[0] is < '1' or > '9') return false;
        reason = All[trimmed[0] - '1'];
        return true;
    }

    /// <exception cref="FormatException">Not one of the nine SEN2 codes.</exception>
    public static CeaseReason Parse(string? text) =>
        TryParse(text, out var reason) ? reason : throw new FormatException("A SEN2 cease reason is a code from 1 to 9.");

    /// <summary>
    /// The SEN2 code for a cease reason written with the demo cohort's keywords (max_age, needs_met, he, employ,
    /// transfer, no_engage, moved_outside_eng, deceased, other), or null for an unknown keyword.
    /// </summary>
    public static CeaseReason? FromKeyword(string? keyword) => keyword switch
    {
        "max_age" => MaximumAge,
        "needs_met" => NeedsMetWithoutPlan,
        "he" => HigherEducation,
        "employ" => PaidEmployment,
        "transfer" => TransferredToAnotherLa,
        "no_engage" => NoLongerEngaging,
        "moved_outside_eng" => MovedOutsideEngland,
        "deceased" => Deceased,
        "other" => Other,
        _ => null,
    };

    public bool Equals(CeaseReason? other) => other is not null && other.Code == Code;

    public override bool Equals(object? obj) => Equals(obj as CeaseReason);

    public override int GetHashCode() => Code;

    public override string ToString() => $"{Code} {Description}";
}

/// <summary>How serious a problem with a recorded cessation is.</summary>
public enum CessationIssueSeverity
{
    /// <summary>Worth a second look, but can be right (for example an adult-estate case at 19).</summary>
    Warning,

    /// <summary>Cannot be right as recorded.</summary>
    Error,
}

public sealed record CessationIssue(CessationIssueSeverity Severity, string Message);

/// <summary>
/// Checks a recorded cessation against the rules in DOMAIN.md 1.4 and the SEN2 code definitions. It returns issues
/// rather than throwing, because the record is what it is: the checks tell a caseworker what to look at.
/// </summary>
public static class CessationRules
{
    /// <param name="issued">The plan's issue date.</param>
    /// <param name="ceasedOn">SEN2 CeaseDate: the day the plan ended (not the day of the decision).</param>
    /// <param name="reason">SEN2 CeaseReason, null when none was recorded.</param>
    /// <param name="birthDate">The child's date of birth, when known; the age checks need it.</param>
    public static IReadOnlyList<CessationIssue> Check(DateOnly issued, DateOnly ceasedOn, CeaseReason? reason, DateOnly? birthDate)
    {
        var issues = new List<CessationIssue>();
        if (ceasedOn < issued)
            issues.Add(new(CessationIssueSeverity.Error, "The plan ceased before it was issued."));

        // SEN2 pairs CeaseDate with CeaseReason (SEN2.md 1.5): a date without a reason cannot be returned.
        if (reason is null)
        {
            issues.Add(new(CessationIssueSeverity.Error, "A ceased plan needs a SEN2 cease reason (1-9)."));
            return issues;
        }

        if (birthDate is not { } born) return issues;
        var age = AgeOn(born, ceasedOn);

        if (reason.Equals(CeaseReason.MaximumAge))
        {
            // Code 1: the end of the academic year in which the young person turned 25, or 19 when entering the adult
            // (custodial) estate. Before 19 it cannot apply; between 19 and that year end only the adult estate explains it.
            var endOfYearTurning25 = EndOfAcademicYearContaining(born.AddYears(25));
            if (age < 19)
                issues.Add(new(CessationIssueSeverity.Error, "Cease reason 1 (maximum age) needs the young person to be at least 19."));
            else if (ceasedOn < endOfYearTurning25)
                issues.Add(new(CessationIssueSeverity.Warning, "Cease reason 1 before the end of the academic year in which the young person turned 25: right only for entry to the adult estate at 19."));
        }

        // Regs 29-30 (DOMAIN.md 1.4): under 18 a plan ceases only when provision through a plan is no longer needed (or the
        // LA is no longer responsible: moved, died). "No longer wishes to engage" is a young person's choice at 18+.
        if (reason.Equals(CeaseReason.NoLongerEngaging) && age < 18)
            issues.Add(new(CessationIssueSeverity.Error, "Cease reason 6 (no longer engaging) cannot end the plan of someone under 18 (SEND Regs 2014 regs 29-30)."));
        if ((reason.Equals(CeaseReason.HigherEducation) || reason.Equals(CeaseReason.PaidEmployment)) && age < 18)
            issues.Add(new(CessationIssueSeverity.Warning, $"Cease reason {reason.Code} for someone under 18: check that provision through a plan is no longer needed (regs 29-30)."));

        return issues;
    }

    /// <summary>
    /// The last day of the academic year that contains the day, taking the further-education year (1 August to 31 July),
    /// as the demo cohort does. CFA 2014 s.46 counts the age-25 limit to "the end of the academic year": confirm which
    /// year end the LA uses before relying on the warning.
    /// </summary>
    public static DateOnly EndOfAcademicYearContaining(DateOnly day) =>
        day.Month >= 8 ? new DateOnly(day.Year + 1, 7, 31) : new DateOnly(day.Year, 7, 31);

    internal static int AgeOn(DateOnly born, DateOnly day)
    {
        var age = day.Year - born.Year;
        if (day < born.AddYears(age)) age--;
        return age;
    }
}
