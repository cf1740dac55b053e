using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Gateway.Indicators;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Dashboard;

/// <summary>A local authority the dashboard can show: the <c>subject</c> to ask for, its name and its region (when known).</summary>
public sealed record DashboardArea(string Subject, string Code, string Name, string? RegionCode, string? RegionName, IReadOnlyList<string> StatisticalNeighbours);

/// <summary>
/// The LAs the gateway holds records for (Organizations with an la-code identifier), each placed in its region from the
/// DfE release when one is configured. Only LAs with records here are offered: every other LA of a region would show
/// zeros, which would read as "no activity" rather than "no data".
/// </summary>
public sealed class DashboardAreas(ChildRecordSource source, FhirSerialization serialization, ReportSubjectResolver subjects,
    Microsoft.Extensions.Options.IOptions<DashboardOptions> options)
{
    public async Task<IReadOnlyList<DashboardArea>> ListAsync(CancellationToken ct)
    {
        var areas = new List<DashboardArea>();
        foreach (var stored in await source.OrganisationsAsync(ct))
        {
            if (serialization.ParseStored(stored.Json) is not Hl7.Fhir.Model.Organization organisation) continue;
            if (OrganisationDirectory.LaCodeOf(organisation) is not { } code) continue;
            var region = subjects.RegionOf(code);
            var neighbours = options.Value.StatisticalNeighbours.TryGetValue(code, out var list) ? list : [];
            areas.Add(new DashboardArea("Organization/" + organisation.Id, code, organisation.Name ?? "Local authority " + code,
                region?.Code, region?.Name, neighbours));
        }

        return areas.DistinctBy(a => a.Code).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
    }
}
