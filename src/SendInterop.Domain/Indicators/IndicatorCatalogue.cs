using static SendInterop.Domain.Indicators.Predicates;
using P = SendInterop.Domain.Indicators.PopulationKind;
using S = SendInterop.Domain.Indicators.ComparatorSeriesCatalogue;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// The indicator set of issue 5 point 2, following DOMAIN.md 5.1 (DfE / LG Inform metrics) and 5.3 (the RBA
/// mapping). Requests, plans issued and timeliness follow the DfE definitions of the EES files they compare with
/// (data guidance): a request counts in the year it was received, whatever year its outcome fell in; timeliness
/// counts plans issued in the year.
/// </summary>
public static class IndicatorCatalogue
{
    private static PopulationCriterion Pop(P kind, string description, params RowPredicate[] allOf) => new(kind, description, allOf);

    private static IReadOnlyList<PopulationCriterion> Cohort(string description, params RowPredicate[] allOf) => [Pop(P.InitialPopulation, description, allOf)];

    /// <summary>A proportion of plans in place on the reference date.</summary>
    private static IReadOnlyList<PopulationCriterion> ShareOfPlansInPlace(string numerator, params RowPredicate[] numeratorAllOf) =>
    [
        Pop(P.InitialPopulation, "EHC plans in place on the reference date.", PlanInPlace),
        Pop(P.Denominator, "EHC plans in place on the reference date.", PlanInPlace),
        Pop(P.Numerator, numerator, [PlanInPlace, .. numeratorAllOf]),
    ];

    public static readonly IndicatorDefinition PlansInPlace = new()
    {
        Id = "ehc-plans-in-place",
        Title = "EHC plans in place",
        Description = "The number of EHC plans in force on the reference date (the SEN2 census day in January).",
        WhyItMatters = "The size of the statutory caseload: how many children and young people the partnership has committed to provide for, and how fast that grows.",
        Source = "DOMAIN.md 2.1, 2.2 (caseload); DfE caseload.csv ehcplans",
        Scoring = IndicatorScoring.Cohort, Quadrant = RbaQuadrant.HowMuch, Section = DashboardSection.A, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Snapshot, Unit = ScoreUnit.Count, Comparator = S.PlansInPlace.Id,
        Populations = Cohort("EHC plans in place on the reference date.", PlanInPlace),
    };

    public static readonly IndicatorDefinition PlansPerThousand = new()
    {
        Id = "ehc-plans-per-1000-aged-0-25",
        Title = "EHC plans per 1,000 aged 0-25",
        Description = "EHC plans in place on the reference date per 1,000 residents aged 0-25 (ONS mid-year estimate, supplied with the evaluation).",
        WhyItMatters = "Prevalence that can be compared between areas of different size: a high or rising rate is a question about local need and about how well SEN support works before a plan.",
        Source = "DOMAIN.md 5.1 (plans per 1,000 people aged 0-25)",
        Scoring = IndicatorScoring.Ratio, Quadrant = RbaQuadrant.HowMuch, Section = DashboardSection.A, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Snapshot, Unit = ScoreUnit.PerThousand,
        Populations =
        [
            Pop(P.InitialPopulation, "EHC plans in place on the reference date.", PlanInPlace),
            Pop(P.Numerator, "EHC plans in place on the reference date.", PlanInPlace),
            Pop(P.Denominator, "Residents aged 0-25 in the subject's area (ONS mid-year estimate for the reference year), supplied to the evaluation, not counted from the record."),
        ],
        // A resident population is supplied for the area as a whole only, so the rate is not broken down.
        Stratifiers = [],
    };

    public static readonly IndicatorDefinition NewPlans = new()
    {
        Id = "new-ehc-plans",
        Title = "New EHC plans",
        Description = "The number of final EHC plans issued for the first time in the calendar year (SEN2 StartDate in the activity period).",
        WhyItMatters = "The flow into the statutory system; with requests it shows how much new need the area is meeting through plans.",
        Source = "DOMAIN.md 2.2 (new plans); DfE newplans.csv new_ehc_plans",
        Scoring = IndicatorScoring.Cohort, Quadrant = RbaQuadrant.HowMuch, Section = DashboardSection.A, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Count, Comparator = S.NewPlans.Id,
        Populations = Cohort("EHC plans issued in the period.", PlanIssuedInPeriod),
    };

