using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Statutory;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.DemoData;

/// <summary>
/// Builds one child's transaction Bundle. Every random draw comes from the child's own <see cref="Random"/>, in a fixed
/// order, so the output depends only on the seed. Dates follow the statutory timeline (DOMAIN.md 1.1): decision within
/// 6 weeks of the request, advice within 6 weeks of being asked, draft by week 16, final plan by week 20; reviews every
/// 12 months (6 months under 5).
/// </summary>
internal sealed class ChildRecordBuilder
{
    private static readonly DateOnly CfaCommencement = new(2014, 9, 1);

    private readonly Random _rng;
    private readonly DateOnly _asOf;
    private readonly SendPathway _pathway;
    private readonly IdentifierRegistry _registry;
    private readonly Bundle _bundle = new() { Type = Bundle.BundleType.Transaction };

    private DemoLocalAuthority _la = null!;
    private DemoStaff _coordinator = null!;
    private DateOnly _dob;
    private int _age;
    private bool _male;
    private string _given = "";
    private string _family = "";
    private NeedProfile _primary = null!;
    private readonly List<(NeedProfile Need, string Urn, int Rank)> _needs = [];
    private string? _diagnosisUrn;
    private string? _socialCareNeedUrn;
    private string _patientUrn = "";
    private string _parentUrn = "";
    private DemoSetting? _placement;
    private readonly List<DemoTrust> _healthOrganisations = [];
    private bool _hasCamhs;

    public ChildRecordBuilder(Random rng, DateOnly asOf, SendPathway pathway, IdentifierRegistry registry)
    {
        _rng = rng;
        _asOf = asOf;
        _pathway = pathway;
        _registry = registry;
    }

    public Bundle Build()
    {
        _la = _rng.NextDouble() < DemoDirectory.LocalAuthorities[0].ShareOfChildren ? DemoDirectory.LocalAuthorities[0] : DemoDirectory.LocalAuthorities[1];
        _coordinator = Pick(DemoDirectory.StaffOf(_la.Id, StaffRole.EhcCoordinator).ToList());

        // Ceased and completed plans pick their reason first: it constrains the age.
        var cease = _pathway is SendPathway.PlanCeased or SendPathway.PlanCompleted
            ? PickWeighted(DemoVocabulary.CeaseReasons.Where(r => r.Completed == (_pathway == SendPathway.PlanCompleted)).ToList(), r => r.Weight)
            : default;

        _age = _pathway switch
        {
            SendPathway.SenSupport => PickAge(DemoVocabulary.PlanAgeWeights, 4, 17),
            SendPathway.PlanActive => PickAge(DemoVocabulary.PlanAgeWeights, 1, 25),
            SendPathway.PlanCeased or SendPathway.PlanCompleted => cease.Code == "max_age" ? 25 : PickAge(DemoVocabulary.PlanAgeWeights, Math.Max(cease.MinAge, 3), 25),
            _ => PickAge(DemoVocabulary.PlanStartAgeWeights, 1, 20),
        };
        _dob = _asOf.AddYears(-_age).AddDays(-_rng.Next(1, 365));
        var withPlanShare = _pathway != SendPathway.SenSupport;
        _male = _rng.NextDouble() < (withPlanShare ? DemoVocabulary.PlanMaleShare : DemoVocabulary.SenSupportMaleShare);
        _given = Pick(_male ? DemoVocabulary.BoyNames : DemoVocabulary.GirlNames);
        _family = Pick(DemoVocabulary.FamilyNames);

        _patientUrn = NewUrn();
        _parentUrn = NewUrn();
        var address = HomeAddress();
        Add(_patientUrn, BuildPatient(address));
        Add(_parentUrn, BuildParent(address));

        ChooseNeeds();
        var identified = _pathway == SendPathway.SenSupport
            ? Clamp(_asOf.AddDays(-_rng.Next(60, 1500)), _dob.AddYears(3), _asOf.AddDays(-30))
            : default;

        switch (_pathway)
        {
            case SendPathway.SenSupport:
                AddNeedConditions(identified, assessedByEp: false);
                var episodes = _rng.NextDouble() < 0.3 ? AddHealthEpisodes(identified, maxEpisodes: 1) : 0;
                if (episodes > 0) AddConsent(identified, planned: false);
                break;
            case SendPathway.AssessmentInProgress:
                BuildInProgress();
                break;
            case SendPathway.RefusedToAssess:
                BuildRefused();
                break;
            case SendPathway.AssessedNoPlan:
                BuildAssessedNoPlan();
                break;
            default:
                BuildIssuedPlan(cease);
                break;
        }

        return _bundle;
    }

    // ---- pathways -------------------------------------------------------------------------------------------------

    private void BuildInProgress()
    {
        var request = Clamp(_asOf.AddDays(-_rng.Next(3, 225)), _dob.AddDays(150), _asOf.AddDays(-3));
        AddNeedConditions(request.AddDays(-_rng.Next(0, 400)), assessedByEp: false);
        var srUrn = NewUrn();
        var clock = new StatutoryClock(request);

        // Decision: within 6 weeks in most LAs' cases (DecisionWithinSixWeeksShare), later in the rest.
        DateOnly? decision = request.AddDays(WithinSixWeeks() ? _rng.Next(21, 43) : _rng.Next(43, 85));
        if (decision > _asOf) decision = null;
        AddTask(srUrn, DemoCodes.DecideToAssess, "Decide whether to carry out an EHC needs assessment (CFA s.36)", request, clock.DecisionDue,
            _coordinator.Reference, decision, decision is null ? null : (DemoCodes.DecidedToAssess, "Decided to assess"));

        DateOnly? draft = null;
        string? planUrn = null;
        var advice = new List<string>();
        if (decision is { } decided)
        {
            var received = new List<DateOnly?>();
            foreach (var (role, owner, title) in AdviceOwners())
            {
                var asked = Clamp(decided.AddDays(_rng.Next(1, 6)), decided, _asOf);
                DateOnly? got = asked.AddDays(_rng.NextDouble() < (role == "health" ? 0.65 : 0.8) ? _rng.Next(20, 43) : _rng.Next(43, 110));
                if (got > _asOf) got = null;
                received.Add(got);
                var document = AddAdvice(srUrn, role, owner, title, asked, got);
                if (document.Length > 0) advice.Add(document);
            }

            if (received.All(r => r is not null))
            {
                var candidate = received.Max(r => r!.Value).AddDays(_rng.Next(7, 29));
                if (candidate <= _asOf) draft = candidate;
            }

            if (draft is { } drafted)
            {
                planUrn = NewUrn();
                AddTask(srUrn, DemoCodes.DraftPlan, "Issue the draft EHC plan (section I blank) for 15 days' comment", decided, clock.DraftDue,
                    _coordinator.Reference, drafted, (DemoCodes.DraftIssued, "Draft plan issued"), planUrn);
            }

            AddTask(srUrn, DemoCodes.FinalPlan, "Issue the final EHC plan within 20 weeks of the request (SEND Regs 2014 reg 13)", decided, clock.FinalDue,
                _coordinator.Reference, null, null);
        }

        Add(srUrn, BuildRequest(request, RequestStatus.Active));
        if (planUrn is not null && draft is { } d)
        {
            var goals = AddGoals(d, null, lifecycle: Goal.GoalLifecycleStatus.Proposed, reviews: []);
            var plan = BuildCarePlan(RequestStatus.Draft, d, null, null, goals, placement: false);
            plan.SupportingInfo.AddRange(advice.Select(a => Section(new ResourceReference(a), "K")));
            Add(planUrn, plan);
        }

        AddHealthEpisodes(request, maxEpisodes: 2);
        AddConsent(request, planned: true);
    }

