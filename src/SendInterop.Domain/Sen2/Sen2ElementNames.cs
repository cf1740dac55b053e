using N = SendInterop.Domain.Sen2.Sen2ElementNames;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// The XML element names, as the writer spells them (SEN2.md section 3 recommendations), and the variants the reader also
/// accepts. Matching is case-insensitive because real files disagree on case (SENsetting / SENSetting, RES / Res,
/// PostCode / Postcode).
/// </summary>
internal static class Sen2ElementNames
{
    public const string Message = "Message";
    public const string Header = "Header";
    public const string CollectionDetails = "CollectionDetails";
    public const string Collection = "Collection";
    public const string Year = "Year";
    public const string ReferenceDate = "ReferenceDate";
    public const string Source = "Source";
    public const string SourceLevel = "SourceLevel";
    public const string Lea = "LEA";
    public const string SoftwareCode = "SoftwareCode";
    public const string Release = "Release";
    public const string SerialNo = "SerialNo";
    public const string DateTime = "DateTime";
    public const string Dmo = "DMO";
    public const string Dco = "DCO";
    public const string Persons = "Persons";
    public const string Person = "Person";

    public const string Surname = "Surname";
    public const string Forename = "Forename";
    public const string PersonBirthDate = "PersonBirthDate";
    public const string Sex = "Sex";
    public const string Ethnicity = "Ethnicity";
    public const string PostCode = "PostCode";
    public const string Upn = "UPN";
    public const string Uln = "UniqueLearnerNumber";
    public const string UpnUnknown = "UPNunknown";
    public const string Requests = "Requests";

    public const string ReceivedDate = "ReceivedDate";
    public const string RequestSource = "RequestSource";
    public const string Rya = "RYA";
    public const string RequestOutcomeDate = "RequestOutcomeDate";
    public const string RequestOutcome = "RequestOutcome";
    public const string RequestMediation = "RequestMediation";
    public const string RequestTribunal = "RequestTribunal";
    public const string Exported = "Exported";
    public const string Assessment = "Assessment";
    public const string ActivePlans = "ActivePlans";

    public const string AssessmentOutcome = "AssessmentOutcome";
    public const string AssessmentOutcomeDate = "AssessmentOutcomeDate";
    public const string AssessmentMediation = "AssessmentMediation";
    public const string AssessmentTribunal = "AssessmentTribunal";
    public const string OtherMediation = "OtherMediation";
    public const string OtherTribunal = "OtherTribunal";
    public const string Week20 = "Week20";
    public const string NamedPlan = "NamedPlan";

    public const string StartDate = "StartDate";
    public const string PlanDetail = "PlanDetail";
    public const string PlanRes = "PlanRes";
    public const string PlanWbp = "PlanWBP";
    public const string Pb = "PB";
    public const string Oa = "OA";
    public const string Dp = "DP";
    public const string CeaseDate = "CeaseDate";
    public const string CeaseReason = "CeaseReason";

    public const string Urn = "URN";
    public const string Ukprn = "UKPRN";
    public const string SenSetting = "SENsetting";
    public const string SenSettingOther = "SENsettingOther";
    public const string PlacementRank = "PlacementRank";
    public const string SenUnitIndicator = "SENunitIndicator";
    public const string ResourcedProvisionIndicator = "ResourcedProvisionIndicator";

    public const string TransferLa = "TransferLA";
    public const string PlacementDetail = "PlacementDetail";
    public const string SenNeed = "SENneed";
    public const string ReviewMeeting = "ReviewMeeting";
    public const string ReviewOutcome = "ReviewOutcome";
    public const string ReviewDraft = "ReviewDraft";
    public const string PhaseTransferDueDate = "PhaseTransferDueDate";
    public const string PhaseTransferFinalDate = "PhaseTransferFinalDate";
    public const string LastReview = "LastReview";

    public const string EntryDate = "EntryDate";
    public const string LeavingDate = "LeavingDate";
    public const string Res = "RES";
    public const string Wbp = "WBP";

    public const string SenType = "SENtype";
    public const string SenTypeRank = "SENtypeRank";

