using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// Projects children from the store: reads each child's current resources as the gateway itself (no consent gate:
/// nothing read here leaves the gateway except as aggregates or through the gate), runs the domain's
/// <see cref="IndicatorProjector"/> as of today, and replaces the children's rows.
/// </summary>
public sealed class ChildProjector(
    ChildRecordSource source,
    OrganisationDirectoryCache directory,
    IndicatorProjectionStore projection,
    FhirSerialization serialization,
    TimeProvider clock)
{
    /// <summary>Bump when the projector changes what rows it produces, so the next start-up rebuilds everything.</summary>
    public static readonly string Version = IndicatorCanonical.Version + "/projection-1";

    /// <summary>The "as of" day: today in the UK (rows are dated in UK calendar days).</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), UkTime.Zone).DateTime);

    public async Task ProjectAsync(IReadOnlyCollection<string> childIds, CancellationToken ct)
    {
        if (childIds.Count == 0) return;
        var asOf = Today;
        var organisations = await directory.GetAsync(ct);
        var records = await source.ReadChildrenAsync(childIds, ct);
        var projected = new List<ChildProjection>(records.Count);
        foreach (var (childId, rows) in records)
        {
            // A child without a live Patient (deleted) keeps no rows: the replace below removes them.
            if (!rows.Any(r => r.ResourceType == "Patient"))
            {
                projected.Add(new ChildProjection(childId, Empty));
                continue;
            }

            var resources = rows.Select(r => serialization.ParseStored(r.Json)).ToList();
            projected.Add(new ChildProjection(childId, IndicatorProjector.Project(resources, organisations, asOf)));
        }

        await projection.ReplaceAsync(projected, clock.GetUtcNow(), ct);
    }

    private static readonly ProjectedRecord Empty = new([], [], [], [], []);
}

/// <summary>The UK's time zone, for "today" (a write at 00:30 BST is dated the new day).</summary>
internal static class UkTime
{
    public static readonly TimeZoneInfo Zone = Find();

    private static TimeZoneInfo Find()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/London"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }
}
