using Hl7.Fhir.Model;
using SendInterop.Domain.Access.Gate;
using SendInterop.Domain.Profiles;
using Task = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// The review queue of the master child index: each uncertain pair becomes a FHIR <c>Task</c> (code
/// <see cref="CodeSystem"/>#<see cref="PossibleDuplicate"/>, status requested, <c>for</c> = the record that arrived,
/// <c>focus</c> = the existing record it resembles, inputs = score, band and the engine's explanation without field
/// values). Listed with an ordinary search (<c>Task?code=...|possible-duplicate&amp;status=requested</c>) and resolved
/// with <c>Task/{id}/$resolve</c>.
/// </summary>
/// <remarks>
/// Ownership: the Task carries the owner of the record whose arrival raised the question, so the consent gate shows
/// it to that organisation as its own and to others only as it would show that organisation's data about the child.
/// A client never writes these Tasks directly (<see cref="IsReviewTask"/> is refused on the generic write path): the
/// gateway creates them and changes them only through the resolve operation, which also moves the links.
/// </remarks>
public static class IdentityReviewTasks
{
    public const string CodeSystem = SendCanonical.Base + "/CodeSystem/identity-review";
    public const string PossibleDuplicate = "possible-duplicate";

    /// <summary>Input and output type codes (from <see cref="CodeSystem"/>).</summary>
    public const string ScoreInput = "score", BandInput = "band", WeightInput = "weight", ExplanationInput = "explanation", DecisionOutput = "decision";

    /// <summary>The two resolutions.</summary>
    public const string Link = "link", NotLink = "not-link";

    public static bool IsReviewTask(Resource resource) =>
        resource is Task t && t.Code?.Coding.Any(c => c.System == CodeSystem) == true;

    public static Task Create(string arrivedPatientId, string existingPatientId, string? owner, LinkExplanation why, DateTimeOffset now)
    {
        var task = new Task
        {
            Id = Fhir.Interactions.ResourcePreparer.NewId(),
            Status = Task.TaskStatus.Requested,
            Intent = Task.TaskIntent.Order,
            Priority = RequestPriority.Routine,
            Code = new CodeableConcept(CodeSystem, PossibleDuplicate, "Possible duplicate child record"),
            Description = "The master child index could not decide whether these two records are the same child. "
                + "Resolve with Task/{id}/$resolve: decision 'link' (same child) or 'not-link' (different children).",
            For = new ResourceReference($"Patient/{arrivedPatientId}"),
            Focus = new ResourceReference($"Patient/{existingPatientId}"),
            AuthoredOn = now.ToString("o"),
            LastModified = now.ToString("o"),
        };
        if (owner is not null) OwnershipTags.SetOwner(task, owner);
        task.Input.Add(Parameter(ScoreInput, new FhirDecimal((decimal)Math.Round(why.Probability, 4))));
        task.Input.Add(Parameter(BandInput, new Code(why.Band)));
        task.Input.Add(Parameter(WeightInput, new FhirDecimal((decimal)Math.Round(why.Weight, 3))));
        task.Input.Add(Parameter(ExplanationInput, new FhirString(why.Summary())));
        return task;
    }

    /// <summary>Marks a Task resolved with <paramref name="decision"/> (link / not-link).</summary>
    public static void Resolve(Task task, string decision, DateTimeOffset now, string? resolvedBy)
    {
        task.Status = Task.TaskStatus.Completed;
        task.LastModified = now.ToString("o");
        task.BusinessStatus = new CodeableConcept(CodeSystem, decision, decision == Link ? "Same child: linked" : "Different children: kept apart");
        task.Output.RemoveAll(o => o.Type?.Coding.Any(c => c.System == CodeSystem && c.Code == DecisionOutput) == true);
        task.Output.Add(new Task.OutputComponent { Type = new CodeableConcept(CodeSystem, DecisionOutput), Value = new Code(decision) });
        if (resolvedBy is not null) task.Note.Add(new Annotation { Text = $"Resolved as {decision} by client {resolvedBy}.", Time = now.ToString("o") });
    }

    /// <summary>The two Patient ids of a review Task: (arrived = for, existing = focus).</summary>
    public static (string? Arrived, string? Existing) Patients(Task task) =>
        (PatientId(task.For?.Reference), PatientId(task.Focus?.Reference));

    /// <summary>The id of a relative <c>Patient/{id}</c> reference (the only form the gateway writes here).</summary>
    public static string? PatientId(string? reference) =>
        reference is not null && reference.StartsWith("Patient/", StringComparison.Ordinal) && reference.Length > 8
            && Fhir.Interactions.ResourcePreparer.IsValidId(reference[8..]) ? reference[8..] : null;

    private static Task.ParameterComponent Parameter(string code, DataType value) =>
        new() { Type = new CodeableConcept(CodeSystem, code), Value = value };
}
