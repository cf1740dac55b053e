using SendInterop.Domain.Identifiers;
using N = SendInterop.Domain.Sen2.Sen2ElementNames;
using S = SendInterop.Domain.Sen2.Sen2ElementSpec;

namespace SendInterop.Domain.Sen2;

/// <summary>What identifies a parsed person for duplicate detection, known even when the record has other errors.</summary>
internal readonly record struct Sen2PersonIdentity(string? Upn, string? Uln, string? Demographic, Sen2XmlNode? UpnNode, Sen2XmlNode? UlnNode);

/// <summary>
/// Turns one captured <c>Person</c> element into a <see cref="Sen2Person"/>, or into the list of every rule it breaks:
/// mandatory items, code lists (by collection year), dates, yes/no items, identifiers and their check characters,
/// duplicates inside the record, and the order of its dates. Builds the person only when no rule is broken.
/// </summary>
internal sealed class Sen2PersonParser
{
    private const int MaxPlacementRank = 2;

    private readonly Sen2ValueParser _values;
    private readonly DateOnly _referenceDate;

    private Sen2PersonParser(Sen2ValueParser values, DateOnly referenceDate)
    {
        _values = values;
        _referenceDate = referenceDate;
    }

    private Sen2RecordErrors Errors => _values.Errors;

    public static (Sen2Person? Person, Sen2PersonIdentity Identity, IReadOnlyList<Sen2Error> Errors) Parse(
        Sen2XmlNode node, int record, Sen2Header header, Sen2ReaderOptions options)
    {
        var errors = new Sen2RecordErrors(record);
        var parser = new Sen2PersonParser(new Sen2ValueParser(errors, header.Year, options.MaxValueLength), header.ReferenceDate);
        var (person, identity) = parser.Person(node, $"/{N.Message}/{N.Persons}/{N.Person}[{record}]");
        return (errors.Any ? null : person, identity, errors.All);
    }

    private (Sen2Person Person, Sen2PersonIdentity Identity) Person(Sen2XmlNode node, string path)
    {
        var items = Sen2Items.Group(node, path, S.Person, Errors);
        var surname = _values.Text(items, N.Surname, mandatory: true);
        var forename = _values.Text(items, N.Forename, mandatory: true);
        var birth = _values.Date(items, N.PersonBirthDate, mandatory: true);
        var sex = _values.Code(items, N.Sex, Sen2CodeLists.Sex, mandatory: true);
        var ethnicity = _values.Code(items, N.Ethnicity, Sen2CodeLists.Ethnicity, mandatory: true);
        var postCode = _values.Text(items, N.PostCode, mandatory: true);
        var upn = _values.Upn(items, N.Upn);
        var uln = _values.Uln(items, N.Uln);
        var upnUnknown = _values.Code(items, N.UpnUnknown, Sen2CodeLists.UpnUnknown);

        // DfE: a person has a UPN and/or a ULN, or else the reason neither is known.
        var anyIdentifierItem = items.One(N.Upn) is not null || items.One(N.Uln) is not null;
        if (!anyIdentifierItem && items.One(N.UpnUnknown) is null)
            Errors.Add(node, items.PathOf(N.Upn), Sen2Rule.MissingMandatoryItem, "a person needs a UPN, a UniqueLearnerNumber or a UPNunknown reason");
        if (anyIdentifierItem && items.One(N.UpnUnknown) is { } unknownNode)
            Errors.Add(unknownNode, items.PathOf(N.UpnUnknown), Sen2Rule.ConflictingItems, "UPNunknown is given although a UPN or ULN is present");

        if (birth is { } b && b > _referenceDate)
            Errors.Add(items.One(N.PersonBirthDate)!, items.PathOf(N.PersonBirthDate), Sen2Rule.DatesOutOfOrder, "PersonBirthDate is after the return's ReferenceDate");

        var requestNodes = items.Many(N.Requests);
        if (requestNodes.Count == 0)
            Errors.Add(node, items.PathOf(N.Requests), Sen2Rule.MissingMandatoryItem, "a person needs at least one Requests element");
        var requests = new List<Sen2Request>(requestNodes.Count);
        var received = new HashSet<DateOnly>();
        for (var i = 0; i < requestNodes.Count; i++)
        {
            var requestPath = items.PathOf(N.Requests, i + 1);
            var request = Request(requestNodes[i], requestPath, birth);
            // The received date keys the request's FHIR resources: two requests on one day would overwrite each other.
            if (request.ReceivedDate is { } day && !received.Add(day))
                Errors.Add(requestNodes[i], $"{requestPath}/{N.ReceivedDate}", Sen2Rule.DuplicateItem, "another Requests element of this person has the same ReceivedDate");
            requests.Add(request);
        }

        var demographic = surname is not null && forename is not null && birth is not null && postCode is not null
            ? string.Join('\u001f', surname.ToUpperInvariant(), forename.ToUpperInvariant(), birth.Value.DayNumber, Normalise(postCode))
            : null;
        var identity = new Sen2PersonIdentity(upn?.Value, uln?.Value, demographic, items.One(N.Upn), items.One(N.Uln));

        var person = new Sen2Person
        {
            Surname = surname ?? "",
            Forename = forename ?? "",
            BirthDate = birth ?? default,
            Sex = sex ?? default,
            Ethnicity = ethnicity ?? default,
            PostCode = postCode ?? "",
            Upn = upn,
            Uln = uln,
            UpnUnknown = upnUnknown,
            Requests = requests,
        };
        return (person, identity);
    }

