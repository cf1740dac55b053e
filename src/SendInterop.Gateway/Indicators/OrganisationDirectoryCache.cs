using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// The Organizations the projector resolves settings and LAs against, loaded once and reloaded after an
/// <see cref="OrganisationDirectoryChanged"/> (Organizations change rarely; children change all day).
/// </summary>
public sealed class OrganisationDirectoryCache(ChildRecordSource source, FhirSerialization serialization)
{
    private OrganisationDirectory? _current;

    public void Invalidate() => Volatile.Write(ref _current, null);

    public async Task<OrganisationDirectory> GetAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _current) is { } cached) return cached;
        var organisations = (await source.OrganisationsAsync(ct)).Select(json => serialization.ParseStored(json)).OfType<Organization>().ToList();
        var directory = new OrganisationDirectory(organisations);
        Volatile.Write(ref _current, directory);
        return directory;
    }
}
