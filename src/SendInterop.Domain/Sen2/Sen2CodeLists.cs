using SendInterop.Domain.Profiles;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// The SEN2 code lists (SEN2.md section 2), each a <see cref="Sen2CodeList"/> named after the XML item it serves.
/// Descriptions follow the 2025 wording where sources differ. Single-source lists (ReviewOutcome, DP, DMO/DCO "R", Sex "U")
/// are accepted as SEN2.md gives them; check them against the DfE specification before go-live (SEN2.md 5.1).
/// </summary>
public static class Sen2CodeLists
{
    /// <summary>Who made the request (2026+).</summary>
    public static Sen2CodeList RequestSource { get; } = new("RequestSource", Sen2FhirUrls.CodeSystems.RequestSource,
    [
        new("1", "Young person or parent"),
        new("2", "School or other education setting"),
        new("3", "Health care professionals"),
        new("4", "Social care professionals"),
        new("5", "Other"),
    ]);

    public static Sen2CodeList RequestOutcome { get; } = new("RequestOutcome", Sen2FhirUrls.CodeSystems.RequestOutcome,
    [
        new("Y", "LA proceeded with an assessment"),
        new("N", "LA decided not to proceed with an assessment"),
        new("A", "Decision yet to be made"),
        new("W", "Request withdrawn or ceased before the decision to assess"),
        new("H", "Historical: decision to assess made before the latest collection period"),
    ]);

    public static Sen2CodeList AssessmentOutcome { get; } = new("AssessmentOutcome", Sen2FhirUrls.CodeSystems.AssessmentOutcome,
    [
        new("Y", "Decided an EHC plan would be issued"),
        new("N", "Decided an EHC plan would not be issued"),
        new("A", "Decision not yet made"),
        new("W", "Withdrawn or ceased before the decision whether to issue"),
        new("H", "Historical: decision to issue made before the latest collection period, or plan transferred in"),
    ]);

    public static Sen2CodeList CeaseReason { get; } = new("CeaseReason", Sen2FhirUrls.CodeSystems.CeaseReason,
    [
        new("1", "Reached maximum age"),
        new("2", "Ongoing education or training needs being met without an EHC plan"),
        new("3", "Moved on to higher education"),
        new("4", "Moved on to paid employment, excluding apprenticeships"),
        new("5", "Transferred to another local authority in England"),
        new("6", "Young person no longer wishes to engage in education or training"),
        new("7", "Moved outside England"),
        new("8", "Deceased"),
        new("9", "Other"),
    ]);

    /// <summary>Setting type where the setting has no URN or UKPRN.</summary>
    public static Sen2CodeList SenSetting { get; } = new("SENsetting", Sen2FhirUrls.CodeSystems.SenSetting,
    [
        new("OLA", "Other: arrangements made by the LA under s.61 of the Children and Families Act 2014"),
        new("OPA", "Other: arrangements made by parents or young person under s.42(5), excluding elective home education"),
        new("EHE", "Elective home education"),
        new("EYP", "Early years provider with no URN"),
        new("OTH", "Other, e.g. a type of setting named in the plan but no specific setting", 2024),
        new("NEET", "Not in education, employment or training, aged 16-25"),
        new("NIEC", "Not in education or training: notice to cease issued"),
        new("NIEO", "Not in education or training: other"),
    ]);

    public static Sen2CodeList ReviewOutcome { get; } = new("ReviewOutcome", Sen2FhirUrls.CodeSystems.ReviewOutcome,
    [
        new("A", "Amend the EHC plan"),
        new("C", "Cease the EHC plan"),
        new("M", "Maintain the EHC plan"),
    ]);

    /// <summary>PlanRes and RES.</summary>
    public static Sen2CodeList Residential { get; } = new("RES", Sen2FhirUrls.CodeSystems.Residential,
    [
        new("A", "Residential, 38 to 51 weeks"),
        new("B", "Residential, 52 weeks"),
    ]);

    /// <summary>PlanWBP and WBP.</summary>
    public static Sen2CodeList WorkBasedLearning { get; } = new("WBP", Sen2FhirUrls.CodeSystems.WorkBasedLearning,
    [
        new("A", "Apprenticeship"),
        new("T", "Traineeship"),
        new("S", "Supported internship"),
    ]);

    public static Sen2CodeList DirectPayments { get; } = new("DP", Sen2FhirUrls.CodeSystems.DirectPayment,
    [
        new("E", "Direct payment for education only"),
        new("S", "Direct payment for social care only"),
        new("H", "Direct payment for health only"),
        new("I", "Integrated direct payment for a combination"),
    ]);

