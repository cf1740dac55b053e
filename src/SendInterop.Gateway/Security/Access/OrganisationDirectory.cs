using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Access.Gate;

namespace SendInterop.Gateway.Security.Access;

/// <summary>
/// The organisations that share through this gateway and the agency each belongs to (configuration, plus the demo
/// organisations when demo data is on). The owning agency of a resource is looked up here when it is written.
/// </summary>
public sealed class OrganisationDirectory
{
    private readonly ConcurrentDictionary<string, string> _agencies = new(StringComparer.Ordinal);

    public OrganisationDirectory(IOptions<AccessOptions> options)
    {
        foreach (var o in options.Value.Organisations) Register(o.Id, o.Agency);
    }

    public void Register(string organisationId, string agency)
    {
        if (!Agencies.All.Contains(agency))
            throw new ArgumentException($"'{agency}' is not an agency ({string.Join(", ", Agencies.All)}).", nameof(agency));
        _agencies[organisationId] = agency;
    }

    public string? AgencyOf(string? organisationId) =>
        organisationId is not null && _agencies.TryGetValue(organisationId, out var a) ? a : null;
}
