using System.Text.Json;
using Hl7.Fhir.Model;
using SendInterop.Domain.Access;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Identity;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// <c>POST Patient/$merge</c> and <c>POST Patient/$unmerge</c>: a person says two records are one child (or were
/// wrongly said to be). Parameter names follow the FHIR R5/R6 Patient $merge operation: <c>source-patient</c> /
/// <c>source-patient-identifier</c>, <c>target-patient</c> / <c>target-patient-identifier</c>, <c>preview</c>; output
/// <c>input</c>, <c>outcome</c>, <c>result</c>. (<c>result-patient</c>, which would rewrite the target, is not
/// supported: a merge here never changes clinical content.)
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Merge adds <c>Patient.link</c> <c>replaced-by</c> to the source and <c>replaces</c> to the target, marks the
/// source inactive (as R5 $merge does), moves the source into the target's master identity, and records what it
/// changed (<see cref="MasterMergeRow"/>). Nothing is deleted: both records and every version stay.</item>
/// <item>Unmerge undoes exactly that: the two links it added are removed, <c>active</c> is put back as it was (absent
/// included), and the source's master link is restored. The records' content is then what it was before the merge;
/// only meta (version, lastUpdated) moves on.</item>
/// <item>Who may: a token with update permission on Patient (<c>system/Patient.u</c>) that can read both records
/// through the consent gate, of the organisation that owns both (merge changes both records: the links and the
/// source's <c>active</c>, and only an owner changes a record, ADR 3). Records of two organisations are joined without
/// changing either through the identity-review queue (<c>Task/$resolve</c>), which links them in the index only.
/// Each merge and unmerge is audited.</item>
/// <item>Both Patients are written in one transaction, expecting the versions read, so a concurrent edit gives 409 and
/// changes nothing.</item>
/// </list>
/// </remarks>
public sealed class PatientMergeOperation(
    IdentityOperationInputs inputs,
    MasterChildIndex index,
    MasterIndexStore links,
    GatewayWrites writes,
    IdentityAudit audit,
    TimeProvider clock)
{
    public async Task<FhirResponse> MergeAsync(FhirRequest request, CancellationToken ct)
    {
        var (parameters, read) = Authorise(request, "Patient/$merge");
        var sourceId = await inputs.PatientIdAsync(parameters, "source-patient", request, ct);
        var targetId = await inputs.PatientIdAsync(parameters, "target-patient", request, ct);
        var preview = IdentityOperationInputs.Flag(parameters, "preview", false);
        if (parameters.Get("result-patient").Any())
            throw FhirException.Unprocessable("'result-patient' is not supported: a merge links the records and never rewrites the target's content.");
        if (sourceId == targetId) throw FhirException.Unprocessable($"A Patient cannot be merged with itself (Patient/{sourceId}).");

        return await index.ExclusiveAsync(async () =>
        {
            var sourceRecord = await inputs.ReadVisibleAsync(request.Access, read, "Patient", sourceId, ct);
            var targetRecord = await inputs.ReadVisibleAsync(request.Access, read, "Patient", targetId, ct);
            RequireOwner(request, sourceRecord, targetRecord, "merge");
            var source = inputs.Parse<Patient>(sourceRecord);
            var target = inputs.Parse<Patient>(targetRecord);
            if (ReplacedBy(source) is { } already)
                throw FhirException.Unprocessable($"Patient/{sourceId} has already been merged into {already}; unmerge it first.");
            if (ReplacedBy(target) is { } gone)
                throw FhirException.Unprocessable($"Patient/{targetId} has itself been merged into {gone}; merge into that record instead.");

            var activeBefore = source.Active;
            var addedSource = AddLink(source, targetId, Patient.LinkType.ReplacedBy);
            var addedTarget = AddLink(target, sourceId, Patient.LinkType.Replaces);
            source.Active = false;
            if (preview)
                return Result(parameters, $"Preview only: Patient/{sourceId} would be merged into Patient/{targetId}; nothing was changed.", target);

            var stored = await writes.WriteAsync("identity-merge",
                [new(source, "PUT", sourceRecord.VersionId), new(target, "PUT", targetRecord.VersionId)], ct);
            var before = await links.GetAsync(sourceId, ct);
            var targetLink = await links.GetAsync(targetId, ct) ?? await NewMasterAsync(targetId, targetRecord.VersionId, ct);
            var now = clock.GetUtcNow();
            var moved = Copy(before) ?? new MasterLinkRow { PatientId = sourceId, MasterId = targetLink.MasterId, Method = MasterLinkMethods.Merged };
            moved.MasterId = targetLink.MasterId;
            moved.Method = MasterLinkMethods.Merged;
            moved.MatchedPatientId = targetId;
            moved.Probability = moved.Weight = null;
            moved.Band = moved.Explanation = null;
            moved.PatientVersion = stored[0].VersionId;
            moved.LinkedAt = now.UtcTicks;
            await links.SaveMergeAsync(new MasterMergeRow
            {
                Id = Guid.NewGuid().ToString("N"), SourcePatientId = sourceId, TargetPatientId = targetId,
                SourceLinkBefore = before is null ? null : JsonSerializer.Serialize(before),
                SourceActiveBefore = activeBefore switch { true => "true", false => "false", null => null },
                AddedSourceLink = addedSource, AddedTargetLink = addedTarget,
                MergedAt = now.UtcTicks, MergedBy = request.Access.Requester?.ClientId,
            }, moved, ct);
            await audit.RecordAsync(request.Access, "merge", IdentityAudit.MergeRule, [sourceId, targetId],
                [$"Patient/{sourceId}/_history/{stored[0].VersionId}", $"Patient/{targetId}/_history/{stored[1].VersionId}"], ct);
            return Result(parameters, $"Patient/{sourceId} was merged into Patient/{targetId}.", inputs.Parse<Patient>(Record(stored[1])));
        }, ct);
    }

    public async Task<FhirResponse> UnmergeAsync(FhirRequest request, CancellationToken ct)
    {
        var (parameters, read) = Authorise(request, "Patient/$unmerge");
        var sourceId = await inputs.PatientIdAsync(parameters, "source-patient", request, ct);
        var targetId = await inputs.PatientIdAsync(parameters, "target-patient", request, ct);
        if (sourceId == targetId) throw FhirException.Unprocessable($"A Patient cannot be unmerged from itself (Patient/{sourceId}).");

        return await index.ExclusiveAsync(async () =>
        {
            var sourceRecord = await inputs.ReadVisibleAsync(request.Access, read, "Patient", sourceId, ct);
            var targetRecord = await inputs.ReadVisibleAsync(request.Access, read, "Patient", targetId, ct);
            RequireOwner(request, sourceRecord, targetRecord, "unmerge");
            var merge = await links.OpenMergeAsync(sourceId, targetId, ct)
                ?? throw FhirException.Unprocessable($"Patient/{sourceId} is not merged into Patient/{targetId}: there is nothing to unmerge.");
            var source = inputs.Parse<Patient>(sourceRecord);
            var target = inputs.Parse<Patient>(targetRecord);
            if (merge.AddedSourceLink) RemoveLink(source, targetId, Patient.LinkType.ReplacedBy);
            if (merge.AddedTargetLink) RemoveLink(target, sourceId, Patient.LinkType.Replaces);
            source.Active = merge.SourceActiveBefore switch { "true" => true, "false" => false, _ => null };

            var stored = await writes.WriteAsync("identity-unmerge",
                [new(source, "PUT", sourceRecord.VersionId), new(target, "PUT", targetRecord.VersionId)], ct);
            var now = clock.GetUtcNow();
            var restored = merge.SourceLinkBefore is { } json
                ? JsonSerializer.Deserialize<MasterLinkRow>(json)!
                : new MasterLinkRow { PatientId = sourceId, MasterId = MasterChildIndex.NewMasterId(), Method = MasterLinkMethods.NewMaster };
            restored.PatientVersion = stored[0].VersionId;
            restored.LinkedAt = now.UtcTicks;
            merge.UnmergedAt = now.UtcTicks;
            merge.UnmergedBy = request.Access.Requester?.ClientId;
            await links.SaveMergeAsync(merge, restored, ct);
            await audit.RecordAsync(request.Access, "unmerge", IdentityAudit.UnmergeRule, [sourceId, targetId],
                [$"Patient/{sourceId}/_history/{stored[0].VersionId}", $"Patient/{targetId}/_history/{stored[1].VersionId}"], ct);
            return Result(parameters, $"Patient/{sourceId} was unmerged from Patient/{targetId}.", inputs.Parse<Patient>(Record(stored[0])));
        }, ct);
    }

    /// <summary>Rule 1 before any data is touched: update on Patient (the change) and read (both records are read).</summary>
    private static (Parameters, Security.Access.ScopeGrant?) Authorise(FhirRequest request, string operation)
    {
        request.Access.RequireScope("Patient", SmartPermissions.Update);
        var read = request.Access.RequireScope("Patient", SmartPermissions.Read);
        return (IdentityOperationInputs.RequireParameters(request, operation), read);
    }

    /// <summary>Both records must be the caller's organisation's: a merge writes both (403 otherwise, nothing changed).</summary>
    private static void RequireOwner(FhirRequest request, Storage.Model.ResourceRecord source, Storage.Model.ResourceRecord target, string what)
    {
        if (request.Access.Requester is not { } requester) return;
        foreach (var record in new[] { source, target })
            if (!string.Equals(record.Owner, requester.OrganisationId, StringComparison.Ordinal))
                throw new FhirException(403, OperationOutcome.IssueType.Forbidden,
                    $"Only the organisation that owns both records may {what} them, and Patient/{record.ResourceId} is another organisation's. " +
                    "To join two organisations' records without changing either, resolve their identity-review Task (Task/$resolve).");
    }

    private async Task<MasterLinkRow> NewMasterAsync(string patientId, int version, CancellationToken ct)
    {
        var row = new MasterLinkRow
        {
            PatientId = patientId, MasterId = MasterChildIndex.NewMasterId(), Method = MasterLinkMethods.NewMaster,
            PatientVersion = version, LinkedAt = clock.GetUtcNow().UtcTicks,
        };
        await links.SaveAsync([row], ct);
        return row;
    }

    private static string? ReplacedBy(Patient p) =>
        p.Link.FirstOrDefault(l => l.Type == Patient.LinkType.ReplacedBy)?.Other?.Reference;

    /// <summary>Adds the link unless an identical one is there; says whether it added it (so unmerge removes only its own).</summary>
    private static bool AddLink(Patient p, string otherId, Patient.LinkType type)
    {
        var reference = $"Patient/{otherId}";
        if (p.Link.Any(l => l.Type == type && l.Other?.Reference == reference)) return false;
        p.Link.Add(new Patient.LinkComponent { Other = new ResourceReference(reference), Type = type });
        return true;
    }

    private static void RemoveLink(Patient p, string otherId, Patient.LinkType type)
    {
        var reference = $"Patient/{otherId}";
        var i = p.Link.FindLastIndex(l => l.Type == type && l.Other?.Reference == reference);
        if (i >= 0) p.Link.RemoveAt(i);
    }

    private static MasterLinkRow? Copy(MasterLinkRow? row) =>
        row is null ? null : JsonSerializer.Deserialize<MasterLinkRow>(JsonSerializer.Serialize(row));

    private static Storage.Model.ResourceRecord Record(Storage.Store.WriteResult w) => new()
    {
        ResourceType = w.ResourceType, ResourceId = w.ResourceId, VersionId = w.VersionId, Method = "PUT", Json = w.Json,
    };

    private static FhirResponse Result(Parameters input, string message, Patient result)
    {
        var output = new Parameters();
        output.Parameter.Add(new Parameters.ParameterComponent { Name = "input", Resource = (Parameters)input.DeepCopy() });
        output.Parameter.Add(new Parameters.ParameterComponent { Name = "outcome", Resource = OperationOutcomes.Information(message) });
        output.Parameter.Add(new Parameters.ParameterComponent { Name = "result", Resource = result });
        return FhirResponse.Of(output);
    }
}
