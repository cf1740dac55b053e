using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using SendInterop.Domain.Indicators;
using SendInterop.Gateway.Fhir.Http;
using SendInterop.Storage.Indicators;

namespace SendInterop.Gateway.Indicators;

/// <summary>
/// The Organizations the projector resolves settings and LAs against, loaded once and reloaded after an
/// <see cref="OrganisationDirectoryChanged"/> (Organizations change rarely; children change all day).
/// <para>
/// It also remembers what the projections asked of it (<see cref="IOrganisationLookupLog"/>): which Organizations
/// answered, and which references and identifiers nothing answered. An Organization written since can change a
/// child's projected rows only if one of those lookups would now answer differently: it answered one (its setting type,
/// LA code or parent may have changed, or it is gone), or it now answers to a key that found nothing. Any other
/// Organization write (a name, a telecom, a new school no child names yet, the benchmark's CRUD chain) leaves every
/// projection as it is, so it costs no rebuild of every child (docs/performance.md, "Session 17").
/// </para>
/// </summary>
public sealed class OrganisationDirectoryCache(ChildRecordSource source, FhirSerialization serialization)
{
    private OrganisationDirectory? _current;
    private readonly LookupLog _log = new();
    // The Organizations of the last load by the key of their stored row. A reload after an Organization write parses
    // only rows it has not seen (a new version is a new row); parsing every Organization again on each write was 3.6 %
    // of the gateway's trace samples under the CRUD chain, which writes one Organization per round (session 18).
    // Directories never change what they hold, so the parsed objects can be shared between them.
    private IReadOnlyDictionary<long, Organization> _parsed = new Dictionary<long, Organization>();

    // Moved by every invalidation: a load that began before one must not be kept as current after it (it may have
    // read the Organizations before the write that invalidated the directory).
    private long _generation;

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        Volatile.Write(ref _current, null);
    }

    public async Task<OrganisationDirectory> GetAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _current) is { } cached) return cached;
        var generation = Interlocked.Read(ref _generation);
        var rows = await source.OrganisationsAsync(ct);
        var known = Volatile.Read(ref _parsed);
        var parsed = new Dictionary<long, Organization>(rows.Count);
        var organisations = new List<Organization>(rows.Count);
        foreach (var row in rows) // in the order the store gives, as before: it decides which of two sharing an identifier answers
        {
            if (!known.TryGetValue(row.Key, out var organisation))
            {
                if (serialization.ParseStored(row.Json) is not Organization fresh) continue;
                organisation = fresh;
            }
            parsed[row.Key] = organisation;
            organisations.Add(organisation);
        }
        Volatile.Write(ref _parsed, parsed);
        var directory = new OrganisationDirectory(organisations, _log);
        Interlocked.CompareExchange(ref _current, directory, null);
        if (Interlocked.Read(ref _generation) != generation) Interlocked.CompareExchange(ref _current, null, directory);
        return directory;
    }

    /// <summary>
    /// A full projection of every child starts: what was asked before no longer describes the stored projection, and
    /// until <see cref="EndFullProjection"/> every Organization write is taken to matter.
    /// </summary>
    public void BeginFullProjection() => _log.Reset();

    /// <summary>Every child has been projected since <see cref="BeginFullProjection"/>: the log covers the stored projection.</summary>
    public void EndFullProjection() => _log.Complete = true;

    /// <summary>
    /// Whether writes to these Organizations can change any child's projected rows (see the class remarks). True
    /// whenever that cannot be told: before a full projection in this process has completed.
    /// </summary>
    /// <remarks>
    /// The written Organizations' current versions come from the directory itself (reloaded after the invalidation
    /// that reported them, so it parses each of them once, for both uses), not from a read and parse of their own.
    /// </remarks>
    public async Task<bool> MayAffectProjectionsAsync(IReadOnlyCollection<string> organisationIds, CancellationToken ct)
    {
        if (!_log.Complete) return true;
        var directory = await GetAsync(ct);
        foreach (var id in organisationIds)
        {
            if (_log.WasResolved(id)) return true;
            if (directory.Get(id) is not { } organisation) continue; // gone, and it answered no lookup
            if (OrganisationDirectory.KeysOf(organisation).Any(_log.WasMissed)) return true;
        }
        return false;
    }

    /// <summary>Thread-safe: projections run on the worker's loop, report subjects on request threads.</summary>
    private sealed class LookupLog : IOrganisationLookupLog
    {
        private readonly ConcurrentDictionary<string, byte> _resolved = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, byte> _missed = new(StringComparer.Ordinal);
        private volatile bool _complete;

        public bool Complete { get => _complete; set => _complete = value; }

        public void Resolved(string organisationId) => _resolved.TryAdd(organisationId, 0);

        public void Missed(string key) => _missed.TryAdd(key, 0);

        public bool WasResolved(string organisationId) => _resolved.ContainsKey(organisationId);

        public bool WasMissed(string key) => _missed.ContainsKey(key);

        public void Reset()
        {
            _complete = false;
            _resolved.Clear();
            _missed.Clear();
        }
    }
}