    public static readonly IndicatorDefinition Requests = new()
    {
        Id = "requests-for-assessment",
        Title = "Requests for an EHC needs assessment",
        Description = "The number of requests for an EHC needs assessment received in the calendar year.",
        WhyItMatters = "Demand on the statutory route: the leading signal of future plans and of pressure on assessment capacity.",
        Source = "DOMAIN.md 2.2 (requests); DfE requests.csv requests_received_in_year",
        Scoring = IndicatorScoring.Cohort, Quadrant = RbaQuadrant.HowMuch, Section = DashboardSection.A, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Count, Comparator = S.Requests.Id,
        Populations = Cohort("Requests received in the period.", CaseReceivedInPeriod),
    };

    public static readonly IndicatorDefinition RequestsRefused = new()
    {
        Id = "requests-refused",
        Title = "Requests refused",
        Description = "Of the requests received in the calendar year, the percentage where the LA decided not to assess.",
        WhyItMatters = "Refusal to assess is appealable; a high rate can mean thresholds the families do not understand, or requests that SEN support could have answered.",
        Source = "DOMAIN.md 5.1 (requests refused %); DfE requests.csv request_not_assess_pc (denominator: all requests received)",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Decrease, Comparator = S.RequestsRefusedPercent.Id,
        Populations =
        [
            Pop(P.InitialPopulation, "Requests received in the period.", CaseReceivedInPeriod),
            Pop(P.Denominator, "Requests received in the period.", CaseReceivedInPeriod),
            Pop(P.Numerator, "Requests received in the period that the LA decided not to assess.", CaseReceivedInPeriod, CaseRefused),
        ],
    };

    public static readonly IndicatorDefinition DecisionsWithinSixWeeks = new()
    {
        Id = "decisions-within-6-weeks",
        Title = "Decisions to assess within 6 weeks",
        Description = "Of the requests received in the calendar year on which a decision whether to assess has been made, the percentage decided within 6 weeks (42 days).",
        WhyItMatters = "The first statutory deadline families meet: a late decision delays everything after it.",
        Source = "DOMAIN.md 1.1 (6 weeks, SEND Regs reg 5(1)); DfE requests.csv request_outcome_six_weeks_pc",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase, Comparator = S.DecisionsWithinSixWeeksPercent.Id,
        Populations =
        [
            Pop(P.InitialPopulation, "Requests received in the period.", CaseReceivedInPeriod),
            Pop(P.Denominator, "Requests received in the period with a decision whether to assess.", CaseReceivedInPeriod, CaseDecided),
            Pop(P.Numerator, "Those decided within 42 days of receipt.", CaseReceivedInPeriod, CaseDecided, CaseDecidedWithinSixWeeks),
        ],
    };

    public static readonly IndicatorDefinition WithinTwentyWeeks = new()
    {
        Id = "plans-issued-within-20-weeks",
        Title = "EHC plans issued within 20 weeks (including exceptions)",
        Description = "Of the final EHC plans issued in the calendar year, the percentage issued within 20 weeks (140 days) of the request, counting every plan.",
        WhyItMatters = "The statutory timescale for the whole assessment (reg 13); the most watched measure of whether the system works for families.",
        Source = "DOMAIN.md 1.1, 2.2; DfE timeliness_20_week.csv pc_plans_issued_within_20_weeks",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase, Comparator = S.Within20WeeksPercent.Id,
        Populations =
        [
            Pop(P.InitialPopulation, "Requests whose final plan was issued in the period.", CasePlanIssuedInPeriod),
            Pop(P.Denominator, "Plans issued in the period (requests on record).", CasePlanIssuedInPeriod),
            Pop(P.Numerator, "Those issued within 140 days of the request.", CasePlanIssuedInPeriod, CaseIssuedWithinTwentyWeeks),
        ],
    };

