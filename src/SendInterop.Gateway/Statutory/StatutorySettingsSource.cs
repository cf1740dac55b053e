using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using SendInterop.Domain.Profiles;
using SendInterop.Domain.Statutory;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Store;

namespace SendInterop.Gateway.Statutory;

/// <summary>
/// The clock settings (term dates, phase-transfer inference) of the LA responsible for a case. An interface because
/// an LA may later supply its term dates from its own system rather than from configuration.
/// </summary>
public interface IStatutorySettingsSource
{
    /// <param name="localAuthorityReference">The case's LA ("Organization/la-926"), or null when the record names none.</param>
    System.Threading.Tasks.Task<StatutoryClockSettings> ForAsync(string? localAuthorityReference, CancellationToken ct);
}

/// <summary>
/// Settings from the <c>Statutory:LocalAuthorities</c> section, keyed by DfE LA code (read from the LA Organization's
/// la-code identifier) or by Organization id. The Organization's code is read once per process: LA codes do not change.
/// </summary>
public sealed class ConfiguredStatutorySettings(IResourceStore store, FhirSerialization serialization, IOptions<StatutoryOptions> options)
    : IStatutorySettingsSource
{
    public const string LaCodeSystem = SendCanonical.Base + "/Id/la-code";

    private readonly ConcurrentDictionary<string, string?> _codes = new(StringComparer.Ordinal);

    public async System.Threading.Tasks.Task<StatutoryClockSettings> ForAsync(string? localAuthorityReference, CancellationToken ct)
    {
        var o = options.Value;
        var organisationId = localAuthorityReference is not null && localAuthorityReference.StartsWith("Organization/", StringComparison.Ordinal)
            ? localAuthorityReference["Organization/".Length..] : null;
        LocalAuthorityClockOptions? la = null;
        if (organisationId is not null && o.LocalAuthorities.Count > 0)
        {
            if (!o.LocalAuthorities.TryGetValue(organisationId, out la) && await LaCodeAsync(organisationId, ct) is { } code)
                o.LocalAuthorities.TryGetValue(code, out la);
        }
        return new StatutoryClockSettings
        {
            Closures = la?.Closures.Select(c => new HolidayClosure(c.Scope, c.FirstDayClosed, c.ReopensOn, c.Label)).ToList() ?? [],
            InferPhaseTransfers = la?.InferPhaseTransfers ?? o.InferPhaseTransfers,
        };
    }

    private async System.Threading.Tasks.Task<string?> LaCodeAsync(string organisationId, CancellationToken ct)
    {
        if (_codes.TryGetValue(organisationId, out var known)) return known;
        var record = await store.ReadAsync("Organization", organisationId, ct);
        var code = record is { IsDeleted: false } && serialization.ParseStored(record.Json) is Organization organisation
            ? organisation.Identifier.FirstOrDefault(i => i.System == LaCodeSystem)?.Value
            : null;
        // Not cached when missing: the Organization may simply not have been registered yet.
        if (code is not null) _codes[organisationId] = code;
        return code;
    }
}
