using Microsoft.EntityFrameworkCore;
using SendInterop.Storage.Store;

namespace SendInterop.Storage.Scheduling;

/// <summary>The last completed run of a scheduled job: the day it ran for and when it finished.</summary>
public sealed class ScheduledRunRow
{
    /// <summary>The job, e.g. "statutory-sweep".</summary>
    public required string Name { get; set; }

    /// <summary>The calendar day the run was for (<see cref="DateOnly.DayNumber"/>), in the job's own calendar.</summary>
    public int LastDay { get; set; }

    /// <summary>When it completed, Unix milliseconds UTC.</summary>
    public long CompletedAt { get; set; }
}

/// <summary>
/// Remembers, in the resource database, which day a scheduled job last completed, so a restart does not repeat work the
/// job already did today (several replicas share the record as they share the data).
/// </summary>
public sealed class ScheduledRunStore(FhirDbContextFactory contexts)
{
    /// <summary>The day of the last completed run, or null when it never completed.</summary>
    public async Task<DateOnly?> LastDayAsync(string name, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        var row = await db.ScheduledRuns.FirstOrDefaultAsync(r => r.Name == name, ct);
        return row is null ? null : DateOnly.FromDayNumber(row.LastDay);
    }

    public async Task RecordAsync(string name, DateOnly day, DateTimeOffset completedAt, CancellationToken ct = default)
    {
        await using var db = contexts.Create();
        var row = await db.ScheduledRuns.AsTracking().FirstOrDefaultAsync(r => r.Name == name, ct);
        if (row is null) db.ScheduledRuns.Add(row = new ScheduledRunRow { Name = name });
        row.LastDay = day.DayNumber;
        row.CompletedAt = completedAt.ToUnixTimeMilliseconds();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is System.Data.Common.DbException inner && Store.ResourceStore.IsConflict(inner))
        {
            // Another replica inserted the same job's row at the same moment: either record says the day is done.
        }
    }
}
