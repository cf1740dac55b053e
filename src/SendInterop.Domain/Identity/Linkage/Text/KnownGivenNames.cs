using System.Collections.Frozen;
using SendInterop.Domain.Identity.Linkage.Synthetic;

namespace SendInterop.Domain.Identity.Linkage.Text;

/// <summary>
/// Given names we recognise as names in their own right (the popular English names and every nickname-table name).
/// Fuzzy name levels model misspellings; two correctly spelt, different names are not a misspelling of each other,
/// however alike they look (JACK and JOSHUA share a Soundex code; twins are often given alike names). So when both
/// given names are recognised and not nickname-equivalent, the comparison says "else", never "similar".
/// </summary>
public static class KnownGivenNames
{
    private static readonly FrozenSet<string> Names = Build();

    public static bool Contains(string? normalisedName) => normalisedName is not null && Names.Contains(normalisedName);

    private static FrozenSet<string> Build()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in UkNames.Boys.Concat(UkNames.Girls))
        {
            if (NameText.Normalise(name) is { } n)
            {
                names.Add(n);
            }
        }
        foreach (var family in Nicknames.AllFamilies)
        {
            foreach (var name in family)
            {
                names.Add(name);
            }
        }
        return names.ToFrozenSet(StringComparer.Ordinal);
    }
}
