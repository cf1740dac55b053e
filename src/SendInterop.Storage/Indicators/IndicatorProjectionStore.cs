using Microsoft.EntityFrameworkCore;
using SendInterop.Domain.Indicators;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Indicators;

/// <summary>One child's projected rows, ready to replace what the projection holds for that child.</summary>
public sealed record ChildProjection(string ChildId, ProjectedRecord Rows);

/// <summary>
/// Keeps the projection tables: replaces children's rows atomically and records the projection's state. It does not
/// decide what the rows are (the gateway's projector does) nor count them (<see cref="SqlIndicatorEvaluator"/>).
/// </summary>
/// <remarks>
/// Writes go through their own short transactions on the resource database; on SQLite they take a turn at the write
/// lock with the resource store's group-commit writer (<see cref="SqliteWriteTurns"/>), like the master index. A crash
/// between a resource commit and its projection is repaired by the next full rebuild (daily, or on demand). Every write moves the
/// <see cref="ProjectionVersion"/> in its transaction, which is what lets counted figures be reused until the next write.
/// </remarks>
public sealed class IndicatorProjectionStore(FhirDbContextFactory contexts)
{
    public const string StateName = "indicators";

    public StorageProvider Provider => contexts.Provider;

    /// <summary>
    /// Replaces every row of the given children with their new rows, in one transaction: a reader sees a child's old
    /// rows or its new rows, never a mixture. Rows whose child key names another child are not stored under this one.
    /// </summary>
    public async Task ReplaceAsync(IReadOnlyList<ChildProjection> children, DateTimeOffset computedAt, CancellationToken ct = default)
    {
        if (children.Count == 0) return;
        var at = computedAt.ToUnixTimeMilliseconds();
        using var turn = await contexts.TakeWriteTurnAsync(ct);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var ids = children.Select(c => c.ChildId).Distinct(StringComparer.Ordinal).ToList();
        // The LAs these children's rows leave and the ones they join: only their stored tallies become stale.
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            leaves.UnionWith(await LeafVersions.OfChildrenAsync(db, chunk, ct));
            await db.IndicatorCases.Where(r => chunk.Contains(r.ChildId)).ExecuteDeleteAsync(ct);
            await db.IndicatorPlans.Where(r => chunk.Contains(r.ChildId)).ExecuteDeleteAsync(ct);
            await db.IndicatorReviews.Where(r => chunk.Contains(r.ChildId)).ExecuteDeleteAsync(ct);
            await db.IndicatorOutcomes.Where(r => chunk.Contains(r.ChildId)).ExecuteDeleteAsync(ct);
            await db.IndicatorWaits.Where(r => chunk.Contains(r.ChildId)).ExecuteDeleteAsync(ct);
        }

        foreach (var child in children.GroupBy(c => c.ChildId, StringComparer.Ordinal).Select(g => g.Last()))
        {
            bool Own(ProjectionRow r) => IndicatorRowMapper.ChildIdOf(r.ChildKey) == child.ChildId;
            // A resource can yield the same row id twice only through a malformed record; the first one wins.
            db.IndicatorCases.AddRange(child.Rows.Cases.Where(Own).DistinctBy(r => r.RowId).Select(r => IndicatorRowMapper.ToEntity(r, at)));
            db.IndicatorPlans.AddRange(child.Rows.Plans.Where(Own).DistinctBy(r => r.RowId).Select(r => IndicatorRowMapper.ToEntity(r, at)));
            db.IndicatorReviews.AddRange(child.Rows.Reviews.Where(Own).DistinctBy(r => r.RowId).Select(r => IndicatorRowMapper.ToEntity(r, at)));
            db.IndicatorOutcomes.AddRange(child.Rows.Outcomes.Where(Own).DistinctBy(r => r.RowId).Select(r => IndicatorRowMapper.ToEntity(r, at)));
            db.IndicatorWaits.AddRange(child.Rows.Waits.Where(Own).DistinctBy(r => r.RowId).Select(r => IndicatorRowMapper.ToEntity(r, at)));
            leaves.UnionWith(child.Rows.Cases.Concat<ProjectionRow>(child.Rows.Plans).Concat(child.Rows.Reviews).Concat(child.Rows.Outcomes).Concat(child.Rows.Waits)
                .Where(Own).Select(r => GeographyHierarchy.LeafOf(r.Strata.LaCode)));
        }

