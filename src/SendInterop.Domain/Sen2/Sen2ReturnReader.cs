using System.Xml;
using N = SendInterop.Domain.Sen2.Sen2ElementNames;

namespace SendInterop.Domain.Sen2;

/// <summary>
/// Reads a SEN2 person-level return record by record, without loading the file: the header when opened, then one
/// <see cref="Sen2PersonRecord"/> per <c>Person</c> as <see cref="ReadRecords"/> is enumerated.
/// </summary>
/// <remarks>
/// <para><b>Import contract.</b> A record with any error (<see cref="Sen2PersonRecord.IsValid"/> false) must not be
/// imported, not even in part. A valid record may be imported on its own, whatever happens later in the file: every record
/// handed out was read to its end tag, so a truncated or otherwise broken file still yields its complete records and then
/// stops with a whole-file error in <see cref="FileErrors"/> (which says how many records were complete). A caller that wants
/// all-or-nothing per file reads to the end first (<see cref="ReadAll"/>) and imports only when <see cref="FileErrors"/> is
/// empty. A person seen earlier in the file makes the later record invalid (<see cref="Sen2Rule.DuplicatePerson"/>); the
/// first stays valid because it has already been handed out.</para>
/// <para><b>Safety.</b> DTDs are refused (no entity expansion, no external resolution), the file size and the size of one
/// record are capped (<see cref="Sen2ReaderOptions"/>), and no error message carries a name, birth date or identifier.</para>
/// </remarks>
public sealed class Sen2ReturnReader : IDisposable
{
    private const int MaxHeaderElements = 100;
    private const string PersonsPath = $"/{N.Message}/{N.Persons}";

    private readonly XmlReader _xml;
    private readonly Sen2ReaderOptions _options;
    private readonly Sen2DuplicatePersons _duplicates = new();
    private readonly List<Sen2Error> _fileErrors = [];
    private bool _enumerated;
    private bool _insideRecord;
    private bool _personsClosed;
    private bool _onCapturedElement;