    public static readonly IndicatorDefinition WithinTwentyWeeksExcludingExceptions = new()
    {
        Id = "plans-issued-within-20-weeks-excluding-exceptions",
        Title = "EHC plans issued within 20 weeks (excluding exceptions)",
        Description = "As the 20-week indicator, but plans where a reg 10(4) exception applies are left out of numerator and denominator (they are not re-timed).",
        WhyItMatters = "Separates delay the partnership controls from delay the regulations excuse (school holidays, family away, exceptional circumstances).",
        Source = "DOMAIN.md 1.1 (reg 10(4) exceptions), 2.2; DfE timeliness_20_week.csv PC_plans_issued_20_weeks_ex",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase, Comparator = S.Within20WeeksExcludingPercent.Id,
        Populations =
        [
            Pop(P.InitialPopulation, "Requests whose final plan was issued in the period.", CasePlanIssuedInPeriod),
            Pop(P.Denominator, "Plans issued in the period (requests on record).", CasePlanIssuedInPeriod),
            Pop(P.DenominatorExclusion, "Those where an exception applies (SEN2 Week20 = 1).", CasePlanIssuedInPeriod, CaseExceptionsApply),
            Pop(P.Numerator, "Of the rest, those issued within 140 days of the request.", CasePlanIssuedInPeriod, CaseIssuedWithinTwentyWeeks),
        ],
    };

    public static readonly IndicatorDefinition MeanWeeksToIssue = new()
    {
        Id = "mean-weeks-to-issue",
        Title = "Average weeks from request to final plan",
        Description = "The mean number of weeks (days / 7) from the request to the final plan, over plans issued in the calendar year.",
        WhyItMatters = "How late the late plans are: the 20-week percentage cannot tell a plan a day late from one a year late.",
        Source = "DOMAIN.md 5.3 (average weeks); DfE publishes bands (20-52 weeks, over a year), not a mean",
        Scoring = IndicatorScoring.ContinuousVariable, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Weeks, Improvement = ImprovementNotation.Decrease,
        Populations =
        [
            Pop(P.InitialPopulation, "Requests whose final plan was issued in the period.", CasePlanIssuedInPeriod),
            Pop(P.MeasurePopulation, "Plans issued in the period (requests on record).", CasePlanIssuedInPeriod),
        ],
        Observation = WeeksToIssue,
    };

    public static readonly IndicatorDefinition ReviewsOnTime = new()
    {
        Id = "annual-reviews-on-time",
        Title = "Annual reviews held on time",
        Description = "Of the annual reviews that fell due in the calendar year (12 months from issue or the last meeting) and were still owed, the percentage whose meeting was held on or before the due day.",
        WhyItMatters = "Reviews are where progress against outcomes is judged and plans are kept current; an overdue review leaves a plan describing a child who has moved on.",
        Source = "DOMAIN.md 1.3 (CFA s.44, 12 months); the statutory clock's annual review steps. DfE annual_reviews.csv counts decisions within 4 weeks, a different measure, so no comparator",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase,
        Populations =
        [
            Pop(P.InitialPopulation, "Annual reviews due in the period.", ReviewDueInPeriod),
            Pop(P.Denominator, "Annual reviews due in the period.", ReviewDueInPeriod),
            Pop(P.Numerator, "Those held on or before the due day.", ReviewDueInPeriod, ReviewOnTime),
        ],
    };

    private static IndicatorDefinition Placement(string id, string title, string description, string why, string comparator, RowPredicate setting,
        ImprovementNotation improvement = ImprovementNotation.None, LogicModelColumn column = LogicModelColumn.Output, RbaQuadrant quadrant = RbaQuadrant.HowMuch) => new()
    {
        Id = id,
        Title = title,
        Description = description,
        WhyItMatters = why,
        Source = "DOMAIN.md 2.2, 5.1 (% in mainstream / special / independent special); DfE caseload.csv placement columns",
        Scoring = IndicatorScoring.Proportion, Quadrant = quadrant, Section = DashboardSection.A, LogicModel = column,
        PeriodType = PeriodType.Snapshot, Unit = ScoreUnit.Percent, Improvement = improvement, Comparator = comparator,
        Populations = ShareOfPlansInPlace(setting.Description, setting),
    };

    public static readonly IndicatorDefinition InMainstream = Placement("placement-mainstream", "Plans naming a mainstream school",
        "Of the plans in place on the reference date, the percentage naming a mainstream school.",
        "Inclusion: how far children with plans are educated alongside their peers, and how much mainstream schools are trusted and supported to meet need.",
        S.MainstreamPercent.Id, PlanMainstream);

