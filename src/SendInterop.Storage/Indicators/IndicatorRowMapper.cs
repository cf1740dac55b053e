using SendInterop.Domain.Indicators;

namespace SendInterop.Storage.Indicators;

/// <summary>Projection rows (domain) to table rows: dates to day numbers, enums to their codes.</summary>
public static class IndicatorRowMapper
{
    public const string PatientPrefix = "Patient/";

    /// <summary>The Patient id of a row's child key ("Patient/123" → "123").</summary>
    public static string ChildIdOf(string childKey) =>
        childKey.StartsWith(PatientPrefix, StringComparison.Ordinal) ? childKey[PatientPrefix.Length..] : childKey;

    public static CaseRowEntity ToEntity(CaseRow r, long computedAt) => Fill(new CaseRowEntity
    {
        ChildId = ChildIdOf(r.ChildKey), RowId = r.RowId, Sex = "", Ethnicity = "", PrimaryNeed = "", SettingType = "",
        Received = r.Received.DayNumber,
        DecisionOn = r.DecisionOn?.DayNumber,
        DecidedToAssess = r.DecidedToAssess,
        DecidedNotToIssueOn = r.DecidedNotToIssueOn?.DayNumber,
        PlanIssued = r.PlanIssued?.DayNumber,
        ExceptionsApply = r.ExceptionsApply,
        TribunalAppeal = r.TribunalAppeal,
    }, r.Strata, computedAt);

    public static PlanRowEntity ToEntity(PlanRow r, long computedAt) => Fill(new PlanRowEntity
    {
        ChildId = ChildIdOf(r.ChildKey), RowId = r.RowId, Sex = "", Ethnicity = "", PrimaryNeed = "", SettingType = "",
        Issued = r.Issued.DayNumber,
        Ceased = r.Ceased?.DayNumber,
        CeaseReason = r.CeaseReason?.CodeText,
        OutOfArea = r.OutOfArea,
        PersonalBudget = r.PersonalBudget,
        DirectPayment = r.DirectPayment,
    }, r.Strata, computedAt);

    public static ReviewRowEntity ToEntity(ReviewRow r, long computedAt) => Fill(new ReviewRowEntity
    {
        ChildId = ChildIdOf(r.ChildKey), RowId = r.RowId, Sex = "", Ethnicity = "", PrimaryNeed = "", SettingType = "",
        Due = r.Due.DayNumber,
        Held = r.Held?.DayNumber,
        Cancelled = r.Cancelled,
    }, r.Strata, computedAt);

    public static OutcomeRowEntity ToEntity(OutcomeRow r, long computedAt) => Fill(new OutcomeRowEntity
    {
        ChildId = ChildIdOf(r.ChildKey), RowId = r.RowId, Sex = "", Ethnicity = "", PrimaryNeed = "", SettingType = "",
        Achievement = r.Achievement,
        AssessedOn = r.AssessedOn?.DayNumber,
    }, r.Strata, computedAt);

    public static WaitRowEntity ToEntity(WaitRow r, long computedAt) => Fill(new WaitRowEntity
    {
        ChildId = ChildIdOf(r.ChildKey), RowId = r.RowId, Sex = "", Ethnicity = "", PrimaryNeed = "", SettingType = "",
        AutismAssessment = r.AutismAssessment,
        Referred = r.Referred.DayNumber,
        FirstContact = r.FirstContact?.DayNumber,
    }, r.Strata, computedAt);

    private static T Fill<T>(T e, ChildStrata s, long computedAt) where T : IndicatorRowEntity
    {
        e.LaCode = s.LaCode;
        e.BirthDay = s.BirthDate?.DayNumber;
        e.BirthYear = s.BirthDate?.Year;
        e.BirthMonthDay = s.BirthDate is { } b ? b.Month * 100 + b.Day : null;
        e.Sex = s.Sex;
        e.Ethnicity = s.Ethnicity;
        e.PrimaryNeed = s.PrimaryNeed;
        e.SettingType = SettingTypes.Code(s.SettingType);
        e.ComputedAt = computedAt;
        return e;
    }
}