    /// <summary>SENtype: the existing need-type code system, so imported needs read like every other send-need Condition.</summary>
    public static Sen2CodeList SenType { get; } = new("SENtype", SendCanonical.CodeSystems.Sen2NeedType,
    [
        new("SPLD", "Specific learning difficulty"),
        new("MLD", "Moderate learning difficulty"),
        new("SLD", "Severe learning difficulty"),
        new("PMLD", "Profound and multiple learning difficulty"),
        new("SEMH", "Social, emotional and mental health"),
        new("SLCN", "Speech, language and communication needs"),
        new("HI", "Hearing impairment"),
        new("VI", "Vision impairment"),
        new("MSI", "Multi-sensory impairment"),
        new("PD", "Physical disability"),
        new("ASD", "Autistic spectrum disorder"),
        new("DS", "Down syndrome", 2025),
        new("OTH", "Other difficulty"),
    ]);

    /// <summary>Sex (2024+). Maps to Patient.gender, so it has no code system of its own.</summary>
    public static Sen2CodeList Sex { get; } = new("Sex", null,
    [
        new("M", "Male"),
        new("F", "Female"),
        new("U", "Unknown"),
    ]);

    /// <summary>Why neither a UPN nor a ULN is given. UN4, UN6 and UN7 are CIN-census reasons and are refused.</summary>
    public static Sen2CodeList UpnUnknown { get; } = new("UPNunknown", Sen2FhirUrls.CodeSystems.UpnUnknown,
    [
        new("UN1", "Child under 6 and not yet given a UPN"),
        new("UN2", "Never attended a state-funded school in England"),
        new("UN3", "Educated outside England"),
        new("UN5", "Sources collating UPNs disagree on name or date of birth"),
        new("UN8", "Person new to the LA and UPN/ULN not yet known"),
        new("UN9", "Young person never attended a state-funded school or FE setting in England"),
        new("UN10", "Request for assessment ended with no further action before UPN/ULN known"),
    ]);

    /// <summary>DMO and DCO in the header: does the LA have a designated medical / clinical officer.</summary>
    public static Sen2CodeList DesignatedOfficer { get; } = new("DMO/DCO", Sen2FhirUrls.CodeSystems.DesignatedOfficer,
    [
        new("Y", "Yes"),
        new("N", "No"),
        new("R", "R (meaning not published)"),
    ]);

    /// <summary>
    /// CBDS ethnicity: the main codes, plus the extended codes SEN2.md names (real files carry them; SEN2.md 2.12). Other
    /// extended codes are refused until their list is confirmed.
    /// </summary>
    public static Sen2CodeList Ethnicity { get; } = new("Ethnicity", Sen2FhirUrls.CodeSystems.CbdsEthnicity,
    [
        new("WBRI", "White - British"),
        new("WIRI", "White - Irish"),
        new("WIRT", "Traveller of Irish heritage"),
        new("WOTH", "Any other White background"),
        new("WROM", "Gypsy / Roma"),
        new("MWBC", "White and Black Caribbean"),
        new("MWBA", "White and Black African"),
        new("MWAS", "White and Asian"),
        new("MOTH", "Any other mixed background"),
        new("AIND", "Indian"),
        new("APKN", "Pakistani"),
        new("ABAN", "Bangladeshi"),
        new("AOTH", "Any other Asian background"),
        new("BCRB", "Black Caribbean"),
        new("BAFR", "Black - African"),
        new("BOTH", "Any other Black background"),
        new("CHNE", "Chinese"),
        new("OOTH", "Any other ethnic group"),
        new("REFU", "Refused"),
        new("NOBT", "Information not yet obtained"),
        new("WENG", "White - English"),
        new("WSCO", "White - Scottish"),
        new("WCOR", "White - Cornish"),
        new("WNIR", "White - Northern Irish"),
        new("WWEL", "White - Welsh"),
        new("WOWB", "Other White British"),
        new("WALB", "Albanian"),
        new("MWAP", "White and Pakistani"),
        new("MWAI", "White and Indian"),
        new("MWAO", "White and any other Asian background"),
        new("AAFR", "African Asian"),
        new("AKPA", "Kashmiri Pakistani"),
        new("BANN", "Angolan"),
        new("CHKC", "Hong Kong Chinese"),
        new("OAFG", "Afghan"),
    ]);

    /// <summary>Every list, for tests and documentation.</summary>
    public static IReadOnlyList<Sen2CodeList> All { get; } =
    [
        RequestSource, RequestOutcome, AssessmentOutcome, CeaseReason, SenSetting, ReviewOutcome, Residential,
        WorkBasedLearning, DirectPayments, SenType, Sex, UpnUnknown, DesignatedOfficer, Ethnicity,
    ];
}
