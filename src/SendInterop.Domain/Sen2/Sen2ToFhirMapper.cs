using Hl7.Fhir.Model;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Profiles;
using V = SendInterop.Domain.Sen2.Sen2FhirValues;
using X = SendInterop.Domain.Sen2.Sen2FhirUrls.Extensions;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// Maps one valid SEN2 person to a FHIR transaction Bundle for that child, in the shapes the demo data and SEND profiles
/// use: Patient (send-child), ServiceRequest per request, CarePlan (send-ehc-plan) per named or active plan with section I
/// settings and placements, Condition (send-need) per ranked need, Encounter per annual review. SEN2 items with no FHIR
/// element travel in <see cref="Sen2FhirUrls.Extensions"/>, so <see cref="FhirToSen2Mapper"/> gives the same person back.
/// </summary>
/// <remarks>
/// Every entry is conditional, so importing the same record again changes nothing: the Patient is created only when no
/// Patient has any of the child's identifiers (an existing child record, with whatever NHS systems added, is left as it is),
/// and each SEN2-owned resource is a conditional update on its <see cref="Sen2RecordKey"/>.
/// </remarks>
public static class Sen2ToFhirMapper
{
    private const string CategoryText = "Special educational needs";

    /// <summary>The transaction for one person of an LA's return.</summary>
    /// <param name="laChildId">The child's LA id when known (needed when the person has neither UPN nor ULN).</param>
    public static bool TryMap(Sen2Person person, LaCode la, LaChildId? laChildId, out Bundle transaction, out string problem)
    {
        ArgumentNullException.ThrowIfNull(person);
        transaction = null!;
        if (!Sen2RecordKey.TryCreate(person, la, laChildId, out var key, out problem)) return false;

        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var patientUrl = Sen2RecordKey.FullUrl($"{la.Value}/{key.PersonToken}/patient");
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = patientUrl,
            Resource = Patient(person, key),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Patient", IfNoneExist = key.PatientSearch() },
        });

        var undated = 0;
        foreach (var request in Sen2Ordering.Requests(person.Requests))
        {
            var requestKey = key.Request(request, request.ReceivedDate is null ? ++undated : 0);
            Put(bundle, requestKey, ServiceRequest(request, requestKey, patientUrl, la));
            AddPlan(bundle, request, requestKey, patientUrl, la);
        }

        transaction = bundle;
        return true;
    }

    private static Patient Patient(Sen2Person person, Sen2RecordKey key)
    {
        var patient = new Patient
        {
            Meta = new Meta { Profile = [SendCanonical.Profiles.Child] },
            Identifier = key.PatientIdentifiers.Select(i => new Identifier(i.System, i.Value)).ToList(),
            Active = true,
            Name = [new HumanName { Use = HumanName.NameUse.Official, Family = person.Surname, Given = [person.Forename] }],
            Gender = person.Sex.Value switch
            {
                "M" => AdministrativeGender.Male,
                "F" => AdministrativeGender.Female,
                _ => AdministrativeGender.Unknown,
            },
            BirthDate = V.Format(person.BirthDate),
            Address = [new Address { Use = Address.AddressUse.Home, PostalCode = person.PostCode }],
        };
        V.Add(patient, X.Ethnicity, V.Concept(person.Ethnicity));
        V.Add(patient, X.UpnUnknown, person.UpnUnknown);
        return patient;
    }

    private static ServiceRequest ServiceRequest(Sen2Request request, string requestKey, string patientUrl, LaCode la)
    {
        var resource = new ServiceRequest
        {
            Identifier = [RecordIdentifier(requestKey)],
            Status = RequestStatus(request),
            Intent = RequestIntent.Order,
            Category = [new CodeableConcept { Text = CategoryText }],
            Code = V.Concept(Sen2FhirUrls.EhcProcessStep, Sen2FhirUrls.RequestForAssessmentStep, "Request for an EHC needs assessment"),
            Subject = new ResourceReference(patientUrl),
            AuthoredOn = request.ReceivedDate is { } d ? V.Format(d) : null,
            Performer = [V.LaReference(la)],
        };
        V.Add(resource, X.RequestSource, request.Source);
        V.Add(resource, X.RequestWhilstInRya, request.WhilstInRya);
        V.Add(resource, X.RequestOutcome, request.Outcome);
        V.Add(resource, X.RequestOutcomeDate, request.OutcomeDate);
        V.Add(resource, X.RequestMediation, request.Mediation);
        V.Add(resource, X.RequestTribunal, request.Tribunal);
        V.Add(resource, X.ExportedTo, request.ExportedTo);
        if (request.Assessment is { } assessment)
        {
            V.AddComplex(resource, X.Assessment, e =>
            {
                V.Add(e, "outcome", assessment.Outcome);
                V.Add(e, "outcomeDate", assessment.OutcomeDate);
                V.Add(e, "mediation", assessment.Mediation);
                V.Add(e, "tribunal", assessment.Tribunal);
                V.Add(e, "otherMediation", assessment.OtherMediation);
                V.Add(e, "otherTribunal", assessment.OtherTribunal);
                V.Add(e, "week20", assessment.Week20ExceptionsApply);
            });
        }

        return resource;
    }

    /// <summary>
    /// As the demo data: a request still being decided or assessed is active, one refused or withdrawn is revoked, one that
    /// reached its decision (or is historical) is completed.
    /// </summary>
    private static RequestStatus RequestStatus(Sen2Request request) => request.Outcome.Value switch
    {
        "N" or "W" => Hl7.Fhir.Model.RequestStatus.Revoked,
        "H" => Hl7.Fhir.Model.RequestStatus.Completed,
        "Y" when request.Assessment?.Outcome.Value is "Y" or "N" or "H" or "W" => Hl7.Fhir.Model.RequestStatus.Completed,
        _ => Hl7.Fhir.Model.RequestStatus.Active,
    };

    /// <summary>One CarePlan for the request's named plan (module 4) and active plan (module 5), which describe the same plan.</summary>
    private static void AddPlan(Bundle bundle, Sen2Request request, string requestKey, string patientUrl, LaCode la)
    {
        var named = request.Assessment?.NamedPlan;
        var active = request.ActivePlan;
        if (named is null && active is null) return;

        var plan = new CarePlan
        {
            Meta = new Meta { Profile = [SendCanonical.Profiles.EhcPlan] },
            Identifier = [RecordIdentifier(Sen2RecordKey.Plan(requestKey))],
            Status = PlanStatus(named),
            Intent = CarePlan.CarePlanIntent.Plan,
            Category = [V.Concept(SendCanonical.CodeSystems.EhcPlanCategory, SendCanonical.Codes.EhcPlanCategory, "Education, health and care plan")],
            Title = "Education, health and care plan",
            Subject = new ResourceReference(patientUrl),
            Author = V.LaReference(la),
        };

        if (named is not null)
        {
            plan.Period = new Period { Start = V.Format(named.StartDate), End = named.CeaseDate is { } c ? V.Format(c) : null };
            foreach (var detail in named.Settings.OrderBy(d => d.Rank))
                plan.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlacement, NamedSetting(detail)));
            V.Add(plan, X.Residential, named.Residential);
            V.Add(plan, X.WorkBasedLearning, named.WorkBasedLearning);
            V.AddComplex(plan, X.PersonalBudget, e =>
            {
                V.Add(e, "takenUp", named.PersonalBudget);
                V.Add(e, "organisedArrangements", named.OrganisedArrangements);
                V.Add(e, "directPayments", named.DirectPayments);
            });
            V.Add(plan, X.CeaseReason, named.CeaseReason);
        }

        if (active is not null)
        {
            V.Add(plan, X.TransferredInFrom, active.TransferredInFrom);
            V.Add(plan, X.PhaseTransferDueDate, active.PhaseTransferDueDate);
            V.Add(plan, X.PhaseTransferFinalDate, active.PhaseTransferFinalDate);
            foreach (var placement in Sen2Ordering.Placements(active.Placements)) plan.Activity.Add(Placement(placement));
            foreach (var need in active.Needs.OrderBy(n => n.Rank))
            {
                var needKey = Sen2RecordKey.Need(requestKey, need.Rank);
                var needUrl = Put(bundle, needKey, Need(need, needKey, patientUrl));
                plan.Addresses.Add(Section(new ResourceReference(needUrl), "B"));
            }

            if (active.ReviewMeeting is not null || active.ReviewOutcome is not null || active.ReviewDraft is not null || active.LastReview is not null)
            {
                var reviewKey = Sen2RecordKey.Review(requestKey);
                Put(bundle, reviewKey, Review(active, reviewKey, patientUrl, la));
            }
        }

        Put(bundle, Sen2RecordKey.Plan(requestKey), plan);
    }

    /// <summary>Active until ceased; then, as the demo data has it, completed when the plan ran its course (reasons 1, 2), revoked otherwise.</summary>
    private static RequestStatus PlanStatus(Sen2NamedPlan? named) => named switch
    {
        { CeaseDate: null } or null => Hl7.Fhir.Model.RequestStatus.Active,
        { CeaseReason.Value: "1" or "2" } => Hl7.Fhir.Model.RequestStatus.Completed,
        _ => Hl7.Fhir.Model.RequestStatus.Revoked,
    };

    /// <summary>Section I: the setting as a logical Organization reference (URN, else UKPRN), its SEN2 details beside it.</summary>
    private static ResourceReference NamedSetting(Sen2PlanDetail detail)
    {
        var reference = SettingReference(detail.Setting);
        V.AddComplex(reference, X.SettingDetail, e =>
        {
            AddSetting(e, detail.Setting, detail.Rank);
            V.Add(e, "senUnit", detail.SenUnit);
            V.Add(e, "resourcedProvision", detail.ResourcedProvision);
        });
        return reference;
    }

    /// <summary>An actual placement: a section I activity running from entry to leaving date, performed by the setting.</summary>
    private static CarePlan.ActivityComponent Placement(Sen2Placement placement)
    {
        var activity = new CarePlan.ActivityComponent
        {
            Extension = [new Extension(SendCanonical.Extensions.EhcPlanSection, new Code("I"))],
            Detail = new CarePlan.DetailComponent
            {
                Code = V.Concept(Sen2FhirUrls.EhcProcessStep, Sen2FhirUrls.PlacementStep, "Placement in an education setting"),
                Status = placement.LeavingDate is null ? CarePlan.CarePlanActivityStatus.InProgress : CarePlan.CarePlanActivityStatus.Completed,
                Scheduled = new Period { Start = V.Format(placement.EntryDate), End = placement.LeavingDate is { } l ? V.Format(l) : null },
                Performer = [SettingReference(placement.Setting)],
            },
        };
        V.AddComplex(activity, X.SettingDetail, e =>
        {
            AddSetting(e, placement.Setting, placement.Rank);
            V.Add(e, "senUnit", placement.SenUnit);
            V.Add(e, "resourcedProvision", placement.ResourcedProvision);
            V.Add(e, "residential", placement.Residential);
            V.Add(e, "workBasedLearning", placement.WorkBasedLearning);
        });
        return activity;
    }

    private static ResourceReference SettingReference(Sen2Setting setting)
    {
        if (setting.Urn is { } urn) return new ResourceReference { Identifier = new Identifier(IdentifierSystems.SchoolUrn, urn.ToString()) };
        if (setting.Ukprn is { } ukprn) return new ResourceReference { Identifier = new Identifier(IdentifierSystems.Ukprn, ukprn.ToString()) };
        return new ResourceReference { Display = setting.SenSetting?.Description ?? "Setting not named" };
    }

    /// <summary>The setting parts every detail extension holds: it alone is read back, the Reference is for other readers.</summary>
    private static void AddSetting(Extension detail, Sen2Setting setting, int rank)
    {
        V.Add(detail, "rank", new PositiveInt(rank));
        if (setting.Urn is { } urn) V.Add(detail, "urn", new Identifier(IdentifierSystems.SchoolUrn, urn.ToString()));
        if (setting.Ukprn is { } ukprn) V.Add(detail, "ukprn", new Identifier(IdentifierSystems.Ukprn, ukprn.ToString()));
        V.Add(detail, "senSetting", setting.SenSetting);
        if (setting.SenSettingOther is { } other) V.Add(detail, "senSettingOther", new FhirString(other));
    }

    private static Condition Need(Sen2Need need, string needKey, string patientUrl)
    {
        var condition = new Condition
        {
            Meta = new Meta { Profile = [SendCanonical.Profiles.Need] },
            Identifier = [RecordIdentifier(needKey)],
            ClinicalStatus = V.Concept(Sen2FhirUrls.ConditionClinical, "active", "Active"),
            VerificationStatus = V.Concept(Sen2FhirUrls.ConditionVerification, "confirmed", "Confirmed"),
            Category = [V.Concept(need.Type)],
            Code = V.Concept(need.Type),
            Subject = new ResourceReference(patientUrl),
        };
        condition.Extension.Add(new Extension(SendCanonical.Extensions.SenNeedRank, new PositiveInt(need.Rank)));
        return condition;
    }

    /// <summary>The annual review as the demo data records one: a finished Encounter of type annual-review on the meeting date.</summary>
    private static Encounter Review(Sen2ActivePlan active, string reviewKey, string patientUrl, LaCode la)
    {
        var encounter = new Encounter
        {
            Identifier = [RecordIdentifier(reviewKey)],
            Status = Encounter.EncounterStatus.Finished,
            Class = new Coding(Sen2FhirUrls.V3ActCode, "AMB", "ambulatory"),
            Type = [V.Concept(Sen2FhirUrls.EhcProcessStep, Sen2FhirUrls.AnnualReviewStep, "EHC plan annual review")],
            Subject = new ResourceReference(patientUrl),
            ServiceProvider = V.LaReference(la),
        };
        if (active.ReviewMeeting is { } meeting) encounter.Period = new Period { Start = V.Format(meeting), End = V.Format(meeting) };
        V.Add(encounter, X.ReviewOutcome, active.ReviewOutcome);
        V.Add(encounter, X.ReviewDecisionDate, active.LastReview);
        V.Add(encounter, X.ReviewDraftDate, active.ReviewDraft);
        return encounter;
    }

    private static ResourceReference Section(ResourceReference reference, string section)
    {
        reference.Extension.Add(new Extension(SendCanonical.Extensions.EhcPlanSection, new Code(section)));
        return reference;
    }

    private static Identifier RecordIdentifier(string key) => new(Sen2FhirUrls.RecordIdentifier, key);

    /// <summary>Adds a conditional update on the record key; returns the entry's fullUrl for references inside the Bundle.</summary>
    private static string Put(Bundle bundle, string recordKey, Resource resource)
    {
        var fullUrl = Sen2RecordKey.FullUrl(resource.TypeName + "/" + recordKey);
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = Sen2RecordKey.ConditionalUrl(resource.TypeName, recordKey) },
        });
        return fullUrl;
    }
}
