using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Identifiers;
using SendInterop.Domain.Sen2;
using SendInterop.Gateway.Fhir.Errors;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Gateway.Security.Access;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Sen2.Batches;

/// <summary>
/// Imports a batch of person records with one look-up statement per resource type and one database transaction for the
/// whole batch, where <see cref="Sen2RecordImporter"/> runs a FHIR transaction (look-ups, validation, writes) per record. Each
/// record is decided exactly as there: the same mapping, the same matches through the consent gate, the same unchanged and
/// stale entries, the same ownership, scopes, index, access facts and audit entry. A record the batch cannot settle on its
/// own terms (an ambiguous match, a key another record of the batch claims, a refusal while preparing a resource) is
/// imported on its own afterwards, whose transaction then gives the refusal in its own words; and if the batch's
/// transaction fails (a record changed between look-up and write, another owner), nothing of it is stored and every
/// record is imported on its own. So a bad record never leaves half of itself, and never takes a good one down with it.
/// </summary>
/// <remarks>
/// <para>Profile validation: the resources are the mapper's own, built from values the SEN2 reader has already checked
/// against the return's code lists, formats and identifier check characters. Their conformance to the SEND profiles is
/// proven by the tests (every code of every list, through the Firely validator), so by default they are not validated
/// again one by one: that was measured at 5-6 ms of CPU per record, more than everything else the import now does per
/// record (docs/performance.md, "SEN2 import rate"). <c>Sen2:ValidateMappedResources=true</c> validates them anyway; the
/// record-by-record path follows the same setting.</para>
/// <para>Between the batch's look-up and its commit another system could create the same child, and the import would then
/// create a second Patient for it; the window runs from the batch's look-up to its commit (1.7-2.7 s per batch of 500 on
/// PostgreSQL when timed before the set-based writes). The record-by-
/// record transaction looked the child up again just before its write, a narrower window of the same kind. The master child
/// index then links the two copies (or opens a review), as it does for any two systems creating one child. An LA's imports
/// run one at a time, so nothing else creates the SEN2-keyed resources meanwhile.</para>
/// </remarks>
public sealed partial class Sen2BatchImporter(
    Sen2RecordImporter single,
    Sen2BatchLookup lookup,
    Sen2ContentComparer comparer,
    Sen2StaleRecords staleRecords,
    ResourcePreparer preparer,
    WriteTargets writeTargets,
    IResourceStore store,
    IEnumerable<IResourceWriteObserver> observers,
    Sen2ImportAudit audit,
    IOptions<Sen2Options> options,
    ILogger<Sen2BatchImporter> logger)
{
    public async Task<IReadOnlyList<Sen2RecordResult>> ImportAsync(IReadOnlyList<Sen2PersonRecord> batch, LaCode la, AccessSession access,
        string baseUrl, DeferredCommitWork deferred, CancellationToken ct)
    {
        var results = new List<Sen2RecordResult>();
        var alone = new ConcurrentBag<Sen2PersonRecord>();
        if (options.Value.RecordByRecord)
        {
            foreach (var record in batch) results.Add(await single.ImportAsync(record, la, access, baseUrl, ct, deferred));
            return results;
        }

        var mapped = await MapAsync(batch, la, access, alone, ct);

        var stored = await lookup.FindAsync(mapped, access, ct);
        var owner = access.Requester?.OrganisationId;
        var children = mapped.SelectMany(m => stored.PatientsWith(m.PatientIdentifiers)).Select(p => p.ResourceId).ToHashSet(StringComparer.Ordinal);
        await lookup.AddAboutChildrenAsync(stored, children, ct);

        var plans = mapped.Select(m => Sen2RecordPlan.Make(m, stored, la, owner, comparer, staleRecords)).ToList();
        ClaimKeysOnce(plans);
        RequireDeleteScopes(plans, access);
        await RequireVisibleDeletesAsync(plans, access, ct);
        var prepared = await PrepareAsync(plans, access, ct);

        var ready = plans.Where(p => p.Fallback is null && p.Writes.Count > 0).ToList();
        foreach (var plan in plans.Where(p => p.Fallback is null && p.Writes.Count == 0))
            results.Add(new Sen2RecordResult(plan.Mapped.Record.Index, plan.Mapped.Record.Line, Sen2RecordStatus.Unchanged, [], []));
        foreach (var plan in plans.Where(p => p.Fallback is not null)) alone.Add(plan.Mapped.Record);
        foreach (var reason in plans.Where(p => p.Fallback is not null).GroupBy(p => p.Fallback!))
            LogOnTheirOwn(reason.Count(), reason.Key);

        var writes = ready.SelectMany(p => prepared[p]).ToList();
        IReadOnlyList<WriteResult>? written = null;
        if (writes.Count > 0)
        {
            try
            {
                written = await store.WriteAsync(writes, ct);
            }
            catch (Exception ex) when (ex is VersionConflictException or OwnershipException)
            {
                // Nothing of the batch was stored: each record again on its own, where its own transaction says what is wrong.
                LogOnTheirOwn(ready.Count, "the batch's transaction was refused (" + ex.GetType().Name + ")");
                foreach (var plan in ready) alone.Add(plan.Mapped.Record);
                ready = [];
            }
        }

        if (written is not null)
        {
            foreach (var o in observers) o.Written(writes);
            deferred.Add(writes);
            var at = 0;
            foreach (var plan in ready)
            {
                var mine = written.Skip(at).Take(plan.Writes.Count).Select(Written).ToList();
                at += plan.Writes.Count;
                await audit.RecordAsync(access, mine, plan.ChildId);
                results.Add(new Sen2RecordResult(plan.Mapped.Record.Index, plan.Mapped.Record.Line, Sen2RecordStatus.Imported, mine, []));
            }
        }

        // One after the other, in file order: two of them may be about one child (a failed batch sends every record here), and
        // each must see what the one before it wrote, as in a file imported record by record. They are few (a failed batch
        // is a conflict with another writer).
        foreach (var record in alone.OrderBy(r => r.Index))
            results.Add(await single.ImportAsync(record, la, access, baseUrl, ct, deferred));
        return results.OrderBy(r => r.Index).ToList();
    }

    /// <summary>Maps each valid record; a record with reader errors or an identity the mapper cannot key goes on its own.</summary>
    private async Task<IReadOnlyList<Sen2MappedRecord>> MapAsync(IReadOnlyList<Sen2PersonRecord> batch, LaCode la, AccessSession access,
        ConcurrentBag<Sen2PersonRecord> alone, CancellationToken ct)
    {
        var mapped = new Sen2MappedRecord?[batch.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.ImportParallelism), CancellationToken = ct };
        await Parallel.ForAsync(0, batch.Count, parallel, async (i, token) =>
        {
            var record = batch[i];
            if (record.Person is not { } person) { alone.Add(record); return; }
            LaChildId? laChildId = null;
            if (person.Upn is null && person.Uln is null)
            {
                (laChildId, var problem) = await single.LaChildIdAsync(person, la, access, token);
                if (problem is not null) { alone.Add(record); return; }
            }

            if (Sen2ToFhirMapper.TryMap(person, la, laChildId, out var transaction, out _)) mapped[i] = new Sen2MappedRecord(record, transaction);
            else alone.Add(record);
        });
        return mapped.OfType<Sen2MappedRecord>().ToList();
    }

    /// <summary>
    /// A child identifier or record key two records of the batch would both create, or a stored child two records both found
    /// (a Patient carrying one record's UPN and another's ULN), is left to the later record on its own: by then the earlier one
    /// has committed, and its transaction finds it, as one record after the other would (the reader already refuses a person
    /// twice). Without the child, both records' stale resources would be chosen from the same look-up, before either wrote.
    /// </summary>
    private static void ClaimKeysOnce(IReadOnlyList<Sen2RecordPlan> plans)
    {
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plan in plans.Where(p => p.Fallback is null))
        {
            var keys = plan.Mapped.PatientIdentifiers.Select(i => $"Patient|{i.System}|{i.Value}")
                .Concat(plan.Mapped.Keyed.Select(k => $"{k.Type}|{k.Key}")).ToList();
            if (plan.ChildId is { } child) keys.Add("Patient/" + child);
            if (keys.Any(claimed.Contains)) plan.FallBack("another record of the batch has the same identifier or key");
            else claimed.UnionWith(keys);
        }
    }

    /// <summary>A record that deletes needs the delete scope on that type; without it, its own transaction refuses it (403).</summary>
    private static void RequireDeleteScopes(IReadOnlyList<Sen2RecordPlan> plans, AccessSession access)
    {
        foreach (var plan in plans.Where(p => p.Fallback is null))
            if (plan.Writes.Any(w => w.Resource is null && access.ScopeFor(w.ResourceType, Domain.Access.SmartPermissions.Delete) is null))
                plan.FallBack("a delete the scopes do not allow");
    }

    /// <summary>
    /// A stale resource the importer may not see is, for it, not there: its own transaction answers as for a missing one
    /// (412 on the If-Match), so such a record goes on its own. Each decision is recorded for the audit, as the
    /// transaction's would be.
    /// </summary>
    private async Task RequireVisibleDeletesAsync(IReadOnlyList<Sen2RecordPlan> plans, AccessSession access, CancellationToken ct)
    {
        foreach (var plan in plans.Where(p => p.Fallback is null))
            foreach (var delete in plan.Writes.Where(w => w.Resource is null && w.Current is not null))
                if (await writeTargets.IsHiddenAsync(access, delete.Current!, ct))
                {
                    plan.FallBack("a resource to delete is hidden from the importer");
                    break;
                }
    }

    /// <summary>Each planned resource through the write path's preparation (owner, index, access facts); a refusal sends the
    /// record on its own.</summary>
    private async Task<Dictionary<Sen2RecordPlan, IReadOnlyList<ResourceWrite>>> PrepareAsync(IReadOnlyList<Sen2RecordPlan> plans, AccessSession access, CancellationToken ct)
    {
        var prepared = new ConcurrentDictionary<Sen2RecordPlan, IReadOnlyList<ResourceWrite>>();
        var validate = options.Value.ValidateMappedResources;
        var owner = access.Requester?.OrganisationId;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct };
        await Parallel.ForEachAsync(plans.Where(p => p.Fallback is null && p.Writes.Count > 0), parallel, async (plan, token) =>
        {
            var writes = new List<ResourceWrite>(plan.Writes.Count);
            try
            {
                foreach (var w in plan.Writes)
                {
                    if (w.Resource is null)
                    {
                        writes.Add(new ResourceWrite { ResourceType = w.ResourceType, ResourceId = w.ResourceId, Method = "DELETE", ExpectedVersion = w.ExpectedVersion, RequireOwner = owner });
                        continue;
                    }

                    var ready = await preparer.PrepareAsync(w.Resource, w.ResourceId, access, validate, token);
                    writes.Add(preparer.ToWrite(ready, w.Create ? "POST" : "PUT", w.ExpectedVersion, mustNotExist: w.Create));
                }

                prepared[plan] = writes;
            }
            catch (FhirException)
            {
                plan.FallBack("a resource was refused while being prepared");
            }
        });
        return new Dictionary<Sen2RecordPlan, IReadOnlyList<ResourceWrite>>(prepared);
    }

    // The reasons are fixed texts of Sen2RecordPlan and this class: no record content.
    [LoggerMessage(Level = LogLevel.Information, Message = "SEN2 import: {Count} record(s) of a batch imported on their own: {Reason}")]
    private partial void LogOnTheirOwn(int count, string reason);

    private static Sen2WrittenResource Written(WriteResult r) => new(r.ResourceType, r.ResourceId, r.VersionId, r.Created, r.Deleted);
}
