using SendInterop.Storage.Identity;

namespace SendInterop.Gateway.Identity;

/// <summary>
/// The link rows one run of the master child index has decided but not yet saved, in front of <see cref="MasterIndexStore"/>:
/// every read answers as if they were saved, so a later Patient of the same batch sees an earlier one's link exactly as
/// it would after a save, and the rows are then saved together (one transaction instead of one per Patient, which a
/// profile of a SEN2 import showed as most of the index's cost). The rows of the Patients the run will link are read in
/// one statement up front.
/// </summary>
/// <remarks>
/// Only the index's own lock holder uses it (decisions are serialised). A crash before <see cref="SaveAsync"/> leaves those
/// Patients unlinked, which reconciliation links at start-up, as for a crash between a Patient's commit and its link.
/// </remarks>
internal sealed class PendingLinks
{
    private readonly MasterIndexStore _store;
    private readonly Dictionary<string, MasterLinkRow> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MasterLinkRow> _prefetched;

    private PendingLinks(MasterIndexStore store, Dictionary<string, MasterLinkRow> prefetched)
    {
        _store = store;
        _prefetched = prefetched;
    }

    public static async Task<PendingLinks> ForAsync(MasterIndexStore store, IReadOnlyCollection<string> patientIds, CancellationToken ct)
    {
        var rows = await store.GetManyAsync(patientIds, ct);
        return new PendingLinks(store, rows.ToDictionary(r => r.PatientId, StringComparer.Ordinal));
    }

    /// <summary>For Patients known to have no link yet (reconciliation): nothing to read up front.</summary>
    public static PendingLinks Empty(MasterIndexStore store) => new(store, new Dictionary<string, MasterLinkRow>(StringComparer.Ordinal));

    /// <summary>The Patient's link: decided in this run, else read up front (null when it has none).</summary>
    public MasterLinkRow? Get(string patientId) => _pending.GetValueOrDefault(patientId) ?? _prefetched.GetValueOrDefault(patientId);

    public void Add(MasterLinkRow row) => _pending[row.PatientId] = row;

    public async Task<IReadOnlyList<MasterLinkRow>> GetManyAsync(IReadOnlyCollection<string> patientIds, CancellationToken ct) =>
        Overlay(await _store.GetManyAsync(patientIds.Where(id => !_pending.ContainsKey(id)).ToList(), ct), r => patientIds.Contains(r.PatientId));

    public async Task<IReadOnlyList<MasterLinkRow>> WithNhsNumberAsync(string nhsNumber, string exceptPatientId, CancellationToken ct) =>
        Overlay(await _store.WithNhsNumberAsync(nhsNumber, exceptPatientId, ct), r => r.NhsNumber == nhsNumber && r.PatientId != exceptPatientId)
            .OrderBy(r => r.LinkedAt).ToList();

    public async Task<IReadOnlyList<MasterLinkRow>> MembersAsync(IReadOnlyCollection<string> masterIds, CancellationToken ct) =>
        Overlay(await _store.MembersAsync(masterIds, ct), r => masterIds.Contains(r.MasterId))
            .OrderBy(r => r.PatientId, StringComparer.Ordinal).ToList();

    /// <summary>Saves every pending row in one transaction; nothing is pending afterwards.</summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        if (_pending.Count == 0) return;
        await _store.SaveAsync(_pending.Values.ToList(), ct);
        foreach (var row in _pending.Values) _prefetched[row.PatientId] = row;
        _pending.Clear();
    }

    /// <summary>Stored rows with each pending Patient's row in place of its stored one, plus pending rows that qualify.</summary>
    private List<MasterLinkRow> Overlay(IEnumerable<MasterLinkRow> stored, Func<MasterLinkRow, bool> qualifies) =>
        stored.Where(r => !_pending.ContainsKey(r.PatientId)).Concat(_pending.Values.Where(qualifies)).ToList();
}
