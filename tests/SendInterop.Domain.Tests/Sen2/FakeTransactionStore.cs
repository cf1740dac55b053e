using Hl7.Fhir.Model;

namespace SendInterop.Domain.Tests.Sen2;

/// <summary>
/// Just enough of a FHIR server to check idempotency: applies a transaction's conditional creates (<c>ifNoneExist</c>
/// identifier search, comma = OR) and conditional updates (<c>Type?identifier=system|value</c>) by identifier, as the
/// gateway does, and counts what it created.
/// </summary>
internal sealed class FakeTransactionStore
{
    private readonly List<Resource> _resources = [];
    private int _nextId;

    public IReadOnlyList<Resource> Resources => _resources;

    public int Created { get; private set; }

    public int Updated { get; private set; }

    public void Apply(Bundle transaction)
    {
        Assert.Equal(Bundle.BundleType.Transaction, transaction.Type);
        foreach (var entry in transaction.Entry)
        {
            var resource = (Resource)entry.Resource.DeepCopy();
            switch (entry.Request.Method)
            {
                case Bundle.HTTPVerb.POST:
                    Assert.False(string.IsNullOrEmpty(entry.Request.IfNoneExist), "every create is conditional");
                    if (Find(resource.TypeName, entry.Request.IfNoneExist) is null) Create(resource);
                    break;
                case Bundle.HTTPVerb.PUT:
                    var query = entry.Request.Url[(entry.Request.Url.IndexOf('?') + 1)..];
                    Assert.StartsWith(resource.TypeName + "?", entry.Request.Url);
                    var existing = Find(resource.TypeName, query);
                    if (existing is null)
                    {
                        Create(resource);
                    }
                    else
                    {
                        resource.Id = existing.Id;
                        _resources[_resources.IndexOf(existing)] = resource;
                        Updated++;
                    }

                    break;
                default:
                    Assert.Fail("unexpected method " + entry.Request.Method);
                    break;
            }
        }
    }

    private void Create(Resource resource)
    {
        resource.Id = (++_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _resources.Add(resource);
        Created++;
    }

    private Resource? Find(string type, string query)
    {
        Assert.StartsWith("identifier=", query);
        var wanted = query["identifier=".Length..].Split(',')
            .Select(token => token.Split('|'))
            .Select(parts => (System: Uri.UnescapeDataString(parts[0]), Value: Uri.UnescapeDataString(parts[1])))
            .ToList();
        var matches = _resources.Where(r => r.TypeName == type && IdentifiersOf(r).Any(i => wanted.Contains((i.System, i.Value)))).ToList();
        Assert.True(matches.Count <= 1, "a conditional search matched more than one resource");
        return matches.SingleOrDefault();
    }

    private static IEnumerable<Identifier> IdentifiersOf(Resource resource) => resource switch
    {
        Patient p => p.Identifier,
        ServiceRequest s => s.Identifier,
        CarePlan c => c.Identifier,
        Condition c => c.Identifier,
        Encounter e => e.Identifier,
        _ => [],
    };
}