    public static readonly IndicatorDefinition InSpecial = Placement("placement-special", "Plans naming a special school",
        "Of the plans in place on the reference date, the percentage naming a special school of any kind (independent special included, as DfE's special_total).",
        "Demand for specialist places, the costliest part of the high-needs budget, and a sign of whether mainstream can meet need.",
        S.SpecialPercent.Id, PlanSpecial);

    public static readonly IndicatorDefinition InIndependentSpecial = Placement("placement-independent-special", "Plans naming an independent special school",
        "Of the plans in place on the reference date, the percentage naming an independent special school.",
        "Independent places cost most and are often far from home; a rising share shows local specialist capacity falling short.",
        S.IndependentSpecialRate.Id, PlanIndependentSpecial, ImprovementNotation.Decrease);

    public static readonly IndicatorDefinition InFurtherEducation = Placement("placement-further-education", "Plans naming further education",
        "Of the plans in place on the reference date, the percentage naming an FE college, sixth form college or other post-16 institution.",
        "Whether young people with plans carry on learning after 16, a step towards the preparing-for-adulthood outcomes.",
        S.FurtherEducationPercent.Id, PlanFurtherEducation, column: LogicModelColumn.Outcome, quadrant: RbaQuadrant.BetterOff);

    public static readonly IndicatorDefinition Neet = Placement("placement-neet", "Young people with plans not in education, employment or training",
        "Of the plans in place on the reference date, the percentage where the young person is recorded as NEET (SEN2 SENsetting NEET, NIEC, NIEO).",
        "NEET young people with plans are those the system is failing to keep on a path to adulthood (DOMAIN.md 5.3, 'Is anyone better off?').",
        S.NeetRate.Id, PlanNeet, ImprovementNotation.Decrease, LogicModelColumn.Impact, RbaQuadrant.BetterOff);

    public static readonly IndicatorDefinition OutOfArea = new()
    {
        Id = "out-of-area-placements",
        Title = "Out-of-area placements",
        Description = "Of the plans in place on the reference date whose named setting's LA is known, the percentage naming a setting in another LA.",
        WhyItMatters = "Children placed away from home travel further, lose local friendships and cost more; it measures local sufficiency of places.",
        Source = "Issue 5 point 2 (out-of-area placements); no DfE series (DfE does not publish placements by the setting's LA)",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.A, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Snapshot, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Decrease,
        Populations =
        [
            Pop(P.InitialPopulation, "EHC plans in place on the reference date.", PlanInPlace),
            Pop(P.Denominator, "Plans in place whose named setting's LA is known.", PlanInPlace, PlanSettingLaKnown),
            Pop(P.Numerator, "Those naming a setting in another LA.", PlanInPlace, PlanSettingLaKnown, PlanOutOfArea),
        ],
    };

    public static readonly IndicatorDefinition PersonalBudgets = new()
    {
        Id = "plans-with-personal-budget",
        Title = "Plans with a personal budget",
        Description = "Of the plans in place on the reference date, the percentage with a personal budget recorded in section J.",
        WhyItMatters = "Personal budgets give families choice and control over provision (CFA s.49); take-up shows whether the offer is real.",
        Source = "DOMAIN.md 1.6, 5.1 (personal budgets); DfE personal_budgets.csv personal_budget over caseload.csv ehcplans",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowMuch, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Snapshot, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase, Comparator = S.PersonalBudgetRate.Id,
        Populations = ShareOfPlansInPlace("Plans in place with a personal budget.", PlanPersonalBudget),
    };

    public static readonly IndicatorDefinition DirectPayments = new()
    {
        Id = "plans-with-direct-payment",
        Title = "Plans with a direct payment",
        Description = "Of the plans in place on the reference date, the percentage where some of the personal budget is paid as a direct payment.",
        WhyItMatters = "Direct payments are the fullest form of choice and control; they are also where block contracts limit what families can do.",
        Source = "DOMAIN.md 1.6 (direct payments); SEN2 DP. DfE's 2025 files publish organised arrangements, not direct payments, so no comparator",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.HowMuch, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Snapshot, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase,
        Populations = ShareOfPlansInPlace("Plans in place with a direct payment.", PlanDirectPayment),
    };

