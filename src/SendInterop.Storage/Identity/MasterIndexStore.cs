using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Identity;

/// <summary>
/// Reads and writes the master child index tables (<see cref="MasterLinkRow"/>, <see cref="MasterMergeRow"/>) through
/// EF Core on the same database as the resources. Deciding links is the gateway's job; this class only keeps them.
/// </summary>
/// <remarks>
/// Writes are few (one per Patient write, a handful per merge) and go through their own short transactions. On SQLite
/// they take a turn at the write lock with the resource store's group-commit writer (<see cref="SqliteWriteTurns"/>)
/// rather than joining its transactions: a link is written after the Patient it describes has committed, and a crash in
/// between is repaired by reconciliation.
/// </remarks>
public sealed class MasterIndexStore(FhirDbContextFactory contexts)
{
    public async Task<MasterLinkRow?> GetAsync(string patientId, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.MasterLinks.FirstOrDefaultAsync(r => r.PatientId == patientId, ct);
    }

    public async Task<IReadOnlyList<MasterLinkRow>> GetManyAsync(IReadOnlyCollection<string> patientIds, CancellationToken ct = default)
    {
        if (patientIds.Count == 0) return [];
        await using var db = contexts.Create();
        var ids = patientIds.Distinct(StringComparer.Ordinal).ToList();
        return await db.MasterLinks.Where(r => ids.Contains(r.PatientId)).ToListAsync(ct);
    }

    /// <summary>Every row of the given masters: the records that are one child.</summary>
    public async Task<IReadOnlyList<MasterLinkRow>> MembersAsync(IReadOnlyCollection<string> masterIds, CancellationToken ct = default)
    {
        if (masterIds.Count == 0) return [];
        await using var db = contexts.Create();
        var ids = masterIds.Distinct(StringComparer.Ordinal).ToList();
        return await db.MasterLinks.Where(r => ids.Contains(r.MasterId)).OrderBy(r => r.PatientId).ToListAsync(ct);
    }

    /// <summary>The rows of other Patients holding this verified NHS number, oldest link first.</summary>
    public async Task<IReadOnlyList<MasterLinkRow>> WithNhsNumberAsync(string nhsNumber, string exceptPatientId, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.MasterLinks.Where(r => r.NhsNumber == nhsNumber && r.PatientId != exceptPatientId)
            .OrderBy(r => r.LinkedAt).ToListAsync(ct);
    }

    /// <summary>The ids of every Patient that has a link (for reconciliation).</summary>
    public async Task<HashSet<string>> LinkedPatientIdsAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return (await db.MasterLinks.Select(r => r.PatientId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Inserts or replaces the rows, all in one transaction.</summary>
    public async Task SaveAsync(IReadOnlyList<MasterLinkRow> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0) return;
        using var turn = await contexts.TakeWriteTurnAsync(ct);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await UpsertAsync(db, rows, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Records a merge and the source's new link together: either both or neither.</summary>
    public async Task SaveMergeAsync(MasterMergeRow merge, MasterLinkRow sourceLink, CancellationToken ct = default)
    {
        using var turn = await contexts.TakeWriteTurnAsync(ct);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.MasterMerges.AsTracking().FirstOrDefaultAsync(m => m.Id == merge.Id, ct);
        if (existing is null) db.MasterMerges.Add(merge);
        else db.Entry(existing).CurrentValues.SetValues(merge);
        await UpsertAsync(db, [sourceLink], ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The latest merge of source into target that has not been undone.</summary>
    public async Task<MasterMergeRow?> OpenMergeAsync(string sourcePatientId, string targetPatientId, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.MasterMerges
            .Where(m => m.SourcePatientId == sourcePatientId && m.TargetPatientId == targetPatientId && m.UnmergedAt == null)
            .OrderByDescending(m => m.MergedAt).FirstOrDefaultAsync(ct);
    }

    private static async Task UpsertAsync(FhirDbContext db, IReadOnlyList<MasterLinkRow> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            var existing = await db.MasterLinks.AsTracking().FirstOrDefaultAsync(r => r.PatientId == row.PatientId, ct);
            if (existing is null) db.MasterLinks.Add(row);
            else db.Entry(existing).CurrentValues.SetValues(row);
        }
    }
}
