using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Statutory;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Domain.Tests.Indicators;

/// <summary>
/// Eleven children as stored FHIR resources ("Type/id" references), shaped like the demo record (ChildRecordBuilder):
/// requests as ServiceRequests with step Tasks, plans as CarePlans with section I and J extensions, reviews as
/// Encounters, section E Goals, NHS waits as EpisodeOfCare. Every expected number in the tests is worked out by hand
/// from the table below (reporting year SEN2 2025: activity 2024, reference date 2025-01-16; projected 2025-03-01).
///
/// child LA  born        sex ethn need  request    decision            plan issued (days)        setting (LA)           other
/// c1   926 2014-03-10  M   WBRI ASD   2024-01-08 assess 2024-02-12(35) 2024-05-20 (133)          mainstream (926)       PB+DP; goals achieved, in-progress; autism wait still waiting
/// c2   926 2008-06-01  F   MWBC SEMH  2024-02-01 assess 2024-03-25(53) 2024-08-30 (211, excepted) FE college (LA unknown) goal improving
/// c3   926 2012-09-15  M   AIND SLCN  2024-03-04 assess 2024-04-12(39) 2024-07-29 (147)          indep. special (935)   PB; goals worsening, achieved in 2025
/// c4   926 2019-05-05  F   BCRB ASD   2024-06-03 refused 2024-07-08(35) -                         -                      tribunal appeal; autism wait 70 days
/// c5   926 2016-11-20  M   WBRI MLD   2024-11-18 assess 2025-01-06(49) -                          -                      SLT wait 126 days
/// c6   926 2000-03-01  M   WBRI PMLD  -          -                     2015-06-01, ceased 2024-07-31 reason 2, special (926)
/// c7   926 2010-01-20  F   WBRI ASD   -          -                     2020-02-10                 special (926)          review due 2024-01-25 held 2024-01-20; goal sustaining
/// c8   926 2004-05-10  M   -    SEMH  -          -                     2019-09-01                 NEET                   review due 2024-09-10 held 2024-10-15
/// c9   935 2013-07-07  F   WBRI HI    2024-04-15 assess 2024-05-20(35) 2024-08-19 (126)          mainstream (926)
/// c10  926 2018-02-02  M   WBRI SLCN  2023-11-01 assess 2023-12-08      2024-03-15 (135)          mainstream (926)       autism wait 130 days
/// c11  926 2021-12-25  F   OOTH PD    2024-12-20 undecided             -                          -
/// </summary>
internal static class IndicatorFixture
{
    public static readonly DateOnly AsOf = new(2025, 3, 1);
    public static readonly ReportingPeriod Year2025 = ReportingPeriod.Sen2Year(2025);
    public static readonly ReportSubject Norfolk = ReportSubject.LocalAuthority("926", "Norfolk");
    public static readonly ReportSubject Suffolk = ReportSubject.LocalAuthority("935", "Suffolk");

    private const string ProcessStep = EhcRecordVocabulary.ProcessStepSystem;

    public static OrganisationDirectory Directory { get; } = new(
    [
        La("la-926", "926", "Norfolk County Council"),
        La("la-935", "935", "Suffolk County Council"),
        Setting("school-main", "Organization/la-926", text: "Mainstream primary school"),
        Setting("school-special", "Organization/la-926", coded: "special"),
        Setting("school-indep", "Organization/la-935", coded: "independent-special"),
        Setting("college", null, text: "General further education college"),
    ]);

    private static readonly Lazy<IReadOnlyList<Resource>> LazyResources = new(Build);
    private static readonly Lazy<ProjectedRecord> LazyRows = new(() => IndicatorProjector.Project(Resources, Directory, AsOf));

    public static IReadOnlyList<Resource> Resources => LazyResources.Value;

    public static ProjectedRecord Projected => LazyRows.Value;

    public static IReadOnlyList<ProjectionRow> Rows => Projected.All.ToList();

