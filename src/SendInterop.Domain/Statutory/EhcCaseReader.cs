using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using SendInterop.Domain.Profiles;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Domain.Statutory;

/// <summary>
/// Extracts the facts of each EHC case from a child's FHIR resources, as the record models them today
/// (Gateway DemoData/ChildRecordBuilder.cs):
/// <list type="bullet">
/// <item>the request: a ServiceRequest coded ehc-process-step|ehc-needs-assessment-request, authoredOn = day received,
/// performer = the LA;</item>
/// <item>the steps: Tasks coded ehc-process-step with focus = the request; executionPeriod.end = the day it was done,
/// businessStatus = the outcome (decided-not-to-assess, plan-issued, decided-not-to-issue); advice Tasks start on the
/// day advice was asked for, with the advice DocumentReference (custodian = the adviser's organisation) as output;
/// draft and final plan Tasks output the CarePlan;</item>
/// <item>the plan: a CarePlan of category ehc-plan, period.start = issued, period.end = ended, created = draft date,
/// extension ehc-placement = the setting named in section I;</item>
/// <item>reviews: Encounters typed ehc-process-step|annual-review, finished = held, planned = booked.</item>
/// </list>
/// Facts the record has no element for are read from extensions defined in <see cref="StatutoryCanonical.Extensions"/>
/// (clock exceptions, withdrawal, draft representations, cease reason, phase transfers, what followed a review) and
/// the adviser kind from Task.performerType (<see cref="StatutoryCanonical.AdviceSourceCodeSystem"/>). Where the demo
/// records one of these only in words it is read from the words too (the advice Task's description; a ceased plan's
/// note "SEN2 cease reason max_age"): a stop-gap until the demo writes the structured form.
/// </summary>
public static partial class EhcCaseReader
{
    /// <summary>Resources as stored: each is referred to as "Type/id".</summary>
    public static IReadOnlyList<EhcCaseFacts> Read(IEnumerable<Resource> resources) =>
        Read(resources.Select(r => new Source(r.TypeName + "/" + r.Id, r, r.Id ?? "")).ToList());

    /// <summary>A Bundle (such as the demo's transaction): each entry is referred to by its fullUrl, or "Type/id" without one.</summary>
    public static IReadOnlyList<EhcCaseFacts> Read(Bundle bundle) =>
        Read(bundle.Entry.Where(e => e.Resource is not null).Select(e => e.FullUrl is { Length: > 0 } url
            ? new Source(url, e.Resource!, e.Resource!.Id ?? LocalPart(url))
            : new Source(e.Resource!.TypeName + "/" + e.Resource.Id, e.Resource, e.Resource.Id ?? "")).ToList());

    private sealed record Source(string Reference, Resource Resource, string Id);

    private static IReadOnlyList<EhcCaseFacts> Read(IReadOnlyList<Source> sources)
    {
        var byReference = sources.GroupBy(s => Normalise(s.Reference)).ToDictionary(g => g.Key, g => g.First().Resource, StringComparer.Ordinal);
        var tasks = sources.Where(s => s.Resource is FhirTask t && HasCode(t.Code, EhcRecordVocabulary.ProcessStepSystem))
            .Select(s => (s.Id, Task: (FhirTask)s.Resource)).ToList();
        var plans = sources.Where(s => s.Resource is CarePlan c && IsEhcPlan(c)).Select(s => (Reference: Normalise(s.Reference), s.Id, Plan: (CarePlan)s.Resource)).ToList();
        var reviews = sources.Where(s => s.Resource is Encounter e && e.Type.Any(t => Code(t, EhcRecordVocabulary.ProcessStepSystem) == EhcRecordVocabulary.AnnualReview))
            .Select(s => (s.Id, Encounter: (Encounter)s.Resource)).ToList();
        var requests = sources.Where(s => s.Resource is ServiceRequest r && Code(r.Code, EhcRecordVocabulary.ProcessStepSystem) == EhcRecordVocabulary.RequestForAssessment)
            .Select(s => (Reference: Normalise(s.Reference), s.Id, Request: (ServiceRequest)s.Resource))
            .OrderBy(r => r.Request.AuthoredOn, StringComparer.Ordinal).ToList();

        // Which plan each request led to: the one its draft or final plan Task output.
        var planOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (reference, _, _) in requests)
        {
            var output = tasks.Where(t => Normalise(t.Task.Focus?.Reference) == reference)
                .SelectMany(t => t.Task.Output).Select(o => (o.Value as ResourceReference)?.Reference).Select(Normalise)
                .FirstOrDefault(r => r is not null && plans.Any(p => p.Reference == r));
            if (output is not null) planOf[reference] = output;
        }