        await db.SaveChangesAsync(ct);
        await LeafVersions.BumpAsync(db, leaves, ct);
        await ProjectionVersion.BumpAsync(db, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Removes every row (before a full rebuild from nothing, and in tests).</summary>
    public async Task ClearAsync(CancellationToken ct = default)
    {
        using var turn = await contexts.TakeWriteTurnAsync(ct);
        await using var db = contexts.Create();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.IndicatorCases.ExecuteDeleteAsync(ct);
        await db.IndicatorPlans.ExecuteDeleteAsync(ct);
        await db.IndicatorReviews.ExecuteDeleteAsync(ct);
        await db.IndicatorOutcomes.ExecuteDeleteAsync(ct);
        await db.IndicatorWaits.ExecuteDeleteAsync(ct);
        // Every stored tally, and every decision made from one, is of rows that are gone.
        await db.IndicatorTallies.ExecuteDeleteAsync(ct);
        await db.IndicatorDecisions.ExecuteDeleteAsync(ct);
        await LeafVersions.BumpAllAsync(db, ct);
        await ProjectionVersion.BumpAsync(db, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Removes the rows of children no longer in <paramref name="keep"/> (after a full rebuild).</summary>
    public async Task<int> RemoveOthersAsync(IReadOnlySet<string> keep, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        stored.UnionWith(await db.IndicatorCases.Select(r => r.ChildId).Distinct().ToListAsync(ct));
        stored.UnionWith(await db.IndicatorPlans.Select(r => r.ChildId).Distinct().ToListAsync(ct));
        stored.UnionWith(await db.IndicatorReviews.Select(r => r.ChildId).Distinct().ToListAsync(ct));
        stored.UnionWith(await db.IndicatorOutcomes.Select(r => r.ChildId).Distinct().ToListAsync(ct));
        stored.UnionWith(await db.IndicatorWaits.Select(r => r.ChildId).Distinct().ToListAsync(ct));
        var gone = stored.Where(id => !keep.Contains(id)).ToList();
        if (gone.Count > 0) await ReplaceAsync(gone.Select(id => new ChildProjection(id, Empty)).ToList(), DateTimeOffset.UtcNow, ct);
        return gone.Count;
    }

    public async Task<ProjectionStateEntity?> GetStateAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return await db.IndicatorState.FirstOrDefaultAsync(s => s.Name == StateName, ct);
    }

    public async Task SetStateAsync(string version, DateOnly asOf, DateTimeOffset rebuiltAt, int children, CancellationToken ct = default)
    {
        using var turn = await contexts.TakeWriteTurnAsync(ct);
        await using var db = contexts.Create();
        var state = await db.IndicatorState.AsTracking().FirstOrDefaultAsync(s => s.Name == StateName, ct);
        if (state is null)
        {
            state = new ProjectionStateEntity { Name = StateName, Version = version };
            db.IndicatorState.Add(state);
        }

        state.Version = version;
        state.AsOfDay = asOf.DayNumber;
        state.RebuiltAt = rebuiltAt.ToUnixTimeMilliseconds();
        state.Children = children;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Whether the projection holds no row at all.</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        return !await db.IndicatorCases.AnyAsync(ct) && !await db.IndicatorPlans.AnyAsync(ct) && !await db.IndicatorReviews.AnyAsync(ct)
            && !await db.IndicatorOutcomes.AnyAsync(ct) && !await db.IndicatorWaits.AnyAsync(ct);
    }

    private static readonly ProjectedRecord Empty = new([], [], [], [], []);
}
