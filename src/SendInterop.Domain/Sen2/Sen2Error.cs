namespace SendInterop.Domain.Sen2;

/// <summary>The rule a SEN2 file or record breaks. One value per rule so importers can count and report by rule.</summary>
public enum Sen2Rule
{
    // Whole file: nothing after the point of failure is read.
    /// <summary>The input is not well-formed XML.</summary>
    NotWellFormedXml,

    /// <summary>The XML ends before the document is complete (a truncated upload or copy).</summary>
    TruncatedXml,

    /// <summary>A DTD or entity declaration: refused, never expanded (billion-laughs, external entities).</summary>
    DtdProhibited,

    /// <summary>
    /// The file exceeds <see cref="Sen2ReaderOptions.MaxCharacters"/> or a record its element limit (whole file: reading
    /// stops); or one item's value exceeds <see cref="Sen2ReaderOptions.MaxValueLength"/> (that record only).
    /// </summary>
    SizeLimitExceeded,

    /// <summary>The root is not <c>Message</c> without a namespace, or Header/Persons are missing or out of place.</summary>
    WrongRootOrSchema,

    /// <summary>The header says another collection, or a collection year this reader does not support.</summary>
    UnsupportedCollection,

    /// <summary>A header item is missing or invalid.</summary>
    InvalidHeader,

    // One record.
    /// <summary>A mandatory item (or one of a mandatory choice) is missing or empty.</summary>
    MissingMandatoryItem,

    /// <summary>An element this structure does not have (misspelt, misplaced or from another layout).</summary>
    UnknownItem,

    /// <summary>An item that may occur once occurs more than once, or two siblings share a rank or a received date.</summary>
    DuplicateItem,

    /// <summary>A value not on the item's code list (for its collection year).</summary>
    InvalidCode,

    /// <summary>A date that is not a valid YYYY-MM-DD date.</summary>
    InvalidDate,

    /// <summary>A yes/no item that is not 0, 1, true or false.</summary>
    InvalidBoolean,

    /// <summary>A number item (rank) that is not a positive whole number.</summary>
    InvalidNumber,

    /// <summary>UPN fails its format or DfE modulus 23 check letter.</summary>
    InvalidUpn,

    /// <summary>ULN fails its format or modulus 11 check digit.</summary>
    InvalidUln,

    /// <summary>A URN, UKPRN or LA code that breaks its format.</summary>
    InvalidIdentifier,

    /// <summary>Items that contradict each other (a UPNunknown reason beside a UPN).</summary>
    ConflictingItems,

    /// <summary>Dates in an impossible order (a decision before its request, a birth after the census day).</summary>
    DatesOutOfOrder,

    /// <summary>The same person (same UPN, ULN, or name, birth date and postcode) appears earlier in the file.</summary>
    DuplicatePerson,
}

/// <summary>
/// One broken rule, located by record position and element path (never by name, birth date or identifier, so it can be
/// logged). <see cref="Value"/> carries an offending code only where the rule is <see cref="Sen2Rule.InvalidCode"/>,
/// <see cref="Sen2Rule.InvalidBoolean"/> or <see cref="Sen2Rule.InvalidNumber"/>: code values are not personal data.
/// </summary>
/// <param name="Record">1-based position of the Person in the file; null for a whole-file error.</param>
/// <param name="Path">Element path, e.g. <c>/Message/Persons/Person[3]/Requests[1]/Assessment/NamedPlan/StartDate</c>.</param>
/// <param name="Line">1-based line of the element (of its parent when the element is missing); 0 when unknown.</param>
/// <param name="Position">1-based column, as <see cref="Line"/>.</param>
public sealed record Sen2Error(int? Record, string Path, int Line, int Position, Sen2Rule Rule, string Message, string? Value = null)
{
    public override string ToString() =>
        (Record is { } r ? $"record {r} " : "file ") + $"{Path} ({Line}:{Position}) {Rule}: {Message}" + (Value is null ? "" : $" [{Value}]");
}