    public static readonly IndicatorDefinition CeasedByReason = new()
    {
        Id = "plans-ceased",
        Title = "Plans ceased, by reason",
        Description = "The number of EHC plans that ceased in the calendar year, broken down by SEN2 cease reason (stratifier cease-reason).",
        WhyItMatters = "Why plans end tells a story: needs met and moves into work or higher education are success; 'no longer engaging' is not.",
        Source = "DOMAIN.md 1.4, 7 (cease reasons); DfE ceased_plans.csv total_ceased and reason columns",
        Scoring = IndicatorScoring.Cohort, Quadrant = RbaQuadrant.HowMuch, Section = DashboardSection.A, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Count, Comparator = S.Ceased.Id,
        Populations = Cohort("Plans ceased in the period.", PlanCeasedInPeriod),
        Stratifiers = [Stratifiers.CeaseReason, .. Stratifiers.Standard],
    };

    public static readonly IndicatorDefinition CeasedNeedsMet = new()
    {
        Id = "plans-ceased-needs-met",
        Title = "Plans ceased because needs are met",
        Description = "Of the plans that ceased in the calendar year, the percentage ceased because education or training needs are met without a plan (SEN2 reason 2).",
        WhyItMatters = "A plan ending because it is no longer needed is the clearest sign that provision made a difference (DOMAIN.md 5.3).",
        Source = "DOMAIN.md 5.3 (% ceased for 'needs met'); DfE ceased_plans.csv needs_met over total_ceased",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.BetterOff, Section = DashboardSection.B, LogicModel = LogicModelColumn.Outcome,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase, Comparator = S.CeasedNeedsMetRate.Id,
        Populations =
        [
            Pop(P.InitialPopulation, "Plans ceased in the period.", PlanCeasedInPeriod),
            Pop(P.Denominator, "Plans ceased in the period.", PlanCeasedInPeriod),
            Pop(P.Numerator, "Those ceased because needs are met without a plan.", PlanCeasedInPeriod, PlanCeasedNeedsMet),
        ],
    };

    public static readonly IndicatorDefinition OutcomesAchievedOrImproving = new()
    {
        Id = "outcomes-achieved-or-improving",
        Title = "Section E outcomes achieved or improving",
        Description = "Of the section E outcomes whose progress was last judged in the calendar year, the percentage achieved, sustained or improving.",
        WhyItMatters = "The plan exists to make a difference to the child's life; progress against its own outcomes is the direct answer to 'is anyone better off?'.",
        Source = "DOMAIN.md 7 (section E outcomes, reviewed at annual review), 5.3; no DfE series",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.BetterOff, Section = DashboardSection.B, LogicModel = LogicModelColumn.Outcome,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase,
        Populations =
        [
            Pop(P.InitialPopulation, "Section E outcomes judged in the period.", OutcomeAssessedInPeriod),
            Pop(P.Denominator, "Section E outcomes judged in the period.", OutcomeAssessedInPeriod),
            Pop(P.Numerator, "Those achieved, sustained or improving.", OutcomeAssessedInPeriod, OutcomeAchievedOrImproving),
        ],
    };

    public static readonly IndicatorDefinition AutismWaitWithinThirteenWeeks = new()
    {
        Id = "autism-assessment-within-13-weeks",
        Title = "Autism assessments started within 13 weeks",
        Description = "Of the autism diagnostic assessments whose first contact fell in the calendar year, the percentage seen within 13 weeks (91 days) of referral.",
        WhyItMatters = "NICE expects an autism assessment to start within 3 months of referral; long waits delay support and often drive requests for EHC assessment.",
        Source = "DOMAIN.md 5.1 (autism waiting times), 5.3; EpisodeOfCare statusHistory (waitlist to active); no DfE series",
        Scoring = IndicatorScoring.Proportion, Quadrant = RbaQuadrant.BetterOff, Section = DashboardSection.B, LogicModel = LogicModelColumn.Outcome,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Increase,
        Populations =
        [
            Pop(P.InitialPopulation, "Autism assessments with first contact in the period.", WaitFirstContactInPeriod, WaitAutismAssessment),
            Pop(P.Denominator, "Autism assessments with first contact in the period.", WaitFirstContactInPeriod, WaitAutismAssessment),
            Pop(P.Numerator, "Those whose first contact came within 91 days of referral.", WaitFirstContactInPeriod, WaitAutismAssessment, WaitWithinThirteenWeeks),
        ],
    };