    private static IReadOnlyList<Resource> Build()
    {
        var r = new List<Resource>();

        // c1
        r.AddRange(Child("c1", "2014-03-10", AdministrativeGender.Male, "WBRI", "ASD"));
        r.AddRange(Request("r1", "c1", "la-926", "2024-01-08", "2024-02-12", toAssess: true));
        r.AddRange(Issued("r1", "c1", "p1", "2024-05-20"));
        r.Add(Plan("p1", "c1", "la-926", "2024-05-20", setting: "school-main", budget: (true, true), goals: ["g1a", "g1b"]));
        r.Add(Goal("g1a", "c1", "achieved", "2024-11-01"));
        r.Add(Goal("g1b", "c1", "in-progress", "2024-11-01"));
        r.Add(Episode("w1", "c1", autism: true, "2024-10-01", null));

        // c2: the 20-week clock paused by exceptional personal circumstances (reg 10(4)(c)).
        r.AddRange(Child("c2", "2008-06-01", AdministrativeGender.Female, "MWBC", "SEMH"));
        var r2 = Request("r2", "c2", "la-926", "2024-02-01", "2024-03-25", toAssess: true);
        ((ServiceRequest)r2[0]).Extension.Add(new Extension
        {
            Url = StatutoryCanonical.Extensions.ClockException,
            Extension =
            [
                new Extension("kind", new Coding(StatutoryCanonical.ClockExceptionCodeSystem, "exceptional-personal-circumstances")),
                new Extension("period", new Period { Start = "2024-04-01", End = "2024-05-15" }),
            ],
        });
        r.AddRange(r2);
        r.AddRange(Issued("r2", "c2", "p2", "2024-08-30"));
        r.Add(Plan("p2", "c2", "la-926", "2024-08-30", setting: "college", goals: ["g2a"]));
        r.Add(Goal("g2a", "c2", "improving", "2024-12-01"));

        // c3
        r.AddRange(Child("c3", "2012-09-15", AdministrativeGender.Male, "AIND", "SLCN"));
        r.AddRange(Request("r3", "c3", "la-926", "2024-03-04", "2024-04-12", toAssess: true));
        r.AddRange(Issued("r3", "c3", "p3", "2024-07-29"));
        r.Add(Plan("p3", "c3", "la-926", "2024-07-29", setting: "school-indep", budget: (true, false), goals: ["g3a", "g3b"]));
        r.Add(Goal("g3a", "c3", "worsening", "2024-12-01"));
        r.Add(Goal("g3b", "c3", "achieved", "2025-02-01"));

        // c4: refused, appealed to the tribunal.
        r.AddRange(Child("c4", "2019-05-05", AdministrativeGender.Female, "BCRB", "ASD"));
        var r4 = Request("r4", "c4", "la-926", "2024-06-03", "2024-07-08", toAssess: false);
        ((ServiceRequest)r4[0]).Extension.Add(new Extension(IndicatorCanonical.RecordCodes.Sen2RequestTribunal, new FhirBoolean(true)));
        r.AddRange(r4);
        r.Add(Episode("w4", "c4", autism: true, "2024-01-10", "2024-03-20"));

        // c5
        r.AddRange(Child("c5", "2016-11-20", AdministrativeGender.Male, "WBRI", "MLD"));
        r.AddRange(Request("r5", "c5", "la-926", "2024-11-18", "2025-01-06", toAssess: true));
        r.Add(Episode("w5", "c5", autism: false, "2023-10-02", "2024-02-05"));

        // c6: plan with no request on record, ceased in 2024 because needs are met.
        r.AddRange(Child("c6", "2000-03-01", AdministrativeGender.Male, "WBRI", "PMLD"));
        var p6 = Plan("p6", "c6", "la-926", "2015-06-01", setting: "school-special", ended: "2024-07-31");
        p6.Extension.Add(new Extension(StatutoryCanonical.Extensions.CeaseReason, new Coding(StatutoryCanonical.Sen2CeaseReasonCodeSystem, "2")));
        r.Add(p6);

        // c7: reviews held on time.
        r.AddRange(Child("c7", "2010-01-20", AdministrativeGender.Female, "WBRI", "ASD"));
        r.Add(Plan("p7", "c7", "la-926", "2020-02-10", setting: "school-special", goals: ["g7a"]));
        r.Add(Goal("g7a", "c7", "sustaining", "2024-01-20"));
        foreach (var (day, i) in new[] { "2021-02-01", "2022-01-30", "2023-01-25", "2024-01-20" }.Select((d, i) => (d, i)))
            r.Add(Review($"e7-{i}", "c7", day));

        // c8: NEET (SEN2 SENsetting on the section I reference), the 2024 review late.
        r.AddRange(Child("c8", "2004-05-10", AdministrativeGender.Male, null, "SEMH"));
        var p8 = Plan("p8", "c8", "la-926", "2019-09-01");
        var neet = new ResourceReference { Display = "Not in education, employment or training" };
        neet.Extension.Add(new Extension { Url = IndicatorCanonical.RecordCodes.Sen2SettingDetail, Extension = [new Extension("senSetting", new Coding("https://fhir.sendinterop.org.uk/CodeSystem/sen2-sen-setting", "NEET"))] });
        p8.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlacement, neet));
        r.Add(p8);
        foreach (var (day, i) in new[] { "2020-08-20", "2021-08-15", "2022-08-30", "2023-09-10", "2024-10-15" }.Select((d, i) => (d, i)))
            r.Add(Review($"e8-{i}", "c8", day));

        // c9: Suffolk's child, placed in a Norfolk school.
        r.AddRange(Child("c9", "2013-07-07", AdministrativeGender.Female, "WBRI", "HI"));
        r.AddRange(Request("r9", "c9", "la-935", "2024-04-15", "2024-05-20", toAssess: true));
        r.AddRange(Issued("r9", "c9", "p9", "2024-08-19"));
        r.Add(Plan("p9", "c9", "la-935", "2024-08-19", setting: "school-main"));

        // c10: request in 2023, plan in 2024.
        r.AddRange(Child("c10", "2018-02-02", AdministrativeGender.Male, "WBRI", "SLCN"));
        r.AddRange(Request("r10", "c10", "la-926", "2023-11-01", "2023-12-08", toAssess: true));
        r.AddRange(Issued("r10", "c10", "p10", "2024-03-15"));
        r.Add(Plan("p10", "c10", "la-926", "2024-03-15", setting: "school-main"));
        r.Add(Episode("w10", "c10", autism: true, "2024-02-01", "2024-06-10"));

        // c11: request in December, undecided.
        r.AddRange(Child("c11", "2021-12-25", AdministrativeGender.Female, "OOTH", "PD"));
        r.AddRange(Request("r11", "c11", "la-926", "2024-12-20", null, toAssess: null));
        return r;
    }

    // ---- builders ------------------------------------------------------------------------------------------------

    private static Organization La(string id, string code, string name) => new()
    {
        Id = id,
        Name = name,
        Identifier = [new Identifier(IndicatorCanonical.LaCodeSystem, code)],
    };

    private static Organization Setting(string id, string? partOf, string? text = null, string? coded = null)
    {
        var type = coded is null ? new CodeableConcept { Text = text } : new CodeableConcept(IndicatorCanonical.RecordCodes.SettingTypeSystem, coded);
        return new Organization { Id = id, Name = id, Type = [type], PartOf = partOf is null ? null : new ResourceReference(partOf) };
    }

    private static List<Resource> Child(string id, string born, AdministrativeGender sex, string? ethnicity, string need)
    {
        var patient = new Patient { Id = id, BirthDate = born, Gender = sex };
        if (ethnicity is not null)
            patient.Extension.Add(new Extension(IndicatorCanonical.RecordCodes.Sen2Ethnicity, new CodeableConcept("https://fhir.sendinterop.org.uk/CodeSystem/cbds-ethnicity", ethnicity)));
        return [patient, Need("n-" + id, id, need)];
    }

    public static Condition Need(string id, string patient, string code) => new()
    {
        Id = id,
        Subject = new ResourceReference("Patient/" + patient),
        ClinicalStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", "active"),
        Category = [new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, code)],
        Code = new CodeableConcept(SendCanonical.CodeSystems.Sen2NeedType, code),
        RecordedDate = "2023-01-01",
        Extension = [new Extension(SendCanonical.Extensions.SenNeedRank, new PositiveInt(1))],
    };

    /// <summary>The request and its decision Task (and the child's primary need, recorded before it).</summary>
    private static List<Resource> Request(string id, string patient, string la, string received, string? decided, bool? toAssess)
    {
        var list = new List<Resource>
        {
            new ServiceRequest
            {
                Id = id,
                Status = RequestStatus.Active,
                Intent = RequestIntent.Order,
                Code = new CodeableConcept(ProcessStep, EhcRecordVocabulary.RequestForAssessment),
                Subject = new ResourceReference("Patient/" + patient),
                AuthoredOn = received,
                Performer = [new ResourceReference("Organization/" + la)],
            },
        };
        if (decided is not null)
            list.Add(StepTask(id + "-decision", id, patient, EhcRecordVocabulary.DecideToAssess, received, decided,
                toAssess == true ? "decided-to-assess" : EhcRecordVocabulary.DecidedNotToAssess, null));
        return list;
    }

    private static List<Resource> Issued(string request, string patient, string plan, string issued) =>
        [StepTask(request + "-final", request, patient, EhcRecordVocabulary.FinalPlan, issued, issued, EhcRecordVocabulary.PlanIssued, "CarePlan/" + plan)];

    private static FhirTask StepTask(string id, string request, string patient, string code, string started, string done, string outcome, string? output)
    {
        var task = new FhirTask
        {
            Id = id,
            Status = FhirTask.TaskStatus.Completed,
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept(ProcessStep, code),
            Focus = new ResourceReference("ServiceRequest/" + request),
            For = new ResourceReference("Patient/" + patient),
            ExecutionPeriod = new Period { Start = started, End = done },
            BusinessStatus = new CodeableConcept(EhcRecordVocabulary.StepStatusSystem, outcome),
        };
        if (output is not null) task.Output.Add(new FhirTask.OutputComponent { Type = new CodeableConcept { Text = "EHC plan" }, Value = new ResourceReference(output) });
        return task;
    }

    private static CarePlan Plan(string id, string patient, string la, string issued, string? setting = null, (bool Budget, bool Direct)? budget = null,
        string[]? goals = null, string? ended = null)
    {
        var plan = new CarePlan
        {
            Id = id,
            Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
            Status = ended is null ? RequestStatus.Active : RequestStatus.Revoked,
            Intent = CarePlan.CarePlanIntent.Plan,
            Category = [new CodeableConcept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory)],
            Subject = new ResourceReference("Patient/" + patient),
            Period = new Period { Start = issued, End = ended },
            Author = new ResourceReference("Organization/" + la),
            Goal = (goals ?? []).Select(g => new ResourceReference("Goal/" + g)).ToList(),
        };
        if (setting is not null) plan.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlacement, new ResourceReference("Organization/" + setting)));
        if (budget is { } b)
        {
            plan.Extension.Add(new Extension
            {
                Url = SendCanonical.Extensions.EhcPersonalBudget,
                Extension = [new Extension("amount", new Money { Value = 2000m, Currency = Money.Currencies.GBP }), new Extension("directPayment", new FhirBoolean(b.Direct))],
            });
        }

        return plan;
    }

    private static Goal Goal(string id, string patient, string achievement, string statusDate) => new()
    {
        Id = id,
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Active,
        Description = new CodeableConcept { Text = "An outcome" },
        Subject = new ResourceReference("Patient/" + patient),
        AchievementStatus = new CodeableConcept(IndicatorCanonical.RecordCodes.GoalAchievementSystem, achievement),
        StatusDate = statusDate,
    };

    private static Encounter Review(string id, string patient, string day) => new()
    {
        Id = id,
        Status = Encounter.EncounterStatus.Finished,
        Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
        Type = [new CodeableConcept(ProcessStep, EhcRecordVocabulary.AnnualReview)],
        Subject = new ResourceReference("Patient/" + patient),
        Period = new Period { Start = day, End = day },
    };

    private static EpisodeOfCare Episode(string id, string patient, bool autism, string referred, string? firstContact)
    {
        var episode = new EpisodeOfCare
        {
            Id = id,
            Status = firstContact is null ? EpisodeOfCare.EpisodeOfCareStatus.Waitlist : EpisodeOfCare.EpisodeOfCareStatus.Active,
            Type = [autism ? new CodeableConcept(IndicatorCanonical.RecordCodes.HealthServiceSystem, IndicatorCanonical.RecordCodes.AutismAssessment) : new CodeableConcept { Text = "Children's speech and language therapy" }],
            Patient = new ResourceReference("Patient/" + patient),
            Period = new Period { Start = referred },
            StatusHistory = [new EpisodeOfCare.StatusHistoryComponent { Status = EpisodeOfCare.EpisodeOfCareStatus.Waitlist, Period = new Period { Start = referred, End = firstContact } }],
        };
        if (firstContact is not null)
            episode.StatusHistory.Add(new EpisodeOfCare.StatusHistoryComponent { Status = EpisodeOfCare.EpisodeOfCareStatus.Active, Period = new Period { Start = firstContact } });
        return episode;
    }
}
