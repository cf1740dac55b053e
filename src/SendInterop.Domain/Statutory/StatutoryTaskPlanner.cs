using System.Globalization;
using Hl7.Fhir.Model;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Domain.Statutory;

/// <summary>
/// Turns a timeline into FHIR R4 Tasks, one per step that is owed or was owed, so LA and NHS systems see what is owed
/// by whom and what is overdue. Pure and deterministic: the same timeline gives Tasks that serialise identically, and
/// a step keeps its business identifier (case id + step code + key) whatever else changes, so writing the Tasks with
/// a conditional update on the identifier updates rather than duplicates. The writer should also cancel any Task of
/// the case (<see cref="IdentifierPrefix"/>) missing from a new plan: a step can stop being owed (an inferred phase
/// transfer once the child has moved).
/// </summary>
public static class StatutoryTaskPlanner
{
    public static IReadOnlyList<FhirTask> Plan(StatutoryTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        return timeline.Steps
            .Where(s => s.Status.State != StepState.NotDue) // not owed yet: no Task until it is
            .Select(s => ToTask(timeline, s))
            .ToList();
    }

    /// <summary>The business identifier value of a step: "{caseId}:{step code}" or "{caseId}:{step code}:{key}".</summary>
    public static string IdentifierValue(string caseId, StatutoryStepCode code, string? key) =>
        key is null ? $"{caseId}:{code.Code}" : $"{caseId}:{code.Code}:{key}";

    /// <summary>What every identifier value of the case's Tasks starts with.</summary>
    public static string IdentifierPrefix(string caseId) => caseId + ":";

    private static FhirTask ToTask(StatutoryTimeline timeline, StatutoryStep step)
    {
        var task = new FhirTask
        {
            Identifier = [new Identifier(StatutoryCanonical.StepIdentifierSystem, IdentifierValue(timeline.CaseId, step.Code, step.Key))],
            Status = TaskStatus(step),
            BusinessStatus = BusinessStatus(step.Status),
            Intent = FhirTask.TaskIntent.Order,
            Priority = step.Status.State == StepState.Overdue ? RequestPriority.Urgent : RequestPriority.Routine,
            Code = new CodeableConcept(StatutoryCanonical.StepCodeSystem, step.Code.Code, step.Code.Display, step.Code.Display),
            Description = step.Rule,
            For = new ResourceReference(timeline.PatientReference),
            AuthoredOn = Format(step.ClockStart),
            PerformerType = [new CodeableConcept(StatutoryCanonical.StepOwnerCodeSystem, OwnerCode(step.Owner), OwnerDisplay(step.Owner), OwnerDisplay(step.Owner))],
            Restriction = new FhirTask.RestrictionComponent { Period = new Period { Start = Format(step.ClockStart), End = Format(step.DueDate) } },
            ExecutionPeriod = new Period { Start = Format(step.ClockStart), End = step.MetOn is { } met ? Format(met) : null },
        };
        if (step.FocusReference is not null) task.Focus = new ResourceReference(step.FocusReference);
        if (step.OwnerReference is not null) task.Owner = new ResourceReference(step.OwnerReference);
        task.Extension.Add(new Extension(StatutoryCanonical.Extensions.DueExcludingExceptions, new Date(Format(step.ExcludingExceptions.DueDate))));
        task.Extension.Add(new Extension(StatutoryCanonical.Extensions.ExceptionsApply, new FhirBoolean(step.ExceptionsApply)));
        return task;
    }

    /// <summary>
    /// Open and owed: requested until work visibly starts, then in progress (overdue or not; businessStatus says which).
    /// Met: completed. No longer owed, or a family window that lapsed: cancelled.
    /// </summary>
    private static FhirTask.TaskStatus TaskStatus(StatutoryStep step) => step.Status.State switch
    {
        StepState.MetOnTime or StepState.MetLate => FhirTask.TaskStatus.Completed,
        StepState.Cancelled or StepState.Lapsed => FhirTask.TaskStatus.Cancelled,
        _ => step.Started ? FhirTask.TaskStatus.InProgress : FhirTask.TaskStatus.Requested,
    };

    private static CodeableConcept BusinessStatus(StepStatus status)
    {
        var (code, display) = status.State switch
        {
            StepState.NotDue => ("not-due", "Not due"),
            StepState.Due => ("due", "Due"),
            StepState.MetOnTime => ("met-on-time", "Met on time"),
            StepState.MetLate => ("met-late", "Met late"),
            StepState.Overdue => ("overdue", "Overdue"),
            StepState.Cancelled => ("cancelled", "No longer owed"),
            StepState.Lapsed => ("lapsed", "Window closed unused"),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status.State, null),
        };
        var text = status.State switch
        {
            StepState.MetLate => $"Met {Days(status.Days)} late",
            StepState.Overdue => $"Overdue by {Days(status.Days)}",
            StepState.Due => $"Due in {Days(status.Days)}",
            _ => display,
        };
        return new CodeableConcept(StatutoryCanonical.StepStatusCodeSystem, code, display, text);
    }

    private static string Days(int days) => days == 1 ? "1 day" : days.ToString(CultureInfo.InvariantCulture) + " days";

    public static string OwnerCode(StepOwner owner) => owner switch
    {
        StepOwner.LocalAuthority => "local-authority",
        StepOwner.Health => "health",
        StepOwner.SocialCare => "social-care",
        StepOwner.SchoolOrSetting => "school-or-setting",
        StepOwner.Family => "family",
        _ => throw new ArgumentOutOfRangeException(nameof(owner), owner, null),
    };

    private static string OwnerDisplay(StepOwner owner) => owner switch
    {
        StepOwner.LocalAuthority => "Local authority",
        StepOwner.Health => "Health",
        StepOwner.SocialCare => "Social care",
        StepOwner.SchoolOrSetting => "School or setting",
        StepOwner.Family => "Parent or young person",
        _ => throw new ArgumentOutOfRangeException(nameof(owner), owner, null),
    };

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
