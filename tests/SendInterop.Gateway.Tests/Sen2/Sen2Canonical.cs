using System.Xml.Linq;

namespace SendInterop.Gateway.Tests.Sen2;

/// <summary>
/// "The same return" for the round-trip tests: the same persons with the same items and values, whatever the order of
/// siblings, white space, element-name case or empty optional tags. Persons are compared as a sorted list of canonical strings,
/// so a failure shows which person differs.
/// </summary>
public static class Sen2Canonical
{
    public static List<string> Persons(string xml) =>
        XDocument.Parse(xml).Root!.Elements().First(e => e.Name.LocalName == "Persons").Elements()
            .Select(Of).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>The header items a return is about (not who made it, when, or with what software).</summary>
    public static string Identity(string xml)
    {
        var header = XDocument.Parse(xml).Root!.Elements().First(e => e.Name.LocalName == "Header");
        string Item(string name) => header.Descendants().First(e => e.Name.LocalName == name).Value.Trim();
        return $"{Item("Collection")}|{Item("Year")}|{Item("ReferenceDate")}|{Item("LEA")}";
    }

    private static string? Of(XElement element)
    {
        var name = element.Name.LocalName.ToLowerInvariant();
        var children = element.Elements().Select(Of).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (children.Count > 0) return $"{name}{{{string.Join(",", children)}}}";
        var text = element.Value.Trim();
        return text.Length == 0 ? null : $"{name}={text}";
    }
}
