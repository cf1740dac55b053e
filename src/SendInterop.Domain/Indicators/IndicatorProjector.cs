using System.Globalization;
using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Statutory;

namespace SendInterop.Domain.Indicators;

/// <summary>
/// Projects children's stored FHIR resources (each referred to as "Type/id") into the flat rows the indicators count.
/// The EHC process comes from <see cref="EhcCaseReader"/> and <see cref="StatutoryClock"/>, so the dashboard and the
/// clock never disagree about a date; the rest is read here: the child's sex, ethnicity and primary need from Patient
/// and Conditions, setting, budget and outcomes from the CarePlan and its Goals, waits from EpisodeOfCare. Pure: the
/// same resources and "as of" day give the same rows. Facts dated after <c>asOf</c> are not known yet and are ignored.
/// </summary>
public static class IndicatorProjector
{
    public static ProjectedRecord Project(IEnumerable<Resource> resources, OrganisationDirectory directory, DateOnly asOf)
    {
        var all = resources.Where(r => r.Id is { Length: > 0 }).ToList();
        var byReference = all.GroupBy(References.Of).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var cases = EhcCaseReader.Read(all).Select(f => (Facts: f, Timeline: StatutoryClock.Evaluate(f, asOf))).ToList();

        var caseRows = new List<CaseRow>();
        var planRows = new List<PlanRow>();
        var reviewRows = new List<ReviewRow>();
        var outcomeRows = new List<OutcomeRow>();
        var waitRows = new List<WaitRow>();

        var patients = all.OfType<Patient>().Select(References.Of)
            .Concat(cases.Select(c => c.Facts.PatientReference)).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal);
        foreach (var patient in patients)
        {
            var childCases = cases.Where(c => c.Facts.PatientReference == patient).ToList();
            var child = ChildStrataOf(patient, childCases.Select(c => c.Facts).ToList(), all, byReference, directory, asOf);

            foreach (var (facts, timeline) in childCases)
            {
                var plan = facts.Plan is { Issued: var issued } p && issued <= asOf ? p : null;
                var carePlan = plan?.PlanReference is { } planReference && byReference.TryGetValue(planReference, out var found) ? found as CarePlan : null;
                var laCode = OrganisationDirectory.LaCodeOf(directory.Find(facts.LocalAuthorityReference)) ?? child.LaCode;
                var setting = carePlan is null ? SettingType.NotRecorded : SettingOf(carePlan, directory);
                var strata = child with { LaCode = laCode, SettingType = carePlan is null ? child.SettingType : setting };

                if (facts.RequestReceived is { } received && received <= asOf)
                    caseRows.Add(CaseRowOf(facts, timeline, plan, strata, byReference, asOf, received));

                if (plan is null) continue;
                var planKey = plan.PlanReference ?? facts.CaseId;
                planRows.Add(PlanRowOf(planKey, patient, plan, carePlan, strata, directory, laCode, asOf));

                foreach (var step in timeline.Steps.Where(s => s.Code == StatutoryStepCode.AnnualReview))
                {
                    reviewRows.Add(new ReviewRow
                    {
                        RowId = planKey + "#" + step.Key,
                        ChildKey = patient,
                        Strata = strata,
                        Due = step.DueDate,
                        Held = step.MetOn,
                        Cancelled = step.Status.State == StepState.Cancelled,
                    });
                }

                if (carePlan is not null) outcomeRows.AddRange(OutcomesOf(carePlan, patient, strata, all, byReference, asOf));
            }

            waitRows.AddRange(WaitsOf(patient, child, all, asOf));
        }

