using Microsoft.Extensions.Options;
using SendInterop.Gateway.Fhir.Interactions;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// Keeps statutory Tasks in step with the record within the request that changed it, after the commit and before the
/// response (as the master child index links Patients): a client that records a decision and then lists Tasks sees the
/// next step at once, with no queue to lose and no second process to run. The cost is a few indexed queries for that
/// child. It never fails the client's write, which has already committed: any error is logged without personal data,
/// the child is queued for repair, and the daily sweep repairs whatever a restart forgot.
/// </summary>
public sealed partial class StatutoryCommitHandler(
    StatutoryTriggers triggers,
    StatutoryTaskWriter writer,
    StatutoryRepairQueue repairs,
    IOptions<StatutoryOptions> options,
    ILogger<StatutoryCommitHandler> logger) : IResourceCommitHandler
{
    public async Task CommittedAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        if (!options.Value.Enabled) return;
        IReadOnlyList<TouchedChild> children;
        try
        {
            children = await triggers.ChildrenAsync(writes, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogTriggerFailed(writes.Count, ex.GetType().Name);
            return;
        }

        if (children.Count == 1)
        {
            await RecomputeAsync(children[0]);
            return;
        }

        // Many children (a bulk import's batch): read together, one search per type for a slice of children instead of one per
        // type per child; a few slices at once so their Task writes share group commits.
        var slices = SlicesByStripe(children);
        await Parallel.ForEachAsync(slices, new ParallelOptions { MaxDegreeOfParallelism = SliceParallelism }, async (slice, _) =>
        {
            IReadOnlyList<(TouchedChild Child, Exception Error)> failed;
            try
            {
                failed = await writer.RecomputeManyAsync(slice, CancellationToken.None);
            }
            catch (Exception ex)
            {
                failed = slice.Select(c => (c, ex)).ToList();
            }

            foreach (var (child, error) in failed)
            {
                repairs.Add(child.PatientId, child.OnlyIfTracked);
                LogRecomputeFailed(error.GetType().Name, repairs.Count);
            }
        });
    }

    /// <summary>
    /// Slices of whole lock stripes, neighbouring stripes together, so slices in flight never wait on each other's locks.
    /// Slices of children in file order each took most of the stripes; slices cut through a stripe shared it with the next,
    /// which then waited for the whole of the one before: either way the slices ran one after another.
    /// </summary>
    private static List<List<TouchedChild>> SlicesByStripe(IReadOnlyList<TouchedChild> children)
    {
        var slices = new List<List<TouchedChild>>();
        var slice = new List<TouchedChild>();
        foreach (var stripe in children.GroupBy(c => ChildLocks.StripeOf(c.PatientId)).OrderBy(g => g.Key))
        {
            slice.AddRange(stripe);
            if (slice.Count < ChildrenPerRead) continue;
            slices.Add(slice);
            slice = [];
        }

        if (slice.Count > 0) slices.Add(slice);
        return slices;
    }

    /// <summary>Children read with one search per type; a few such slices in flight.</summary>
    private const int ChildrenPerRead = 64, SliceParallelism = 4;

    private async Task RecomputeAsync(TouchedChild child)
    {
        try
        {
            // Not the request's token: a client hanging up must not leave the child's Tasks half-planned.
            await writer.RecomputeAsync(child.PatientId, child.OnlyIfTracked, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Type only: a message could quote data. The id is not logged either (it identifies a child's record).
            repairs.Add(child.PatientId, child.OnlyIfTracked);
            LogRecomputeFailed(ex.GetType().Name, repairs.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statutory Tasks: could not tell which children {Writes} committed writes touch ({Error}); the daily sweep repairs")]
    private partial void LogTriggerFailed(int writes, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statutory Tasks: recomputation after a commit failed ({Error}); the write stands, {Pending} children queued for repair")]
    private partial void LogRecomputeFailed(string error, int pending);
}
