using System.Xml.Linq;

namespace SendInterop.Domain.Tests.Sen2;

/// <summary>
/// A test oracle for "equivalent SEN2 XML": same records, values and codes, whatever the sibling order, white space,
/// spelling variant (case, PlanWPB/WPB), yes/no spelling (1/true) or empty optional tags. Written independently of the
/// reader so a reader bug cannot hide itself.
/// </summary>
internal static class Sen2CanonicalXml
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase) { ["planwpb"] = "planwbp", ["wpb"] = "wbp" };

    public static string Of(string xml) => Canonical(XDocument.Parse(xml).Root!) ?? "";

    private static string? Canonical(XElement element)
    {
        var name = element.Name.LocalName.ToLowerInvariant();
        name = Aliases.GetValueOrDefault(name, name);
        var children = element.Elements().Select(Canonical).OfType<string>().Order(StringComparer.Ordinal).ToList();
        if (children.Count > 0) return $"{name}{{{string.Join(",", children)}}}";
        var text = element.Value.Trim();
        if (text.Length == 0) return null;
        text = text.ToLowerInvariant() switch { "true" => "1", "false" => "0", _ => text };
        return $"{name}={text}";
    }
}
