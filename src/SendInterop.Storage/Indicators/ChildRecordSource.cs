using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Model;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>
/// Reads what the indicator projector needs, as the gateway itself (no consent gate: the projection is internal and
/// only aggregates or gated lists leave it): a child's current resources (the Patient and everything that references
/// it), the ids of every live Patient, and every Organization (the directory of LAs and settings).
/// </summary>
/// <remarks>Not sealed, and the rebuild's walk is virtual, so a test can hold a rebuild between two batches.</remarks>
public class ChildRecordSource(FhirDbContextFactory contexts)
{
    /// <summary>
    /// The current, live resources of each child: its Patient plus every resource with a reference to it (subject,
    /// patient, for, ...), found through the reference search index. A child with no live Patient maps to its
    /// referencing resources only; a resource referencing several children appears under each.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, List<ResourceRecord>>> ReadChildrenAsync(IReadOnlyCollection<string> patientIds, CancellationToken ct = default)
    {
        var result = patientIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new List<ResourceRecord>(), StringComparer.Ordinal);
        if (result.Count == 0) return result;
        await using var db = contexts.Create();
        foreach (var chunk in result.Keys.ToList().Chunk(200))
        {
            var patients = await db.Resources
                .Where(r => r.ResourceType == "Patient" && chunk.Contains(r.ResourceId) && r.IsCurrent && !r.IsDeleted)
                .Select(r => new { r.Key, r.ResourceType, r.ResourceId, r.VersionId, r.LastUpdated, r.Method, r.Json })
                .ToListAsync(ct);
            foreach (var p in patients) result[p.ResourceId].Add(Record(p.Key, p.ResourceType, p.ResourceId, p.VersionId, p.LastUpdated, p.Method, p.Json));

            var referencing = await (
                from x in db.ReferenceIndex
                where x.TargetType == "Patient" && chunk.Contains(x.TargetId)
                join r in db.Resources on x.ResourceKey equals r.Key
                where r.IsCurrent && !r.IsDeleted
                select new { x.TargetId, r.Key, r.ResourceType, r.ResourceId, r.VersionId, r.LastUpdated, r.Method, r.Json })
                .ToListAsync(ct);
            foreach (var group in referencing.GroupBy(r => r.TargetId, StringComparer.Ordinal))
            {
                var list = result[group.Key];
                foreach (var r in group.DistinctBy(r => r.Key))
                    if (!(r.ResourceType == "Patient" && r.ResourceId == group.Key))
                        list.Add(Record(r.Key, r.ResourceType, r.ResourceId, r.VersionId, r.LastUpdated, r.Method, r.Json));
            }
        }

        return result;
    }

    /// <summary>Live Patient ids after <paramref name="afterId"/> in ordinal order, at most <paramref name="limit"/> (keyset paging for a rebuild).</summary>
    public virtual async Task<IReadOnlyList<string>> PatientIdsAsync(string? afterId, int limit, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        var q = db.Resources.Where(r => r.ResourceType == "Patient" && r.IsCurrent && !r.IsDeleted);
        if (afterId is not null) q = q.Where(r => string.Compare(r.ResourceId, afterId) > 0);
        return await q.OrderBy(r => r.ResourceId).Select(r => r.ResourceId).Take(limit).ToListAsync(ct);
    }

    /// <summary>
    /// Every live Organization's stored JSON, with the key of the row holding it (each version is a row of its own, so
    /// an unchanged key is an unchanged Organization).
    /// </summary>
    public async Task<IReadOnlyList<StoredOrganisation>> OrganisationsAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.Resources.Where(r => r.ResourceType == "Organization" && r.IsCurrent && !r.IsDeleted)
            .Select(r => new StoredOrganisation(r.Key, r.Json)).ToListAsync(ct);
    }

    private static ResourceRecord Record(long key, string type, string id, int version, long lastUpdated, string method, byte[] json) => new()
    {
        Key = key, ResourceType = type, ResourceId = id, VersionId = version, IsCurrent = true, LastUpdated = lastUpdated, Method = method, Json = json,
    };
}

/// <summary>A live Organization as stored: the key of its current version's row, and that version's JSON.</summary>
public sealed record StoredOrganisation(long Key, byte[] Json);