    private Sen2Request Request(Sen2XmlNode node, string path, DateOnly? birth)
    {
        var items = Sen2Items.Group(node, path, S.Request, Errors);
        var receivedDate = _values.Date(items, N.ReceivedDate);
        var outcomeDate = _values.Date(items, N.RequestOutcomeDate);
        NotBefore(items, N.ReceivedDate, receivedDate, birth, "the person's PersonBirthDate");
        NotBefore(items, N.RequestOutcomeDate, outcomeDate, receivedDate, N.ReceivedDate);

        var assessmentNode = items.One(N.Assessment);
        var activeNode = items.One(N.ActivePlans);
        return new Sen2Request
        {
            ReceivedDate = receivedDate,
            Source = _values.Code(items, N.RequestSource, Sen2CodeLists.RequestSource),
            WhilstInRya = _values.Flag(items, N.Rya),
            OutcomeDate = outcomeDate,
            Outcome = _values.Code(items, N.RequestOutcome, Sen2CodeLists.RequestOutcome, mandatory: true) ?? default,
            Mediation = _values.Flag(items, N.RequestMediation),
            Tribunal = _values.Flag(items, N.RequestTribunal),
            ExportedTo = _values.La(items, N.Exported),
            Assessment = assessmentNode is null ? null : Assessment(assessmentNode, items.PathOf(N.Assessment), receivedDate, outcomeDate),
            ActivePlan = activeNode is null ? null : ActivePlan(activeNode, items.PathOf(N.ActivePlans)),
        };
    }

    private Sen2Assessment Assessment(Sen2XmlNode node, string path, DateOnly? received, DateOnly? requestDecided)
    {
        var items = Sen2Items.Group(node, path, S.Assessment, Errors);
        var outcome = _values.Code(items, N.AssessmentOutcome, Sen2CodeLists.AssessmentOutcome, mandatory: true);
        var outcomeDate = _values.Date(items, N.AssessmentOutcomeDate);
        if (!NotBefore(items, N.AssessmentOutcomeDate, outcomeDate, received, "the request's ReceivedDate"))
            NotBefore(items, N.AssessmentOutcomeDate, outcomeDate, requestDecided, "the request's RequestOutcomeDate");

        var planNode = items.One(N.NamedPlan);
        // Only a plan issued from this request dates from after it; an H plan (historical or transferred in) may not.
        var planNotBefore = outcome?.Value == "Y" ? received : null;
        return new Sen2Assessment
        {
            Outcome = outcome ?? default,
            OutcomeDate = outcomeDate,
            Mediation = _values.Flag(items, N.AssessmentMediation),
            Tribunal = _values.Flag(items, N.AssessmentTribunal),
            OtherMediation = _values.Flag(items, N.OtherMediation),
            OtherTribunal = _values.Flag(items, N.OtherTribunal),
            Week20ExceptionsApply = _values.Flag(items, N.Week20),
            NamedPlan = planNode is null ? null : NamedPlan(planNode, items.PathOf(N.NamedPlan), planNotBefore),
        };
    }

