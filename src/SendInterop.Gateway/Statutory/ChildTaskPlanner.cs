using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Security.Access;
using FhirTask = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// The statutory Tasks one child should have today: the record's cases (<see cref="EhcCaseReader"/>), each evaluated
/// on the clock with its LA's settings (<see cref="StatutoryClock"/>), planned (<see cref="StatutoryTaskPlanner"/>)
/// and put in stored form with the access of the record each step is about (<see cref="StoredTaskForm"/>).
/// </summary>
public sealed class ChildTaskPlanner(IStatutorySettingsSource settings, AccessFactsCodec codec)
{
    public async Task<IReadOnlyList<FhirTask>> PlanAsync(ChildCaseRecord record, DateOnly today, CancellationToken ct)
    {
        if (record.CaseResources.Count == 0) return [];
        var patient = "Patient/" + record.PatientId;
        var tasks = new List<FhirTask>();
        foreach (var facts in EhcCaseReader.Read(record.CaseResources.Select(r => r.Resource)))
        {
            // A case the reader attributes to another Patient (a plan naming a different subject) is that child's to plan.
            if (facts.PatientReference != patient) continue;
            var timeline = StatutoryClock.Evaluate(facts, today, await settings.ForAsync(facts.LocalAuthorityReference, ct));
            var anchor = record.Find(facts.RequestReference) ?? record.Find(facts.Plan?.PlanReference);
            foreach (var task in StatutoryTaskPlanner.Plan(timeline))
            {
                StoredTaskForm.DropDayCounts(task);
                StoredTaskForm.TakeAccessFrom(task, record.Find(task.Focus?.Reference), anchor, facts.LocalAuthorityReference, codec);
                tasks.Add(task);
            }
        }
        return tasks;
    }
}