    private Sen2ReturnReader(Stream stream, Sen2ReaderOptions options)
    {
        _options = options;
        _xml = XmlReader.Create(stream, new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = options.MaxCharacters,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        });
    }

    /// <summary>The header, or null when the file cannot be read as a SEN2 return (see <see cref="FileErrors"/>).</summary>
    public Sen2Header? Header { get; private set; }

    /// <summary>Whole-file problems. Non-empty means the file is not a complete, well-formed return.</summary>
    public IReadOnlyList<Sen2Error> FileErrors => _fileErrors;

    /// <summary>How many records were read to their end tag so far.</summary>
    public int CompleteRecords { get; private set; }

    /// <summary>Opens a return and reads its header. The stream stays open and owned by the caller.</summary>
    public static Sen2ReturnReader Open(Stream stream, Sen2ReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new Sen2ReturnReader(stream, options ?? Sen2ReaderOptions.Default);
        reader.ReadPrologue();
        return reader;
    }

    /// <summary>Reads a whole return into memory: for small files, tests, and all-or-nothing imports.</summary>
    public static Sen2ReadResult ReadAll(Stream stream, Sen2ReaderOptions? options = null)
    {
        using var reader = Open(stream, options);
        var records = reader.ReadRecords().ToList();
        return new Sen2ReadResult(reader.Header, records, reader.FileErrors);
    }

    /// <summary>The records, in file order, each complete. Enumerate once.</summary>
    public IEnumerable<Sen2PersonRecord> ReadRecords()
    {
        if (_enumerated) throw new InvalidOperationException("The records of a SEN2 return can be read only once.");
        _enumerated = true;
        return Header is null ? [] : Records(Header);
    }

    private IEnumerable<Sen2PersonRecord> Records(Sen2Header header)
    {
        while (TryReadPerson(out var node))
        {
            var index = CompleteRecords + 1;
            var (person, identity, errors) = Sen2PersonParser.Parse(node, index, header, _options);
            if (_duplicates.Check(index, node, identity) is { } duplicate)
            {
                errors = [.. errors, duplicate];
                person = null;
            }

            CompleteRecords = index;
            yield return new Sen2PersonRecord(index, node.Line, person, errors);
        }

        if (CompleteRecords == 0 && _fileErrors.Count == 0)
            _fileErrors.Add(new Sen2Error(null, PersonsPath, 0, 0, Sen2Rule.WrongRootOrSchema, "Persons holds no Person"));
    }

    private void ReadPrologue()
    {
        try
        {
            if (_xml.MoveToContent() != XmlNodeType.Element)
            {
                FileError($"/{N.Message}", Sen2Rule.NotWellFormedXml, "the file has no root element");
                return;
            }

            if (_xml.LocalName != N.Message || _xml.NamespaceURI.Length != 0)
            {
                FileError("/" + _xml.LocalName, Sen2Rule.WrongRootOrSchema, "the root element must be Message, with no namespace");
                return;
            }

            if (_xml.IsEmptyElement || !_xml.Read() || !NextElement() || !Is(N.Header))
            {
                FileError($"/{N.Message}", Sen2Rule.WrongRootOrSchema, "Message must begin with Header");
                return;
            }

            var (header, errors) = Sen2HeaderParser.Parse(Capture(MaxHeaderElements), _options);
            if (header is null)
            {
                _fileErrors.AddRange(errors);
                return;
            }

            if (!NextElement() || !Is(N.Persons))
            {
                FileError(PersonsPath, Sen2Rule.WrongRootOrSchema, "Persons must follow Header");
                return;
            }

            _personsClosed = _xml.IsEmptyElement;
            if (_personsClosed) _onCapturedElement = true;
            else _xml.Read();
            Header = header;
        }
        catch (XmlException ex)
        {
            XmlError(ex);
        }
        catch (Sen2RecordTooLargeException ex)
        {
            _fileErrors.Add(new Sen2Error(null, $"/{N.Message}/{N.Header}", ex.Line, ex.Position, Sen2Rule.SizeLimitExceeded, "Header has too many elements"));
        }
    }

    /// <summary>The next Person element, captured; false at the end of the file or when it cannot be read further.</summary>
    private bool TryReadPerson(out Sen2XmlNode node)
    {
        node = null!;
        try
        {
            while (!_personsClosed && NextElement())
            {
                _insideRecord = true;
                var element = Capture(_options.MaxElementsPerPerson);
                _insideRecord = false;
                if (!element.InNamespace && element.Name.Equals(N.Person, StringComparison.OrdinalIgnoreCase))
                {
                    node = element;
                    return true;
                }

                _fileErrors.Add(new Sen2Error(null, $"{PersonsPath}/{element.Name}", element.Line, element.Position, Sen2Rule.UnknownItem, "Persons may hold only Person elements"));
            }

            if (!_personsClosed)
            {
                _onCapturedElement = true; // on </Persons>: step past it like past a captured element
                _personsClosed = true;
            }

            while (NextElement())
            {
                var extra = Capture(_options.MaxElementsPerPerson);
                _fileErrors.Add(new Sen2Error(null, $"/{N.Message}/{extra.Name}", extra.Line, extra.Position, Sen2Rule.UnknownItem, "nothing may follow Persons in Message"));
            }

            // Past </Message> to the end, so junk after the root or a missing end tag is still reported.
            _onCapturedElement = false;
            while (_xml.Read())
            {
            }
        }
        catch (XmlException ex)
        {
            XmlError(ex);
        }
        catch (Sen2RecordTooLargeException ex)
        {
            _fileErrors.Add(new Sen2Error(null, $"{PersonsPath}/{N.Person}[{CompleteRecords + 1}]", ex.Line, ex.Position, Sen2Rule.SizeLimitExceeded,
                $"record {CompleteRecords + 1} has more than {_options.MaxElementsPerPerson} elements; reading stopped after {CompleteRecords} complete records"));
        }

        return false;
    }

    /// <summary>Moves to the next element among the current siblings; false at their parent's end tag or the end of the file.</summary>
    private bool NextElement()
    {
        if (_onCapturedElement)
        {
            // Stepping past the last element read happens only now, when more of the file is wanted.
            _onCapturedElement = false;
            _xml.Read();
        }

        while (!_xml.EOF)
        {
            if (_xml.NodeType == XmlNodeType.Element) return true;
            if (_xml.NodeType == XmlNodeType.EndElement) return false;
            _xml.Read();
        }

        return false;
    }

    private Sen2XmlNode Capture(int maxElements)
    {
        var node = Sen2XmlNode.Capture(_xml, maxElements);
        _onCapturedElement = true;
        return node;
    }

    private bool Is(string name) => _xml.NamespaceURI.Length == 0 && _xml.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Classifies a reader failure. The exception's own message is not passed on: it can quote the text that failed to parse.
    /// </summary>
    private void XmlError(XmlException ex)
    {
        var text = ex.Message;
        var (rule, message) = text.Contains("DTD", StringComparison.Ordinal)
            ? (Sen2Rule.DtdProhibited, "the file declares a DTD; DTDs and entities are not accepted")
            : text.Contains("MaxCharacters", StringComparison.Ordinal)
                ? (Sen2Rule.SizeLimitExceeded, $"the file is larger than {_options.MaxCharacters} characters")
                : text.Contains("Unexpected end of file", StringComparison.OrdinalIgnoreCase)
                    ? (Sen2Rule.TruncatedXml, "the XML ends before the document is complete")
                    : (Sen2Rule.NotWellFormedXml, "the file is not well-formed XML");
        if (Header is not null)
        {
            message += _insideRecord
                ? $"; records 1-{CompleteRecords} were complete, record {CompleteRecords + 1} is incomplete and was not read"
                : $"; records 1-{CompleteRecords} were complete";
        }

        // Some failures (a prohibited DTD) carry no position of their own: the reader's is where it stopped.
        var info = _xml as IXmlLineInfo;
        var (line, position) = ex.LineNumber != 0 ? (ex.LineNumber, ex.LinePosition) : (info?.LineNumber ?? 0, info?.LinePosition ?? 0);
        _fileErrors.Add(new Sen2Error(null, Header is null ? $"/{N.Message}" : PersonsPath, line, position, rule, message));
    }

    private void FileError(string path, Sen2Rule rule, string message)
    {
        var info = _xml as IXmlLineInfo;
        _fileErrors.Add(new Sen2Error(null, path, info?.LineNumber ?? 0, info?.LinePosition ?? 0, rule, message));
    }

    public void Dispose() => _xml.Dispose();
}

/// <summary>A whole return read by <see cref="Sen2ReturnReader.ReadAll"/>.</summary>
public sealed record Sen2ReadResult(Sen2Header? Header, IReadOnlyList<Sen2PersonRecord> Records, IReadOnlyList<Sen2Error> FileErrors)
{
    /// <summary>The header was read, the file is complete and well-formed, and every record is valid.</summary>
    public bool IsFullyValid => Header is not null && FileErrors.Count == 0 && Records.All(r => r.IsValid);
}