    private Sen2NamedPlan NamedPlan(Sen2XmlNode node, string path, DateOnly? received)
    {
        var items = Sen2Items.Group(node, path, S.NamedPlan, Errors);
        var start = _values.Date(items, N.StartDate, mandatory: true);
        var cease = _values.Date(items, N.CeaseDate);
        NotBefore(items, N.StartDate, start, received, "the request's ReceivedDate");
        NotBefore(items, N.CeaseDate, cease, start, N.StartDate);

        var detailNodes = items.Many(N.PlanDetail);
        var settings = new List<Sen2PlanDetail>(detailNodes.Count);
        var ranks = new HashSet<int>();
        for (var i = 0; i < detailNodes.Count; i++)
        {
            var detailPath = items.PathOf(N.PlanDetail, i + 1);
            var detail = Items(detailNodes[i], detailPath, S.PlanDetail);
            var rank = _values.Rank(detail, N.PlacementRank, MaxPlacementRank);
            if (rank is { } r && !ranks.Add(r))
                Errors.Add(detail.One(N.PlacementRank)!, detail.PathOf(N.PlacementRank), Sen2Rule.DuplicateItem, "another PlanDetail of this plan has the same PlacementRank");
            settings.Add(new Sen2PlanDetail
            {
                Setting = Setting(detail),
                Rank = rank ?? 0,
                SenUnit = _values.Flag(detail, N.SenUnitIndicator, mandatory: true) ?? false,
                ResourcedProvision = _values.Flag(detail, N.ResourcedProvisionIndicator, mandatory: true) ?? false,
            });
        }

        return new Sen2NamedPlan
        {
            StartDate = start ?? default,
            Settings = settings,
            Residential = _values.Code(items, N.PlanRes, Sen2CodeLists.Residential),
            WorkBasedLearning = _values.Code(items, N.PlanWbp, Sen2CodeLists.WorkBasedLearning),
            PersonalBudget = _values.Flag(items, N.Pb),
            OrganisedArrangements = _values.Flag(items, N.Oa),
            DirectPayments = _values.Code(items, N.Dp, Sen2CodeLists.DirectPayments),
            CeaseDate = cease,
            CeaseReason = _values.Code(items, N.CeaseReason, Sen2CodeLists.CeaseReason),
        };
    }

    private Sen2ActivePlan ActivePlan(Sen2XmlNode node, string path)
    {
        var items = Sen2Items.Group(node, path, S.ActivePlans, Errors);
        var placementNodes = items.Many(N.PlacementDetail);
        var placements = new List<Sen2Placement>(placementNodes.Count);
        var seen = new HashSet<(int, DateOnly)>();
        for (var i = 0; i < placementNodes.Count; i++)
        {
            var detail = Items(placementNodes[i], items.PathOf(N.PlacementDetail, i + 1), S.PlacementDetail);
            var rank = _values.Rank(detail, N.PlacementRank, MaxPlacementRank);
            var entry = _values.Date(detail, N.EntryDate, mandatory: true);
            var leaving = _values.Date(detail, N.LeavingDate);
            NotBefore(detail, N.LeavingDate, leaving, entry, N.EntryDate);
            if (rank is { } r && entry is { } e && !seen.Add((r, e)))
                Errors.Add(detail.Node, detail.Path, Sen2Rule.DuplicateItem, "another PlacementDetail has the same PlacementRank and EntryDate");
            placements.Add(new Sen2Placement
            {
                Setting = Setting(detail),
                Rank = rank ?? 0,
                EntryDate = entry ?? default,
                LeavingDate = leaving,
                SenUnit = _values.Flag(detail, N.SenUnitIndicator, mandatory: true) ?? false,
                ResourcedProvision = _values.Flag(detail, N.ResourcedProvisionIndicator, mandatory: true) ?? false,
                Residential = _values.Code(detail, N.Res, Sen2CodeLists.Residential),
                WorkBasedLearning = _values.Code(detail, N.Wbp, Sen2CodeLists.WorkBasedLearning),
            });
        }

        MoveLegacyResidentialItems(items, placements);

        var needNodes = items.Many(N.SenNeed);
        var needs = new List<Sen2Need>(needNodes.Count);
        var needRanks = new HashSet<int>();
        for (var i = 0; i < needNodes.Count; i++)
        {
            var need = Items(needNodes[i], items.PathOf(N.SenNeed, i + 1), S.SenNeed);
            var type = _values.Code(need, N.SenType, Sen2CodeLists.SenType, mandatory: true);
            // SEN2.md 2.9: the range beyond 2 is unverified, so any positive rank is read; each rank once (it keys the Condition).
            var rank = _values.Rank(need, N.SenTypeRank, int.MaxValue);
            if (rank is { } r && !needRanks.Add(r))
                Errors.Add(need.One(N.SenTypeRank)!, need.PathOf(N.SenTypeRank), Sen2Rule.DuplicateItem, "another SENneed of this plan has the same SENtypeRank");
            needs.Add(new Sen2Need(type ?? default, rank ?? 0));
        }

        return new Sen2ActivePlan
        {
            TransferredInFrom = _values.La(items, N.TransferLa),
            Placements = placements,
            Needs = needs,
            ReviewMeeting = _values.Date(items, N.ReviewMeeting),
            ReviewOutcome = _values.Code(items, N.ReviewOutcome, Sen2CodeLists.ReviewOutcome),
            ReviewDraft = _values.Date(items, N.ReviewDraft),
            PhaseTransferDueDate = _values.Date(items, N.PhaseTransferDueDate),
            PhaseTransferFinalDate = _values.Date(items, N.PhaseTransferFinalDate),
            LastReview = _values.Date(items, N.LastReview),
        };
    }

