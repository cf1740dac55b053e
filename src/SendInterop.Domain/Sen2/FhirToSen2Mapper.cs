using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;
using V = SendInterop.Domain.Sen2.Sen2FhirValues;
using X = SendInterop.Domain.Sen2.Sen2FhirUrls.Extensions;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// Builds a child's SEN2 person from their FHIR resources for one LA's return: the Patient, and the ServiceRequests,
/// CarePlans, Conditions and Encounters that carry that LA's <see cref="Sen2RecordKey"/> (as <see cref="Sen2ToFhirMapper"/>
/// writes them, whether read from its Bundle or back from the gateway). Resources of other LAs, and resources with no SEN2
/// record key, are not part of the return and are ignored.
/// </summary>
/// <remarks>Problems name the resource type and record key or element, never a value from the record.</remarks>
public static class FhirToSen2Mapper
{
    /// <summary>The person, or the problems that stop one being built (a mandatory SEN2 item with nothing to fill it).</summary>
    public static bool TryMap(IEnumerable<Resource> resources, LaCode la, out Sen2Person person, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var all = resources.ToList();
        var found = new List<string>();
        person = null!;
        problems = found;

        var patients = all.OfType<Patient>().ToList();
        if (patients.Count != 1)
        {
            found.Add($"expected the child's one Patient, found {patients.Count}");
            return false;
        }

        var prefix = la.Value + "/";
        var keyed = all.Where(r => RecordKey(r) is { } key && key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(r => r.TypeName + "|" + RecordKey(r), StringComparer.Ordinal);
        var requests = all.OfType<ServiceRequest>()
            .Select(sr => (Resource: sr, Key: RecordKey(sr)))
            .Where(x => x.Key is not null && x.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(x => x.Resource.AuthoredOn, StringComparer.Ordinal)
            .ThenBy(x => UndatedOrdinal(x.Key!))
            .Select(x => Request(x.Resource, x.Key!, keyed, found))
            .ToList();
        if (requests.Count == 0) found.Add($"no ServiceRequest carries a SEN2 record key of LA {la.Value}");

        var built = Person(patients[0], requests, found);
        if (found.Count > 0) return false;
        person = built;
        return true;
    }

    private static Sen2Person Person(Patient patient, List<Sen2Request> requests, List<string> problems)
    {
        var name = patient.Name.FirstOrDefault(n => n.Use == HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
        if (string.IsNullOrEmpty(name?.Family)) problems.Add("Patient: no family name (Surname)");
        var forename = name is null ? "" : string.Join(' ', name.Given);
        if (forename.Length == 0) problems.Add("Patient: no given name (Forename)");
        var birth = V.ParseDate(patient.BirthDate);
        if (birth is null) problems.Add("Patient: no full birthDate (PersonBirthDate)");
        var postCode = (patient.Address.FirstOrDefault(a => a.Use == Address.AddressUse.Home && !string.IsNullOrEmpty(a.PostalCode))
                        ?? patient.Address.FirstOrDefault(a => !string.IsNullOrEmpty(a.PostalCode)))?.PostalCode;
        if (postCode is null) problems.Add("Patient: no address postalCode (PostCode)");

        Upn? upn = patient.Identifier.FirstOrDefault(i => i.System == IdentifierSystems.Upn) is { } u && Upn.TryParse(u.Value, out var parsedUpn, out _) ? parsedUpn : null;
        Uln? uln = patient.Identifier.FirstOrDefault(i => i.System == IdentifierSystems.Uln) is { } l && Uln.TryParse(l.Value, out var parsedUln, out _) ? parsedUln : null;
        var upnUnknown = V.Code(patient, X.UpnUnknown, Sen2CodeLists.UpnUnknown);
        if (upn is null && uln is null && upnUnknown is null) problems.Add("Patient: no valid UPN or ULN and no UPNunknown reason");

        return new Sen2Person
        {
            Surname = name?.Family ?? "",
            Forename = forename,
            BirthDate = birth ?? default,
            Sex = Sen2CodeLists.Sex[patient.Gender switch
            {
                AdministrativeGender.Male => "M",
                AdministrativeGender.Female => "F",
                _ => "U",
            }],
            // A child recorded without SEN2 ethnicity has it "not yet obtained" (NOBT), the CBDS code for exactly that.
            Ethnicity = V.Code(patient, X.Ethnicity, Sen2CodeLists.Ethnicity) ?? Sen2CodeLists.Ethnicity["NOBT"],
            PostCode = postCode ?? "",
            Upn = upn,
            Uln = uln,
            UpnUnknown = upn is null && uln is null ? upnUnknown : null,
            Requests = requests,
        };
    }

    private static Sen2Request Request(ServiceRequest sr, string key, Dictionary<string, Resource> keyed, List<string> problems)
    {
        var outcome = V.Code(sr, X.RequestOutcome, Sen2CodeLists.RequestOutcome);
        if (outcome is null) problems.Add($"ServiceRequest {key}: no SEN2 RequestOutcome");
        var plan = keyed.GetValueOrDefault("CarePlan|" + Sen2RecordKey.Plan(key)) as CarePlan;
        return new Sen2Request
        {
            ReceivedDate = V.ParseDate(sr.AuthoredOn),
            Source = V.Code(sr, X.RequestSource, Sen2CodeLists.RequestSource),
            WhilstInRya = V.Flag(sr, X.RequestWhilstInRya),
            OutcomeDate = V.Date(sr, X.RequestOutcomeDate),
            Outcome = outcome ?? default,
            Mediation = V.Flag(sr, X.RequestMediation),
            Tribunal = V.Flag(sr, X.RequestTribunal),
            ExportedTo = V.La(sr, X.ExportedTo),
            Assessment = Assessment(sr, plan, key, problems),
            ActivePlan = plan is null ? null : ActivePlan(plan, key, keyed),
        };
    }

    private static Sen2Assessment? Assessment(ServiceRequest sr, CarePlan? plan, string key, List<string> problems)
    {
        if (V.Find(sr, X.Assessment) is not { } e) return null;
        var outcome = V.Code(e, "outcome", Sen2CodeLists.AssessmentOutcome);
        if (outcome is null) problems.Add($"ServiceRequest {key}: SEN2 assessment has no outcome");
        return new Sen2Assessment
        {
            Outcome = outcome ?? default,
            OutcomeDate = V.Date(e, "outcomeDate"),
            Mediation = V.Flag(e, "mediation"),
            Tribunal = V.Flag(e, "tribunal"),
            OtherMediation = V.Flag(e, "otherMediation"),
            OtherTribunal = V.Flag(e, "otherTribunal"),
            Week20ExceptionsApply = V.Flag(e, "week20"),
            NamedPlan = plan is null ? null : NamedPlan(plan),
        };
    }

    /// <summary>The named plan: present when the CarePlan has its start date (StartDate is mandatory in NamedPlan).</summary>
    private static Sen2NamedPlan? NamedPlan(CarePlan plan)
    {
        if (V.ParseDate(plan.Period?.Start) is not { } start) return null;
        var budget = V.Find(plan, X.PersonalBudget);
        return new Sen2NamedPlan
        {
            StartDate = start,
            Settings = plan.Extension.Where(e => e.Url == SendCanonical.Extensions.EhcPlacement)
                .Select(e => (e.Value as ResourceReference) is { } r && V.Find(r, X.SettingDetail) is { } d ? d : null)
                .OfType<Extension>()
                .Select(d => new Sen2PlanDetail
                {
                    Setting = Setting(d),
                    Rank = V.Integer(d, "rank") ?? 0,
                    SenUnit = V.Flag(d, "senUnit") ?? false,
                    ResourcedProvision = V.Flag(d, "resourcedProvision") ?? false,
                })
                .ToList(),
            Residential = V.Code(plan, X.Residential, Sen2CodeLists.Residential),
            WorkBasedLearning = V.Code(plan, X.WorkBasedLearning, Sen2CodeLists.WorkBasedLearning),
            PersonalBudget = budget is null ? null : V.Flag(budget, "takenUp"),
            OrganisedArrangements = budget is null ? null : V.Flag(budget, "organisedArrangements"),
            DirectPayments = budget is null ? null : V.Code(budget, "directPayments", Sen2CodeLists.DirectPayments),
            CeaseDate = V.ParseDate(plan.Period?.End),
            CeaseReason = V.Code(plan, X.CeaseReason, Sen2CodeLists.CeaseReason),
        };
    }

    /// <summary>The active plan: present when the CarePlan holds any module 5 item (placements, needs, review, transfer).</summary>
    private static Sen2ActivePlan? ActivePlan(CarePlan plan, string key, Dictionary<string, Resource> keyed)
    {
        var placements = plan.Activity
            .Select(a => V.Find(a, X.SettingDetail) is { } d && a.Detail?.Scheduled is Period p && V.ParseDate(p.Start) is { } entry
                ? new Sen2Placement
                {
                    Setting = Setting(d),
                    Rank = V.Integer(d, "rank") ?? 0,
                    EntryDate = entry,
                    LeavingDate = V.ParseDate(p.End),
                    SenUnit = V.Flag(d, "senUnit") ?? false,
                    ResourcedProvision = V.Flag(d, "resourcedProvision") ?? false,
                    Residential = V.Code(d, "residential", Sen2CodeLists.Residential),
                    WorkBasedLearning = V.Code(d, "workBasedLearning", Sen2CodeLists.WorkBasedLearning),
                }
                : null)
            .OfType<Sen2Placement>()
            .ToList();
        var needPrefix = "Condition|" + key + "/need";
        var needs = keyed.Where(kv => kv.Key.StartsWith(needPrefix, StringComparison.Ordinal))
            .Select(kv => kv.Value as Condition)
            .Select(c => c is null ? null : NeedOf(c))
            .OfType<Sen2Need>()
            .OrderBy(n => n.Rank)
            .ToList();
        var review = keyed.GetValueOrDefault("Encounter|" + Sen2RecordKey.Review(key)) as Encounter;
        var active = new Sen2ActivePlan
        {
            TransferredInFrom = V.La(plan, X.TransferredInFrom),
            Placements = placements,
            Needs = needs,
            ReviewMeeting = V.ParseDate(review?.Period?.Start),
            ReviewOutcome = review is null ? null : V.Code(review, X.ReviewOutcome, Sen2CodeLists.ReviewOutcome),
            ReviewDraft = review is null ? null : V.Date(review, X.ReviewDraftDate),
            PhaseTransferDueDate = V.Date(plan, X.PhaseTransferDueDate),
            PhaseTransferFinalDate = V.Date(plan, X.PhaseTransferFinalDate),
            LastReview = review is null ? null : V.Date(review, X.ReviewDecisionDate),
        };
        var empty = active is { TransferredInFrom: null, Placements.Count: 0, Needs.Count: 0, ReviewMeeting: null, ReviewOutcome: null, ReviewDraft: null }
                    && active is { PhaseTransferDueDate: null, PhaseTransferFinalDate: null, LastReview: null };
        return empty ? null : active;
    }

    private static Sen2Need? NeedOf(Condition condition)
    {
        var type = condition.Category.SelectMany(c => c.Coding).Select(c => V.FromCoding(c, Sen2CodeLists.SenType)).FirstOrDefault(c => c is not null);
        var rank = V.Integer(condition, SendCanonical.Extensions.SenNeedRank);
        return type is { } t && rank is { } r ? new Sen2Need(t, r) : null;
    }

    private static Sen2Setting Setting(Extension detail) => new()
    {
        Urn = (V.Find(detail, "urn")?.Value as Identifier)?.Value is { } urn && SchoolUrn.TryParse(urn, out var u, out _) ? u : null,
        Ukprn = (V.Find(detail, "ukprn")?.Value as Identifier)?.Value is { } ukprn && Ukprn.TryParse(ukprn, out var k, out _) ? k : null,
        SenSetting = V.Code(detail, "senSetting", Sen2CodeLists.SenSetting),
        SenSettingOther = V.Text(detail, "senSettingOther"),
    };

    private static string? RecordKey(Resource resource) => resource switch
    {
        ServiceRequest r => Key(r.Identifier),
        CarePlan r => Key(r.Identifier),
        Condition r => Key(r.Identifier),
        Encounter r => Key(r.Identifier),
        _ => null,
    };

    private static string? Key(List<Identifier> identifiers) => identifiers.FirstOrDefault(i => i.System == Sen2FhirUrls.RecordIdentifier)?.Value;

    /// <summary>Undated requests keep their order through the ordinal in their key (<c>.../n2</c>).</summary>
    private static int UndatedOrdinal(string key)
    {
        var last = key[(key.LastIndexOf('/') + 1)..];
        return last.StartsWith('n') && int.TryParse(last.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}