        return new ProjectedRecord(caseRows, planRows, reviewRows, outcomeRows, waitRows);
    }

    private static CaseRow CaseRowOf(EhcCaseFacts facts, StatutoryTimeline timeline, EhcPlanFacts? plan, ChildStrata strata,
        IReadOnlyDictionary<string, Resource> byReference, DateOnly asOf, DateOnly received)
    {
        var decision = facts.DecisionToAssess is { } d && d.NotifiedOn <= asOf ? d : null;
        var request = facts.RequestReference is { } r && byReference.TryGetValue(r, out var found) ? found as ServiceRequest : null;
        return new CaseRow
        {
            RowId = facts.RequestReference ?? facts.CaseId,
            ChildKey = facts.PatientReference,
            Strata = strata,
            Received = received,
            DecisionOn = decision?.NotifiedOn,
            DecidedToAssess = decision?.ToAssess,
            DecidedNotToIssueOn = facts.DecidedNotToIssueOn <= asOf ? facts.DecidedNotToIssueOn : null,
            PlanIssued = plan?.Issued,
            ExceptionsApply = timeline.TwentyWeeks?.ExceptionsApply ?? false,
            TribunalAppeal = request is null ? null : TribunalOf(request),
        };
    }

    private static PlanRow PlanRowOf(string planKey, string patient, EhcPlanFacts plan, CarePlan? carePlan, ChildStrata strata,
        OrganisationDirectory directory, string? laCode, DateOnly asOf)
    {
        var ceased = plan.Cessation is { } c && c.CeasedOn <= asOf ? c : null;
        var (budget, direct) = carePlan is null ? (false, false) : BudgetOf(carePlan);
        return new PlanRow
        {
            RowId = planKey,
            ChildKey = patient,
            Strata = strata,
            Issued = plan.Issued,
            Ceased = ceased?.CeasedOn,
            CeaseReason = ceased?.Reason,
            OutOfArea = carePlan is null ? null : OutOfAreaOf(carePlan, directory, laCode),
            PersonalBudget = budget,
            DirectPayment = direct,
        };
    }

    // ---- the child ----------------------------------------------------------------------------------------------------

    private static ChildStrata ChildStrataOf(string patient, IReadOnlyList<EhcCaseFacts> cases, IReadOnlyList<Resource> all,
        IReadOnlyDictionary<string, Resource> byReference, OrganisationDirectory directory, DateOnly asOf)
    {
        var person = byReference.TryGetValue(patient, out var p) ? p as Patient : null;

        // The LA of the most recent case; failing that the Patient's managing organisation.
        var latest = cases.OrderByDescending(c => c.RequestReceived ?? c.Plan?.Issued).FirstOrDefault(c => c.LocalAuthorityReference is not null);
        var laCode = OrganisationDirectory.LaCodeOf(directory.Find(latest?.LocalAuthorityReference))
            ?? OrganisationDirectory.LaCodeOf(directory.Find(person?.ManagingOrganization));

        // The child's latest plan gives the setting for rows that have no plan of their own (waits).
        var latestPlan = cases.Where(c => c.Plan is { } pl && pl.Issued <= asOf).OrderByDescending(c => c.Plan!.Issued)
            .Select(c => c.Plan!.PlanReference is { } r && byReference.TryGetValue(r, out var cp) ? cp as CarePlan : null).FirstOrDefault(c => c is not null);

        return new ChildStrata
        {
            LaCode = laCode,
            BirthDate = EhcCaseReader.Day(person?.BirthDate),
            Sex = person?.Gender is { } g ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(g) ?? "unknown" : "unknown",
            Ethnicity = EthnicGroups.Of(EthnicityCode(person)),
            PrimaryNeed = PrimaryNeedOf(patient, all, asOf),
            SettingType = latestPlan is null ? SettingType.NotRecorded : SettingOf(latestPlan, directory),
        };
    }

    private static string? EthnicityCode(Patient? patient)
    {
        if (patient is null) return null;
        foreach (var url in new[] { IndicatorCanonical.RecordCodes.Sen2Ethnicity, IndicatorCanonical.RecordCodes.UkCoreEthnicCategory })
        {
            switch (patient.GetExtension(url)?.Value)
            {
                case CodeableConcept concept when concept.Coding.FirstOrDefault()?.Code is { } code: return code;
                case Coding coding when coding.Code is { } code: return code;
                case Code code when code.Value is { } value: return value;
            }
        }

        return null;
    }

    /// <summary>SEN2 SENtype of the child's rank-1 need (send-need Condition, sen-need-rank 1), the latest recorded on or before "as of".</summary>
    private static string PrimaryNeedOf(string patient, IReadOnlyList<Resource> all, DateOnly asOf)
    {
        var primary = all.OfType<Condition>()
            .Where(c => References.Normalise(c.Subject?.Reference) == patient)
            .Where(c => (c.GetExtension(SendCanonical.Extensions.SenNeedRank)?.Value as PositiveInt)?.Value == 1)
            .Where(c => c.ClinicalStatus?.Coding.FirstOrDefault()?.Code is null or "active")
            .Where(c => c.VerificationStatus?.Coding.FirstOrDefault()?.Code is not "entered-in-error" and not "refuted")
            .Where(c => EhcCaseReader.Day(c.RecordedDate) is not { } recorded || recorded <= asOf)
            .OrderByDescending(c => c.RecordedDate, StringComparer.Ordinal)
            .Select(c => c.Category.SelectMany(k => k.Coding).Concat(c.Code?.Coding ?? [])
                .FirstOrDefault(k => k.System == SendCanonical.CodeSystems.Sen2NeedType)?.Code)
            .FirstOrDefault(code => code is not null);
        return primary ?? "unknown";
    }

    // ---- the plan -----------------------------------------------------------------------------------------------------

    /// <summary>The rank-1 (first) setting named in section I: its SEN2 SENsetting, else its Organization's type.</summary>
    internal static SettingType SettingOf(CarePlan plan, OrganisationDirectory directory)
    {
        var placement = plan.Extension.Where(e => e.Url == SendCanonical.Extensions.EhcPlacement).Select(e => e.Value).OfType<ResourceReference>().FirstOrDefault();
        if (placement is null) return SettingType.NotRecorded;

        var senSetting = placement.GetExtension(IndicatorCanonical.RecordCodes.Sen2SettingDetail)?.GetExtension("senSetting")?.Value switch
        {
            Coding coding => coding.Code,
            CodeableConcept concept => concept.Coding.FirstOrDefault()?.Code,
            Code code => code.Value,
            _ => null,
        };
        if (SettingTypes.FromSen2SenSetting(senSetting) is { } fromSen2) return fromSen2;

        var organisation = directory.Find(placement);
        if (organisation is null) return SettingType.NotRecorded;
        foreach (var type in organisation.Type)
        {
            if (SettingTypes.FromCode(type.Coding.FirstOrDefault(c => c.System == IndicatorCanonical.RecordCodes.SettingTypeSystem)?.Code) is { } coded) return coded;
        }

        return organisation.Type.Select(t => SettingTypes.FromText(t.Text ?? t.Coding.FirstOrDefault()?.Display)).FirstOrDefault(t => t is not null)
            ?? SettingType.NotRecorded;
    }

    /// <summary>The setting's LA (the LA Organization it is part of) against the plan's LA; null when either is unknown.</summary>
    private static bool? OutOfAreaOf(CarePlan plan, OrganisationDirectory directory, string? laCode)
    {
        var placement = plan.Extension.Where(e => e.Url == SendCanonical.Extensions.EhcPlacement).Select(e => e.Value).OfType<ResourceReference>().FirstOrDefault();
        var settingLa = OrganisationDirectory.LaCodeOf(directory.Find(directory.Find(placement)?.PartOf));
        if (laCode is null || settingLa is null) return null;
        return !string.Equals(settingLa, laCode, StringComparison.Ordinal);
    }

    /// <summary>Section J: the demo's ehc-personal-budget (directPayment flag) or the SEN2 import's sen2-personal-budget (takenUp, directPayments).</summary>
    private static (bool Budget, bool Direct) BudgetOf(CarePlan plan)
    {
        var budget = false;
        var direct = false;
        if (plan.GetExtension(SendCanonical.Extensions.EhcPersonalBudget) is { } demo)
        {
            budget = true;
            direct |= (demo.GetExtension("directPayment")?.Value as FhirBoolean)?.Value == true;
        }

        if (plan.GetExtension(IndicatorCanonical.RecordCodes.Sen2PersonalBudget) is { } sen2)
        {
            budget |= (sen2.GetExtension("takenUp")?.Value as FhirBoolean)?.Value == true;
            direct |= (sen2.GetExtension("directPayments")?.Value as FhirBoolean)?.Value == true;
        }

        return (budget || direct, direct);
    }

    private static IEnumerable<OutcomeRow> OutcomesOf(CarePlan plan, string patient, ChildStrata strata, IReadOnlyList<Resource> all,
        IReadOnlyDictionary<string, Resource> byReference, DateOnly asOf)
    {
        foreach (var goalReference in plan.Goal.Select(g => References.Normalise(g.Reference)).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (!byReference.TryGetValue(goalReference, out var resource) || resource is not Goal goal) continue;
            if (goal.LifecycleStatus is Goal.GoalLifecycleStatus.EnteredInError or Goal.GoalLifecycleStatus.Proposed) continue;

            var observed = all.OfType<Observation>()
                .Where(o => o.Focus.Any(f => References.Normalise(f.Reference) == goalReference))
                .Select(o => EhcCaseReader.Day((o.Effective as FhirDateTime)?.Value))
                .Where(d => d is { } day && day <= asOf)
                .Max();
            var statusDate = EhcCaseReader.Day(goal.StatusDate);
            yield return new OutcomeRow
            {
                RowId = goalReference,
                ChildKey = patient,
                Strata = strata,
                Achievement = goal.AchievementStatus?.Coding.FirstOrDefault(c => c.System == IndicatorCanonical.RecordCodes.GoalAchievementSystem)?.Code,
                AssessedOn = observed ?? (statusDate <= asOf ? statusDate : null),
            };
        }
    }

    // ---- health ------------------------------------------------------------------------------------------------------

    private static IEnumerable<WaitRow> WaitsOf(string patient, ChildStrata strata, IReadOnlyList<Resource> all, DateOnly asOf)
    {
        foreach (var episode in all.OfType<EpisodeOfCare>().Where(e => References.Normalise(e.Patient?.Reference) == patient))
        {
            if (episode.Status == EpisodeOfCare.EpisodeOfCareStatus.EnteredInError) continue;
            var history = episode.StatusHistory.OrderBy(h => h.Period?.Start, StringComparer.Ordinal).ToList();
            var referred = EhcCaseReader.Day(history.FirstOrDefault(h => h.Status == EpisodeOfCare.EpisodeOfCareStatus.Waitlist)?.Period?.Start)
                ?? EhcCaseReader.Day(episode.Period?.Start);
            if (referred is not { } r || r > asOf) continue;
            var contact = EhcCaseReader.Day(history.FirstOrDefault(h => h.Status == EpisodeOfCare.EpisodeOfCareStatus.Active)?.Period?.Start);
            yield return new WaitRow
            {
                RowId = References.Of(episode),
                ChildKey = patient,
                Strata = strata,
                AutismAssessment = IsAutismAssessment(episode),
                Referred = r,
                FirstContact = contact <= asOf && contact >= r ? contact : null,
            };
        }
    }

    /// <summary>Coded health-service|autism-assessment, or (the demo's stop-gap) a type text starting "Autism".</summary>
    private static bool IsAutismAssessment(EpisodeOfCare episode) =>
        episode.Type.Any(t => t.Coding.Any(c => c.System == IndicatorCanonical.RecordCodes.HealthServiceSystem && c.Code == IndicatorCanonical.RecordCodes.AutismAssessment)
            || (t.Text ?? "").StartsWith("Autism", StringComparison.OrdinalIgnoreCase));

    // ---- tribunal ----------------------------------------------------------------------------------------------------

    /// <summary>SEN2 RequestTribunal / AssessmentTribunal / OtherTribunal: true if any is true, false if all recorded are false, null if none.</summary>
    private static bool? TribunalOf(ServiceRequest request)
    {
        var flags = new List<bool?>
        {
            (request.GetExtension(IndicatorCanonical.RecordCodes.Sen2RequestTribunal)?.Value as FhirBoolean)?.Value,
        };
        if (request.GetExtension(IndicatorCanonical.RecordCodes.Sen2Assessment) is { } assessment)
        {
            flags.Add((assessment.GetExtension("tribunal")?.Value as FhirBoolean)?.Value);
            flags.Add((assessment.GetExtension("otherTribunal")?.Value as FhirBoolean)?.Value);
        }

        var recorded = flags.Where(f => f is not null).Select(f => f!.Value).ToList();
        return recorded.Count == 0 ? null : recorded.Any(f => f);
    }

    internal static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