    private void BuildRefused()
    {
        var request = Clamp(_asOf.AddDays(-_rng.Next(60, 730)), _dob.AddDays(150), _asOf.AddDays(-45));
        AddNeedConditions(request.AddDays(-_rng.Next(0, 400)), assessedByEp: false);
        var srUrn = NewUrn();
        var clock = new StatutoryClock(request);
        var decision = Clamp(request.AddDays(WithinSixWeeks() ? _rng.Next(21, 43) : _rng.Next(43, 85)), request, _asOf.AddDays(-1));
        AddTask(srUrn, DemoCodes.DecideToAssess, "Decide whether to carry out an EHC needs assessment (CFA s.36)", request, clock.DecisionDue,
            _coordinator.Reference, decision, (DemoCodes.DecidedNotToAssess, "Decided not to assess"),
            note: "Family told of the decision, of mediation and of the right to appeal to the First-tier Tribunal (SEND35a) within 2 months.");
        Add(srUrn, BuildRequest(request, RequestStatus.Revoked,
            "The LA decided not to carry out an EHC needs assessment: needs can be met from SEN support with the school's resources."));
        AddHealthEpisodes(request, maxEpisodes: 1);
        AddConsent(request, planned: true);
    }

    private void BuildAssessedNoPlan()
    {
        var request = Clamp(_asOf.AddDays(-_rng.Next(160, 730)), _dob.AddDays(150), _asOf.AddDays(-160));
        AddNeedConditions(request.AddDays(-_rng.Next(0, 400)), assessedByEp: true);
        var srUrn = NewUrn();
        var clock = new StatutoryClock(request);
        var decision = request.AddDays(WithinSixWeeks() ? _rng.Next(21, 43) : _rng.Next(43, 70));
        AddTask(srUrn, DemoCodes.DecideToAssess, "Decide whether to carry out an EHC needs assessment (CFA s.36)", request, clock.DecisionDue,
            _coordinator.Reference, decision, (DemoCodes.DecidedToAssess, "Decided to assess"));
        var last = decision;
        foreach (var (role, owner, title) in AdviceOwners())
        {
            var asked = decision.AddDays(_rng.Next(1, 6));
            var got = asked.AddDays(_rng.Next(20, 50));
            if (got > last) last = got;
            AddAdvice(srUrn, role, owner, title, asked, got);
        }

        var outcome = Max(last.AddDays(_rng.Next(5, 20)), request.AddDays(_rng.Next(84, 113)));
        AddTask(srUrn, DemoCodes.FinalPlan, "Issue the final EHC plan, or tell the family within 16 weeks that no plan will be issued", decision, clock.FinalDue,
            _coordinator.Reference, outcome, (DemoCodes.DecidedNotToIssue, "Decided not to issue a plan"),
            note: "Needs can be met through SEN support with the advice gathered; the assessment report is shared with the school.");
        Add(srUrn, BuildRequest(request, RequestStatus.Completed));
        AddHealthEpisodes(request, maxEpisodes: 1);
        AddConsent(request, planned: true);
    }

    private void BuildIssuedPlan((string Code, string Display, double Weight, bool Completed, int MinAge) cease)
    {
        // When the plan ended (ceased / completed), or null while it is in force.
        DateOnly? ended = null;
        if (_pathway != SendPathway.PlanActive)
        {
            ended = cease.Code == "max_age"
                ? Clamp(_dob.AddYears(25).AddDays(_rng.Next(0, 60)), _dob.AddYears(25), _asOf.AddDays(-1))
                : Clamp(_asOf.AddDays(-_rng.Next(7, 700)), _dob.AddDays(700), _asOf.AddDays(-1));
        }

        var latestIssue = ended is { } e ? e.AddDays(-200) : _asOf.AddDays(-7);
        var issued = IssueDate(latestIssue);

        // Weeks from request to final plan: within 20 weeks at the LA's rate, otherwise 21-52 weeks, a few over a year.
        var within = _rng.NextDouble() < _la.ShareIssuedWithin20Weeks;
        var days = within ? _rng.Next(84, 141)
            : _rng.NextDouble() < DemoVocabulary.LatePlansOverAYearShare ? _rng.Next(366, 540) : _rng.Next(141, 366);
        var request = issued.AddDays(-days);
        var earliest = Max(_dob.AddDays(150), CfaCommencement);
        if (request < earliest) request = earliest;
        var clock = new StatutoryClock(request);

        AddNeedConditions(request.AddDays(-_rng.Next(0, 400)), assessedByEp: true);
        var srUrn = NewUrn();
        var planUrn = NewUrn();

        // Work backwards from the issue date so every step falls in order.
        var draft = Max(issued.AddDays(-15 - _rng.Next(0, 21)), request.AddDays(42));
        var decision = request.AddDays(WithinSixWeeks() ? _rng.Next(21, 43) : _rng.Next(43, 85));
        if (decision > draft.AddDays(-21)) decision = Max(request.AddDays(7), draft.AddDays(-21));
        AddTask(srUrn, DemoCodes.DecideToAssess, "Decide whether to carry out an EHC needs assessment (CFA s.36)", request, clock.DecisionDue,
            _coordinator.Reference, decision, (DemoCodes.DecidedToAssess, "Decided to assess"));

        var advice = new List<string>();
        foreach (var (role, owner, title) in AdviceOwners())
        {
            var asked = decision.AddDays(_rng.Next(1, 6));
            var late = !within && _rng.NextDouble() < (role == "health" ? 0.7 : 0.4);
            var got = asked.AddDays(late ? _rng.Next(43, 120) : _rng.Next(20, 43));
            got = Clamp(got, asked.AddDays(5), Max(asked.AddDays(5), draft.AddDays(-3)));
            advice.Add(AddAdvice(srUrn, role, owner, title, asked, got));
        }

        AddTask(srUrn, DemoCodes.DraftPlan, "Issue the draft EHC plan (section I blank) for 15 days' comment", decision, clock.DraftDue,
            _coordinator.Reference, draft, (DemoCodes.DraftIssued, "Draft plan issued"), planUrn);
        AddTask(srUrn, DemoCodes.FinalPlan, "Issue the final EHC plan within 20 weeks of the request (SEND Regs 2014 reg 13)", decision, clock.FinalDue,
            _coordinator.Reference, issued, (DemoCodes.PlanIssued, "Final plan issued"), planUrn,
            note: issued.DayNumber - request.DayNumber <= 140 ? null : Pick(LateReasons));
        Add(srUrn, BuildRequest(request, RequestStatus.Completed));

        var reviews = AddReviews(issued, ended);
        var lifecycle = _pathway switch
        {
            SendPathway.PlanActive => Goal.GoalLifecycleStatus.Active,
            SendPathway.PlanCompleted => Goal.GoalLifecycleStatus.Completed,
            _ => Goal.GoalLifecycleStatus.Cancelled,
        };
        var goals = AddGoals(issued, ended, lifecycle, reviews);
        var status = _pathway switch
        {
            SendPathway.PlanActive => RequestStatus.Active,
            SendPathway.PlanCompleted => RequestStatus.Completed,
            _ => RequestStatus.Revoked,
        };
        var plan = BuildCarePlan(status, draft, issued, ended, goals, placement: true);
        plan.SupportingInfo.AddRange(advice.Select(a => Section(new ResourceReference(a), "K")));
        if (ended is not null)
        {
            plan.Note.Add(new Annotation { Text = new Markdown($"Plan ceased ({cease.Display}); SEN2 cease reason {cease.Code}. Decision notified to the family and the named setting (SEND Regs 2014 reg 31).") });
            // The structured form the statutory clock and the SEN2 export read; the note stays for people.
            if (CeaseReason.FromKeyword(cease.Code) is { } reason)
                plan.Extension.Add(new Extension(StatutoryCanonical.Extensions.CeaseReason,
                    new Coding(StatutoryCanonical.Sen2CeaseReasonCodeSystem, reason.CodeText, reason.Description)));
        }
        Add(planUrn, plan);

        AddHealthEpisodes(request, maxEpisodes: 2);
        AddConsent(request, planned: true);
    }