    /// <summary>
    /// RES and WBP sat in ActivePlans in 2023 and moved to PlacementDetail in 2024 (SEN2.md 1.7). Read in the old position,
    /// they belong to the main (rank 1) placement, which is where the writer puts them.
    /// </summary>
    private void MoveLegacyResidentialItems(Sen2Items items, List<Sen2Placement> placements)
    {
        var res = _values.Code(items, N.Res, Sen2CodeLists.Residential);
        var wbp = _values.Code(items, N.Wbp, Sen2CodeLists.WorkBasedLearning);
        if (res is null && wbp is null) return;
        var main = placements.FindIndex(p => p.Rank == 1);
        if (main < 0)
        {
            Errors.Add(items.Node, items.PathOf(N.PlacementDetail), Sen2Rule.MissingMandatoryItem, "RES or WBP in ActivePlans needs a rank 1 PlacementDetail to belong to");
            return;
        }

        var placement = placements[main];
        if ((res is not null && placement.Residential is not null) || (wbp is not null && placement.WorkBasedLearning is not null))
        {
            Errors.Add(items.Node, items.Path, Sen2Rule.ConflictingItems, "RES or WBP is given both in ActivePlans and in its rank 1 PlacementDetail");
            return;
        }

        placements[main] = placement with { Residential = placement.Residential ?? res, WorkBasedLearning = placement.WorkBasedLearning ?? wbp };
    }

    private Sen2Items Items(Sen2XmlNode node, string path, Sen2ElementSpec spec) => Sen2Items.Group(node, path, spec, Errors);

    /// <summary>URN, UKPRN or a SENsetting code: at least one (SEN2.md treats SENsetting as conditional on the other two).</summary>
    private Sen2Setting Setting(Sen2Items detail)
    {
        var setting = new Sen2Setting
        {
            Urn = _values.Urn(detail, N.Urn),
            Ukprn = _values.Ukprn(detail, N.Ukprn),
            SenSetting = _values.Code(detail, N.SenSetting, Sen2CodeLists.SenSetting),
            SenSettingOther = _values.Text(detail, N.SenSettingOther, mandatory: false),
        };
        if (detail.One(N.Urn) is null && detail.One(N.Ukprn) is null && detail.One(N.SenSetting) is null)
            Errors.Add(detail.Node, detail.PathOf(N.SenSetting), Sen2Rule.MissingMandatoryItem, $"{detail.Node.Name} needs a URN, a UKPRN or a SENsetting code");
        return setting;
    }

    /// <summary>Reports <paramref name="item"/> when it falls before <paramref name="earliest"/>; true when in order or unknown.</summary>
    private bool NotBefore(Sen2Items items, string item, DateOnly? value, DateOnly? earliest, string earlierName)
    {
        if (value is not { } v || earliest is not { } e || v >= e) return true;
        Errors.Add(items.One(item)!, items.PathOf(item), Sen2Rule.DatesOutOfOrder, $"{item} is before {earlierName}");
        return false;
    }

    private static string Normalise(string postCode) => postCode.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
}
