using System.Xml;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// One element of a record as read from the stream: name, location, text and children, nothing else. The reader captures
/// one Person at a time into these (a few small objects per item, names atomised by the XmlReader's name table) and drops
/// them once the record is parsed, so memory stays flat however large the file is.
/// </summary>
internal sealed class Sen2XmlNode
{
    private Sen2XmlNode(string name, bool inNamespace, int line, int position)
    {
        Name = name;
        InNamespace = inNamespace;
        Line = line;
        Position = position;
    }

    /// <summary>The local name as written in the file.</summary>
    public string Name { get; }

    /// <summary>True when the element has a namespace: SEN2 has none, so such an element is not a SEN2 item.</summary>
    public bool InNamespace { get; }

    public int Line { get; }

    public int Position { get; }

    /// <summary>The element's text (null when it has none).</summary>
    public string? Text { get; private set; }

    public List<Sen2XmlNode>? Children { get; private set; }

    /// <summary>No child elements and no text other than white space: SEN2.md treats such an element as absent.</summary>
    public bool IsBlank => Children is null && string.IsNullOrWhiteSpace(Text);

    /// <summary>
    /// Reads the element the reader is on, and everything inside it, leaving the reader on its end tag (or on the element
    /// itself when it is empty). It never reads past the element, so a file cut just after a record still yields the record.
    /// </summary>
    /// <exception cref="XmlException">The XML is malformed or ends inside the element.</exception>
    /// <exception cref="Sen2RecordTooLargeException">More than <paramref name="maxElements"/> elements.</exception>
    public static Sen2XmlNode Capture(XmlReader reader, int maxElements)
    {
        var lineInfo = reader as IXmlLineInfo;
        var root = Create(reader, lineInfo);
        if (reader.IsEmptyElement) return root;

        var open = new Stack<Sen2XmlNode>();
        open.Push(root);
        var count = 1;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (++count > maxElements) throw new Sen2RecordTooLargeException(root.Line, root.Position);
                    var child = Create(reader, lineInfo);
                    var parent = open.Peek();
                    (parent.Children ??= new List<Sen2XmlNode>(8)).Add(child);
                    if (!reader.IsEmptyElement) open.Push(child);
                    break;
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                    var top = open.Peek();
                    top.Text = top.Text is null ? reader.Value : top.Text + reader.Value;
                    break;
                case XmlNodeType.EndElement:
                    open.Pop();
                    if (open.Count == 0) return root;
                    break;
            }
        }

        // XmlReader throws before this for a document that ends inside an element; kept so the contract holds regardless.
        throw new XmlException("Unexpected end of file.", null, lineInfo?.LineNumber ?? 0, lineInfo?.LinePosition ?? 0);
    }

    private static Sen2XmlNode Create(XmlReader reader, IXmlLineInfo? lineInfo) =>
        new(reader.LocalName, reader.NamespaceURI.Length != 0, lineInfo?.LineNumber ?? 0, lineInfo?.LinePosition ?? 0);
}

/// <summary>A record holds more elements than <see cref="Sen2ReaderOptions.MaxElementsPerPerson"/>.</summary>
internal sealed class Sen2RecordTooLargeException(int line, int position) : Exception("SEN2 record exceeds the element limit")
{
    public int Line { get; } = line;

    public int Position { get; } = position;
}