        // A request with no link and a patient with exactly one unlinked plan: that plan.
        foreach (var (reference, _, request) in requests.Where(r => !planOf.ContainsKey(r.Reference)))
        {
            var patient = Normalise(request.Subject?.Reference);
            var candidates = plans.Where(p => Normalise(p.Plan.Subject?.Reference) == patient && !planOf.ContainsValue(p.Reference)).ToList();
            var sameChildRequests = requests.Count(r => Normalise(r.Request.Subject?.Reference) == patient && !planOf.ContainsKey(r.Reference));
            if (candidates.Count == 1 && sameChildRequests == 1) planOf[reference] = candidates[0].Reference;
        }

        var cases = new List<EhcCaseFacts>();
        foreach (var (reference, id, request) in requests)
        {
            var plan = planOf.TryGetValue(reference, out var planReference) ? plans.First(p => p.Reference == planReference) : default;
            cases.Add(FromRequest(reference, id, request, tasks.Where(t => Normalise(t.Task.Focus?.Reference) == reference).ToList(),
                plan.Plan is null ? null : (plan.Reference, plan.Plan), reviews, byReference));
        }

        // Plans with no request on record still have reviews and transfers.
        foreach (var (reference, id, plan) in plans.Where(p => !planOf.ContainsValue(p.Reference)))
        {
            var patient = Normalise(plan.Subject?.Reference) ?? "";
            if (PlanFacts(reference, plan, reviews, patient) is not { } facts) continue;
            cases.Add(new EhcCaseFacts
            {
                CaseId = id,
                PatientReference = patient,
                BirthDate = BirthDate(byReference, patient),
                LocalAuthorityReference = Normalise(plan.Author?.Reference),
                Plan = facts,
            });
        }

