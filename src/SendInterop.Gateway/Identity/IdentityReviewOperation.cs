using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Identity;
using Task = Hl7.Fhir.Model.Task;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// <c>POST Task/{id}/$resolve</c>: a person decides an identity review Task. Input Parameters <c>decision</c>
/// (valueCode <c>link</c> = the same child, <c>not-link</c> = different children). Output: the completed Task
/// (status completed, businessStatus and output <c>decision</c>).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>link</c> joins the two records' master identities (every record of the arrived record's master moves into
/// the existing record's master); <c>not-link</c> keeps them apart, separating them into two masters if they had since
/// been joined. The arrived record's link says which (<see cref="MasterLinkMethods.ReviewLinked"/> /
/// <see cref="MasterLinkMethods.ReviewSeparated"/>), and the decision is audited.</item>
/// <item>Who may: update permission on Task and read permission on Patient, with the Task and both Patients visible
/// through the consent gate (a person cannot judge records they may not see). A hidden one answers 404.</item>
/// <item>Only an open (requested) Task can be resolved: a second decision is a 409, so two reviewers cannot both
/// act. The Task is written first, expecting the version read, which settles a race between them.</item>
/// </list>
/// </remarks>
public sealed class IdentityReviewOperation(
    IdentityOperationInputs inputs,
    MasterChildIndex index,
    MasterIndexStore links,
    GatewayWrites writes,
    IdentityAudit audit,
    TimeProvider clock)
{
    public async Task<FhirResponse> ResolveAsync(FhirRequest request, CancellationToken ct)
    {
        var access = request.Access;
        access.RequireScope("Task", SmartPermissions.Update);
        var taskRead = access.RequireScope("Task", SmartPermissions.Read);
        var patientRead = access.RequireScope("Patient", SmartPermissions.Read);
        var parameters = IdentityOperationInputs.RequireParameters(request, "Task/$resolve");
        var decision = parameters.Get("decision").ToList() switch
        {
            [] => throw FhirException.BadRequest("The 'decision' parameter is required: valueCode 'link' (same child) or 'not-link' (different children).", OperationOutcome.IssueType.Required),
            [{ Value: Code { Value: IdentityReviewTasks.Link or IdentityReviewTasks.NotLink } c }] => c.Value,
            [{ Value: FhirString { Value: IdentityReviewTasks.Link or IdentityReviewTasks.NotLink } s }] => s.Value,
            _ => throw FhirException.Unprocessable("'decision' must be one valueCode: 'link' (same child) or 'not-link' (different children)."),
        };
        var taskId = request.Url.Id!;

        return await index.ExclusiveAsync(async () =>
        {
            var taskRecord = await inputs.ReadVisibleAsync(access, taskRead, "Task", taskId, ct);
            var task = inputs.Parse<Task>(taskRecord);
            if (!IdentityReviewTasks.IsReviewTask(task))
                throw FhirException.Unprocessable($"Task/{taskId} is not an identity review Task (code {IdentityReviewTasks.CodeSystem}).");
            if (task.Status != Task.TaskStatus.Requested)
                throw FhirException.Conflict($"Task/{taskId} has already been resolved (status {task.Status?.ToString().ToLowerInvariant()}).");
            var (arrived, existing) = IdentityReviewTasks.Patients(task);
            if (arrived is null || existing is null) throw FhirException.Unprocessable($"Task/{taskId} does not name two Patients (for and focus).");
            await inputs.ReadVisibleAsync(access, patientRead, "Patient", arrived, ct);
            await inputs.ReadVisibleAsync(access, patientRead, "Patient", existing, ct);

            var now = clock.GetUtcNow();
            IdentityReviewTasks.Resolve(task, decision, now, access.Requester?.ClientId);
            var stored = await writes.WriteAsync("identity-review", [new(task, "PUT", taskRecord.VersionId)], ct);
            await ApplyAsync(arrived, existing, decision == IdentityReviewTasks.Link, now, ct);
            await audit.RecordAsync(access, "identity-review",
                decision == IdentityReviewTasks.Link ? IdentityAudit.ReviewLinkRule : IdentityAudit.ReviewNotLinkRule,
                [arrived, existing], [$"Task/{taskId}/_history/{stored[0].VersionId}", $"Patient/{arrived}", $"Patient/{existing}"], ct);
            return new FhirResponse
            {
                Status = 200, Json = stored[0].Json, VersionId = stored[0].VersionId, LastModified = stored[0].LastUpdated,
                ResourceType = "Task", ResourceId = taskId,
            };
        }, ct);
    }

    private async System.Threading.Tasks.Task ApplyAsync(string arrivedId, string existingId, bool sameChild, DateTimeOffset now, CancellationToken ct)
    {
        var found = (await links.GetManyAsync([arrivedId, existingId], ct)).ToDictionary(r => r.PatientId, StringComparer.Ordinal);
        var arrived = found.GetValueOrDefault(arrivedId) ?? Fresh(arrivedId);
        var existing = found.GetValueOrDefault(existingId) ?? Fresh(existingId);
        var changed = new List<MasterLinkRow>();
        if (sameChild)
        {
            if (arrived.MasterId != existing.MasterId)
            {
                foreach (var member in await links.MembersAsync([arrived.MasterId], ct))
                {
                    var row = member.PatientId == arrivedId ? arrived : member;
                    row.MasterId = existing.MasterId;
                    row.LinkedAt = now.UtcTicks;
                    changed.Add(row);
                }
                if (changed.All(r => r.PatientId != arrivedId)) { arrived.MasterId = existing.MasterId; changed.Add(arrived); }
            }
            arrived.Method = MasterLinkMethods.ReviewLinked;
            arrived.MatchedPatientId = existingId;
        }
        else
        {
            if (arrived.MasterId == existing.MasterId) arrived.MasterId = MasterChildIndex.NewMasterId();
            arrived.Method = MasterLinkMethods.ReviewSeparated;
        }
        arrived.LinkedAt = now.UtcTicks;
        if (!changed.Contains(arrived)) changed.Add(arrived);
        if (!found.ContainsKey(existingId)) changed.Add(existing);
        await links.SaveAsync(changed, ct);

        MasterLinkRow Fresh(string id) => new() { PatientId = id, MasterId = MasterChildIndex.NewMasterId(), Method = MasterLinkMethods.NewMaster, LinkedAt = now.UtcTicks };
    }
}