    private static readonly string[] LateReasons =
    [
        "Issued after 20 weeks: health advice was received late.",
        "Issued after 20 weeks: delay agreeing the named setting (section I) after consultation with schools.",
        "Issued after 20 weeks: educational psychology advice delayed by service capacity.",
        "Issued after 20 weeks: exception under SEND Regs 2014 reg 10(4)(a) - advice requested during the summer closure.",
    ];

    // ---- the child and family ------------------------------------------------------------------------------------

    private Patient BuildPatient(Address address)
    {
        var identifiers = new List<Identifier> { NhsNumberIdentifier() };
        if (_age >= 4) identifiers.Add(new Identifier(IdentifierSystems.Upn, NewUpn().Value));
        if (_age >= 16) identifiers.Add(new Identifier(IdentifierSystems.Uln, NewUln().Value));
        identifiers.Add(new Identifier(IdentifierSystems.LaChildId, NewLaChildId().Value));

        var given = new List<string> { _given };
        if (_rng.NextDouble() < 0.4) given.Add(Pick(_male ? DemoVocabulary.BoyNames : DemoVocabulary.GirlNames));
        return new Patient
        {
            Meta = new Meta { Profile = [SendCanonical.Profiles.Child] },
            Identifier = identifiers,
            Active = true,
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = _family, Given = given }],
            Gender = _male ? AdministrativeGender.Male : AdministrativeGender.Female,
            BirthDate = Format(_dob),
            Address = [address],
        };
    }

    private Identifier NhsNumberIdentifier()
    {
        string value;
        do
        {
            var nine = "999" + _rng.Next(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
            value = NhsNumber.FromFirstNineDigits(nine)?.Value ?? "";
        }
        while (value.Length == 0 || !_registry.NhsNumbers.Add(value));

        var verified = _rng.NextDouble() < 0.95;
        var identifier = new Identifier(IdentifierSystems.NhsNumber, value);
        identifier.Extension.Add(new Extension(DemoCodes.NhsNumberVerificationStatusExtension, DemoCodes.Concept(
            DemoCodes.NhsNumberVerificationStatusSystem,
            verified ? "01" : "02",
            verified ? "Number present and verified" : "Number present but not traced")));
        return identifier;
    }

    private Upn NewUpn()
    {
        // Allocated by the first school the child joined, in the year they started in reception.
        var school = Pick(DemoDirectory.SettingsOf(_la.Code, SettingKind.Primary).ToList());
        var year = (_dob.AddYears(4).Year + (_dob.Month >= 9 ? 1 : 0)) % 100;
        Upn upn;
        do upn = Upn.Create(LaCode.Parse(_la.Code), school.EstablishmentNumber, year, _rng.Next(0, 1000));
        while (!_registry.Upns.Add(upn.Value));
        return upn;
    }

    private Uln NewUln()
    {
        while (true)
        {
            var uln = Uln.FromFirstNineDigits(_rng.Next(100_000_000, 1_000_000_000).ToString(CultureInfo.InvariantCulture));
            if (uln is { } value && _registry.Ulns.Add(value.Value)) return value;
        }
    }

    private LaChildId NewLaChildId()
    {
        while (true)
        {
            var id = LaChildId.Create(LaCode.Parse(_la.Code), "C" + _rng.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture));
            if (_registry.LaChildIds.Add(id.Value)) return id;
        }
    }

    private Address HomeAddress()
    {
        var (town, districts) = Pick(_la.Towns);
        var inward = string.Create(CultureInfo.InvariantCulture,
            $"{_rng.Next(1, 10)}{DemoVocabulary.PostcodeInwardLetters[_rng.Next(DemoVocabulary.PostcodeInwardLetters.Length)]}{DemoVocabulary.PostcodeInwardLetters[_rng.Next(DemoVocabulary.PostcodeInwardLetters.Length)]}");
        return new Address
        {
            Use = Address.AddressUse.Home,
            Line = [$"{_rng.Next(1, 120)} {Pick(DemoVocabulary.Streets)}"],
            City = town,
            District = _la.County,
            PostalCode = $"{Pick(districts)} {inward}",
            Country = "GB",
        };
    }

    private RelatedPerson BuildParent(Address address)
    {
        var roll = _rng.NextDouble();
        var (code, display, female) = roll < 0.72 ? ("MTH", "mother", true) : roll < 0.95 ? ("FTH", "father", false) : ("GRD", "guardian", _rng.NextDouble() < 0.6);
        var family = _rng.NextDouble() < 0.85 ? _family : Pick(DemoVocabulary.FamilyNames);
        return new RelatedPerson
        {
            Active = true,
            Patient = new ResourceReference(_patientUrn),
            Relationship = [DemoCodes.Concept(DemoCodes.V3RoleCode, code, display)],
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = family, Given = [Pick(female ? DemoVocabulary.ParentNamesFemale : DemoVocabulary.ParentNamesMale)] }],
            // Ofcom's drama range: 07700 900000-900999 never reaches a real phone.
            Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, ContactPoint.ContactPointUse.Mobile, $"07700 900{_rng.Next(0, 1000):D3}")],
            Gender = female ? AdministrativeGender.Female : AdministrativeGender.Male,
            Address = [address],
        };
    }

    // ---- needs ---------------------------------------------------------------------------------------------------

    private void ChooseNeeds()
    {
        double[] weights;
        if (_pathway == SendPathway.SenSupport)
        {
            weights = DemoVocabulary.SenSupportNeedWeights;
        }
        else
        {
            weights = DemoVocabulary.PlanNeedWeightsByAge.First(b => _age <= b.MaxAge).Weights;
        }

        var codes = DemoVocabulary.NeedCodes;
        var primaryCode = codes[PickIndex(weights)];
        _primary = DemoVocabulary.Needs.Single(n => n.Code == primaryCode);
        _needs.Add((_primary, NewUrn(), 1));

        var secondaries = _rng.NextDouble() switch { < 0.45 => 0, < 0.85 => 1, _ => 2 };
        for (var s = 0; s < secondaries; s++)
        {
            var code = codes[PickIndex(weights)];
            if (_needs.Any(n => n.Need.Code == code) || code is "DS") continue;
            _needs.Add((DemoVocabulary.Needs.Single(n => n.Code == code), NewUrn(), 2));
        }
    }

    /// <summary>The SEN need Conditions (send-need), any diagnosis behind the primary need, and any social care need.</summary>
    private void AddNeedConditions(DateOnly recorded, bool assessedByEp)
    {
        recorded = Clamp(recorded, _dob.AddMonths(9), _asOf.AddDays(-1));
        var ep = DemoDirectory.StaffOf(_la.Id, StaffRole.EducationalPsychologist).First();
        var nsa = _pathway == SendPathway.SenSupport && _rng.NextDouble() < DemoVocabulary.SenSupportNsaShare;
        foreach (var (need, urn, rank) in _needs)
        {
            var sen2 = rank == 1 && nsa ? ("NSA", "No specialist assessment") : (need.Code, need.Display);
            var condition = NeedCondition(sen2.Item1, sen2.Item2, rank,
                rank == 1 && nsa ? DemoVocabulary.NsaDescriptions[0] : Pick(need.Descriptions), recorded);
            if (assessedByEp) condition.Asserter = new ResourceReference(ep.Reference);
            else condition.Note.Add(new Annotation { Text = new Markdown("Identified by the school SENCo; on the SEN register at SEN support (census code K).") });
            Add(urn, condition);
        }

        // Section C: the diagnosis behind the primary need, from community paediatrics.
        if (_primary.Diagnosis is { } dx && _rng.NextDouble() < dx.Share)
        {
            var trust = DemoDirectory.CommunityTrust(_la.Code);
            var paediatrician = DemoDirectory.StaffOf(trust.Id, StaffRole.CommunityPaediatrician).First();
            var diagnosed = Clamp(recorded.AddDays(-_rng.Next(0, 900)), _dob.AddMonths(6), recorded);
            var condition = NeedCondition(_primary.Code, _primary.Display, null, null, diagnosed);
            condition.Code = DemoCodes.Concept(DemoCodes.Snomed, dx.Code, dx.Display, dx.Display);
            condition.Asserter = new ResourceReference(paediatrician.Reference);
            _diagnosisUrn = NewUrn();
            Add(_diagnosisUrn, condition);
            AddHealthOrganisation(trust);
        }

        // Section D: a social care need related to the SEN or disability, more often with complex needs.
        var socialCareLikely = _primary.Code is "PMLD" or "SLD" or "MSI" or "PD" ? 0.6 : 0.15;
        if (_pathway is not SendPathway.SenSupport and not SendPathway.RefusedToAssess && _rng.NextDouble() < socialCareLikely)
        {
            var condition = NeedCondition(_primary.Code, _primary.Display, null, null, recorded);
            condition.Code = new CodeableConcept { Text = Pick(DemoVocabulary.SocialCareNeeds) };
            condition.Asserter = new ResourceReference(DemoDirectory.StaffOf(_la.Id, StaffRole.SocialWorker).First().Reference);
            _socialCareNeedUrn = NewUrn();
            Add(_socialCareNeedUrn, condition);
        }
    }

    private Condition NeedCondition(string sen2Code, string sen2Display, int? rank, string? description, DateOnly recorded)
    {
        var condition = new Condition
        {
            Meta = new Meta { Profile = [SendCanonical.Profiles.Need] },
            ClinicalStatus = DemoCodes.Concept(DemoCodes.ConditionClinical, "active", "Active"),
            VerificationStatus = DemoCodes.Concept(DemoCodes.ConditionVerification, "confirmed", "Confirmed"),
            Category = [DemoCodes.Concept(SendCanonical.CodeSystems.Sen2NeedType, sen2Code, sen2Display)],
            Code = DemoCodes.Concept(SendCanonical.CodeSystems.Sen2NeedType, sen2Code, sen2Display, description ?? sen2Display),
            Subject = new ResourceReference(_patientUrn),
            RecordedDate = Format(recorded),
        };
        if (rank is { } r) condition.Extension.Add(new Extension(SendCanonical.Extensions.SenNeedRank, new PositiveInt(r)));
        return condition;
    }

    // ---- request and statutory steps -------------------------------------------------------------------------------

    private ServiceRequest BuildRequest(DateOnly requested, RequestStatus status, string? note = null)
    {
        // SEN2 RequestSource: parents and schools make most requests; young people 16+ can request for themselves.
        var roll = _rng.NextDouble();
        var ageAtRequest = AgeOn(requested);
        ResourceReference requester = ageAtRequest >= 16 && roll < 0.15 ? new(_patientUrn)
            : roll < 0.5 ? new(_parentUrn)
            : roll < 0.93 ? new(SchoolAt(ageAtRequest).Reference)
            : new(DemoDirectory.CommunityTrust(_la.Code).Reference);
        var request = new ServiceRequest
        {
            Status = status,
            Intent = RequestIntent.Order,
            Category = [new CodeableConcept { Text = "Special educational needs" }],
            Code = DemoCodes.Concept(DemoCodes.EhcProcessStepSystem, DemoCodes.RequestForAssessment, "Request for an EHC needs assessment"),
            Subject = new ResourceReference(_patientUrn),
            AuthoredOn = Format(requested),
            Requester = requester,
            Performer = [new ResourceReference(_la.Reference)],
            ReasonReference = [new ResourceReference(_needs[0].Urn)],
        };
        if (note is not null) request.Note.Add(new Annotation { Text = new Markdown(note) });
        return request;
    }

    /// <summary>Who gives advice for the assessment (reg 6): educational psychology, health and social care.</summary>
    private IEnumerable<(string Role, DemoStaff Owner, string Title)> AdviceOwners()
    {
        yield return ("education", DemoDirectory.StaffOf(_la.Id, StaffRole.EducationalPsychologist).First(), "Educational psychology advice");
        yield return ("health", HealthLead(), "Health advice");
        yield return ("social-care", DemoDirectory.StaffOf(_la.Id, StaffRole.SocialWorker).First(), "Social care advice");
    }

    private DemoStaff HealthLead()
    {
        if (_primary.HealthLead == StaffRole.CamhsPractitioner)
        {
            var trust = DemoDirectory.MentalHealthTrust;
            return DemoDirectory.StaffOf(trust.Id, StaffRole.CamhsPractitioner).ElementAt(_la.Code == "926" ? 0 : 1);
        }

        return DemoDirectory.StaffOf(DemoDirectory.CommunityTrust(_la.Code).Id, _primary.HealthLead).First();
    }

    /// <summary>An advice request Task; when the advice came back, a DocumentReference (section K) as its output.</summary>
    private string AddAdvice(string srUrn, string role, DemoStaff owner, string title, DateOnly asked, DateOnly? received)
    {
        string? docUrn = null;
        if (received is { } got)
        {
            docUrn = NewUrn();
            Add(docUrn, new DocumentReference
            {
                Status = DocumentReferenceStatus.Current,
                Type = DemoCodes.Concept(DemoCodes.EhcProcessStepSystem, DemoCodes.AdviceDocument, "Advice and information for an EHC needs assessment", title),
                Subject = new ResourceReference(_patientUrn),
                DateElement = Instant(got),
                Author = [new ResourceReference(owner.Reference)],
                Custodian = new ResourceReference(owner.OrganizationReference),
                Description = $"{title} for the EHC needs assessment (section K appendix)",
                Content = [new DocumentReference.ContentComponent
                {
                    Attachment = new Attachment { ContentType = "application/pdf", Title = $"{title} - appendix K", Creation = Format(got) },
                }],
            });
            if (role == "health") AddHealthOrganisation(DemoDirectory.Trusts.Single(t => t.Id == owner.OrganizationId));
        }

        AddTask(srUrn, DemoCodes.AdviceRequest, $"{title}: requested under SEND Regs 2014 reg 6; due within 6 weeks (reg 8)", asked, asked.AddDays(42),
            owner.Reference, received, received is null ? null : (DemoCodes.AdviceReceived, "Advice received"), docUrn,
            performerType: AdviceSourceOf(role));
        return docUrn ?? "";
    }

    /// <summary>Who an advice request went to (reg 6), coded so the statutory clock need not read the description.</summary>
    private static AdviceSource AdviceSourceOf(string role) => role switch
    {
        "education" => AdviceSource.EducationalPsychologist,
        "health" => AdviceSource.Health,
        "social-care" => AdviceSource.SocialCare,
        _ => AdviceSource.Other,
    };

    private void AddTask(string srUrn, string code, string description, DateOnly started, DateOnly due, string owner, DateOnly? done,
        (string Code, string Display)? outcome, string? outputUrn = null, string? note = null, AdviceSource? performerType = null)
    {
        var overdue = done is null && _asOf > due;
        var task = new FhirTask
        {
            Status = done is null ? FhirTask.TaskStatus.InProgress : FhirTask.TaskStatus.Completed,
            Intent = FhirTask.TaskIntent.Order,
            Priority = RequestPriority.Routine,
            Code = DemoCodes.Concept(DemoCodes.EhcProcessStepSystem, code, StepDisplay(code)),
            Description = description,
            Focus = new ResourceReference(srUrn),
            For = new ResourceReference(_patientUrn),
            AuthoredOn = Format(started),
            LastModified = Format(done ?? started),
            Requester = new ResourceReference(_la.Reference),
            Owner = new ResourceReference(owner),
            Restriction = new FhirTask.RestrictionComponent { Period = new Period { End = Format(due) } },
            ExecutionPeriod = new Period { Start = Format(started), End = done is { } d ? Format(d) : null },
        };
        if (overdue) task.BusinessStatus = DemoCodes.Concept(DemoCodes.EhcStepStatusSystem, DemoCodes.Overdue, "Overdue");
        else if (outcome is { } o) task.BusinessStatus = DemoCodes.Concept(DemoCodes.EhcStepStatusSystem, o.Code, o.Display);
        if (outputUrn is not null && done is not null)
        {
            task.Output.Add(new FhirTask.OutputComponent
            {
                Type = new CodeableConcept { Text = code == DemoCodes.AdviceRequest ? "Advice" : "EHC plan" },
                Value = new ResourceReference(outputUrn),
            });
        }

        if (note is not null) task.Note.Add(new Annotation { Text = new Markdown(note) });
        if (performerType is { } source)
            task.PerformerType.Add(new CodeableConcept(StatutoryCanonical.AdviceSourceCodeSystem, AdviceSources.Code(source), AdviceLabel(source)));
        Add(NewUrn(), task);
    }

    private static string AdviceLabel(AdviceSource source) => source switch
    {
        AdviceSource.EducationalPsychologist => "Educational psychologist",
        AdviceSource.Health => "Health",
        AdviceSource.SocialCare => "Social care",
        _ => "Other",
    };

    private static string StepDisplay(string code) => code switch
    {
        DemoCodes.DecideToAssess => "Decision whether to assess (6 weeks)",
        DemoCodes.AdviceRequest => "Advice request (6 weeks)",
        DemoCodes.DraftPlan => "Draft EHC plan (week 16)",
        DemoCodes.FinalPlan => "Final EHC plan (20 weeks)",
        _ => code,
    };

    // ---- the plan --------------------------------------------------------------------------------------------------

    private CarePlan BuildCarePlan(RequestStatus status, DateOnly created, DateOnly? issued, DateOnly? ended, List<string> goals, bool placement)
    {
        var plan = new CarePlan
        {
            Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
            Status = status,
            Intent = CarePlan.CarePlanIntent.Plan,
            Category = [DemoCodes.Concept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory, "Education, health and care plan")],
            Title = status == RequestStatus.Draft ? "Draft education, health and care plan" : "Education, health and care plan",
            Subject = new ResourceReference(_patientUrn),
            Created = Format(created),
            Author = new ResourceReference(_la.Reference),
            Contributor = [new ResourceReference(_coordinator.Reference)],
        };
        if (issued is { } start) plan.Period = new Period { Start = Format(start), End = ended is { } end ? Format(end) : null };

        // Section I: named setting (blank in a draft).
        if (placement)
        {
            _placement = PlacementAt(AgeOn(ended ?? _asOf));
            if (_placement is not null)
                plan.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlacement, new ResourceReference(_placement.Reference)));
        }

        // Section J: personal budget for a few plans (about 3% nationally; the demo shows more).
        if (issued is not null && _rng.NextDouble() < 0.06)
        {
            var anniversary = issued.Value;
            while (anniversary.AddYears(1) <= (ended ?? _asOf)) anniversary = anniversary.AddYears(1);
            plan.Extension.Add(new Extension
            {
                Url = SendCanonical.Extensions.EhcPersonalBudget,
                Extension =
                [
                    new Extension("amount", new Money { Value = _rng.Next(30, 241) * 50m, Currency = Money.Currencies.GBP }),
                    new Extension("period", new Period { Start = Format(anniversary), End = Format(anniversary.AddYears(1).AddDays(-1)) }),
                    new Extension("directPayment", new FhirBoolean(_rng.NextDouble() < 0.6)),
                ],
            });
        }

        // Sections B, C, D.
        foreach (var (_, urn, _) in _needs) plan.Addresses.Add(Section(new ResourceReference(urn), "B"));
        if (_diagnosisUrn is not null) plan.Addresses.Add(Section(new ResourceReference(_diagnosisUrn), "C"));
        if (_socialCareNeedUrn is not null) plan.Addresses.Add(Section(new ResourceReference(_socialCareNeedUrn), "D"));

        // Section A: views, interests and aspirations.
        var viewsUrn = NewUrn();
        var childSpeaks = AgeOn(created) >= 16;
        Add(viewsUrn, new DocumentReference
        {
            Status = DocumentReferenceStatus.Current,
            Type = DemoCodes.Concept(DemoCodes.EhcProcessStepSystem, DemoCodes.ViewsDocument, "Views, interests and aspirations", "Section A: all about me"),
            Subject = new ResourceReference(_patientUrn),
            DateElement = Instant(created),
            Author = [new ResourceReference(childSpeaks ? _patientUrn : _parentUrn)],
            Description = Pick(AgeOn(created) >= 14 ? DemoVocabulary.AspirationsYoungPerson : DemoVocabulary.AspirationsChild),
            Content = [new DocumentReference.ContentComponent { Attachment = new Attachment { ContentType = "text/plain", Title = "Section A - all about me", Creation = Format(created) } }],
        });
        plan.SupportingInfo.Add(Section(new ResourceReference(viewsUrn), "A"));

        // Section E.
        plan.Goal.AddRange(goals.Select(g => Section(new ResourceReference(g), "E")));

        // Sections F, G, H1/H2: provision, one activity each, performer = responsible agency.
        var activityStatus = status switch
        {
            RequestStatus.Draft => CarePlan.CarePlanActivityStatus.NotStarted,
            RequestStatus.Active => CarePlan.CarePlanActivityStatus.InProgress,
            RequestStatus.Completed => CarePlan.CarePlanActivityStatus.Completed,
            _ => CarePlan.CarePlanActivityStatus.Stopped,
        };
        var education = _primary.EducationProvision.OrderBy(_ => _rng.Next()).Take(_rng.Next(2, 4)).ToList();
        foreach (var secondary in _needs.Where(n => n.Rank == 2)) education.Add(Pick(secondary.Need.EducationProvision));
        var educationProvider = _placement?.Reference ?? _la.Reference;
        foreach (var text in education.Distinct()) plan.Activity.Add(Activity("F", text, educationProvider, activityStatus));

        if (_diagnosisUrn is not null || _primary.Code is "PMLD" or "PD" or "HI" or "VI" or "MSI" or "SLCN" or "SEMH" || _rng.NextDouble() < 0.5)
        {
            var lead = HealthLead();
            plan.Activity.Add(Activity("G", Pick(_primary.HealthProvision), lead.OrganizationReference, activityStatus));
            AddHealthOrganisation(DemoDirectory.Trusts.Single(t => t.Id == lead.OrganizationId));
        }

        if (_socialCareNeedUrn is not null)
        {
            var adult = AgeOn(issued ?? created) >= 18;
            plan.Activity.Add(Activity(adult ? "H2" : "H1", Pick(adult ? DemoVocabulary.SocialCareProvisionH2 : DemoVocabulary.SocialCareProvisionH1), _la.Reference, activityStatus));
        }

        return plan;
    }

    private static CarePlan.ActivityComponent Activity(string section, string description, string performer, CarePlan.CarePlanActivityStatus status) => new()
    {
        Extension = [new Extension(SendCanonical.Extensions.EhcPlanSection, new Code(section))],
        Detail = new CarePlan.DetailComponent
        {
            Status = status,
            Description = description,
            Performer = [new ResourceReference(performer)],
        },
    };

    private static ResourceReference Section(ResourceReference reference, string section)
    {
        reference.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlanSection, new Code(section)));
        return reference;
    }

    /// <summary>Section E outcomes (send-outcome Goals), with progress Observations at the reviews since each was set.</summary>
    private List<string> AddGoals(DateOnly issued, DateOnly? ended, Goal.GoalLifecycleStatus lifecycle, IReadOnlyList<(DateOnly Date, string Urn)> reviews)
    {
        // Outcomes are refreshed at review: the current ones date from the plan, or from the review before last.
        var start = reviews.Count >= 3 ? reviews[^3].Date : issued;
        var since = reviews.Where(r => r.Date > start).TakeLast(2).ToList();
        var ageAtStart = AgeOn(start);
        var pfa = AgeOn(ended ?? _asOf) >= 14;
        var count = _rng.Next(2, 5);
        var urns = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; urns.Count < count && attempt < count * 5; attempt++)
        {
            var i = urns.Count;
            string? domain = null;
            string text;
            if (pfa && i > 0)
            {
                var (d, outcomes) = Pick(DemoVocabulary.PfaOutcomes);
                domain = d;
                text = Pick(outcomes);
            }
            else
            {
                text = Pick(_primary.Outcomes);
                if (pfa) domain = PfaDomainFor(_primary.Code);
            }

            if (!used.Add(text)) continue;

            var due = EndOfAcademicYear(Max(start, ended ?? _asOf)).AddYears(_rng.Next(0, 2));
            if (ended is { } e && due > e) due = EndOfAcademicYear(e);
            var goalUrn = NewUrn();
            var goal = new Goal
            {
                Meta = new Meta { Profile = [SendCanonical.Profiles.Outcome] },
                LifecycleStatus = lifecycle,
                Description = new CodeableConcept { Text = $"By {due.ToString("MMMM yyyy", CultureInfo.InvariantCulture)}, {_given} {text}." },
                Subject = new ResourceReference(_patientUrn),
                Start = new Date(Format(start)),
                Target = [new Goal.TargetComponent { Due = new Date(Format(due)) }],
                ExpressedBy = new ResourceReference(ageAtStart >= 16 ? _patientUrn : _parentUrn),
                Addresses = [new ResourceReference(_needs[0].Urn)],
            };
            if (domain is not null)
            {
                var display = domain switch
                {
                    "employment" => "Higher education and/or employment",
                    "independent-living" => "Independent living",
                    "community-inclusion" => "Participating in society",
                    _ => "Being as healthy as possible",
                };
                goal.Category.Add(DemoCodes.Concept(SendCanonical.CodeSystems.PfaDomain, domain, display));
            }

            var latest = ("in-progress", "In Progress");
            foreach (var (date, encounterUrn) in since)
            {
                var (code, display, _, notes) = PickWeighted(DemoVocabulary.Progress, p => p.Weight);
                latest = (code, display);
                var observationUrn = NewUrn();
                Add(observationUrn, new Observation
                {
                    Status = ObservationStatus.Final,
                    Code = DemoCodes.Concept(DemoCodes.EhcProcessStepSystem, DemoCodes.OutcomeProgress, "Progress towards an EHC plan outcome"),
                    Subject = new ResourceReference(_patientUrn),
                    Focus = [new ResourceReference(goalUrn)],
                    Encounter = new ResourceReference(encounterUrn),
                    Effective = new FhirDateTime(Format(date)),
                    Performer = [new ResourceReference(_coordinator.Reference)],
                    Value = DemoCodes.Concept(DemoCodes.GoalAchievement, code, display),
                    Note = [new Annotation { Text = new Markdown(Pick(notes)) }],
                });
                goal.OutcomeReference.Add(new ResourceReference(observationUrn));
            }

            if (lifecycle == Goal.GoalLifecycleStatus.Completed) latest = ("achieved", "Achieved");
            if (lifecycle != Goal.GoalLifecycleStatus.Proposed)
                goal.AchievementStatus = DemoCodes.Concept(DemoCodes.GoalAchievement, latest.Item1, latest.Item2);
            Add(goalUrn, goal);
            urns.Add(goalUrn);
        }

        return urns;
    }

    private static string PfaDomainFor(string need) => need switch
    {
        "ASD" or "SEMH" => "health",
        "SLCN" or "HI" or "VI" or "MSI" => "community-inclusion",
        "PD" or "PMLD" => "independent-living",
        _ => "employment",
    };

    /// <summary>
    /// Annual reviews from the issue date: every 12 months, every 6 months while under 5. Past reviews are finished
    /// Encounters (some held late); the latest due one is sometimes not held (a planned Encounter in the past = overdue);
    /// the next one is planned.
    /// </summary>
    private List<(DateOnly Date, string Urn)> AddReviews(DateOnly issued, DateOnly? ended)
    {
        var held = new List<(DateOnly, string)>();
        var until = ended ?? _asOf;
        var last = issued;
        while (true)
        {
            var due = last.AddMonths(AgeOn(last) < 5 ? 6 : 12);
            if (due > until)
            {
                if (ended is null) AddReviewEncounter(due, Encounter.EncounterStatus.Planned, under5: AgeOn(last) < 5);
                break;
            }

            var isLatest = due.AddMonths(AgeOn(due) < 5 ? 6 : 12) > until;
            if (isLatest && ended is null && _rng.NextDouble() < 0.14)
            {
                AddReviewEncounter(due, Encounter.EncounterStatus.Planned, under5: AgeOn(last) < 5); // overdue
                break;
            }

            var date = _rng.NextDouble() < 0.82 ? due.AddDays(-_rng.Next(0, 35)) : due.AddDays(_rng.Next(1, 90));
            if (date > until) date = until;
            held.Add((date, AddReviewEncounter(date, Encounter.EncounterStatus.Finished, under5: AgeOn(last) < 5)));
            last = date;
        }

        return held;
    }

    private string AddReviewEncounter(DateOnly date, Encounter.EncounterStatus status, bool under5)
    {
        var urn = NewUrn();
        Add(urn, new Encounter
        {
            Status = status,
            Class = new Coding(DemoCodes.V3ActCode, "AMB", "ambulatory"),
            Type = [DemoCodes.Concept(DemoCodes.EhcProcessStepSystem, DemoCodes.AnnualReview, "EHC plan annual review",
                under5 ? "EHC plan review (6-monthly, under 5)" : AgeOn(date) >= 14 ? "EHC plan annual review (preparing for adulthood)" : "EHC plan annual review")],
            Subject = new ResourceReference(_patientUrn),
            Participant =
            [
                new Encounter.ParticipantComponent { Individual = new ResourceReference(_coordinator.Reference) },
                new Encounter.ParticipantComponent { Individual = new ResourceReference(_parentUrn) },
            ],
            Period = new Period { Start = Format(date), End = status == Encounter.EncounterStatus.Finished ? Format(date) : null },
            ServiceProvider = new ResourceReference(_la.Reference),
        });
        return urn;
    }

    // ---- health and consent ----------------------------------------------------------------------------------------

    /// <summary>EpisodeOfCare for NHS involvement, with the referral-to-first-contact wait in statusHistory.</summary>
    private int AddHealthEpisodes(DateOnly around, int maxEpisodes)
    {
        var services = new List<(string Service, DemoStaff Lead, int MinWeeks, int MaxWeeks, bool MentalHealth)>();
        var community = DemoDirectory.CommunityTrust(_la.Code);
        DemoStaff Staff(StaffRole role) => DemoDirectory.StaffOf(community.Id, role).First();
        switch (_primary.Code)
        {
            case "ASD" when _diagnosisUrn is null:
                services.Add(("Autism diagnostic assessment (community paediatrics)", Staff(StaffRole.CommunityPaediatrician), 26, 130, false));
                break;
            case "ASD":
            case "HI" or "VI" or "MSI" or "OTH" or "MLD" or "SLD" or "DS":
                services.Add(("Community paediatrics", Staff(StaffRole.CommunityPaediatrician), 10, 52, false));
                break;
            case "SLCN":
                services.Add(("Children's speech and language therapy", Staff(StaffRole.SpeechAndLanguageTherapist), 8, 40, false));
                break;
            case "SEMH":
                services.Add(("Children and young people's mental health service (CAMHS)", HealthLead(), 6, 60, true));
                break;
            case "PD" or "PMLD":
                services.Add(("Children's physiotherapy", Staff(StaffRole.Physiotherapist), 4, 18, false));
                break;
            case "SPLD":
                services.Add(("Children's occupational therapy", Staff(StaffRole.OccupationalTherapist), 8, 40, false));
                break;
        }

        if (_primary.Code is "ASD" or "SLD" or "DS" && maxEpisodes > 1)
            services.Add(("Children's speech and language therapy", Staff(StaffRole.SpeechAndLanguageTherapist), 8, 40, false));

        var added = 0;
        foreach (var (service, lead, minWeeks, maxWeeks, mentalHealth) in services.Take(maxEpisodes))
        {
            if (_rng.NextDouble() > (_pathway == SendPathway.SenSupport ? 1.0 : 0.75)) continue;
            // Some referrals are recent (still waiting), the rest date from around the time the needs came to light.
            var referral = _rng.NextDouble() < 0.4 ? _asOf.AddDays(-_rng.Next(14, 400)) : around.AddDays(_rng.Next(-400, 200));
            referral = Clamp(referral, _dob.AddMonths(6), _asOf.AddDays(-1));
            var firstContact = referral.AddDays(7 * _rng.Next(minWeeks, maxWeeks + 1) + _rng.Next(0, 7));
            var episode = new EpisodeOfCare
            {
                Type = [new CodeableConcept { Text = service }],
                Patient = new ResourceReference(_patientUrn),
                ManagingOrganization = new ResourceReference(lead.OrganizationReference),
                CareManager = new ResourceReference(lead.Reference),
                Diagnosis = [new EpisodeOfCare.DiagnosisComponent { Condition = new ResourceReference(_diagnosisUrn ?? _needs[0].Urn) }],
            };
            if (mentalHealth)
            {
                // Sensitive: CONSENT.md rule 6 needs an explicit permit that names the label.
                episode.Meta = new Meta { Security = [new Coding(DemoCodes.V3ActCode, "MH", "mental health information sensitivity")] };
                _hasCamhs = true;
            }

            if (firstContact > _asOf)
            {
                episode.Status = EpisodeOfCare.EpisodeOfCareStatus.Waitlist;
                episode.Period = new Period { Start = Format(referral) };
                episode.StatusHistory = [History(EpisodeOfCare.EpisodeOfCareStatus.Waitlist, referral, null)];
            }
            else
            {
                // An autism assessment still without a diagnosis has not finished.
                DateOnly? finished = !service.StartsWith("Autism", StringComparison.Ordinal) && _rng.NextDouble() < 0.35 ? firstContact.AddDays(_rng.Next(120, 540)) : null;
                if (finished > _asOf) finished = null;
                episode.Status = finished is null ? EpisodeOfCare.EpisodeOfCareStatus.Active : EpisodeOfCare.EpisodeOfCareStatus.Finished;
                episode.Period = new Period { Start = Format(referral), End = finished is { } f ? Format(f) : null };
                episode.StatusHistory =
                [
                    History(EpisodeOfCare.EpisodeOfCareStatus.Waitlist, referral, firstContact),
                    History(EpisodeOfCare.EpisodeOfCareStatus.Active, firstContact, finished),
                ];
                if (finished is { } end) episode.StatusHistory.Add(History(EpisodeOfCare.EpisodeOfCareStatus.Finished, end, null));
            }

            Add(NewUrn(), episode);
            AddHealthOrganisation(DemoDirectory.Trusts.Single(t => t.Id == lead.OrganizationId));
            added++;
        }

        return added;
    }

    private static EpisodeOfCare.StatusHistoryComponent History(EpisodeOfCare.EpisodeOfCareStatus status, DateOnly start, DateOnly? end) => new()
    {
        Status = status,
        Period = new Period { Start = Format(start), End = end is { } e ? Format(e) : null },
    };

    /// <summary>
    /// Consent to share for the EHC process: given by a parent before 16, by the young person from 16 (a parent's earlier
    /// consent is then kept as inactive). Some carry a deny provision: no mental health data to the school, or (16+) no
    /// sharing with the community trust.
    /// </summary>
    private void AddConsent(DateOnly given, bool planned)
    {
        given = Clamp(given, _dob.AddMonths(3), _asOf.AddDays(-1));
        var sixteenth = _dob.AddYears(16);
        if (AgeOn(given) < 16 && _age >= 16)
        {
            var handover = Clamp(sixteenth.AddDays(_rng.Next(0, 120)), sixteenth, _asOf.AddDays(-1));
            Add(NewUrn(), BuildConsent(given, handover, byYoungPerson: false, planned, Consent.ConsentState.Inactive));
            given = handover;
        }

        Add(NewUrn(), BuildConsent(given, null, byYoungPerson: AgeOn(given) >= 16, planned, Consent.ConsentState.Active));
    }

    private Consent BuildConsent(DateOnly given, DateOnly? until, bool byYoungPerson, bool planned, Consent.ConsentState state)
    {
        var recipients = new List<string> { _la.Reference };
        recipients.AddRange(_healthOrganisations.Select(t => t.Reference));
        if (_placement is not null) recipients.Add(_placement.Reference);
        var purposes = planned
            ? new[] { (DemoCodes.EhcAssessment, "EHC needs assessment"), (DemoCodes.EhcReview, "EHC plan review"), (DemoCodes.DirectCare, "Direct care") }
            : [(DemoCodes.DirectCare, "Direct care")];
        var provision = new Consent.provisionComponent
        {
            Type = Consent.ConsentProvisionType.Permit,
            Period = new Period { Start = Format(given), End = until is { } u ? Format(u) : null },
            Actor = recipients.Distinct().Select(r => new Consent.provisionActorComponent
            {
                Role = DemoCodes.Concept(DemoCodes.V3ParticipationType, "IRCP", "information recipient"),
                Reference = new ResourceReference(r),
            }).ToList(),
            Purpose = purposes.Select(p => new Coding(DemoCodes.PurposeOfUseSystem, p.Item1, p.Item2)).ToList(),
        };

        if (_hasCamhs && state == Consent.ConsentState.Active)
        {
            // Mental health data may go to the LA for the assessment, explicitly (CONSENT.md case 3).
            provision.Provision.Add(new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Permit,
                Actor = [new Consent.provisionActorComponent { Role = DemoCodes.Concept(DemoCodes.V3ParticipationType, "IRCP", "information recipient"), Reference = new ResourceReference(_la.Reference) }],
                Purpose = [new Coding(DemoCodes.PurposeOfUseSystem, DemoCodes.EhcAssessment, "EHC needs assessment")],
                SecurityLabel = [new Coding(DemoCodes.V3ActCode, "MH", "mental health information sensitivity")],
            });
        }

        if (state == Consent.ConsentState.Active && _rng.NextDouble() < 0.12)
        {
            if (byYoungPerson && _healthOrganisations.Count > 0)
            {
                provision.Provision.Add(new Consent.provisionComponent
                {
                    Type = Consent.ConsentProvisionType.Deny,
                    Actor = [new Consent.provisionActorComponent { Role = DemoCodes.Concept(DemoCodes.V3ParticipationType, "IRCP", "information recipient"), Reference = new ResourceReference(_healthOrganisations[0].Reference) }],
                });
            }
            else if (_placement is not null)
            {
                provision.Provision.Add(new Consent.provisionComponent
                {
                    Type = Consent.ConsentProvisionType.Deny,
                    Actor = [new Consent.provisionActorComponent { Role = DemoCodes.Concept(DemoCodes.V3ParticipationType, "IRCP", "information recipient"), Reference = new ResourceReference(_placement.Reference) }],
                    SecurityLabel = [new Coding(DemoCodes.V3ActCode, "MH", "mental health information sensitivity")],
                });
            }
        }

        return new Consent
        {
            Status = state,
            Scope = DemoCodes.Concept(DemoCodes.ConsentScope, "patient-privacy", "Privacy Consent"),
            Category = [DemoCodes.Concept(DemoCodes.Loinc, "59284-0", "Patient Consent")],
            Patient = new ResourceReference(_patientUrn),
            DateTime = Format(given),
            Performer = [new ResourceReference(byYoungPerson ? _patientUrn : _parentUrn)],
            Organization = [new ResourceReference(_la.Reference)],
            PolicyRule = DemoCodes.Concept(DemoCodes.V3ActCode, "OPTIN", "opt-in"),
            Provision = provision,
        };
    }

    private void AddHealthOrganisation(DemoTrust trust)
    {
        if (!_healthOrganisations.Contains(trust)) _healthOrganisations.Add(trust);
    }

    // ---- settings ---------------------------------------------------------------------------------------------------

    private DemoSetting SchoolAt(int age) =>
        Pick(DemoDirectory.SettingsOf(_la.Code, age <= 10 ? SettingKind.Primary : age <= 15 ? SettingKind.Secondary : SettingKind.College).ToList());

    /// <summary>Section I by age and need: about 44% mainstream, 30% special, 14% further education nationally (DOMAIN.md 2.2).</summary>
    private DemoSetting? PlacementAt(int age)
    {
        if (age < 4) return null; // early years: no school named
        var special = _primary.Code switch
        {
            "SLD" or "PMLD" or "MSI" => 0.85,
            "ASD" => 0.38,
            "SEMH" => 0.3,
            _ => 0.15,
        };
        SettingKind kind;
        if (age >= 19)
        {
            if (_rng.NextDouble() < 0.25) return null; // not in education or training, or in work
            kind = SettingKind.College;
        }
        else if (age >= 16)
        {
            kind = _rng.NextDouble() < special ? SettingKind.Special : _rng.NextDouble() < 0.7 ? SettingKind.College : SettingKind.Secondary;
        }
        else
        {
            kind = _rng.NextDouble() < special ? SettingKind.Special : age <= 10 ? SettingKind.Primary : SettingKind.Secondary;
        }

        return Pick(DemoDirectory.SettingsOf(_la.Code, kind).ToList());
    }

    // ---- dates -------------------------------------------------------------------------------------------------------

    /// <summary>The final plan's issue date: an age when the plan started (DfE distribution) no later than <paramref name="latest"/>.</summary>
    private DateOnly IssueDate(DateOnly latest)
    {
        var earliest = Max(_dob.AddDays(270), CfaCommencement.AddDays(100));
        if (latest < earliest) latest = earliest;
        var maxAge = Math.Min(AgeOn(latest), DemoVocabulary.PlanStartAgeWeights.Length - 1);
        var minAge = Math.Min(AgeOn(earliest), maxAge);
        var startAge = PickAge(DemoVocabulary.PlanStartAgeWeights, minAge, maxAge);
        return Clamp(_dob.AddYears(startAge).AddDays(_rng.Next(0, 365)), earliest, latest);
    }

    private int AgeOn(DateOnly date)
    {
        var age = date.Year - _dob.Year;
        if (date < _dob.AddYears(age)) age--;
        return Math.Max(age, 0);
    }

    private static DateOnly EndOfAcademicYear(DateOnly date)
    {
        var july = new DateOnly(date.Year, 7, 31);
        return date <= july ? july : july.AddYears(1);
    }

    private bool WithinSixWeeks() => _rng.NextDouble() < DemoVocabulary.DecisionWithinSixWeeksShare;

    private static DateOnly Clamp(DateOnly value, DateOnly min, DateOnly max) => value < min ? min : value > max ? max : value;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    internal static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Instant Instant(DateOnly date) => new(new DateTimeOffset(date.ToDateTime(new TimeOnly(9, 30)), TimeSpan.Zero));

    // ---- draws and bundle plumbing ---------------------------------------------------------------------------------

    private int PickAge(double[] weights, int min, int max)
    {
        max = Math.Min(max, weights.Length - 1);
        var slice = weights.Skip(min).Take(max - min + 1).ToArray();
        return min + PickIndex(slice);
    }

    private int PickIndex(IReadOnlyList<double> weights)
    {
        var total = weights.Sum();
        var x = _rng.NextDouble() * total;
        for (var i = 0; i < weights.Count; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }

        return weights.Count - 1;
    }

    private T PickWeighted<T>(IReadOnlyList<T> items, Func<T, double> weight) => items[PickIndex(items.Select(weight).ToList())];

    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];

    private string NewUrn()
    {
        Span<byte> bytes = stackalloc byte[16];
        _rng.NextBytes(bytes);
        return "urn:uuid:" + SyntheticCohort.AsVersion4(bytes);
    }

    private void Add(string urn, Resource resource)
    {
        DemoOwnership.Assign(resource, _la);
        _bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = urn,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
        });
    }

    /// <summary>The statutory due dates, counted from the day the LA received the request (DOMAIN.md 1.1).</summary>
    private readonly record struct StatutoryClock(DateOnly Request)
    {
        public DateOnly DecisionDue => Request.AddDays(42);
        public DateOnly DraftDue => Request.AddDays(112);
        public DateOnly FinalDue => Request.AddDays(140);
    }
}
