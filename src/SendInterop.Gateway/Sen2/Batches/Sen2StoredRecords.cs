using SendInterop.Storage.Model;

namespace SendInterop.Gateway.Sen2.Batches;

/// <summary>
/// What a batch's look-ups found, as the importer may see it: the Patients that carry each child identifier, the resources
/// that carry each SEN2 record key, and (for children already stored) every current resource of the keyed types about
/// the child, from which the stale ones are chosen.
/// </summary>
public sealed class Sen2StoredRecords
{
    private readonly Dictionary<(string System, string Value), List<ResourceRecord>> _patients = [];
    private readonly Dictionary<(string Type, string Key), List<ResourceRecord>> _keyed = [];
    private readonly Dictionary<string, List<ResourceRecord>> _aboutChild = new(StringComparer.Ordinal);

    internal void AddPatient(string system, string value, ResourceRecord patient) => Add(_patients, (system, value), patient);

    internal void AddKeyed(string type, string key, ResourceRecord record) => Add(_keyed, (type, key), record);

    internal void AddAboutChild(string patientId, ResourceRecord record)
    {
        if (!_aboutChild.TryGetValue(patientId, out var list)) _aboutChild[patientId] = list = [];
        if (list.All(r => r.Key != record.Key)) list.Add(record);
    }

    /// <summary>The distinct Patients carrying any of the identifiers.</summary>
    public IReadOnlyList<ResourceRecord> PatientsWith(IEnumerable<(string System, string Value)> identifiers)
    {
        var found = new List<ResourceRecord>();
        foreach (var identifier in identifiers)
            if (_patients.TryGetValue(identifier, out var list))
                foreach (var p in list)
                    if (found.All(f => f.Key != p.Key)) found.Add(p);
        return found;
    }

    public IReadOnlyList<ResourceRecord> Keyed(string type, string key) => _keyed.GetValueOrDefault((type, key)) ?? [];

    public IReadOnlyList<ResourceRecord> AboutChild(string patientId) => _aboutChild.GetValueOrDefault(patientId) ?? [];

    private static void Add<TKey>(Dictionary<TKey, List<ResourceRecord>> map, TKey key, ResourceRecord record) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        if (list.All(r => r.Key != record.Key)) list.Add(record);
    }
}