    public static readonly IndicatorDefinition MeanHealthWait = new()
    {
        Id = "health-wait-mean-weeks",
        Title = "Average wait from referral to first contact (NHS services)",
        Description = "The mean weeks (days / 7) from referral to first contact over NHS episodes of care whose first contact fell in the calendar year.",
        WhyItMatters = "Therapy and assessment waits are the health side of the partnership's timeliness; they show where children wait longest.",
        Source = "DOMAIN.md 5.1 (autism and CAMHS waiting times); EpisodeOfCare statusHistory; no DfE series",
        Scoring = IndicatorScoring.ContinuousVariable, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Output,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Weeks, Improvement = ImprovementNotation.Decrease,
        Populations =
        [
            Pop(P.InitialPopulation, "Episodes with first contact in the period.", WaitFirstContactInPeriod),
            Pop(P.MeasurePopulation, "Episodes with first contact in the period.", WaitFirstContactInPeriod),
        ],
        Observation = WeeksWaited,
    };

    public static readonly IndicatorDefinition TribunalAppealRate = new()
    {
        Id = "tribunal-appeal-rate",
        Title = "SEND Tribunal appeal rate",
        Description = "Appeals recorded against decisions on requests made in the calendar year, per 100 appealable decisions (MoJ/DfE definition: refusals to assess, "
            + "decisions not to issue, plans in place in January, plans ceased as needs met). Only appeals recorded on the request (SEN2 tribunal flags) count, so it is a floor where data exists.",
        WhyItMatters = "Appeals measure disagreement the partnership could not resolve; most are decided in the family's favour, so a high rate signals poor decisions.",
        Source = "DOMAIN.md 1.5, 2.2 (6.1% in 2024), 5.1; MoJ SEND Tribunal appeal rate table (supporting file)",
        Scoring = IndicatorScoring.Ratio, Quadrant = RbaQuadrant.HowWell, Section = DashboardSection.B, LogicModel = LogicModelColumn.Outcome,
        PeriodType = PeriodType.Activity, Unit = ScoreUnit.Percent, Improvement = ImprovementNotation.Decrease, Comparator = S.TribunalAppealRate.Id,
        Populations =
        [
            Pop(P.InitialPopulation, "Appealable decisions, and requests with an appealable decision in the period.", AppealableDecisionOrAppealedRequest()),
            Pop(P.Numerator, "Requests with an appealable decision in the period and a tribunal appeal recorded.", CaseAppealableDecisionInPeriod, CaseAppealRegistered),
            Pop(P.Denominator, "Appealable decisions as the appeal rate counts them.", AppealableDecision),
        ],
    };

    private static RowPredicate AppealableDecisionOrAppealedRequest() => new("appeal.in-scope",
        "An appealable decision (appeal.appealable-decision) or a request whose appealable decision fell in the period (case.appealable-decision-in-period).",
        (row, p) => AppealableDecision.Test(row, p) || CaseAppealableDecisionInPeriod.Test(row, p));

    public static IReadOnlyList<IndicatorDefinition> All { get; } =
    [
        PlansInPlace, PlansPerThousand, NewPlans, Requests, RequestsRefused, DecisionsWithinSixWeeks, WithinTwentyWeeks, WithinTwentyWeeksExcludingExceptions,
        MeanWeeksToIssue, ReviewsOnTime, InMainstream, InSpecial, InIndependentSpecial, InFurtherEducation, Neet, OutOfArea, PersonalBudgets, DirectPayments,
        CeasedByReason, CeasedNeedsMet, OutcomesAchievedOrImproving, AutismWaitWithinThirteenWeeks, MeanHealthWait, TribunalAppealRate,
    ];

    public static IndicatorDefinition? Find(string id) => All.FirstOrDefault(i => i.Id == id);
}
