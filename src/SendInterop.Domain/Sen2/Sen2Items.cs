namespace SendInterop.Domain.Sen2;

/// <summary>
/// The children of one element grouped by item (any order, any case, known aliases), with unknown and repeated items
/// already reported. Blank elements count as absent (SEN2.md section 3).
/// </summary>
internal sealed class Sen2Items
{
    private readonly Sen2ElementSpec _spec;
    private readonly List<Sen2XmlNode>?[] _slots;

    private Sen2Items(Sen2XmlNode node, string path, Sen2ElementSpec spec)
    {
        Node = node;
        Path = path;
        _spec = spec;
        _slots = new List<Sen2XmlNode>?[spec.Items.Length];
    }

    /// <summary>The element whose items these are.</summary>
    public Sen2XmlNode Node { get; }

    /// <summary>The element's path.</summary>
    public string Path { get; }

    public static Sen2Items Group(Sen2XmlNode node, string path, Sen2ElementSpec spec, Sen2RecordErrors errors)
    {
        var items = new Sen2Items(node, path, spec);
        if (node.Children is null)
        {
            if (!string.IsNullOrWhiteSpace(node.Text))
                errors.Add(node, path, Sen2Rule.UnknownItem, $"{spec.Name} holds text where it should hold items");
            return items;
        }

        foreach (var child in node.Children)
        {
            var slot = child.InNamespace ? -1 : spec.IndexOf(child.Name);
            if (slot < 0)
            {
                errors.Add(child, $"{path}/{child.Name}", Sen2Rule.UnknownItem, $"{child.Name} is not an item of {spec.Name}");
                continue;
            }

            if (child.IsBlank) continue;
            var list = items._slots[slot] ??= new List<Sen2XmlNode>(1);
            list.Add(child);
            if (!spec.Repeats[slot] && list.Count == 2)
                errors.Add(child, $"{path}/{child.Name}", Sen2Rule.DuplicateItem, $"{spec.Items[slot]} may occur only once in {spec.Name}");
        }

        return items;
    }

    /// <summary>The (first) element of a single item, or null when absent.</summary>
    public Sen2XmlNode? One(string item) => _slots[Slot(item)] is { Count: > 0 } list ? list[0] : null;

    /// <summary>Every element of a repeating item, in file order.</summary>
    public IReadOnlyList<Sen2XmlNode> Many(string item) => _slots[Slot(item)] ?? (IReadOnlyList<Sen2XmlNode>)[];

    /// <summary>The path of an item, indexed when it repeats: <c>.../PlanDetail[2]</c>.</summary>
    public string PathOf(string item, int index = 0) => index == 0 ? $"{Path}/{item}" : $"{Path}/{item}[{index}]";

    private int Slot(string item)
    {
        var slot = _spec.IndexOf(item);
        return slot >= 0 ? slot : throw new ArgumentOutOfRangeException(nameof(item), item, $"not an item of {_spec.Name}");
    }
}