    /// <summary>Spellings seen in the wild that mean a canonical item (SEN2.md section 3); case variants need no entry.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["PlanWPB"] = PlanWbp,
        ["WPB"] = Wbp,
    };
}

/// <summary>
/// The items one SEN2 element may hold (the reader does not depend on their order) and which of them repeat. One instance
/// per element type, built once.
/// </summary>
internal sealed class Sen2ElementSpec
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    public Sen2ElementSpec(string name, string[] items, params string[] repeating)
    {
        Name = name;
        Items = items;
        Repeats = items.Select(repeating.Contains).ToArray();
        for (var i = 0; i < items.Length; i++) _index[items[i]] = i;
        foreach (var (alias, canonical) in Sen2ElementNames.Aliases)
            if (_index.TryGetValue(canonical, out var i)) _index[alias] = i;
    }

    public string Name { get; }

    public string[] Items { get; }

    public bool[] Repeats { get; }

    /// <summary>The slot of an element name (any case, or a known alias), or -1 when the element is not an item here.</summary>
    public int IndexOf(string elementName) => _index.TryGetValue(elementName, out var i) ? i : -1;

    public static Sen2ElementSpec CollectionDetails { get; } = new(N.CollectionDetails, [N.Collection, N.Year, N.ReferenceDate]);

    public static Sen2ElementSpec Source { get; } = new(N.Source, [N.SourceLevel, N.Lea, N.SoftwareCode, N.Release, N.SerialNo, N.DateTime, N.Dmo, N.Dco]);

    public static Sen2ElementSpec Header { get; } = new(N.Header, [N.CollectionDetails, N.Source]);

    public static Sen2ElementSpec Person { get; } = new(N.Person,
        [N.Surname, N.Forename, N.PersonBirthDate, N.Sex, N.Ethnicity, N.PostCode, N.Upn, N.Uln, N.UpnUnknown, N.Requests], N.Requests);

    public static Sen2ElementSpec Request { get; } = new(N.Requests,
        [N.ReceivedDate, N.RequestSource, N.Rya, N.RequestOutcomeDate, N.RequestOutcome, N.RequestMediation, N.RequestTribunal, N.Exported, N.Assessment, N.ActivePlans]);

    public static Sen2ElementSpec Assessment { get; } = new(N.Assessment,
        [N.AssessmentOutcome, N.AssessmentOutcomeDate, N.AssessmentMediation, N.AssessmentTribunal, N.OtherMediation, N.OtherTribunal, N.Week20, N.NamedPlan]);

    public static Sen2ElementSpec NamedPlan { get; } = new(N.NamedPlan,
        [N.StartDate, N.PlanDetail, N.PlanRes, N.PlanWbp, N.Pb, N.Oa, N.Dp, N.CeaseDate, N.CeaseReason], N.PlanDetail);

    public static Sen2ElementSpec PlanDetail { get; } = new(N.PlanDetail,
        [N.Urn, N.Ukprn, N.SenSetting, N.SenSettingOther, N.PlacementRank, N.SenUnitIndicator, N.ResourcedProvisionIndicator]);

    /// <summary>RES and WBP are also read here: their 2023 position (SEN2.md section 3).</summary>
    public static Sen2ElementSpec ActivePlans { get; } = new(N.ActivePlans,
        [N.TransferLa, N.PlacementDetail, N.SenNeed, N.ReviewMeeting, N.ReviewOutcome, N.ReviewDraft, N.PhaseTransferDueDate, N.PhaseTransferFinalDate, N.LastReview, N.Res, N.Wbp],
        N.PlacementDetail, N.SenNeed);

    public static Sen2ElementSpec PlacementDetail { get; } = new(N.PlacementDetail,
        [N.Urn, N.Ukprn, N.SenSetting, N.SenSettingOther, N.PlacementRank, N.EntryDate, N.LeavingDate, N.SenUnitIndicator, N.ResourcedProvisionIndicator, N.Res, N.Wbp]);

    public static Sen2ElementSpec SenNeed { get; } = new(N.SenNeed, [N.SenType, N.SenTypeRank]);
}