        return cases;
    }

    private static EhcCaseFacts FromRequest(string reference, string id, ServiceRequest request, IReadOnlyList<(string Id, FhirTask Task)> tasks,
        (string Reference, CarePlan Plan)? plan, IReadOnlyList<(string Id, Encounter Encounter)> reviews, IReadOnlyDictionary<string, Resource> byReference)
    {
        var patient = Normalise(request.Subject?.Reference) ?? "";
        var la = request.Performer.Select(p => Normalise(p.Reference)).FirstOrDefault(r => r?.StartsWith("Organization/", StringComparison.Ordinal) == true)
            ?? Normalise(plan?.Plan.Author?.Reference);

        AssessmentDecision? decision = null;
        DateOnly? draft = null, issued = null, notToIssue = null;
        var advice = new List<AdviceRequestFact>();
        foreach (var (taskId, task) in tasks.OrderBy(t => t.Id, StringComparer.Ordinal))
        {
            var done = Day(task.ExecutionPeriod?.End);
            var outcome = Code(task.BusinessStatus, EhcRecordVocabulary.StepStatusSystem);
            switch (Code(task.Code, EhcRecordVocabulary.ProcessStepSystem))
            {
                case EhcRecordVocabulary.DecideToAssess when done is { } decided:
                    decision = new AssessmentDecision(outcome != EhcRecordVocabulary.DecidedNotToAssess, decided);
                    break;
                case EhcRecordVocabulary.AdviceRequest when (Day(task.ExecutionPeriod?.Start) ?? Day(task.AuthoredOn)) is { } asked:
                    advice.Add(new AdviceRequestFact(taskId, AdviceSourceOf(task), asked, done, AdviserOf(task, byReference)));
                    break;
                case EhcRecordVocabulary.DraftPlan when done is not null:
                    draft = done;
                    break;
                case EhcRecordVocabulary.FinalPlan when done is not null && outcome == EhcRecordVocabulary.DecidedNotToIssue:
                    notToIssue = done;
                    break;
                case EhcRecordVocabulary.FinalPlan when done is not null:
                    issued = done;
                    break;
            }
        }

        var planFacts = plan is { } p ? PlanFacts(p.Reference, p.Plan, reviews, patient, issued) : null;
        // The draft CarePlan's creation date is the draft date when no draft Task says so.
        draft ??= plan is { } d && Day(d.Plan.Created) is { } created ? created : null;

        return new EhcCaseFacts
        {
            CaseId = id,
            PatientReference = patient,
            BirthDate = BirthDate(byReference, patient),
            RequestReference = reference,
            LocalAuthorityReference = la,
            RequestReceived = Day(request.AuthoredOn),
            DecisionToAssess = decision,
            Advice = advice,
            DraftIssued = draft,
            DraftRepresentationsReceived = plan is { } q ? DateExtension(q.Plan, StatutoryCanonical.Extensions.DraftRepresentationsReceived) : null,
            DecidedNotToIssueOn = notToIssue,
            WithdrawnOn = DateExtension(request, StatutoryCanonical.Extensions.RequestWithdrawn),
            Exceptions = ClockExceptions(request),
            Plan = planFacts,
        };
    }

    /// <summary>The plan's facts, or null while it is only a draft (no issue date anywhere).</summary>
    private static EhcPlanFacts? PlanFacts(string reference, CarePlan plan, IReadOnlyList<(string Id, Encounter Encounter)> reviews, string patient, DateOnly? issuedByTask = null)
    {
        if (plan.Status == RequestStatus.Draft) return null;
        if ((Day(plan.Period?.Start) ?? issuedByTask) is not { } issued) return null;

        DateOnly? ended = Day(plan.Period?.End);
        PlanCessation? cessation = ended is { } end ? new PlanCessation(end, CeaseReasonOf(plan)) : null;

        return new EhcPlanFacts
        {
            PlanReference = reference,
            Issued = issued,
            NamedSettingReference = Normalise((plan.GetExtension(SendCanonical.Extensions.EhcPlacement)?.Value as ResourceReference)?.Reference),
            Reviews = reviews.Where(r => Normalise(r.Encounter.Subject?.Reference) == patient)
                .Select(r => Review(r.Id, r.Encounter))
                .Where(r => r is not null && (r.MeetingHeld ?? r.MeetingScheduled) >= issued && (ended is null || (r.MeetingHeld ?? r.MeetingScheduled) <= ended))
                .Select(r => r!).ToList(),
            PhaseTransfers = plan.Extension.Where(e => e.Url == StatutoryCanonical.Extensions.PhaseTransfer).Select(PhaseTransfer).OfType<PhaseTransferFact>().ToList(),
            Cessation = cessation,
        };
    }

    private static AnnualReviewFact? Review(string id, Encounter encounter)
    {
        var day = Day(encounter.Period?.Start);
        if (day is null) return null;
        var held = encounter.Status == Encounter.EncounterStatus.Finished;
        if (!held && encounter.Status != Encounter.EncounterStatus.Planned) return null; // cancelled, entered in error
        var detail = encounter.GetExtension(StatutoryCanonical.Extensions.AnnualReview);
        return new AnnualReviewFact(id)
        {
            MeetingHeld = held ? day : null,
            MeetingScheduled = held ? null : day,
            ReportSent = SubDate(detail, "reportSent"),
            DecisionNotified = SubDate(detail, "decisionNotified"),
            Decision = (detail?.GetExtension("decision")?.Value as Coding)?.Code switch
            {
                "M" => ReviewDecision.Maintain,
                "A" => ReviewDecision.Amend,
                "C" => ReviewDecision.Cease,
                _ => null,
            },
            AmendmentNoticeSent = SubDate(detail, "amendmentNoticeSent"),
            AmendedPlanIssued = SubDate(detail, "amendedPlanIssued"),
        };
    }

    private static PhaseTransferFact? PhaseTransfer(Extension extension)
    {
        var kind = PhaseTransfers.FromCode((extension.GetExtension("kind")?.Value as Code)?.Value ?? (extension.GetExtension("kind")?.Value as Coding)?.Code);
        var date = SubDate(extension, "transferDate");
        return kind is { } k && date is { } d ? new PhaseTransferFact(k, d, SubDate(extension, "reviewCompleted")) : null;
    }

    private static CeaseReason? CeaseReasonOf(CarePlan plan)
    {
        if (plan.GetExtension(StatutoryCanonical.Extensions.CeaseReason)?.Value is Coding coding && CeaseReason.TryParse(coding.Code, out var coded))
            return coded;
        // The demo writes the reason only in a note: "... SEN2 cease reason max_age. ..."
        foreach (var note in plan.Note)
        {
            var match = CeaseNote().Match(note.Text ?? "");
            if (!match.Success) continue;
            var word = match.Groups[1].Value;
            return CeaseReason.TryParse(word, out var numbered) ? numbered : CeaseReason.FromKeyword(word);
        }

        return null;
    }

    [GeneratedRegex(@"SEN2 cease reason ([A-Za-z0-9_]+)", RegexOptions.CultureInvariant)]
    private static partial Regex CeaseNote();

    private static List<ClockException> ClockExceptions(ServiceRequest request)
    {
        var list = new List<ClockException>();
        foreach (var extension in request.Extension.Where(e => e.Url == StatutoryCanonical.Extensions.ClockException))
        {
            var kind = ExceptionKinds.FromCode((extension.GetExtension("kind")?.Value as Coding)?.Code);
            var period = extension.GetExtension("period")?.Value as Period;
            if (kind is not { } k || Day(period?.Start) is not { } first) continue;
            var last = Day(period?.End) ?? first;
            if (last < first) continue;
            list.Add(new ClockException(k, new DateInterval(first, last), (extension.GetExtension("note")?.Value as FhirString)?.Value));
        }

        return list;
    }

    /// <summary>The adviser kind: performerType when coded, otherwise the demo's wording of the description.</summary>
    private static AdviceSource AdviceSourceOf(FhirTask task)
    {
        foreach (var type in task.PerformerType)
        {
            if (AdviceSources.FromCode(Code(type, StatutoryCanonical.AdviceSourceCodeSystem)) is { } coded) return coded;
        }

        var description = task.Description ?? "";
        if (description.StartsWith("Educational psychology", StringComparison.OrdinalIgnoreCase)) return AdviceSource.EducationalPsychologist;
        if (description.StartsWith("Health", StringComparison.OrdinalIgnoreCase)) return AdviceSource.Health;
        if (description.StartsWith("Social care", StringComparison.OrdinalIgnoreCase)) return AdviceSource.SocialCare;
        if (description.StartsWith("School", StringComparison.OrdinalIgnoreCase) || description.StartsWith("College", StringComparison.OrdinalIgnoreCase)) return AdviceSource.SchoolOrCollege;
        if (description.StartsWith("Early years", StringComparison.OrdinalIgnoreCase)) return AdviceSource.EarlyYearsProvider;
        return AdviceSource.Other;
    }

    /// <summary>
    /// Who was asked for the advice (the Task's owner), else the custodian of the advice sent back when it carries no
    /// sensitivity label. The step's Task is read by whoever may read the request, so it names only what the request's
    /// readers already know: the custodian of the advice document named it whatever the document's own consent said (a
    /// labelled or consent-withheld document said there that it came from CAMHS, say).
    /// </summary>
    private static string? AdviserOf(FhirTask task, IReadOnlyDictionary<string, Resource> byReference)
    {
        if (Normalise(task.Owner?.Reference) is { } owner) return owner;
        foreach (var output in task.Output)
        {
            if (output.Value is ResourceReference { Reference: { } r } && byReference.TryGetValue(Normalise(r)!, out var resource)
                && resource is DocumentReference { Custodian.Reference: { } custodian } document && document.Meta?.Security is not { Count: > 0 })
                return Normalise(custodian);
        }

        return null;
    }

    private static DateOnly? BirthDate(IReadOnlyDictionary<string, Resource> byReference, string patient) =>
        byReference.TryGetValue(patient, out var resource) && resource is Patient p ? Day(p.BirthDate) : null;

    private static bool IsEhcPlan(CarePlan plan) =>
        plan.Category.Any(c => Code(c, SendCanonical.CodeSystems.EhcPlanCategory) == SendCanonical.Codes.EhcPlanCategory)
        || plan.Meta?.Profile?.Contains(SendCanonical.Profiles.EhcPlan) == true;

    private static DateOnly? DateExtension(DomainResource resource, string url) => DayOf(resource.GetExtension(url)?.Value);

    private static DateOnly? SubDate(Extension? parent, string name) => DayOf(parent?.GetExtension(name)?.Value);

    private static DateOnly? DayOf(DataType? value) => value switch
    {
        Date d => Day(d.Value),
        FhirDateTime dt => Day(dt.Value),
        _ => null,
    };

    /// <summary>The day of a FHIR date or dateTime ("2025-01-06", "2025-01-06T09:30:00Z"); null when missing or partial.</summary>
    internal static DateOnly? Day(string? value) =>
        value is { Length: >= 10 } && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    private static bool HasCode(CodeableConcept? concept, string system) => Code(concept, system) is not null;

    private static string? Code(CodeableConcept? concept, string system) =>
        concept?.Coding.FirstOrDefault(c => c.System == system)?.Code;

    /// <summary>"Patient/1", "http://host/fhir/Patient/1/_history/2" and "Patient/1/_history/2" all become "Patient/1"; urn:uuid stays as it is.</summary>
    [return: NotNullIfNotNull(nameof(reference))]
    private static string? Normalise(string? reference)
    {
        if (reference is null) return null;
        if (reference.StartsWith("urn:", StringComparison.Ordinal)) return reference;
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        if (history >= 0) reference = reference[..history];
        var parts = reference.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? parts[^2] + "/" + parts[^1] : reference;
    }

    private static string LocalPart(string url) => url.StartsWith("urn:uuid:", StringComparison.Ordinal) ? url["urn:uuid:".Length..] : url[(url.LastIndexOf('/') + 1)..];
}
